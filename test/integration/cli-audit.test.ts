/**
 * The auditors' commands as a user runs them: `jiebang verify` and `jiebang export` as child
 * processes on the database file the real app wrote, and the standalone checker of
 * docs/audit.md (Python, standard library only) on the same file.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteReadOnly, sqliteClientOf } from '../../src/db/sqlite/open.js';
import { verifyLog } from '../../src/engine/audit/verify.js';
import { type Parties, registerParties } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

const run = promisify(execFile);
let h: Harness;
let p: Parties;
let a: ChallengeDriver;
let b: ChallengeDriver;

beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
  a = await new ChallengeDriver(h, p).create();
  b = await new ChallengeDriver(h, p).create();
  await a.toMatching();
  // Issue 16: the log starts under SHA-256 and goes on under SM3, so every check below crosses a switch.
  await h.restart({ hashAlgorithm: 'sm3' });
  await h.at('2026-05-08T09:00:00+08:00');
  await b.submit();
}, 60_000);
afterAll(async () => h.close());

const sql = () => sqliteClientOf(h.app.jiebang.db);

async function jiebang(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { ...process.env, JIEBANG_DB: h.dbFile },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('jiebang verify', () => {
  it('passes the log, printing its rate and memory, and exits 0', async () => {
    const total = (sql().prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    const text = await jiebang('verify', '--no-progress');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`^ok: ${total} events checked in [\\d.]+ s \\(\\d+ events/s, peak memory \\d+ MB\\)`),
    );
    const json = await jiebang('verify', '--json', '--db', h.dbFile);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, checkedEvents: total });
    const one = await jiebang('verify', '--json', '--challenge', b.id);
    expect(JSON.parse(one.stdout)).toMatchObject({ ok: true });
  });

  it('names the challenge and seq of an edited event and exits 1', async () => {
    const row = sql().prepare('SELECT global_seq, at FROM events WHERE challenge_id = ? AND seq = 2').get(b.id) as {
      global_seq: number;
      at: string;
    };
    const ddl = (
      sql().prepare("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'").get() as { sql: string }
    ).sql;
    const setAt = (at: string) => {
      sql().exec('DROP TRIGGER events_no_update');
      sql().prepare('UPDATE events SET at = ? WHERE global_seq = ?').run(at, row.global_seq);
      sql().exec(ddl);
    };
    setAt(row.at.replace('T01', 'T02'));
    try {
      const text = await jiebang('verify', '--no-progress');
      expect(text.code).toBe(1);
      expect(text.stdout).toContain(`DIVERGENCE in challenge ${b.id} at seq 2`);
      expect(text.stdout).toContain('check:    hash');
      const json = JSON.parse((await jiebang('verify', '--json')).stdout);
      expect(json.firstDivergence).toMatchObject({ challengeId: b.id, seq: 2, check: 'hash' });
    } finally {
      setAt(row.at);
    }
  });

  it('gives the same report split over a worker thread as in one thread, whichever half diverges', async () => {
    const both = async () => {
      const db = openSqliteReadOnly(h.dbFile);
      try {
        const one = await verifyLog(db);
        const progress: number[] = [];
        const split = await verifyLog(db, {
          workers: true,
          workersFrom: 0,
          progressEvery: 1,
          onProgress: (done) => progress.push(done),
        });
        return { one, split, progress };
      } finally {
        await db.$port.close();
      }
    };
    const clean = await both();
    expect(clean.one.ok).toBe(true);
    expect(clean.split).toEqual(clean.one);
    expect(clean.progress.at(-1)).toBe(2 * clean.one.checkedEvents);
    const ddl = (
      sql().prepare("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'").get() as { sql: string }
    ).sql;
    const setType = (challengeId: string, type: string) => {
      sql().exec('DROP TRIGGER events_no_update');
      sql().prepare('UPDATE events SET payload = ? WHERE challenge_id = ? AND seq = 2').run(type, challengeId);
      sql().exec(ddl);
    };
    // Two challenges: the lower id is checked on this thread, the upper in the worker.
    for (const id of [a.id, b.id]) {
      const payload = (
        sql().prepare('SELECT payload FROM events WHERE challenge_id = ? AND seq = 2').get(id) as { payload: string }
      ).payload;
      setType(id, `${payload} `);
      try {
        const edited = await both();
        expect(edited.one.firstDivergence).toMatchObject({ challengeId: id, seq: 2, check: 'hash' });
        expect(edited.split).toEqual(edited.one);
      } finally {
        setType(id, payload);
      }
    }
  });

  it('refuses a path with no database rather than creating one', async () => {
    const text = await jiebang('verify', '--db', join(h.dbFile, '..', 'missing.db'));
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('no database file at');
  });
});

describe('jiebang export', () => {
  it("exports a challenge's events as JSON lines with facts and hashes", async () => {
    const text = await jiebang('export', '--challenge', b.id);
    expect(text.code).toBe(0);
    const lines = text.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const stored = sql().prepare('SELECT * FROM events WHERE challenge_id = ? ORDER BY seq').all(b.id) as Record<
      string,
      unknown
    >[];
    expect(lines.map((l) => l.hash)).toEqual(stored.map((r) => r.hash));
    expect(lines.map((l) => l.globalHash)).toEqual(stored.map((r) => r.global_hash));
    const submit = lines.find((l) => l.type === 'SUBMIT');
    expect(submit.facts.units).toBeTypeOf('object');
    expect(submit.stateAfter).toEqual({ review: 'awaitingRecommendation' });
  });

  it('exports a programme as CSV, with Chinese headers on request, keeping the exact hashed text', async () => {
    const csv = await jiebang('export', '--programme', 'wlmq-2026', '--format', 'csv');
    const records = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    const total = (sql().prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    expect(records).toHaveLength(total);
    expect(new Set(records.map((r) => r.challengeId))).toEqual(new Set([a.id, b.id]));
    const first = sql().prepare('SELECT payload FROM events WHERE challenge_id = ? AND seq = 1').get(a.id) as {
      payload: string;
    };
    expect(records[0]?.payload).toBe(first.payload);

    const out = join(h.dbFile, '..', 'programme.csv');
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
    const head = sql().prepare('SELECT global_seq, global_hash FROM events ORDER BY global_seq DESC LIMIT 1').get() as {
      global_seq: number;
      global_hash: string;
    };
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
    const row = sql().prepare('SELECT day, signature FROM checkpoint_signatures').get() as {
      day: string;
      signature: string;
    };
    const ddl = (
      sql().prepare("SELECT sql FROM sqlite_master WHERE name = 'checkpoint_signatures_no_update'").get() as {
        sql: string;
      }
    ).sql;
    const setSignature = (signature: string) => {
      sql().exec('DROP TRIGGER checkpoint_signatures_no_update');
      sql().prepare('UPDATE checkpoint_signatures SET signature = ? WHERE day = ?').run(signature, row.day);
      sql().exec(ddl);
    };
    const der = Buffer.from(row.signature, 'base64');
    der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0x01;
    setSignature(der.toString('base64'));
    try {
      const text = await jiebang('verify', '--no-progress');
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('signature');
      expect(text.stdout).toContain(`the SM2 signature of the checkpoint of ${row.day} does not verify`);
    } finally {
      setSignature(row.signature);
    }
    expect((await jiebang('verify', '--no-progress')).code).toBe(0);
  });

  it('refuses to guess what to export', async () => {
    const text = await jiebang('export', '--challenge', a.id, '--checkpoints');
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('exactly one of');
    expect((await jiebang('export', '--challenge', 'nope')).stderr).toContain('No challenge "nope"');
  });
});

describe('the standalone checker of docs/audit.md', () => {
  const script = () => {
    // The script lives in the doc, so the doc is what is tested: extract the fenced block.
    const doc = readFileSync('docs/audit.md', 'utf8');
    const match = /```python check_chain\.py\n([\s\S]*?)```/.exec(doc);
    if (!match?.[1]) throw new Error('docs/audit.md has no ```python check_chain.py block');
    const file = join(h.dbFile, '..', 'check_chain.py');
    writeFileSync(file, match[1]);
    return file;
  };

  it('checks the chains of a good copy, and names the challenge and seq of an edited one', async () => {
    const file = script();
    const good = await run('python3', [file, h.dbFile]).catch((e) => e);
    expect(good.stdout).toContain('ok:');
    expect(good.code ?? 0).toBe(0);

    const row = sql()
      .prepare('SELECT global_seq, payload FROM events WHERE challenge_id = ? AND seq = 3')
      .get(a.id) as {
      global_seq: number;
      payload: string;
    };
    const ddl = (
      sql().prepare("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'").get() as { sql: string }
    ).sql;
    const setPayload = (payload: string) => {
      sql().exec('DROP TRIGGER events_no_update');
      sql().prepare('UPDATE events SET payload = ? WHERE global_seq = ?').run(payload, row.global_seq);
      sql().exec(ddl);
    };
    setPayload(row.payload.replace('{', '{ '));
    try {
      const bad = await run('python3', [file, h.dbFile]).catch((e) => e);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(`challenge ${a.id} seq 3`);
    } finally {
      setPayload(row.payload);
    }
  });

  it('checks the SM3 side of the switch too, and names an edited event there', async () => {
    const file = script();
    const [switchPoint] = sql().prepare('SELECT after_global_seq FROM hash_switches').all() as {
      after_global_seq: number;
    }[];
    const row = sql()
      .prepare('SELECT global_seq, seq, payload FROM events WHERE challenge_id = ? ORDER BY seq DESC LIMIT 1')
      .get(b.id) as { global_seq: number; seq: number; payload: string };
    expect(row.global_seq).toBeGreaterThan(switchPoint?.after_global_seq ?? Number.POSITIVE_INFINITY);
    const ddl = (
      sql().prepare("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'").get() as { sql: string }
    ).sql;
    const setPayload = (payload: string) => {
      sql().exec('DROP TRIGGER events_no_update');
      sql().prepare('UPDATE events SET payload = ? WHERE global_seq = ?').run(payload, row.global_seq);
      sql().exec(ddl);
    };
    const edited = row.payload.replace('true', 'trus'); // one byte
    expect(edited).not.toBe(row.payload);
    setPayload(edited);
    try {
      const bad = await run('python3', [file, h.dbFile]).catch((e) => e);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(`challenge ${b.id} seq ${row.seq}`);
    } finally {
      setPayload(row.payload);
    }
    const good = await run('python3', [file, h.dbFile]);
    expect(good.stdout).toContain('ok:');
  });
});
