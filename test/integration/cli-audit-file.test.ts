/**
 * What an auditor does with a copy of the SQLite file itself: `jiebang verify` split over a
 * worker thread (on a file of 50,000 events or more; forced here), and the standalone checker of
 * docs/audit.md (Python, standard library only) reading the file. Both read a SQLite file, so
 * this file runs on SQLite only; a PostgreSQL database reaches them through `jiebang copy` to a
 * file. The commands on either store are in cli-audit.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteReadOnly, sqliteClientOf } from '../../src/db/sqlite/open.js';
import { verifyLog } from '../../src/engine/audit/verify.js';
import { type AuditedLog, runFile as run, startAuditedLog } from '../helpers/audited-log.js';
import { forgeStatement } from '../helpers/forge.js';

let log: AuditedLog;
let h: AuditedLog['h'];
let a: AuditedLog['a'];
let b: AuditedLog['b'];
beforeAll(async () => {
  log = await startAuditedLog();
  ({ h, a, b } = log);
}, 60_000);
afterAll(async () => log.h.close());

const sql = () => sqliteClientOf(h.app.jiebang.db);
/** An edit behind the service's back (test/helpers/forge.ts). */
const forgeRun = (text: string, ...params: unknown[]) => forgeStatement(h.app.jiebang.db, text, params);

describe('jiebang verify on a SQLite file', () => {
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
    const setType = (challengeId: string, type: string) =>
      forgeRun('UPDATE events SET payload = ? WHERE challenge_id = ? AND seq = 2', type, challengeId);
    // Two challenges: the lower id is checked on this thread, the upper in the worker.
    for (const id of [a.id, b.id]) {
      const payload = (
        sql().prepare('SELECT payload FROM events WHERE challenge_id = ? AND seq = 2').get(id) as { payload: string }
      ).payload;
      await setType(id, `${payload} `);
      try {
        const edited = await both();
        expect(edited.one.firstDivergence).toMatchObject({ challengeId: id, seq: 2, check: 'hash' });
        expect(edited.split).toEqual(edited.one);
      } finally {
        await setType(id, payload);
      }
    }
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
    const setPayload = (payload: string) =>
      forgeRun('UPDATE events SET payload = ? WHERE global_seq = ?', payload, row.global_seq);
    await setPayload(row.payload.replace('{', '{ '));
    try {
      const bad = await run('python3', [file, h.dbFile]).catch((e) => e);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(`challenge ${a.id} seq 3`);
    } finally {
      await setPayload(row.payload);
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
    const setPayload = (payload: string) =>
      forgeRun('UPDATE events SET payload = ? WHERE global_seq = ?', payload, row.global_seq);
    const edited = row.payload.replace('true', 'trus'); // one byte
    expect(edited).not.toBe(row.payload);
    await setPayload(edited);
    try {
      const bad = await run('python3', [file, h.dbFile]).catch((e) => e);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(`challenge ${b.id} seq ${row.seq}`);
    } finally {
      await setPayload(row.payload);
    }
    const good = await run('python3', [file, h.dbFile]);
    expect(good.stdout).toContain('ok:');
  });
});
