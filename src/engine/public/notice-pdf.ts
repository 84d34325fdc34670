/**
 * The printable notice (开榜公告) as a PDF: the programme's header, the selected teams with the
 * panel's scores, the notice period and how to object, in Chinese, with Noto Sans SC (the
 * `@embedpdf/fonts-sc` package) embedded as a subset so it prints the same everywhere.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { PublicNotice } from './queries.js';

const require = createRequire(import.meta.url);
// The package exports only its index (dist/); its fonts sit beside dist/ in fonts/.
const fontsDir = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
const REGULAR = join(fontsDir, 'NotoSansHans-Regular.otf');
const BOLD = join(fontsDir, 'NotoSansHans-Bold.otf');

const beijing = (iso: string | null) => {
  if (iso === null) return '—';
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
};

export interface NoticePdfInput {
  notice: PublicNotice;
  programmeName: string;
  issuerName: string;
  contacts: { office: string; name: string; phones: string[] }[];
  /** When the PDF is made (its date line and metadata); the clock's now. */
  at: Date;
}

export function noticePdf(input: NoticePdfInput): Promise<Buffer> {
  const { notice } = input;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 64, bottom: 64, left: 64, right: 64 },
    info: { Title: `开榜公告：${notice.title}`, Author: '乌鲁木齐市科学技术局', CreationDate: input.at },
    lang: 'zh-CN',
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', REGULAR);
  doc.registerFont('bold', BOLD);
  const width = doc.page.width - 128;

  doc.font('bold').fontSize(13).fillColor('#b71c1c').text('乌鲁木齐市科学技术局', { align: 'center' });
  doc.moveDown(0.3).fontSize(20).text('揭榜挂帅项目开榜公告', { align: 'center' });
  doc.moveDown(0.2).font('regular').fontSize(11).fillColor('#333').text(input.programmeName, { align: 'center' });
  doc
    .moveTo(64, doc.y + 8)
    .lineTo(64 + width, doc.y + 8)
    .lineWidth(1.5)
    .strokeColor('#b71c1c')
    .stroke();
  doc.moveDown(1.5).fillColor('#000').fontSize(12);
  doc.text(
    `根据“揭榜挂帅”项目实施指南，经专家评审和市科技局审定，“${notice.title}”（发榜单位：${input.issuerName}）拟由以下团队揭榜，现予以公示。`,
    { width, lineGap: 4 },
  );
  doc.moveDown();

  const cols = [
    { title: '序号', w: 40 },
    { title: '牵头单位', w: 170 },
    { title: '联合单位', w: width - 40 - 170 - 90 },
    { title: '专家评审得分', w: 90 },
  ];
  const row = (cells: string[], font: 'regular' | 'bold') => {
    const top = doc.y;
    let x = 64;
    let height = 0;
    doc.font(font).fontSize(11);
    for (const [i, cell] of cells.entries())
      height = Math.max(height, doc.heightOfString(cell, { width: (cols[i]?.w ?? 80) - 8 }));
    cells.forEach((cell, i) => {
      const w = cols[i]?.w ?? 80;
      doc
        .rect(x, top, w, height + 8)
        .lineWidth(0.5)
        .strokeColor('#999')
        .stroke();
      doc.text(cell, x + 4, top + 4, { width: w - 8 });
      x += w;
    });
    doc.x = 64;
    doc.y = top + height + 8;
  };
  row(
    cols.map((c) => c.title),
    'bold',
  );
  for (const [i, s] of notice.selected.entries())
    row(
      [
        String(i + 1),
        s.leadUnitName,
        s.memberUnitNames.join('、') || '—',
        s.panelScore === null ? '—' : s.panelScore.toFixed(2),
      ],
      'regular',
    );
  doc.moveDown(1.5).font('regular').fontSize(12);
  doc.text(`公示期：即日起至 ${beijing(notice.noticeEndsAt)}（北京时间）。`, 64, doc.y, { width, lineGap: 4 });
  doc.moveDown(0.5);
  doc.text(
    '公示期内，任何单位和个人对公示内容有异议的，可通过本平台开榜公告页面或向下列联系人实名提出，并提供必要的证明材料。匿名异议不予受理。',
    { width, lineGap: 4 },
  );
  doc.moveDown(0.5);
  for (const c of input.contacts) doc.text(`${c.office}：${c.name}  ${c.phones.join('，')}`, { width });
  doc.moveDown(2);
  doc.text('乌鲁木齐市科学技术局', { width, align: 'right' });
  doc.text(beijing(input.at.toISOString()).replace(/ .*/, ''), { width, align: 'right' });
  doc.end();
  return done;
}
