/**
 * The open call (issue 12, api.md "The open call"): the public list with Chinese search, filters
 * and pagination, a public call, its notice, the Atom feed, and objections from anyone — each
 * both ways, without a token, on the real app and database.
 */
import { execFileSync } from 'node:child_process';
import { inflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rebuildPublicListing } from '../../src/engine/public/listing.js';
import { type Parties, registerParties, techDraft, UNITS } from '../helpers/fixtures.js';
import { type Harness, type Json, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { publicObjector } from '../helpers/open-call-fixtures.js';
import { anonymous } from '../helpers/public.js';
import { databaseEnv } from '../helpers/store.js';
import { multipartBody, pdfOf } from '../helpers/uploads.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

const list = async (query = '') => {
  const r = await anonymous(h, 'GET', `/api/v1/public/challenges${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { items: Json[]; nextCursor: string | null };
};
const ids = async (query = '') => (await list(query)).items.map((i) => i.id);
const search = (q: string) => ids(`?q=${encodeURIComponent(q)}`);
const objection = (id: string, body: Record<string, unknown>) =>
  anonymous(h, 'POST', `/api/v1/public/challenges/${id}/objections`, body);
const objector = publicObjector;

describe('the public list', () => {
  it('shows a published call without a token, and never an unpublished one (404, absent from list, search and feed)', async () => {
    const draft = await new ChallengeDriver(h, p).create(techDraft({ title: '草稿中的储能电站运维平台' }));
    const inReview = await new ChallengeDriver(h, p).create(techDraft({ title: '审核中的储能电池回收' }));
    await inReview.toPublication();
    const published = await new ChallengeDriver(h, p).create();
    await published.toMatching();

    expect(await ids()).toEqual([published.id]);
    for (const hidden of [draft.id, inReview.id]) {
      expect((await anonymous(h, 'GET', `/api/v1/public/challenges/${hidden}`)).status).toBe(404);
      expect((await anonymous(h, 'GET', `/api/v1/public/challenges/${hidden}/notice`)).status).toBe(404);
    }
    expect(await search('储能')).toEqual([]);
    const feed = await anonymous(h, 'GET', '/api/v1/public/feed.atom');
    expect(feed.status).toBe(200);
    expect(String(feed.headers['content-type'])).toContain('application/atom+xml');
    expect(feed.body).toContain('大型风电装备关键轴承国产化攻关');
    expect(feed.body).not.toContain('储能');
    expect(feed.body).not.toContain(draft.id);

    const one = await anonymous(h, 'GET', `/api/v1/public/challenges/${published.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id: published.id,
      title: '大型风电装备关键轴承国产化攻关',
      issuerName: '新疆某装备制造有限公司',
      districtName: '乌鲁木齐市某区科技局',
      indicators: ['寿命 ≥ 20 年', '承载 ≥ 5 MW'],
      solverFundingCny: 3_000_000,
      biddingOpen: true,
      notice: null,
    });
    expect(one.body.contacts.length).toBeGreaterThan(0);
    // A draft's people and the registry are not public.
    expect(JSON.stringify(one.body)).not.toMatch(/p-lead|p-m1|leader|team/);
  });

  it('finds a two-character Chinese word inside a title, summary, indicator or issuer name, and not an absent one', async () => {
    const bearing = await new ChallengeDriver(h, p).create();
    await bearing.toMatching();
    const storage = await new ChallengeDriver(h, p).create(
      techDraft({
        title: '新型储能电站智能运维平台',
        summary: '面向风光储一体化的运维。',
        domain: 'storage',
        indicators: ['循环效率 ≥ 90%'],
      }),
    );
    await storage.toMatching();

    expect(await search('风电')).toEqual([bearing.id]); // inside 大型风电装备…
    expect(await search('轴承')).toEqual([bearing.id]);
    expect(await search('储能')).toEqual([storage.id]);
    expect(await search('运维')).toEqual([storage.id]); // title and summary
    expect(await search('寿命')).toEqual([bearing.id]); // an indicator
    expect(await search('效率')).toEqual([storage.id]);
    expect((await search('装备制造')).sort()).toEqual([bearing.id, storage.id].sort()); // the issuer's name
    expect(await search('国产化攻关')).toEqual([bearing.id]);
    expect(await search('航天')).toEqual([]);
    expect(await search('风轴')).toEqual([]); // both characters occur, never together
    expect(await search('储能 平台')).toEqual([storage.id]); // every word must occur
    expect(await search('储能 轴承')).toEqual([]);
    expect(await search('储')).toEqual([storage.id]); // one character
    expect(await search('"*')).toEqual([]); // punctuation only: nothing, and no 500
  });

  it('ranks a title match above a match in the text only', async () => {
    const inSummary = await new ChallengeDriver(h, p).create(
      techDraft({ title: '智能装备检测平台', summary: '含风电场巡检。' }),
    );
    await inSummary.toMatching();
    const inTitle = await new ChallengeDriver(h, p).create(techDraft({ title: '风电叶片缺陷检测', summary: '叶片。' }));
    await inTitle.toMatching();
    expect(await search('风电')).toEqual([inTitle.id, inSummary.id]);
  });

  it('filters by kind, domain, district and open bidding, and pages with a cursor', async () => {
    const made: string[] = [];
    for (const title of ['一号风电榜', '二号风电榜', '三号风电榜']) {
      const s = await new ChallengeDriver(h, p).create(techDraft({ title }));
      await s.toMatching();
      made.push(s.id);
    }
    const closed = await new ChallengeDriver(h, p).create(techDraft({ title: '四号风电榜' }));
    await closed.toExpertReview();

    expect((await ids('?domain=equipment')).length).toBe(4);
    expect(await ids('?domain=storage')).toEqual([]);
    expect((await ids('?kind=techBreakthrough')).length).toBe(4);
    expect(await ids('?kind=achievementTransfer')).toEqual([]);
    expect((await ids(`?district=${UNITS.district}`)).length).toBe(4);
    expect(await ids('?district=none')).toEqual([]);
    expect((await ids('?open=true')).sort()).toEqual([...made].sort());
    expect(await ids('?open=true')).not.toContain(closed.id);
    expect((await anonymous(h, 'GET', '/api/v1/public/challenges?kind=nonsense')).status).toBe(400);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Json[]; nextCursor: string | null } = await list(
        `?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBe(1);
      seen.push(page.items[0].id);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...made, closed.id].sort());

    const first = await list(`?q=${encodeURIComponent('风电')}&limit=3`);
    expect(first.items.length).toBe(3);
    const rest = await list(`?q=${encodeURIComponent('风电')}&limit=3&cursor=${first.nextCursor}`);
    expect(rest.items.length).toBe(1);
    expect(rest.nextCursor).toBeNull();
    expect((await anonymous(h, 'GET', '/api/v1/public/challenges?cursor=garbage')).status).toBe(400);
  });

  it('is rebuilt from the log to exactly what the commits kept', async () => {
    const a = await new ChallengeDriver(h, p).create();
    await a.toAnnouncement();
    const b = await new ChallengeDriver(h, p).create(techDraft({ title: '储能电站运维' }));
    await b.toMatching();
    await new ChallengeDriver(h, p).create();
    const db = h.app.jiebang.db;
    const dump = async () => ({
      rows: await db.$port.query('SELECT * FROM public_challenges ORDER BY id'),
      text: await db.$port.query('SELECT id, title, body FROM public_challenges_fts ORDER BY id'),
    });
    const kept = await dump();
    expect(kept.rows.length).toBe(2);
    await db.$port.run('DELETE FROM public_challenges_fts');
    await db.$port.run('DELETE FROM public_challenges');
    expect(await ids()).toEqual([]);
    expect(await rebuildPublicListing(h.app.jiebang.db, h.now())).toBe(2);
    const rebuilt = await dump();
    const withoutTime = (rows: unknown[]) => rows.map((r) => ({ ...(r as object), updated_at: undefined }));
    expect(withoutTime(rebuilt.rows)).toEqual(withoutTime(kept.rows));
    expect(rebuilt.text).toEqual(kept.text);
    // The same from the command line, on the database file.
    await db.$port.run('DELETE FROM public_challenges_fts');
    await db.$port.run('DELETE FROM public_challenges');
    const out = execFileSync('npx', ['tsx', 'src/cli.ts', 'rebuild-public'], {
      cwd: new URL('../../', import.meta.url),
      env: {
        ...process.env,
        ...databaseEnv(h.dbFile, h.dir),
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
    });
    expect(out).toMatch(/^rebuilt 2 public calls from the log/);
    expect(withoutTime((await dump()).rows)).toEqual(withoutTime(kept.rows));
  });
});

describe('the notice and objections from the public', () => {
  it('shows the notice once announced (404 before), and records a named objection as OBJECT by the public', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toExpertReview();
    expect((await anonymous(h, 'GET', `/api/v1/public/challenges/${s.id}/notice`)).status).toBe(404);
    expect((await objection(s.id, objector)).status).toBe(422);
    await s.reviewAndSelect(['bid-1']);

    const notice = await anonymous(h, 'GET', `/api/v1/public/challenges/${s.id}/notice`);
    expect(notice.status).toBe(200);
    expect(notice.body).toMatchObject({
      challengeId: s.id,
      title: '大型风电装备关键轴承国产化攻关',
      selected: [{ bidId: 'bid-1', leadUnitName: '某大学', memberUnitNames: [], panelScore: 80 }],
      objectionsOpen: true,
    });
    expect(notice.body.noticeEndsAt).toEqual(expect.any(String));

    const filed = await objection(s.id, { ...objector, unit: '某公司' });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body).toEqual({ objectionId: 'obj-1' });

    const view = await s.view(p.bureau);
    expect(view.details.objections).toMatchObject([
      { objectionId: 'obj-1', objector: { name: '张三' }, status: 'open' },
    ]);
    const entry = (await s.history(p.bureau)).at(-1) as Json;
    expect(entry).toMatchObject({
      type: 'OBJECT',
      actor: { role: 'public' },
      payload: { contact: '13800000000', affiliation: '某公司' },
    });
    // The contact is the bureau's and auditors' to read: the issuing unit's history withholds it.
    const auditorEntry = (await s.history(p.auditor)).at(-1) as Json;
    expect(auditorEntry.payload.contact).toBe('13800000000');
    const issuerHistory = await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.issuer);
    const issuerEntry = issuerHistory.body.items.at(-1) as Json;
    expect(issuerEntry.payload.contact).toBeUndefined();
    expect(issuerEntry.withheld).toContain('payload.contact');
    // The bureau resolves it like any other.
    const resolved = await s.send(p.bureau, {
      type: 'RESOLVE_OBJECTION',
      objectionId: 'obj-1',
      upheld: false,
      opinion: '经核查异议不成立',
    });
    expect(resolved.status).toBe(200);
  });

  it('refuses an anonymous or empty objection (400/422 X-2), and one after the notice ended (422)', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toAnnouncement();
    const anon = await objection(s.id, { ...objector, name: '  ' });
    expect(anon.status).toBe(422);
    expect(anon.body.error.clause).toBe('X-2');
    expect((await objection(s.id, { ...objector, text: '' })).status).toBe(400);
    expect((await objection(s.id, { name: '张三', text: '无联系方式' })).status).toBe(400);
    expect((await objection(s.id, { ...objector, extra: 1 })).status).toBe(400);
    expect((await objection('no-such-challenge', objector)).status).toBe(404);

    const view = await s.view();
    const endsAt = view.details.noticeEndsAt as string;
    // Just inside: at the notice's last instant (before the timer fires) it is still taken.
    await s.clockTo(endsAt);
    expect((await objection(s.id, objector)).status).toBe(201);
    await s.clockTo(new Date(Date.parse(endsAt) + 60_000).toISOString());
    const late = await objection(s.id, objector);
    expect(late.status).toBe(422);
    expect(late.body.error.clause).toBe('X-2');
    const notice = await anonymous(h, 'GET', `/api/v1/public/challenges/${s.id}/notice`);
    expect(notice.body.objectionsOpen).toBe(false);
  });

  it('takes at least 10 objections an hour from one address, then 429', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toAnnouncement();
    for (let i = 0; i < 10; i++) expect((await objection(s.id, { ...objector, text: `异议 ${i}` })).status).toBe(201);
    const limited = await objection(s.id, objector);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  });
});

describe('no personal data in any public answer', () => {
  it('over a whole lifecycle, no person id, team member, expert, objector name or phone reaches a public response', async () => {
    const bodies: string[] = [];
    const s = new ChallengeDriver(h, p);
    const look = async () => {
      for (const url of [
        '/api/v1/public/challenges',
        `/api/v1/public/challenges?q=${encodeURIComponent('风电')}`,
        '/api/v1/public/challenges?open=true',
        `/api/v1/public/challenges/${s.id}`,
        `/api/v1/public/challenges/${s.id}/notice`,
        '/api/v1/public/feed.atom',
      ]) {
        const r = await anonymous(h, 'GET', url);
        bodies.push(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
      }
    };
    await s.create();
    await look();
    await s.toMatching();
    await look();
    await s.bidAndAgree([{ bidId: 'bid-1' }]);
    await look();
    await s.closeMatching();
    await s.reviewAndSelect(['bid-1']);
    await look();
    expect((await objection(s.id, objector)).status).toBe(201);
    await look();
    await s.send(p.bureau, { type: 'RESOLVE_OBJECTION', objectionId: 'obj-1', upheld: false, opinion: '不成立' });
    await s.runOutTheNotice();
    await look();
    await s.registerContractsAndStart();
    await look();

    expect(bodies.join('').length).toBeGreaterThan(5000);
    const text = bodies.join('\n');
    expect(text).toContain('大型风电装备关键轴承国产化攻关'); // the scan reads real answers
    const people = /\b(p-lead|p-m1|p-m2|a-lead|a-m1|b-lead|b-m1|c-lead|t-lead|t-m1)(\.\d+)*\b/;
    expect(text).not.toMatch(people);
    expect(text).not.toMatch(/"e[1-5]"/); // experts
    expect(text).not.toContain('张三'); // the objector
    expect(text).not.toContain('13800000000'); // the objector's phone
    expect(text).not.toMatch(/requestedFundingCny|agreedFundingCny|"score"|records|panel"/);
  });
});

describe('the printable notice', () => {
  it('is a PDF with the programme header and an embedded Chinese font, once announced (404 before)', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toExpertReview();
    expect((await anonymous(h, 'GET', `/api/v1/public/challenges/${s.id}/notice.pdf`)).status).toBe(404);
    await s.reviewAndSelect(['bid-1']);
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/public/challenges/${s.id}/notice.pdf` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const raw = pdf.toString('latin1');
    // The font is embedded (a font file stream), not merely named, and it is Noto Sans SC.
    expect(raw).toMatch(/\/FontFile[23]? /);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansHans/);
    // Its text is Chinese: the title and the selected unit are in the document's Unicode map.
    const streams = [...raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)].map((m) => {
      try {
        return inflateSync(Buffer.from(m[1] as string, 'latin1')).toString('latin1');
      } catch {
        return '';
      }
    });
    const toUnicode =
      streams
        .join('\n')
        .match(/<[0-9a-f]{4}> <[0-9a-f]{4,}>/gi)
        ?.join(' ') ?? '';
    const codes = (s: string) => [...s].map((c) => (c.codePointAt(0) as number).toString(16).padStart(4, '0'));
    for (const code of codes('开榜公告某大学')) expect(toUnicode.toLowerCase()).toContain(`<${code}>`);
  });
});

describe('evidence for an objection', () => {
  const uploadEvidence = async (id: string, label: string) => {
    const { body, headers } = multipartBody(pdfOf(label), `${label}.pdf`, 'application/pdf');
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/public/challenges/${id}/evidence`,
      headers,
      payload: body,
    });
    return { status: res.statusCode, body: JSON.parse(res.body) as Json };
  };

  it('anyone uploads one file while the notice runs and the objection names it; an objection naming a file not uploaded is 422 P-7', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toExpertReview();
    expect((await uploadEvidence(s.id, 'too early')).status).toBe(422);
    expect((await uploadEvidence('no-such', 'x')).status).toBe(404);
    await s.reviewAndSelect(['bid-1']);

    const up = await uploadEvidence(s.id, '检测报告');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), contentType: 'application/pdf' });
    const filed = await objection(s.id, { ...objector, evidenceSha256: up.body.sha256 });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const entry = (await s.history(p.bureau)).at(-1) as Json;
    expect(entry.payload.evidenceSha256).toBe(up.body.sha256);
    expect(entry.facts).toEqual({ uploads: { [up.body.sha256]: true } });

    const missing = await objection(s.id, { ...objector, evidenceSha256: 'a'.repeat(64) });
    expect(missing.status).toBe(422);
    expect(missing.body.error.clause).toBe('P-7');
    expect((await objection(s.id, { ...objector, evidenceSha256: 'not-a-hash' })).status).toBe(400);
  });
});
