/**
 * Uploads (issue 5): multipart in, stored content-addressed by SHA-256 outside the database,
 * limited per programme, typed; ATTACH, RECORD_PAYMENT and SUBMIT_FINAL_REPORT name only a hash
 * uploaded to that challenge (P-7, a fact stored in the event).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wlmq2026 } from '../../machines/programme.js';
import { sqliteClientOf } from '../../src/db/sqlite/open.js';
import { type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { pdfOf, sha256Of, upload } from '../helpers/uploads.js';

let h: Harness;
let p: Parties;
beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterAll(async () => h.close());

const filesDir = () => join(dirname(h.dbFile), 'files');
const attachmentRows = (id: string) =>
  sqliteClientOf(h.app.jiebang.db).prepare('SELECT * FROM attachments WHERE challenge_id = ?').all(id) as {
    sha256: string;
    filename: string;
  }[];

describe('POST /challenges/:id/attachments', () => {
  it('stores the file under its SHA-256, never under the client path, and records the upload', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const content = pdfOf('申请书');
    const r = await upload(h, p.issuer, s.id, content, '../../../etc/passwd.pdf');
    expect(r.status).toBe(201);
    const sha256 = sha256Of(content);
    expect(r.body).toEqual({ sha256, size: content.length, filename: 'passwd.pdf', contentType: 'application/pdf' });
    const stored = join(filesDir(), sha256.slice(0, 2), sha256);
    expect(readFileSync(stored)).toEqual(content);
    expect(existsSync(join(filesDir(), 'passwd.pdf'))).toBe(false);
    expect(attachmentRows(s.id)).toMatchObject([{ sha256, filename: 'passwd.pdf' }]);
    // The same file again: one stored copy, one row.
    expect((await upload(h, p.issuer, s.id, content)).status).toBe(201);
    expect(attachmentRows(s.id)).toHaveLength(1);
  });

  it('refuses a type the programme does not allow, and content that is not its declared type', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const exe = await upload(h, p.issuer, s.id, Buffer.from('MZ\x90\x00'), 'a.exe', 'application/x-msdownload');
    expect(exe.status).toBe(400);
    expect(exe.body.error.code).toBe('VALIDATION_FAILED');
    const fake = await upload(h, p.issuer, s.id, Buffer.from('MZ not a pdf'), 'a.pdf', 'application/pdf');
    expect(fake.status).toBe(400);
    expect(fake.body.error.message).toContain('not application/pdf');
    expect(attachmentRows(s.id)).toEqual([]);
  });

  it("enforces the programme's size limit (413), and the default limit otherwise", async () => {
    const small = { ...structuredClone(wlmq2026), uploads: { maxBytes: 1000, allowedTypes: ['application/pdf'] } };
    expect((await h.request('PUT', '/api/v1/programmes/small-2026', ADMIN_TOKEN, small)).status).toBe(200);
    const s = await new ChallengeDriver(h, p).create(techDraft({ programmeId: 'small-2026' }));
    const big = Buffer.concat([pdfOf('big'), Buffer.alloc(1000, 0x20)]);
    const r = await upload(h, p.issuer, s.id, big);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(attachmentRows(s.id)).toEqual([]);
    expect((await upload(h, p.issuer, s.id, pdfOf('small'))).status).toBe(201);
    const png = await upload(
      h,
      p.issuer,
      s.id,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      'a.png',
      'image/png',
    );
    expect(png.status).toBe(400);
  });

  it('only the issuing unit, or a solver holding a track, may upload; a refusal is on record', async () => {
    const s = await new ChallengeDriver(h, p).create();
    expect((await upload(h, p.bureau, s.id, pdfOf('x'))).status).toBe(403);
    expect((await upload(h, p.solverA, s.id, pdfOf('x'))).status).toBe(404); // unpublished: not visible
    const other = (await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, { role: 'issuer', unit: 'X1', label: 'x' }))
      .body.token;
    expect((await upload(h, other, s.id, pdfOf('x'))).status).toBe(404);
    expect((await upload(h, p.issuer, 'no-such-challenge', pdfOf('x'))).status).toBe(404);
    const denials = await h.request('GET', `/api/v1/denials?challenge=${s.id}&eventType=UPLOAD`, p.auditor);
    expect(denials.body.items).toHaveLength(3);
    expect(attachmentRows(s.id)).toEqual([]);
  });

  it('a request that is not multipart, or carries no file, is 400', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const json = await h.request('POST', `/api/v1/challenges/${s.id}/attachments`, p.issuer, { a: 1 });
    expect(json.status).toBe(400);
    expect(json.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('P-7: an event names only a file uploaded to that challenge', () => {
  it('ATTACH refuses a hash never uploaded, or uploaded to another challenge; accepts it once uploaded here', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const other = await new ChallengeDriver(h, p).create();
    const content = pdfOf('承诺书');
    const sha256 = sha256Of(content);
    const before = await s.view();
    const never = await s.send(p.issuer, { type: 'ATTACH', kind: 'unitPledge', sha256 });
    expect(never.status).toBe(422);
    expect(never.body.error.clause).toBe('P-7');
    expect((await upload(h, p.issuer, other.id, content)).status).toBe(201);
    const elsewhere = await s.send(p.issuer, { type: 'ATTACH', kind: 'unitPledge', sha256 });
    expect(elsewhere.body.error.clause).toBe('P-7');
    expect((await s.view()).version).toBe(before.version);

    expect((await upload(h, p.issuer, s.id, content)).status).toBe(201);
    const ok = await s.send(p.issuer, { type: 'ATTACH', kind: 'unitPledge', sha256 });
    expect(ok.status).toBe(200);
    // The fact the decision rested on is in the event, for replay and for the auditor.
    const history = await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.auditor);
    expect(history.body.items.at(-1).facts).toEqual({ uploads: { [sha256]: true } });
  });

  it('RECORD_PAYMENT and SUBMIT_FINAL_REPORT refuse evidence and reports not uploaded here', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toManagement();
    const pay = await s.send(p.finance, {
      type: 'RECORD_PAYMENT',
      trackId: 'bid-1',
      amountCny: 100,
      paidOn: '2026-07-21',
      evidenceSha256: sha256Of(pdfOf('not uploaded')),
    });
    expect(pay.status).toBe(422);
    expect(pay.body.error.violations.map((v: { clause: string }) => v.clause)).toEqual(['P-7']);
    const report = await s.send(p.solverA, {
      type: 'SUBMIT_FINAL_REPORT',
      trackId: 'bid-1',
      reportSha256: sha256Of(pdfOf('no report')),
    });
    expect(report.status).toBe(422);
    expect(report.body.error.clause).toBe('P-7');
    // The track's solver may upload its report, then name it.
    expect((await upload(h, p.solverA, s.id, pdfOf('no report'))).status).toBe(201);
    const accepted = await s.send(p.solverA, {
      type: 'SUBMIT_FINAL_REPORT',
      trackId: 'bid-1',
      reportSha256: sha256Of(pdfOf('no report')),
    });
    expect(accepted.status).toBe(200);
    // Another solver unit, holding no track, may not upload.
    expect((await upload(h, p.solverB, s.id, pdfOf('b'))).status).toBe(403);
  });
});
