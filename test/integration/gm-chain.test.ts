/**
 * Issue 16 over the real app, on both stores: a log started under SHA-256 and switched to SM3
 * (JIEBANG_HASH) verifies end to end, its switch point recorded; a one-byte edit on either side
 * of the switch is named; the daily checkpoints are signed with the service's SM2 key, served to
 * anyone, checked by OpenSSL's command line, and an altered checkpoint or signature fails both
 * OpenSSL and verify.
 */

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type VerifyRow, verifyLog } from '../../src/engine/audit/verify.js';
import { storedRowHash } from '../../src/engine/canonical.js';
import { type Parties, registerParties } from '../helpers/fixtures.js';
import { forgeStatement } from '../helpers/forge.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { opensslVerifies } from '../helpers/openssl.js';
import { forgetMigrationsFrom, snapshotsWhole, testStore } from '../helpers/store.js';

let h: Harness;
let p: Parties;
const logLines: Record<string, unknown>[] = [];
beforeEach(async () => {
  logLines.length = 0;
  h = await startHarness('2026-05-06T10:00:00+08:00', {}, { write: (line) => void logLines.push(JSON.parse(line)) });
  p = await registerParties(h);
});
afterEach(async () => h.close());

const port = () => h.app.jiebang.db.$port;
const verifyAll = async () => (await h.request('GET', '/api/v1/audit/verify', p.auditor)).body;
const verifyOne = async (id: string) => (await h.request('GET', `/api/v1/challenges/${id}/verify`, p.auditor)).body;
const eventsOf = async (id: string) =>
  (
    await port().query<VerifyRow>(
      `SELECT global_seq AS globalSeq, challenge_id AS challengeId, seq, type, payload, facts, actor, at,
              machine_version AS machineVersion, state_after AS stateAfter, prev_hash AS prevHash, hash, global_hash AS globalHash
       FROM events WHERE challenge_id = ? ORDER BY seq`,
      [id],
    )
  ).map((r) => ({ ...r, globalSeq: Number(r.globalSeq), seq: Number(r.seq) }));
const headSeq = async () =>
  Number((await port().query<{ n: number }>('SELECT max(global_seq) AS n FROM events'))[0]?.n ?? 0);

/** Runs one write as someone holding the database would (test/helpers/forge.ts). */
const tamper = (statement: string, params: unknown[]) => forgeStatement(h.app.jiebang.db, statement, params);

/** Flips the last character of one event's payload text (`}` → `]` is one byte). */
const editPayload = (id: string, seq: number, payload: string) =>
  tamper('UPDATE events SET payload = ? WHERE challenge_id = ? AND seq = ?', [payload, id, seq]);

describe('SHA-256 chains switched to SM3', () => {
  it('records the switch point and verifies the whole log and each challenge across it', async () => {
    const a = await new ChallengeDriver(h, p).create();
    await a.ok(p.issuer, { type: 'UPDATE', title: '切换前修改' });
    const before = await headSeq();
    const beforeHash = (
      await port().query<{ h: string }>('SELECT global_hash AS h FROM events WHERE global_seq = ?', [before])
    )[0]?.h;

    await h.restart({ hashAlgorithm: 'sm3' });
    await a.ok(p.issuer, { type: 'UPDATE', title: '切换后修改' });
    const b = await new ChallengeDriver(h, p).create();

    const switches = await port().query<Record<string, unknown>>(
      'SELECT after_global_seq AS "afterGlobalSeq", after_global_hash AS "afterGlobalHash", algorithm FROM hash_switches',
    );
    expect(switches.map((s) => ({ ...s, afterGlobalSeq: Number(s.afterGlobalSeq) }))).toEqual([
      { afterGlobalSeq: before, afterGlobalHash: beforeHash, algorithm: 'sm3' },
    ]);
    // Challenge a's own chain crosses the switch: SHA-256 up to it, SM3 after it.
    const rows = await eventsOf(a.id);
    for (const row of rows) {
      const algorithm = row.globalSeq > before ? 'sm3' : 'sha256';
      const other = algorithm === 'sm3' ? 'sha256' : 'sm3';
      expect(storedRowHash(row.prevHash, row, algorithm), `${row.type} ${row.seq}`).toBe(row.hash);
      expect(storedRowHash(row.prevHash, row, other)).not.toBe(row.hash);
    }
    expect(rows.some((r) => r.globalSeq > before)).toBe(true);
    expect(await verifyAll()).toMatchObject({ ok: true, checkedEvents: rows.length + (await eventsOf(b.id)).length });
    expect(await verifyOne(a.id)).toMatchObject({ ok: true, checkedEvents: rows.length });

    // Restarting with the same setting records nothing more; switching back is a second switch point.
    await h.restart({ hashAlgorithm: 'sm3' });
    await b.ok(p.issuer, { type: 'UPDATE', title: '仍为国密' });
    await h.restart({ hashAlgorithm: 'sha256' });
    await b.ok(p.issuer, { type: 'UPDATE', title: '切回' });
    const algorithms = await port().query<{ algorithm: string }>(
      'SELECT algorithm FROM hash_switches ORDER BY after_global_seq',
    );
    expect(algorithms.map((s) => s.algorithm)).toEqual(['sm3', 'sha256']);
    expect((await verifyAll()).ok).toBe(true);
  });

  it('names a one-byte edit on either side of the switch', async () => {
    const a = await new ChallengeDriver(h, p).create();
    await a.ok(p.issuer, { type: 'UPDATE', title: '切换前修改' });
    await h.restart({ hashAlgorithm: 'sm3' });
    await a.ok(p.issuer, { type: 'UPDATE', title: '切换后修改' });
    const before = (await eventsOf(a.id))[1];
    const after = (await eventsOf(a.id))[2];
    if (!before || !after) throw new Error('the events are missing');

    for (const row of [before, after]) {
      const edited = row.payload.replace('"title"', '"titlf"'); // one byte
      expect(edited).not.toBe(row.payload);
      await editPayload(a.id, row.seq, edited);
      for (const report of [await verifyAll(), await verifyOne(a.id)])
        expect(report).toMatchObject({
          ok: false,
          firstDivergence: { challengeId: a.id, seq: row.seq, check: 'hash' },
        });
      await editPayload(a.id, row.seq, row.payload);
    }
    expect((await verifyAll()).ok).toBe(true);

    // Moving the switch point along the log is named too.
    await tamper('UPDATE hash_switches SET after_global_seq = after_global_seq - 1', []);
    expect((await verifyAll()).firstDivergence).toMatchObject({ check: 'hash', challengeId: a.id });
  });
});

describe('SM2-signed checkpoints', () => {
  const textOf = (c: { day: string; globalSeq: number; globalHash: string; hashAlgorithm: string }) =>
    `${c.day}|${c.globalSeq}|${c.globalHash}|${c.hashAlgorithm}`;

  it('generates the key into the data folder on first start, saying so, and serves its public half to anyone', async () => {
    const keyPath = join(dirname(h.dbFile.startsWith('postgres') ? join(tmpdir(), 'x') : h.dbFile), 'signing-key.pem');
    const logged = logLines.find((l) => String(l.msg).includes('generated an SM2 checkpoint signing key'));
    expect(logged).toBeDefined();
    const path = String(logged?.path);
    if (testStore === 'sqlite') expect(path).toBe(keyPath);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    const res = await h.app.inject({ method: 'GET', url: '/api/v1/audit/public-key' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ algorithm: 'SM2', distId: '1234567812345678' });
    expect(body.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(body.history).toHaveLength(1);

    // A restart reads the same key, logs nothing about generating one.
    logLines.length = 0;
    await h.restart({});
    expect(logLines.some((l) => String(l.msg).includes('generated'))).toBe(false);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/audit/public-key' })).json().publicKeyPem).toBe(
      body.publicKeyPem,
    );
    expect(existsSync(path)).toBe(true);
  });

  it('signs each daily checkpoint; OpenSSL checks them; an altered hash or signature fails OpenSSL and verify', async () => {
    const a = await new ChallengeDriver(h, p).create();
    await h.at('2026-05-07T09:00:00+08:00');
    await h.restart({ hashAlgorithm: 'sm3' });
    await a.ok(p.issuer, { type: 'UPDATE', title: '第二天' });
    await h.at('2026-05-08T09:00:00+08:00');
    await a.ok(p.issuer, { type: 'UPDATE', title: '第三天' });

    const key = (await h.app.inject({ method: 'GET', url: '/api/v1/audit/public-key' })).json();
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/public/checkpoints' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as {
      day: string;
      globalSeq: number;
      globalHash: string;
      hashAlgorithm: string;
      signature: string;
    }[];
    expect(items.map((c) => [c.day, c.hashAlgorithm])).toEqual([
      ['2026-05-06', 'sha256'],
      ['2026-05-07', 'sm3'],
    ]);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual([
      'day',
      'globalHash',
      'globalSeq',
      'hashAlgorithm',
      'signature',
    ]);
    for (const c of items) expect(opensslVerifies(key.publicKeyPem, textOf(c), c.signature, key.distId)).toBe(true);
    expect((await verifyAll()).ok).toBe(true);

    const first = items[0];
    if (!first) throw new Error('no checkpoint');
    // The hash altered: the downloaded signature no longer covers it, for OpenSSL and for verify.
    const forged = `${first.globalHash.slice(0, -1)}${first.globalHash.endsWith('0') ? '1' : '0'}`;
    expect(
      opensslVerifies(key.publicKeyPem, textOf({ ...first, globalHash: forged }), first.signature, key.distId),
    ).toBe(false);
    await tamper('UPDATE checkpoints SET global_hash = ? WHERE day = ?', [forged, first.day]);
    expect((await verifyAll()).firstDivergence).toMatchObject({ check: 'checkpoint', globalSeq: first.globalSeq });
    await tamper('UPDATE checkpoints SET global_hash = ? WHERE day = ?', [first.globalHash, first.day]);

    // The signature altered (one byte): OpenSSL refuses it, verify names it.
    const der = Buffer.from(first.signature, 'base64');
    der[der.length - 2] = (der[der.length - 2] ?? 0) ^ 0x01;
    const altered = der.toString('base64');
    expect(opensslVerifies(key.publicKeyPem, textOf(first), altered, key.distId)).toBe(false);
    await tamper('UPDATE checkpoint_signatures SET signature = ? WHERE day = ?', [altered, first.day]);
    expect((await verifyAll()).firstDivergence).toMatchObject({ check: 'signature', globalSeq: first.globalSeq });
    await tamper('UPDATE checkpoint_signatures SET signature = ? WHERE day = ?', [first.signature, first.day]);
    expect((await verifyAll()).ok).toBe(true);
  });

  it('keeps old checkpoints verifying under the key that signed them after the key is replaced', async () => {
    const a = await new ChallengeDriver(h, p).create();
    await h.at('2026-05-07T09:00:00+08:00');
    await a.ok(p.issuer, { type: 'UPDATE', title: '第二天' });
    const oldKey = (await h.app.inject({ method: 'GET', url: '/api/v1/audit/public-key' })).json();

    // Rotation: the operator points JIEBANG_SIGNING_KEY at a new key file (generated here on start).
    await h.restart({ signingKeyPath: join(mkdtempSync(join(tmpdir(), 'gm-key-')), 'new-key.pem') });
    await h.at('2026-05-08T09:00:00+08:00');
    await a.ok(p.issuer, { type: 'UPDATE', title: '第三天' });
    const newKey = (await h.app.inject({ method: 'GET', url: '/api/v1/audit/public-key' })).json();
    expect(newKey.publicKeyPem).not.toBe(oldKey.publicKeyPem);
    expect(newKey.history.map((k: { publicKeyPem: string }) => k.publicKeyPem)).toEqual([
      oldKey.publicKeyPem,
      newKey.publicKeyPem,
    ]);
    const items = (await h.app.inject({ method: 'GET', url: '/api/v1/public/checkpoints' })).json().items;
    expect(items).toHaveLength(2);
    expect(opensslVerifies(oldKey.publicKeyPem, textOf(items[0]), items[0].signature, oldKey.distId)).toBe(true);
    expect(opensslVerifies(newKey.publicKeyPem, textOf(items[1]), items[1].signature, newKey.distId)).toBe(true);
    expect((await verifyAll()).ok).toBe(true);
  });
});

describe('moving a database from before issue 16', () => {
  /** Undoes issue 16's migrations (the chains' and the personal data's) and every later one (issue 15's lists too). */
  async function backToBeforeIssue16() {
    const tables = ['hash_switches', 'signing_keys', 'checkpoint_signatures', 'personal_data', 'personal_data_steps'];
    for (const table of tables) await port().run(`DROP TABLE ${table}`);
    await port().run('ALTER TABLE checkpoints DROP COLUMN hash_algorithm');
    // And what came after them: the migrator re-runs everything newer than the last row it finds.
    await port().run('ALTER TABLE denials DROP COLUMN message_zh');
    await snapshotsWhole(port());
    await forgetMigrationsFrom(port(), '_gm_chain');
  }

  it('verifies the old log as it was, then signs its checkpoints and switches to SM3 by a recorded step', async () => {
    const a = await new ChallengeDriver(h, p).create();
    await h.at('2026-05-07T09:00:00+08:00');
    await a.ok(p.issuer, { type: 'UPDATE', title: '第二天' });
    await backToBeforeIssue16();
    // The auditors' verify reads a copy from before the migration as it is (SHA-256, unsigned).
    expect(await verifyLog(h.app.jiebang.db)).toMatchObject({ ok: true });

    logLines.length = 0;
    await h.restart({ hashAlgorithm: 'sm3' });
    expect(logLines.some((l) => String(l.msg).includes('signed the daily checkpoints that had no signature'))).toBe(
      true,
    );
    const items = (await h.app.inject({ method: 'GET', url: '/api/v1/public/checkpoints' })).json().items;
    expect(items.map((c: { day: string; hashAlgorithm: string }) => [c.day, c.hashAlgorithm])).toEqual([
      ['2026-05-06', 'sha256'],
    ]);
    const before = await headSeq();
    await a.ok(p.issuer, { type: 'UPDATE', title: '迁移后' });
    const switches = await port().query<{ afterGlobalSeq: number; algorithm: string }>(
      'SELECT after_global_seq AS "afterGlobalSeq", algorithm FROM hash_switches',
    );
    expect(switches.map((s) => [Number(s.afterGlobalSeq), s.algorithm])).toEqual([[before, 'sm3']]);
    expect(await verifyAll()).toMatchObject({ ok: true });
    expect(await verifyOne(a.id)).toMatchObject({ ok: true });
  });
});

describe('the checkpoint checks shown in docs/audit.md §3b', () => {
  const doc = () => readFileSync('docs/audit.md', 'utf8');
  const block = (lang: string) => {
    const match = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(doc());
    if (!match?.[1]) throw new Error(`docs/audit.md has no \`\`\`${lang} block`);
    return match[1];
  };

  it('the OpenSSL commands and the sm-crypto snippet accept a served checkpoint, and refuse it altered', async () => {
    const a = await new ChallengeDriver(h, p).create();
    await h.at('2026-05-07T09:00:00+08:00');
    await a.ok(p.issuer, { type: 'UPDATE', title: '第二天' });
    const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const work = mkdtempSync(join(tmpdir(), 'gm-doc-'));
    const shell = block('sh').replaceAll('https://jiebang.example', base);
    // Asynchronously: the commands fetch from this very process, whose event loop must keep serving.
    const ran = await new Promise<string>((resolve) =>
      execFile('bash', ['-e', '-c', shell], { cwd: work, timeout: 30_000 }, (_err, stdout) => resolve(stdout)),
    );
    expect(ran).toContain('Signature Verified Successfully');

    // The same commands on a downloaded file whose hash was altered: OpenSSL refuses it.
    const lines = shell.split('\n');
    const offline = lines.filter((l) => !l.startsWith('curl')).join('\n');
    const saved = JSON.parse(readFileSync(join(work, 'checkpoints.json'), 'utf8'));
    const c = saved.items[0];
    saved.items[0] = { ...c, globalHash: `${c.globalHash.slice(0, -1)}${c.globalHash.endsWith('0') ? '1' : '0'}` };
    writeFileSync(join(work, 'checkpoints.json'), JSON.stringify(saved));
    const refused = spawnSync('bash', ['-c', offline], { cwd: work });
    expect(refused.status).not.toBe(0);
    expect(refused.stdout.toString()).not.toContain('Signature Verified Successfully');

    // The second implementation, as the page shows it, in a separate Node process.
    const key = (await h.app.inject({ method: 'GET', url: '/api/v1/audit/public-key' })).json();
    const snippet = (checkpoint: unknown) =>
      `const publicKeyPem = ${JSON.stringify(key.publicKeyPem)}; const distId = ${JSON.stringify(key.distId)};
       const c = ${JSON.stringify(checkpoint)};\n${block('js')}\nconsole.log(ok);`;
    const node = (checkpoint: unknown) =>
      spawnSync(process.execPath, ['-e', snippet(checkpoint)], { cwd: process.cwd() })
        .stdout.toString()
        .trim();
    expect(node(c)).toBe('true');
    expect(node(saved.items[0])).toBe('false');
  });
});
