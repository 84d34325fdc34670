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
import {
  type BatchedWrite,
  BatchRetry,
  type Db,
  type LockedCheck,
  openDatabase,
  type RawStatement,
} from '../../src/db/client.js';
import { WRITE_LOCK } from '../../src/db/postgres/open.js';
import { advanceAndAppendMany } from '../../src/engine/store.js';
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
/** The connection each of `sent` went on. */
let senders: pg.Client[];
/** Run once, just before the next BEGIN that settles late links: what another process does meanwhile. */
let beforeLateBegin: (() => Promise<unknown>) | undefined;

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
  senders = [];
  beforeLateBegin = undefined;
  const query = pg.Client.prototype.query;
  vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as string | { text: string };
    const text = typeof config === 'string' ? config : config.text;
    const meanwhile = beforeLateBegin;
    if (meanwhile && isLateBegin(text)) {
      beforeLateBegin = undefined;
      return meanwhile().then(() => {
        sent.push(text);
        senders.push(this);
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      });
    }
    sent.push(text);
    senders.push(this);
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
/** A BEGIN that also settles the links of events decided before the lock (src/engine/write/global-link.ts). */
const isLateBegin = (text: string) => text.startsWith('BEGIN') && text.includes('global_hash');
const begins = () => sent.filter((text) => text.startsWith('BEGIN'));
/** What the transaction that began with the first late BEGIN sent, from that BEGIN to its end. */
function lateTransaction(): string[] {
  const at = sent.findIndex(isLateBegin);
  const texts = sent.slice(at).filter((_, i) => senders[at + i] === senders[at]);
  return texts.slice(0, texts.findIndex((text) => text === 'COMMIT' || text === 'ROLLBACK') + 1);
}
/** How many connections hold this database's writers' lock, asked on a connection of its own (other test files' databases take theirs). */
async function lockHolders(): Promise<number> {
  const client = new pg.Client({ connectionString: database.location });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [WRITE_LOCK],
    );
    return rows[0]?.n ?? -1;
  } finally {
    await client.end();
  }
}
const check = (sql: string, settle: LockedCheck['settle']): LockedCheck => ({ sql, settle });
/** A check that multiplies every held counter's new value by ten: what it did shows it ran before they were sent. */
const askTenfold = () =>
  db.$port.checkUnderLock?.('tenfold', () =>
    check('SELECT 1', (_rows, held) => {
      for (const params of held(moveMany)) params.value = Number(params.value) * 10;
    }),
  );
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

describe("a deferred transaction takes the writers' lock only when something must reach the server (PostgreSQL)", () => {
  it('at its first statement, with the checks asked for before it, in one round trip', async () => {
    let settled: unknown;
    await deferred(async () => {
      const asked = db.$port.checkUnderLock?.('test', () =>
        check('SELECT 7 AS seven', (rows) => {
          settled = rows;
        }),
      );
      expect(asked).toBeDefined();
      await job(() => move.run({ id: 'a', expected: 0, value: 1 }));
      expect(begins()).toEqual([]);
      expect(await lockHolders()).toBe(0);
      // The first statement: BEGIN, the lock and the check go first, then what was held.
      expect(await values()).toMatchObject({ a: 1 });
      expect(await lockHolders()).toBe(1);
      expect(db.$port.checkUnderLock?.('later', () => check('SELECT 1', () => {}))).toBeUndefined();
    });
    expect(begins()).toEqual([`BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK}); SELECT 7 AS seven`]);
    expect(settled).toEqual([{ seven: 7 }]);
  });

  it('with only held writes, at commit: the checks settle them first', async () => {
    await deferred(async () => {
      askTenfold();
      await job(() => move.run({ id: 'a', expected: 0, value: 1 }));
      await job(() => move.run({ id: 'b', expected: 0, value: 2 }));
      expect(await lockHolders()).toBe(0);
    });
    expect(batched()).toBe(1);
    expect(await values()).toEqual({ a: 10, b: 20, c: 0 });
  });

  it('statements sent at once all wait for BEGIN and its checks before anything held goes', async () => {
    await deferred(async () => {
      askTenfold();
      await job(() => move.run({ id: 'a', expected: 0, value: 1 }));
      const [first, second] = await Promise.all([values(), values()]);
      expect(first).toMatchObject({ a: 10 });
      expect(second).toMatchObject({ a: 10 });
    });
    expect(begins()).toHaveLength(1);
  });

  it('a check is given the writes still held, in the order made: not those of a job that failed', async () => {
    let given: unknown[] = [];
    await deferred(async () => {
      db.$port.checkUnderLock?.('given', () =>
        check('SELECT 1', (_rows, held) => {
          given = held(moveMany).map((params) => params.id);
        }),
      );
      await job(() => move.run({ id: 'c', expected: 0, value: 1 }));
      await job(async () => {
        await move.run({ id: 'b', expected: 0, value: 1 });
        throw new Error('refused after its write');
      }).catch(() => {});
      await job(() => move.run({ id: 'a', expected: 0, value: 1 }));
    });
    expect(given).toEqual(['c', 'a']);
    expect(await values()).toEqual({ a: 1, b: 0, c: 1 });
  });

  it('a check that refuses fails the transaction with BatchRetry; nothing of it is kept', async () => {
    const outcome = deferred(async () => {
      db.$port.checkUnderLock?.('refuses', () =>
        check('SELECT 1', () => {
          throw new Error('what was decided no longer holds');
        }),
      );
      await job(() => move.run({ id: 'a', expected: 0, value: 1 }));
    });
    await expect(outcome).rejects.toBeInstanceOf(BatchRetry);
    expect(await values()).toEqual({ a: 0, b: 0, c: 0 });
  });

  it('one that sent nothing never begins: its checks are never made', async () => {
    let made = false;
    await deferred(async () => {
      db.$port.checkUnderLock?.('never', () =>
        check('SELECT 1', () => {
          made = true;
        }),
      );
      await job(() => {
        throw new Error('refused on what was kept');
      }).catch(() => {});
    });
    expect(begins()).toEqual([]);
    expect(made).toBe(false);
  });

  it('without deferWrites it begins at once, and asks for no check', async () => {
    await db.$port.withTransaction(async () => {
      expect(db.$port.checkUnderLock?.('none', () => check('SELECT 1', () => {}))).toBeUndefined();
      expect(await lockHolders()).toBe(1);
    });
  });
});

describe("events decided before the writers' lock, linked under it (PostgreSQL)", () => {
  type Setup = Awaited<ReturnType<typeof setUp>>;
  async function setUp(start = '2026-05-06T10:00:00+08:00') {
    const h = await startHarness(start, {}, undefined, 'postgres');
    const p = await registerParties(h);
    const mine = await new ChallengeDriver(h, p).create();
    // This process has written an event: it has seen the hash in effect and the subscriptions.
    expect((await h.send(p.issuer, mine.id, { type: 'UPDATE', title: '先写一次' })).status).toBe(200);
    const port = h.app.jiebang.db.$port;
    const lastEvents = (n: number) =>
      port.query<{ challengeId: string; seq: number; at: string }>(
        `SELECT challenge_id AS challengeId, seq, at FROM events ORDER BY global_seq DESC LIMIT ${n}`,
      );
    const verified = async () => (await h.request('GET', '/api/v1/audit/verify', p.auditor)).body;
    return { h, p, mine, port, lastEvents, verified };
  }
  const update = (s: Setup, title: string) => s.h.send(s.p.issuer, s.mine.id, { type: 'UPDATE', title });
  /** `body` on a fresh harness, closed after it (which replays every challenge). */
  async function withSetUp(start: string | undefined, body: (s: Setup) => Promise<void>): Promise<void> {
    const s = await setUp(start);
    try {
      await body(s);
    } finally {
      await s.h.close();
    }
  }

  it('chain onto what another process committed meanwhile: one chain, and the log verifies', () =>
    withSetUp(undefined, async (s) => {
      const theirs = await new ChallengeDriver(s.h, s.p).create();
      const other = await s.h.otherWriter();
      beforeLateBegin = async () =>
        expect((await other.send(s.p.issuer, theirs.id, { type: 'UPDATE', title: '另一进程' })).status).toBe(200);
      sent = [];
      senders = [];
      expect((await update(s, '在锁外决定')).status).toBe(200);
      expect(beforeLateBegin).toBeUndefined();
      // Decided before the lock: under it, the batch only wrote its event and committed.
      expect(lateTransaction()).toEqual([
        expect.stringContaining('pg_advisory_xact_lock'),
        advanceAndAppendMany.text,
        'COMMIT',
      ]);
      expect((await s.lastEvents(2)).map((e) => e.challengeId)).toEqual([s.mine.id, theirs.id]);
      expect(await s.verified()).toMatchObject({ ok: true });
    }));

  it("across a Beijing midnight the batch runs again under the lock: the day's checkpoint names its last event", () =>
    withSetUp('2026-05-06T23:50:00+08:00', async (s) => {
      const [lastOfTheDay] = await s.port.query<{ globalSeq: number }>(
        'SELECT max(global_seq) AS globalSeq FROM events',
      );
      await s.h.at('2026-05-07T00:10:00+08:00');
      sent = [];
      expect((await update(s, '次日')).status).toBe(200);
      const [late, ...again] = begins();
      expect(isLateBegin(late ?? '')).toBe(true);
      expect(again.length).toBeGreaterThan(0);
      const checkpoints = await s.port.query<{ globalSeq: number }>(
        "SELECT global_seq AS globalSeq FROM checkpoints WHERE day = '2026-05-06'",
      );
      expect(checkpoints.map((c) => Number(c.globalSeq))).toEqual([Number(lastOfTheDay?.globalSeq)]);
      expect(await s.verified()).toMatchObject({ ok: true });
    }));

  it('a hash switched by another process meanwhile: the batch runs again, hashed with the one in effect', () =>
    withSetUp(undefined, async (s) => {
      const theirs = await new ChallengeDriver(s.h, s.p).create();
      const other = await s.h.otherWriter({ hashAlgorithm: 'sm3' });
      beforeLateBegin = async () =>
        expect((await other.send(s.p.issuer, theirs.id, { type: 'UPDATE', title: '国密' })).status).toBe(200);
      sent = [];
      expect((await update(s, '切换之后')).status).toBe(200);
      expect(begins().length).toBeGreaterThan(1);
      // This process keeps SHA-256 (its setting): a switch back, recorded under the lock.
      const switches = await s.port.query<{ algorithm: string }>(
        'SELECT algorithm FROM hash_switches ORDER BY after_global_seq',
      );
      expect(switches.map((w) => w.algorithm).slice(-2)).toEqual(['sm3', 'sha256']);
      expect(await s.verified()).toMatchObject({ ok: true });
    }));

  it('a webhook subscribed by another process meanwhile: the batch runs again, and the event goes to it', () =>
    withSetUp(undefined, async (s) => {
      const other = await s.h.otherWriter();
      let hookId = '';
      beforeLateBegin = async () => {
        const made = await other.request('POST', '/api/v1/webhooks', s.p.bureau, {
          url: 'http://127.0.0.1:9/hook',
          events: ['*'],
        });
        expect(made.status).toBe(201);
        hookId = made.body.id;
      };
      sent = [];
      const updated = await update(s, '订阅之后');
      expect(updated.status).toBe(200);
      expect(begins().length).toBeGreaterThan(1);
      const outbox = await s.port.query<{ target: string; seq: number }>(
        "SELECT target, seq FROM outbox WHERE channel = 'webhook'",
      );
      expect(outbox.map((o) => ({ target: o.target, seq: Number(o.seq) }))).toEqual([
        { target: hookId, seq: updated.body.version },
      ]);
    }));
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
