/**
 * Issue 15: on PostgreSQL a group commit's batch holds its event writes back and sends them as
 * one statement (src/db/postgres/open.ts, deferWrites). What a transaction means must not
 * change: a read sees what was written before it, a savepoint that fails undoes what it holds
 * and nothing else, and a held write that could not do what its caller was told fails the whole
 * transaction. PostgreSQL only (SQLite writes in process and holds nothing back): this file runs
 * in the postgres project.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BatchedWrite, BatchRetry, type Db, openDatabase, type RawStatement } from '../../src/db/client.js';
import { keepGlobalHead, linkGlobally } from '../../src/engine/write/global-link.js';
import { registerParties } from '../helpers/fixtures.js';
import { startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { freshDatabase, type TestDatabase } from '../helpers/store.js';

/** A counter per name that moves only from the value its writer last saw, as a challenge's version does. */
const moveMany: BatchedWrite = {
  key: 'id',
  tables: ['counters'],
  columns: ['id', 'expected', 'value'],
  text: `WITH input AS (
      SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS i(id, expected, value, ord)
    ), moved AS (
      UPDATE counters c SET value = i.value FROM input i WHERE c.id = i.id AND c.value = i.expected RETURNING i.ord
    )
    SELECT ord FROM moved ORDER BY ord`,
};

const dir = mkdtempSync(join(tmpdir(), 'jiebang-held-writes-'));
let database: TestDatabase;
let db: Db;
let move: RawStatement;
/** Statements the service sent to the server, by text, in this test. */
let sent: string[];

beforeAll(async () => {
  database = await freshDatabase(dir, 'postgres');
  db = openDatabase(database.location);
  await db.$port.run('CREATE TABLE counters (id text PRIMARY KEY, value bigint NOT NULL)');
  await db.$port.run('CREATE TABLE notes (text text NOT NULL)');
  move = db.$port.prepare('UPDATE counters SET value = @value WHERE id = @id AND value = @expected', moveMany);
});
afterAll(async () => {
  await db.$port.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.$port.run('DELETE FROM counters');
  await db.$port.run('DELETE FROM notes');
  await db.$port.run("INSERT INTO counters (id, value) VALUES ('a', 0), ('b', 0), ('c', 0)");
  sent = [];
  const query = pg.Client.prototype.query;
  vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as string | { text: string };
    sent.push(typeof config === 'string' ? config : config.text);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const values = async () =>
  Object.fromEntries(
    (await db.$port.query<{ id: string; value: number }>('SELECT id, value FROM counters ORDER BY id')).map((r) => [
      r.id,
      Number(r.value),
    ]),
  );
const notes = async () => (await db.$port.query<{ text: string }>('SELECT text FROM notes')).map((r) => r.text);
const batched = () => sent.filter((text) => text === moveMany.text).length;
const savepoints = () => sent.filter((text) => /SAVEPOINT/.test(text));
const deferred = <T>(fn: () => Promise<T>) => db.$port.withTransaction(fn, { deferWrites: true });
/** A job of a batch: in a savepoint, as the engine's event is. */
const job = (fn: () => unknown) => db.$port.withTransaction(async () => fn());

describe('writes held back in a batch (PostgreSQL)', () => {
  it('go in one statement at commit, in the order made, with no savepoint sent for the jobs that held them', async () => {
    await deferred(async () => {
      for (const id of ['a', 'b', 'c'])
        await job(async () => {
          expect(await move.run({ id, expected: 0, value: 1 })).toMatchObject({ changes: 1, deferred: true });
        });
      expect(batched()).toBe(0);
    });
    expect(batched()).toBe(1);
    expect(savepoints()).toEqual([]);
    expect(await values()).toEqual({ a: 1, b: 1, c: 1 });
  });

  it('without deferWrites each is sent as it is made', async () => {
    await db.$port.withTransaction(async () => {
      const result = await move.run({ id: 'a', expected: 0, value: 1 });
      expect(result).toMatchObject({ changes: 1 });
      expect(result).not.toHaveProperty('deferred');
    });
    expect(batched()).toBe(0);
    expect(await values()).toMatchObject({ a: 1 });
  });

  it('a read of their table sees them (they are sent first); a read of another table sends nothing', async () => {
    await deferred(async () => {
      await job(() => move.run({ id: 'a', expected: 0, value: 5 }));
      expect(await notes()).toEqual([]);
      expect(batched()).toBe(0);
      expect(await values()).toMatchObject({ a: 5 });
      expect(batched()).toBe(1);
    });
    expect(await values()).toMatchObject({ a: 5 });
  });

  it('two writes of one counter go in two statements, in order', async () => {
    await deferred(async () => {
      await job(() => move.run({ id: 'a', expected: 0, value: 1 }));
      await job(() => move.run({ id: 'a', expected: 1, value: 2 }));
      await job(() => move.run({ id: 'b', expected: 0, value: 7 }));
    });
    expect(batched()).toBe(2);
    expect(await values()).toEqual({ a: 2, b: 7, c: 0 });
  });

  it('a job that fails drops what it held, and only that', async () => {
    await deferred(async () => {
      await job(() => move.run({ id: 'a', expected: 0, value: 1 }));
      await expect(
        job(async () => {
          await move.run({ id: 'b', expected: 0, value: 1 });
          throw new Error('refused after its write');
        }),
      ).rejects.toThrow('refused after its write');
      await job(() => move.run({ id: 'c', expected: 0, value: 1 }));
    });
    expect(await values()).toEqual({ a: 1, b: 0, c: 1 });
    expect(savepoints()).toEqual([]);
  });

  it('only a job that had written counts as a rollback (what a writer kept of its writes is stale then)', async () => {
    const before = db.$port.rollbacks?.() ?? -1;
    await deferred(async () => {
      await job(() => move.run({ id: 'a', expected: 0, value: 1 }));
      await expect(
        job(() => {
          throw new Error('refused before any write');
        }),
      ).rejects.toThrow('refused before any write');
      expect(db.$port.rollbacks?.()).toBe(before);
      await expect(
        job(async () => {
          await move.run({ id: 'b', expected: 0, value: 1 });
          throw new Error('refused after its write');
        }),
      ).rejects.toThrow('refused after its write');
      expect(db.$port.rollbacks?.()).toBe(before + 1);
    });
    expect(await values()).toEqual({ a: 1, b: 0, c: 0 });
  });

  it('a job whose plain write went to the server is rolled back to its savepoint, held writes and all', async () => {
    await deferred(async () => {
      await job(() => move.run({ id: 'a', expected: 0, value: 1 }));
      await expect(
        job(async () => {
          await move.run({ id: 'b', expected: 0, value: 1 });
          await db.$port.run("INSERT INTO notes (text) VALUES ('inside the failed job')");
          throw new Error('refused after its writes');
        }),
      ).rejects.toThrow('refused after its writes');
      await job(async () => {
        await move.run({ id: 'c', expected: 0, value: 1 });
        await db.$port.run("INSERT INTO notes (text) VALUES ('kept')");
      });
    });
    expect(await values()).toEqual({ a: 1, b: 0, c: 1 });
    expect(await notes()).toEqual(['kept']);
    expect(savepoints().some((text) => /ROLLBACK TO SAVEPOINT/.test(text))).toBe(true);
  });

  it('a held write that changes nothing fails the whole transaction with BatchRetry; nothing of it is kept', async () => {
    const outcome = deferred(async () => {
      await job(() => move.run({ id: 'a', expected: 0, value: 1 }));
      // Another writer moved b on: this write's version check fails when it is sent.
      await job(() => move.run({ id: 'b', expected: 41, value: 42 }));
    });
    await expect(outcome).rejects.toBeInstanceOf(BatchRetry);
    expect(await values()).toEqual({ a: 0, b: 0, c: 0 });
  });

  it('the transaction fails even when the code that read (and so sent the writes) caught the error', async () => {
    const outcome = deferred(async () => {
      await job(() => move.run({ id: 'b', expected: 41, value: 42 }));
      await job(async () => {
        await expect(values()).rejects.toBeInstanceOf(BatchRetry);
      });
      // Nothing more reaches the server: every statement after the failure fails the same way.
      await expect(job(() => move.run({ id: 'a', expected: 0, value: 1 }))).rejects.toBeInstanceOf(BatchRetry);
      await expect(db.$port.run("INSERT INTO notes (text) VALUES ('after')")).rejects.toBeInstanceOf(BatchRetry);
    });
    await expect(outcome).rejects.toBeInstanceOf(BatchRetry);
    expect(await values()).toEqual({ a: 0, b: 0, c: 0 });
    expect(await notes()).toEqual([]);
  });
});

describe('an event held back in a batch, and the day after it (PostgreSQL)', () => {
  it("the day's checkpoint names the held event's place, read once it is sent", async () => {
    const h = await startHarness('2026-05-06T10:00:00+08:00', {}, undefined, 'postgres');
    try {
      const p = await registerParties(h);
      const s = await new ChallengeDriver(h, p).create();
      const { store } = h.app.jiebang.deps;
      const port = h.app.jiebang.db.$port;
      const lateOnTheDay = '2026-05-06T15:00:00.000Z'; // 23:00 Beijing
      const nextDay = '2026-05-06T17:00:00.000Z'; // 01:00 Beijing, 7 May
      const seen = await store
        .transaction(
          async () => {
            const head = await store.challengeHead.get({ id: s.id });
            const link = await linkGlobally(store, lateOnTheDay);
            const fields = { type: 'UPDATE', payload: '{}', facts: null, actor: '{}', stateAfter: '"draft"' };
            const written = await store.advanceAndAppend?.run({
              ...fields,
              id: s.id,
              title: 't',
              snapshot: '{}',
              version: Number(head?.version) + 1,
              headHash: 'a'.repeat(64),
              machineVersion: head?.machineVersion,
              at: lateOnTheDay,
              expectedVersion: head?.version,
              expectedMachineVersion: head?.machineVersion,
              prevHash: head?.headHash,
              globalHash: 'b'.repeat(64),
            });
            expect(written).toMatchObject({ deferred: true });
            keepGlobalHead(store, written, { globalHash: 'b'.repeat(64), at: lateOnTheDay, algorithm: link.algorithm });
            // The first event of 7 May: 6 May's checkpoint is its last event, the held one.
            await linkGlobally(store, nextDay);
            const [checkpoint] = await port.query<{ globalSeq: number; globalHash: string }>(
              "SELECT global_seq AS globalSeq, global_hash AS globalHash FROM checkpoints WHERE day = '2026-05-06'",
            );
            const [last] = await port.query<{ globalSeq: number }>('SELECT max(global_seq) AS globalSeq FROM events');
            throw Object.assign(new Error('roll back: the hashes above are made up'), { seen: { checkpoint, last } });
          },
          { deferWrites: true },
        )
        .catch((error: { seen?: unknown }) => error.seen);
      expect(seen).toEqual({
        checkpoint: { globalSeq: expect.any(Number), globalHash: 'b'.repeat(64) },
        last: { globalSeq: (seen as { checkpoint: { globalSeq: number } }).checkpoint.globalSeq },
      });
      expect(await port.query("SELECT day FROM checkpoints WHERE day = '2026-05-06'")).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
