/**
 * The PostgreSQL adapter. The service's statements are written once in drizzle's SQLite builder;
 * here drizzle's async proxy hands each one's SQL to node-postgres after two rewrites — `?`
 * placeholders become `$n`, and a conflict target loses its table prefix — which is all that
 * separates the SQL drizzle writes for SQLite from PostgreSQL's, on tables generated from the
 * same model (src/db/postgres/schema.ts). Only PostgreSQL 12 features are used.
 *
 * Several processes may share the database: a write transaction first takes one advisory lock
 * (held until it commits), so writers take their turn as SQLite's do, and the global chain's
 * head, each challenge's version check, the timer claims and the idempotency keys are all read
 * and written under it (docs/decisions.md). A group commit's batch (deferWrites) takes it at its
 * first statement: what it decided before, on what the process kept, is checked under the lock
 * (`checkUnderLock`) in the same round trip.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { fileURLToPath } from 'node:url';
import { drizzle as pgDrizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { drizzle } from 'drizzle-orm/sqlite-proxy';
import pg from 'pg';
import {
  type BatchedWrite,
  BatchRetry,
  type Db,
  type DbPort,
  type LockedCheck,
  type RawRunResult,
  type RawStatement,
  type SqlParams,
  type TransactionOptions,
} from '../client.js';
import * as schema from '../schema.js';

/** The advisory lock every write transaction takes: "jiebang" as a 32-bit number. */
export const WRITE_LOCK = 0x6a696562;
/** Held while one process migrates, so processes that start together do not migrate twice. */
const MIGRATION_LOCK = WRITE_LOCK + 1;
/** A write transaction's start: its BEGIN and the writers' lock, sent together. */
const BEGIN_AND_LOCK = `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK})`;

const migrationsFolder = fileURLToPath(new URL('../../../migrations/postgres', import.meta.url));

// bigint (global_seq, due_ms, counts) as a JavaScript number, as SQLite's integers are: every
// value the service stores is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * `?` → `$1, $2 …` outside quoted text and identifiers; with `names`, `@name` → `$n` too (the
 * names in order of first use are pushed onto `names`).
 */
export function toPostgresSql(text: string, names?: string[]): string {
  let n = 0;
  let out = '';
  let quote: string | null = null;
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      n += 1;
      out += `$${n}`;
    } else if (ch === '@' && names) {
      let name = '';
      while (i + 1 < chars.length && /\w/.test(chars[i + 1] as string)) name += chars[++i];
      let at = names.indexOf(name);
      if (at === -1) at = names.push(name) - 1;
      out += `$${at + 1}`;
    } else out += ch;
  }
  // PostgreSQL names a conflict target's columns bare: on conflict ("units"."code") → ("code").
  out = out.replace(/on conflict \(([^)]*)\)/g, (_m, cols: string) => `on conflict (${cols.replace(/"\w+"\./g, '')})`);
  // Aliases keep their case as SQLite's do (unquoted, PostgreSQL folds them to lower case).
  return out.replace(/\b(as|AS) ([a-z]+[A-Z]\w*)/g, '$1 "$2"');
}

const withoutPassword = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/** A BatchedWrite held back, in the order it was made. */
interface HeldWrite {
  kind: 'write';
  serial: number;
  batched: BatchedWrite;
  /** The server's name for `batched.text`, prepared once per connection. */
  statementName: string;
  params: Record<string, unknown>;
}

/**
 * A savepoint opened among held writes: sent only if something must reach the server while it
 * is open (then `sent`); `released` if it ended well before that (its writes now belong to the
 * savepoint or transaction around it, as a RELEASE would have made them).
 */
interface HeldSavepoint {
  kind: 'savepoint';
  serial: number;
  name: string;
  depth: number;
  state: 'held' | 'sent' | 'released';
}

/** What a write transaction shares with its savepoints. */
interface Live {
  open: boolean;
  /**
   * BEGIN and the writers' lock, once sent (a deferred transaction: at its first statement): every
   * statement after it waits for it, and for its checks to settle what was held.
   */
  begun: Promise<void> | undefined;
  /** Which transaction of this process it is, once begun: `commitsByOthers` while it is open. */
  serial: number | undefined;
  /** Before it begins: the checks to settle under the lock, by key (checkUnderLock). */
  checks: Map<string, LockedCheck>;
  /** The last savepoint that succeeded and is not yet released. */
  pendingRelease: { name: string; depth: number } | null;
  /** deferWrites: what is held back, in order; undefined: each write is sent as it is made. */
  held: (HeldWrite | HeldSavepoint)[] | undefined;
  /** How many were ever held, so a rolled-back savepoint drops exactly what came after it. */
  heldSerial: number;
  /** Set once a held write failed: nothing more is sent, and the transaction rolls back. */
  doomed: BatchRetry | undefined;
}

/** Names of statements the server prepares once per connection (node-postgres keeps them). */
let prepared = 0;

/**
 * The tables a statement only reads, from its text; undefined for anything that may write (or
 * lock rows): that must follow every held write and savepoint before it, so a rollback to one
 * of them undoes it too. A read needs only the held writes to the tables it reads sent before it.
 */
function tablesReadBy(sqlText: string): string[] | undefined {
  if (!/^\s*select\b/i.test(sqlText) || /\b(insert|update|delete)\b/i.test(sqlText.replace(/'[^']*'/g, '')))
    return undefined;
  return [...sqlText.matchAll(/\b(?:from|join)\s+"?(\w+)"?/gi)].map((m) => (m[1] as string).toLowerCase());
}

/**
 * One statement for a run of held writes; each must answer a row (its `ord`), and events their
 * places in the global chain in the order they were made.
 */
async function sendWrites(client: pg.PoolClient, writes: HeldWrite[]): Promise<void> {
  const [first] = writes as [HeldWrite];
  const values = first.batched.columns.map((name) => writes.map((write) => write.params[name] ?? null));
  const { rows } = await client.query<{ ord: number; global_seq?: number }>({
    name: first.statementName,
    text: first.batched.text,
    values,
  });
  const inOrder = rows.every(
    (row, i) =>
      Number(row.ord) === i + 1 &&
      (i === 0 || row.global_seq === undefined || Number(row.global_seq) > Number(rows[i - 1]?.global_seq)),
  );
  if (rows.length !== writes.length || !inOrder)
    throw new BatchRetry(`${writes.length - rows.length} of ${writes.length} held writes changed nothing`);
}

export function openPostgres(url: string): Db {
  // Named in pg_stat_activity for the database's staff, unless the URL or PGAPPNAME names it.
  const pool = new pg.Pool({ connectionString: url, max: 10, fallback_application_name: 'jiebang' });
  // An idle client that loses its server (a restart) is dropped from the pool, not thrown.
  pool.on('error', () => {});
  // The transaction the running code is inside. A continuation started inside one may outlive it
  // (a timer, a wake-up set from a commit): `live` is shared by its savepoints and cleared when it
  // ends, so such code runs on its own, not on a connection gone back to the pool.
  const current = new AsyncLocalStorage<{ client: pg.PoolClient; depth: number; live: Live }>();
  const inside = () => {
    const tx = current.getStore();
    return tx?.live.open ? tx : undefined;
  };
  let transactions = 0;
  let rollbacks = 0;
  // The service's statements are few and fixed: each is rewritten once, not at every call
  // (issue 15: the rewrite walked every statement's text character by character).
  const rewritten = new Map<string, { sqlText: string; names: string[] | undefined; reads: string[] | undefined }>();
  const rewrite = (text: string, named: boolean) => {
    const key = named ? `@${text}` : text;
    let found = rewritten.get(key);
    if (!found) {
      const names: string[] | undefined = named ? [] : undefined;
      const sqlText = toPostgresSql(text, names);
      found = { sqlText, names, reads: tablesReadBy(sqlText) };
      if (rewritten.size < 1000) rewritten.set(key, found);
    }
    return found;
  };
  const run = async (text: string, params: SqlParams, rowMode?: 'array') => {
    const { sqlText, names, reads } = rewrite(text, !Array.isArray(params));
    const values = Array.isArray(params) ? params : (names ?? []).map((name) => params[name]);
    const config = { text: sqlText, values, ...(rowMode ? { rowMode } : {}) };
    return send(config, reads);
  };
  /** A statement on the open transaction's connection, after what it must follow; else on the pool. */
  const send = async (config: pg.QueryConfig, reads: readonly string[] | undefined) => {
    const tx = inside();
    if (!tx) return pool.query(config);
    await begin(tx.client, tx.live);
    // What was held back goes first, as far as this statement may read it or follow it.
    await sendHeld(tx.client, tx.live, reads);
    return tx.client.query(config);
  };
  /**
   * BEGIN and the writers' lock, with the checks of what was decided before them, in one round
   * trip (a simple query may hold several statements without parameters); then each check is
   * settled, in the order they were asked for. A deferred transaction begins at its first
   * statement, so what it decides until then waits for no other process (issue 15).
   */
  const begin = (client: pg.PoolClient, live: Live): Promise<void> => {
    live.begun ??= beginNow(client, live);
    return live.begun;
  };
  const beginNow = async (client: pg.PoolClient, live: Live): Promise<void> => {
    const checks = [...live.checks.values()];
    live.checks.clear();
    const held = (batched: BatchedWrite) =>
      (live.held ?? []).flatMap((item) => (item.kind === 'write' && item.batched === batched ? [item.params] : []));
    try {
      const answered = (await client.query([BEGIN_AND_LOCK, ...checks.map((check) => check.sql)].join('; '))) as
        | pg.QueryResult
        | pg.QueryResult[];
      transactions += 1;
      live.serial = transactions;
      const results = Array.isArray(answered) ? answered : [answered];
      // BEGIN and the lock answer the first two results.
      for (const [i, check] of checks.entries()) check.settle(results[i + 2]?.rows ?? [], held);
    } catch (error) {
      // A deferred transaction begins inside one of its events: it must not go on without.
      if (live.held) live.doomed = error instanceof BatchRetry ? error : new BatchRetry(error);
      throw live.doomed ?? error;
    }
  };
  /**
   * A savepoint among held writes (deferWrites): nothing is sent for it unless something must
   * reach the server while it is open (sendHeld sends it then). Ending well leaves its writes
   * held; failing drops them, and rolls the server back only if it had been sent.
   */
  const heldSavepoint = async <T>(
    outer: { client: pg.PoolClient; depth: number; live: Live },
    fn: () => Promise<T>,
  ): Promise<T> => {
    const { client, depth, live } = outer;
    const held = live.held as (HeldWrite | HeldSavepoint)[];
    if (live.doomed) throw live.doomed;
    const marker: HeldSavepoint = {
      kind: 'savepoint',
      serial: ++live.heldSerial,
      name: `sp${depth}`,
      depth,
      state: 'held',
    };
    held.push(marker);
    try {
      const result = await current.run({ ...outer, depth: depth + 1 }, fn);
      if (marker.state === 'sent') live.pendingRelease = { name: marker.name, depth };
      else marker.state = 'released';
      return result;
    } catch (error) {
      if (live.doomed) throw live.doomed;
      // Held in the order made: what it holds is everything from its own place on.
      const from = held.findIndex((item) => item.serial >= marker.serial);
      // Something it wrote is undone (what a writer kept of its writes is stale); a refusal
      // before any write undoes nothing, and the batch's writes need not be sent for it.
      if (marker.state === 'sent' || held.some((item) => item.kind === 'write' && item.serial > marker.serial))
        rollbacks += 1;
      if (from !== -1) held.length = from;
      if (marker.state === 'sent') {
        if (live.pendingRelease && live.pendingRelease.depth >= depth) live.pendingRelease = null;
        await client.query(`ROLLBACK TO SAVEPOINT ${marker.name}; RELEASE SAVEPOINT ${marker.name}`);
      }
      throw error;
    }
  };
  /**
   * Sends what the transaction holds back, in order, each run of writes of one kind as one
   * statement: all of it before a write; before a read of `reads`, what comes up to the last
   * held write to one of those tables (the savepoints after it stay held: a read needs none).
   */
  const sendHeld = async (client: pg.PoolClient, live: Live, reads?: readonly string[]): Promise<void> => {
    if (live.doomed) throw live.doomed;
    const held = live.held;
    if (!held || held.length === 0) return;
    let left = held.length;
    if (reads) {
      // Up to the last held write to a table it reads; none: nothing need go first.
      while (left > 0) {
        const item = held[left - 1] as HeldWrite | HeldSavepoint;
        if (item.kind === 'write' && item.batched.tables.some((table) => reads.includes(table))) break;
        left -= 1;
      }
    }
    const take = () => {
      left -= 1;
      return held.shift() as HeldWrite | HeldSavepoint;
    };
    try {
      while (left > 0) {
        const first = take();
        if (first.kind === 'savepoint') {
          if (first.state === 'released') continue;
          const release = live.pendingRelease && live.pendingRelease.depth >= first.depth ? live.pendingRelease : null;
          await client.query(
            release ? `RELEASE SAVEPOINT ${release.name}; SAVEPOINT ${first.name}` : `SAVEPOINT ${first.name}`,
          );
          if (release) live.pendingRelease = null;
          first.state = 'sent';
          continue;
        }
        // The run: the writes of this kind that follow, up to another kind, a savepoint still
        // open, or a second write with the same key (one statement updates a row once).
        const writes = [first];
        const keys = new Set([first.params[first.batched.key]]);
        while (left > 0) {
          const next = held[0] as HeldWrite | HeldSavepoint;
          if (next.kind === 'savepoint' && next.state === 'released') {
            take();
            continue;
          }
          if (next.kind !== 'write' || next.batched !== first.batched || keys.has(next.params[next.batched.key])) break;
          keys.add(next.params[next.batched.key]);
          writes.push(next);
          take();
        }
        await sendWrites(client, writes);
      }
    } catch (error) {
      live.doomed = error instanceof BatchRetry ? error : new BatchRetry(error);
      throw live.doomed;
    }
  };
  const db = drizzle(
    async (text, params, method) => {
      const result = await run(text, params, 'array');
      if (method === 'run') return { rows: [], changes: result.rowCount ?? 0 } as { rows: unknown[] };
      if (method === 'get') return { rows: result.rows[0] as unknown[] };
      return { rows: result.rows };
    },
    { schema },
  );
  const port: DbPort = {
    dialect: 'postgres',
    location: withoutPassword(url),
    async withTransaction<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
      const outer = inside();
      if (outer?.live.held) return heldSavepoint(outer, fn);
      if (outer) {
        const { client, depth, live } = outer;
        const name = `sp${depth}`;
        // A savepoint that succeeded is released with the next one's start, in the same round
        // trip (issue 15: a group commit's batch opens one per event); COMMIT releases the last.
        const release = live.pendingRelease && live.pendingRelease.depth >= depth ? live.pendingRelease : null;
        await client.query(release ? `RELEASE SAVEPOINT ${release.name}; SAVEPOINT ${name}` : `SAVEPOINT ${name}`);
        if (release) live.pendingRelease = null;
        try {
          const result = await current.run({ ...outer, depth: depth + 1 }, fn);
          // Releasing it releases the ones it holds: only the outermost pending one is remembered.
          live.pendingRelease = { name, depth };
          return result;
        } catch (error) {
          rollbacks += 1;
          // What it holds is gone with it, released or not.
          if (live.pendingRelease && live.pendingRelease.depth >= depth) live.pendingRelease = null;
          await client.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
          throw error;
        }
      }
      const client = await pool.connect();
      let broken = false;
      const live: Live = {
        open: true,
        begun: undefined,
        serial: undefined,
        checks: new Map(),
        pendingRelease: null,
        held: options.deferWrites ? [] : undefined,
        heldSerial: 0,
        doomed: undefined,
      };
      try {
        if (!options.deferWrites) await begin(client, live);
        const result = await current.run({ client, depth: 1, live }, fn).finally(() => {
          live.open = false;
        });
        // What is still held goes now; a held write that failed before, under code that caught
        // the error, makes this throw too, so the transaction still fails. A deferred
        // transaction that neither read nor wrote anything (its events all refused on what was
        // kept) never began: nothing to send.
        if (live.doomed) throw live.doomed;
        if (live.begun || live.held?.some((item) => item.kind === 'write')) {
          await begin(client, live);
          await sendHeld(client, live);
          await client.query('COMMIT');
        }
        return result;
      } catch (error) {
        rollbacks += 1;
        if (live.begun)
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async query<R>(text: string, params: SqlParams = []): Promise<R[]> {
      return (await run(text, params)).rows as R[];
    },
    async run(text: string, params: SqlParams = []): Promise<number> {
      return (await run(text, params)).rowCount ?? 0;
    },
    async *each<R>(text: string, params: SqlParams = []): AsyncIterable<R> {
      yield* (await run(text, params)).rows as R[];
    },
    // Inside a write transaction the writers' lock is held: no other writer commits until it
    // ends, so what it wrote and read under the lock stays true for the rest of it.
    commitsByOthers: () => inside()?.live.serial,
    rollbacks: () => rollbacks,
    checkUnderLock<C extends LockedCheck>(key: string, make: () => C): C | undefined {
      const live = inside()?.live;
      if (!live?.held || live.begun || live.doomed) return undefined;
      let check = live.checks.get(key);
      if (!check) {
        check = make();
        live.checks.set(key, check);
      }
      return check as C;
    },
    prepare: <R>(text: string, batched?: BatchedWrite): RawStatement<R> => {
      const names: string[] = [];
      const config = { name: `jiebang_${++prepared}`, text: toPostgresSql(text, names) };
      const reads = tablesReadBy(config.text);
      const batchName = batched ? `jiebang_${++prepared}` : '';
      const exec = (params: Record<string, unknown> = {}, rowMode?: 'array') =>
        send({ ...config, values: names.map((n) => params[n]), ...(rowMode ? { rowMode } : {}) }, reads);
      return {
        run: async (params = {}): Promise<RawRunResult> => {
          const tx = inside();
          if (batched && tx?.live.held) {
            if (tx.live.doomed) throw tx.live.doomed;
            tx.live.held.push({
              kind: 'write',
              serial: ++tx.live.heldSerial,
              batched,
              statementName: batchName,
              params,
            });
            return { changes: 1, lastInsertRowid: 0, deferred: true };
          }
          const result = await exec(params, 'array');
          const first = (result.rows[0] as unknown[] | undefined)?.[0];
          return { changes: result.rowCount ?? 0, lastInsertRowid: typeof first === 'number' ? first : 0 };
        },
        get: async (params) => (await exec(params)).rows[0] as R | undefined,
        all: async (params) => (await exec(params)).rows as R[],
      };
    },
    async migrateSchema() {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migrate(pgDrizzle(client), { migrationsFolder });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
  return Object.assign(db, { $port: port }) as unknown as Db;
}
