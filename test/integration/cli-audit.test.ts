/**
 * The auditors' commands as a user runs them: `jiebang verify` and `jiebang export` as child
 * processes on the database the real app wrote — a SQLite file, or a PostgreSQL database given
 * by its URL (the `postgres` project). The SQLite file's own checks (the verify split over a
 * worker thread, the standalone Python checker) are in cli-audit-file.test.ts.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlParams } from '../../src/db/client.js';
import { type AuditedLog, jiebang as cli, startAuditedLog } from '../helpers/audited-log.js';
import { forgeStatement } from '../helpers/forge.js';

let log: AuditedLog;
beforeAll(async () => {
  log = await startAuditedLog();
}, 60_000);
afterAll(async () => log.h.close());

const jiebang = (...args: string[]) => cli(log.h, ...args);
const sql = () => log.h.app.jiebang.db.$port;
const one = async <R>(text: string, params?: SqlParams) => (await sql().query<R>(text, params))[0] as R;
const eventCount = async () => (await one<{ n: number }>('SELECT count(*) AS n FROM events')).n;
/** An edit behind the service's back (test/helpers/forge.ts). */
const forgeRun = (text: string, params: SqlParams) => forgeStatement(log.h.app.jiebang.db, text, params);

describe('jiebang verify', () => {
  it('passes the log, printing its rate and memory, and exits 0', async () => {
    const total = await eventCount();
    const text = await jiebang('verify', '--no-progress');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`^ok: ${total} events checked in [\\d.]+ s \\(\\d+ events/s, peak memory \\d+ MB\\)`),
    );
    const json = await jiebang('verify', '--json', '--db', log.h.dbFile);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, checkedEvents: total });
    const single = await jiebang('verify', '--json', '--challenge', log.b.id);
    expect(JSON.parse(single.stdout)).toMatchObject({ ok: true });
  });

  it('names the challenge and seq of an edited event and exits 1', async () => {
    const row = await one<{ global_seq: number; at: string }>(
      'SELECT global_seq, at FROM events WHERE challenge_id = ? AND seq = 2',
      [log.b.id],
    );
    const setAt = (at: string) => forgeRun('UPDATE events SET at = ? WHERE global_seq = ?', [at, row.global_seq]);
    await setAt(row.at.replace('T01', 'T02'));
    try {
      const text = await jiebang('verify', '--no-progress');
      expect(text.code).toBe(1);
      expect(text.stdout).toContain(`DIVERGENCE in challenge ${log.b.id} at seq 2`);
      expect(text.stdout).toContain('check:    hash');
      const json = JSON.parse((await jiebang('verify', '--json')).stdout);
      expect(json.firstDivergence).toMatchObject({ challengeId: log.b.id, seq: 2, check: 'hash' });
    } finally {
      await setAt(row.at);
    }
    expect((await jiebang('verify', '--no-progress')).code).toBe(0);
  });

  it('refuses a path with no database rather than creating one', async () => {
    const text = await jiebang('verify', '--db', join(tmpdir(), 'jiebang-no-such-folder', 'missing.db'));
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('no database file at');
  });
});

describe('jiebang export', () => {
  it("exports a challenge's events as JSON lines with facts and hashes", async () => {
    const text = await jiebang('export', '--challenge', log.b.id);
    expect(text.code).toBe(0);
    const lines = text.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const stored = await sql().query<Record<string, unknown>>(
      'SELECT * FROM events WHERE challenge_id = ? ORDER BY seq',
      [log.b.id],
    );
    expect(lines.map((l) => l.hash)).toEqual(stored.map((r) => r.hash));
    expect(lines.map((l) => l.globalHash)).toEqual(stored.map((r) => r.global_hash));
    const submit = lines.find((l) => l.type === 'SUBMIT');
    expect(submit.facts.units).toBeTypeOf('object');
    expect(submit.stateAfter).toEqual({ review: 'awaitingRecommendation' });
  });

  it('exports a programme as CSV, with Chinese headers on request, keeping the exact hashed text', async () => {
    const csv = await jiebang('export', '--programme', 'wlmq-2026', '--format', 'csv');
    const records = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(await eventCount());
    expect(new Set(records.map((r) => r.challengeId))).toEqual(new Set([log.a.id, log.b.id]));
    const first = await one<{ payload: string }>('SELECT payload FROM events WHERE challenge_id = ? AND seq = 1', [
      log.a.id,
    ]);
    expect(records[0]?.payload).toBe(first.payload);

    const out = join(log.h.dir, 'programme.csv');
    expect((await jiebang('export', '--programme', 'wlmq-2026', '--format', 'csv', '--zh', '--out', out)).code).toBe(0);
    const zh = readFileSync(out, 'utf8');
    expect(zh.charCodeAt(0)).toBe(0xfeff);
    expect(zh.slice(1).split('\n')[0]).toBe(
      '榜单编号,序号,全局序号,事件类型,事件内容,决策依据事实,操作人,发生时间,状态机版本,事件后状态,前一哈希,哈希,全局链哈希',
    );
  });

  it('prints the daily checkpoints and the open head of the global chain', async () => {
    const text = await jiebang('export', '--checkpoints');
    const lines = text.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const head = await one<{ global_seq: number; global_hash: string }>(
      'SELECT global_seq, global_hash FROM events ORDER BY global_seq DESC LIMIT 1',
    );
    expect(lines.map((l) => [l.day, l.kind])).toEqual([
      ['2026-05-06', 'checkpoint'],
      ['2026-05-08', 'head'],
    ]);
    expect(lines[1]).toMatchObject({ globalSeq: head.global_seq, globalHash: head.global_hash });
    const csv = await jiebang('export', '--checkpoints', '--format', 'csv', '--zh');
    expect(csv.stdout.replace(/^\uFEFF/, '').split('\n')[0]).toBe(
      '日期,类型,全局序号,全局链哈希,记录时间,哈希算法,SM2签名',
    );
    // The checkpoint closed on an event chained with SHA-256 and is signed; the head is under SM3.
    expect(lines[0]).toMatchObject({ hashAlgorithm: 'sha256', signature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
    expect(lines[1]).toMatchObject({ hashAlgorithm: 'sm3', signature: '' });
  });

  it('verify exits 1 naming a checkpoint whose SM2 signature was altered', async () => {
    const row = await one<{ day: string; signature: string }>('SELECT day, signature FROM checkpoint_signatures');
    const setSignature = (signature: string) =>
      forgeRun('UPDATE checkpoint_signatures SET signature = ? WHERE day = ?', [signature, row.day]);
    const der = Buffer.from(row.signature, 'base64');
    der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0x01;
    await setSignature(der.toString('base64'));
    try {
      const text = await jiebang('verify', '--no-progress');
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('signature');
      expect(text.stdout).toContain(`the SM2 signature of the checkpoint of ${row.day} does not verify`);
    } finally {
      await setSignature(row.signature);
    }
    expect((await jiebang('verify', '--no-progress')).code).toBe(0);
  });

  it('refuses to guess what to export', async () => {
    const text = await jiebang('export', '--challenge', log.a.id, '--checkpoints');
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('exactly one of');
    expect((await jiebang('export', '--challenge', 'nope')).stderr).toContain('No challenge "nope"');
  });
});
