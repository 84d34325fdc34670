/**
 * Uploads (issue 5): multipart in, stored content-addressed by SHA-256 outside the database,
 * limited per programme, typed; ATTACH, RECORD_PAYMENT and SUBMIT_FINAL_REPORT name only a hash
 * uploaded to that challenge (P-7, a fact stored in the event).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wlmq2026 } from '../../machines/programme.js';
import { sweepUnattachedUploads } from '../../src/engine/write/sweep-uploads.js';
import { code, outsiderToken, type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
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

const filesDir = () => h.app.jiebang.files.dir;
const attachmentRows = (id: string) =>
  h.app.jiebang.db.$port.query<{ sha256: string; filename: string }>(
    'SELECT * FROM attachments WHERE challenge_id = ? ORDER BY sha256',
    [id],
  );

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
    expect(await attachmentRows(s.id)).toMatchObject([{ sha256, filename: 'passwd.pdf' }]);
    // The same file again: one stored copy, one row.
    expect((await upload(h, p.issuer, s.id, content)).status).toBe(201);
    expect(await attachmentRows(s.id)).toHaveLength(1);
  });

  it('refuses a type the programme does not allow, and content that is not its declared type', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const exe = await upload(h, p.issuer, s.id, Buffer.from('MZ\x90\x00'), 'a.exe', 'application/x-msdownload');
    expect(exe.status).toBe(400);
    expect(exe.body.error.code).toBe('VALIDATION_FAILED');
    const fake = await upload(h, p.issuer, s.id, Buffer.from('MZ not a pdf'), 'a.pdf', 'application/pdf');
    expect(fake.status).toBe(400);
    expect(fake.body.error.message).toContain('not application/pdf');
    expect(await attachmentRows(s.id)).toEqual([]);
  });

  it('holds a challenge to its quota of files and of bytes (programme settings), all uploaders together', async () => {
    const quota = {
      ...structuredClone(wlmq2026),
      uploads: {
        maxBytes: 5000,
        allowedTypes: ['application/pdf'],
        maxFilesPerChallenge: 3,
        maxBytesPerChallenge: 3000,
      },
    };
    expect((await h.request('PUT', '/api/v1/programmes/quota-2026', ADMIN_TOKEN, quota)).status).toBe(200);
    const s = await new ChallengeDriver(h, p).create(techDraft({ programmeId: 'quota-2026' }));
    const sized = (label: string, bytes: number) => {
      const head = pdfOf(label);
      return Buffer.concat([head, Buffer.alloc(bytes - head.length, 0x20)]);
    };
    expect((await upload(h, p.issuer, s.id, sized('a', 1000))).status).toBe(201);
    expect((await upload(h, p.issuer, s.id, sized('b', 1000))).status).toBe(201);
    // The same file again takes no more room.
    expect((await upload(h, p.issuer, s.id, sized('a', 1000))).status).toBe(201);
    // 2000 of 3000 bytes held: a file of 1001 no longer fits, one of 1000 does.
    const over = await upload(h, p.issuer, s.id, sized('c', 1001));
    expect(over.status).toBe(413);
    expect(over.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(over.body.error.message_zh).toContain('配额');
    expect((await upload(h, p.issuer, s.id, sized('d', 1000))).status).toBe(201);
    const fourth = await upload(h, p.issuer, s.id, pdfOf('e'));
    expect(fourth.status).toBe(413);
    expect(fourth.body.error.message).toContain('at most 3');
    expect(await attachmentRows(s.id)).toHaveLength(3);
    // Another challenge has its own quota.
    const other = await new ChallengeDriver(h, p).create(techDraft({ programmeId: 'quota-2026' }));
    expect((await upload(h, p.issuer, other.id, pdfOf('e'))).status).toBe(201);
    // Uploads streamed side by side cannot pass the quota together; the refused one's bytes go.
    const race = await new ChallengeDriver(h, p).create(techDraft({ programmeId: 'quota-2026' }));
    const pair = [sized('race-1', 2000), sized('race-2', 2000)];
    const answers = await Promise.all(pair.map((file) => upload(h, p.issuer, race.id, file)));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 413]);
    const lost = pair[answers.findIndex((r) => r.status === 413)] as Buffer;
    expect(existsSync(join(filesDir(), sha256Of(lost).slice(0, 2), sha256Of(lost)))).toBe(false);
  });

  it("enforces the programme's size limit (413), and the default limit otherwise", async () => {
    const small = { ...structuredClone(wlmq2026), uploads: { maxBytes: 1000, allowedTypes: ['application/pdf'] } };
    expect((await h.request('PUT', '/api/v1/programmes/small-2026', ADMIN_TOKEN, small)).status).toBe(200);
    const s = await new ChallengeDriver(h, p).create(techDraft({ programmeId: 'small-2026' }));
    const big = Buffer.concat([pdfOf('big'), Buffer.alloc(1000, 0x20)]);
    const r = await upload(h, p.issuer, s.id, big);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await attachmentRows(s.id)).toEqual([]);
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
    const other = await outsiderToken(h, 'issuer', code(41));
    expect((await upload(h, other, s.id, pdfOf('x'))).status).toBe(404);
    expect((await upload(h, p.issuer, 'no-such-challenge', pdfOf('x'))).status).toBe(404);
    const denials = await h.request('GET', `/api/v1/denials?challenge=${s.id}&eventType=UPLOAD`, p.auditor);
    expect(denials.body.items).toHaveLength(3);
    expect(await attachmentRows(s.id)).toEqual([]);
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

// Last in this file: the sweep removes every unnamed upload of the tests above too.
describe('uploads never named by an event', () => {
  it('lose their bytes after the 30-day grace period; their rows and hashes stay, and P-7 then refuses them', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const named = pdfOf('sweep: named');
    const unnamed = pdfOf('sweep: never named');
    const shared = pdfOf('sweep: named on another challenge');
    for (const file of [named, unnamed, shared]) expect((await upload(h, p.issuer, s.id, file)).status).toBe(201);
    const other = await new ChallengeDriver(h, p).create();
    expect((await upload(h, p.issuer, other.id, shared)).status).toBe(201);
    const attach = (d: ChallengeDriver, file: Buffer) =>
      d.send(p.issuer, { type: 'ATTACH', kind: 'applicationForm', sha256: sha256Of(file) });
    expect((await attach(s, named)).status).toBe(200);
    expect((await attach(other, shared)).status).toBe(200);

    const stored = (file: Buffer) => existsSync(join(filesDir(), sha256Of(file).slice(0, 2), sha256Of(file)));
    const day = 86_400_000;
    const files = { db: h.app.jiebang.db, files: h.app.jiebang.files };
    // Inside the grace period nothing goes.
    expect(
      (await sweepUnattachedUploads(files, new Date(Date.parse(h.now()) + 30 * day - 60_000))).removed,
    ).not.toContain(sha256Of(unnamed));
    const { removed } = await sweepUnattachedUploads(files, new Date(Date.parse(h.now()) + 30 * day + 1));
    expect(removed).toContain(sha256Of(unnamed));
    expect(removed).not.toContain(sha256Of(named));
    expect(removed).not.toContain(sha256Of(shared));
    expect([stored(named), stored(unnamed), stored(shared)]).toEqual([true, false, true]);
    const rows = await h.app.jiebang.db.$port.query<{ sha256: string; removedAt: string | null }>(
      'SELECT sha256, removed_at AS removedAt FROM attachments WHERE challenge_id = ? ORDER BY sha256',
      [s.id],
    );
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.removedAt !== null).map((r) => r.sha256)).toEqual([sha256Of(unnamed)]);
    // Its hash may no longer be named (the bytes are gone) until it is uploaded again.
    const refused = await attach(s, unnamed);
    expect(refused.status).toBe(422);
    expect(refused.body.error.clause).toBe('P-7');
    expect((await upload(h, p.issuer, s.id, unnamed)).status).toBe(201);
    expect(stored(unnamed)).toBe(true);
    expect((await attach(s, unnamed)).status).toBe(200);
  });
});
