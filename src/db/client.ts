/**
 * The database port. Every query of the service is written once, in drizzle's SQLite builder,
 * over `schema.ts` (the one model of the tables); two adapters run it:
 * - SQLite (the default): better-sqlite3, synchronous underneath (src/db/sqlite/open.ts);
 * - PostgreSQL (`JIEBANG_DATABASE_URL=postgres://…`): the same statements through drizzle's
 *   async SQLite proxy onto node-postgres, placeholders and conflict targets rewritten
 *   (src/db/postgres/open.ts), on tables drizzle-kit generated from the same model
 *   (src/db/postgres/schema.ts, migrations/postgres/).
 * Callers `await` every statement: a SQLite statement answers at once, a PostgreSQL one later.
 */
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { isPostgresUrl } from '../base/database-url.js';
import { openPostgres } from './postgres/open.js';
import type * as schema from './schema.js';
import { openSqlite } from './sqlite/open.js';

export type Dialect = 'sqlite' | 'postgres';

/** Positional (`?`) or named (`@name`) parameters of a raw statement. */
export type SqlParams = unknown[] | Record<string, unknown>;

export type Synchronous = 'normal' | 'full';

/** What a raw write answers (better-sqlite3's RunResult). */
export interface RawRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
  /**
   * Held back, not yet sent (PostgreSQL, a batch's write: see BatchedWrite): `changes` is what
   * the write must change, checked when it is sent; `lastInsertRowid` is not known yet.
   */
  deferred?: true;
}

/**
 * A write the PostgreSQL adapter may hold back inside a batch's transaction and send with the
 * writes after it in one statement, one round trip under the writers' lock in place of one a
 * write (issue 15). `text` writes many at once: `$1 … $n` are arrays, one for each of `columns`
 * in order, element i for the i-th write; it answers one row for each write it made, with the
 * write's place in the arrays (1-based) as `ord` and, for an event, its `global_seq`. Writes
 * with the same `key` value go in separate statements, in order. A write that changed nothing,
 * or a statement that failed, fails the whole transaction with BatchRetry.
 */
export interface BatchedWrite {
  text: string;
  columns: readonly string[];
  key: string;
  /** The tables it writes: a read of another table does not wait for it. */
  tables: readonly string[];
}

/**
 * A held-back write did not do what its caller was told it did (another process moved the
 * challenge on, or the statement failed): the transaction is rolled back whole, and its caller
 * runs the batch again, each write sent as it is made.
 */
export class BatchRetry extends Error {
  constructor(cause: unknown) {
    super('a held-back write of the batch failed; the batch is run again, write by write', { cause });
    this.name = 'BatchRetry';
  }
}

/**
 * A check made under the writers' lock when a deferred transaction takes it (PostgreSQL, issue 15):
 * what code decided before then rests on what this process kept from earlier transactions, and
 * holds only if the database still reads as it expects. `sql` has no parameters: it goes with
 * BEGIN and the lock in one round trip. `settle` gets its rows and the held writes of a kind, in
 * the order they were made, to fill in what only the lock's holder may know (an event's place in
 * the global chain); a throw fails the transaction as BatchRetry.
 */
export interface LockedCheck {
  readonly sql: string;
  settle(rows: Record<string, unknown>[], held: (write: BatchedWrite) => Record<string, unknown>[]): void;
}

/** How a write transaction runs. */
export interface TransactionOptions {
  /**
   * PostgreSQL: hold back its BatchedWrites until a statement that is not one, or the commit,
   * needs them sent (ignored inside another transaction, and by SQLite, whose writes cost no
   * round trip); and begin it, taking the writers' lock, only then (`checkUnderLock`). The
   * caller must be ready to catch BatchRetry and run it again without.
   */
  deferWrites?: boolean;
}

/**
 * A raw statement prepared once (`@name` parameters): the hot path's statements skip drizzle's
 * per-call parameter filling and row mapping (issue 15). SQLite answers at once; a read is routed
 * as drizzle's are, on the reader connection unless the code runs inside the open write
 * transaction. PostgreSQL answers later, from a statement the server prepared once per
 * connection; a write's `lastInsertRowid` is the first column of the row it RETURNs, if any.
 */
export interface RawStatement<R = unknown> {
  run(params?: Record<string, unknown>): RawRunResult | Promise<RawRunResult>;
  get(params?: Record<string, unknown>): R | undefined | Promise<R | undefined>;
  all(params?: Record<string, unknown>): R[] | Promise<R[]>;
}

/** What the two adapters add to drizzle: transactions, raw reads, and closing. */
export interface DbPort {
  readonly dialect: Dialect;
  /** The file or the URL (without its password), for messages. */
  readonly location: string;
  /**
   * Runs `fn` in one write transaction; called inside another, in a savepoint of it. SQLite:
   * BEGIN IMMEDIATE (one writer per file). PostgreSQL: one pooled connection, and first an
   * advisory lock, so the writers of every process take their turn like SQLite's.
   */
  withTransaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * A raw read, `?` placeholders (an array) or `@name` ones (an object), aliases as written
   * ("AS globalSeq"). `RETURNING` works on both.
   */
  query<R>(text: string, params?: SqlParams): Promise<R[]>;
  /** A raw write; answers how many rows it changed. */
  run(text: string, params?: SqlParams): Promise<number>;
  /** The same, row by row: SQLite streams them; PostgreSQL reads them all first. */
  each<R>(text: string, params?: SqlParams): Iterable<R> | AsyncIterable<R>;
  /**
   * A number that changes whenever another connection may have committed what this one keeps
   * of its writes, so a process may keep what it read until then; undefined where the store
   * cannot say. SQLite: `PRAGMA data_version` (any commit by another connection). PostgreSQL:
   * only inside a write transaction once it holds the writers' lock, so no other writer commits
   * until it ends; a number for that transaction (outside one, or before a deferred one takes the
   * lock: undefined, nothing is kept).
   */
  commitsByOthers?(): number | undefined;
  /**
   * How many transactions and savepoints this connection has rolled back: with
   * `commitsByOthers`, what a writer kept of its own writes is still true while neither moves.
   */
  rollbacks?(): number;
  /**
   * PostgreSQL, inside a deferred write transaction that has not yet sent anything, so has not
   * taken the writers' lock: the check named `key` (made by `make` the first time), to be settled
   * under the lock before anything of the transaction reaches the server. Undefined once the lock
   * is held, outside such a transaction, and on SQLite: then the code reads what it needs.
   */
  checkUnderLock?<C extends LockedCheck>(key: string, make: () => C): C | undefined;
  /** A raw statement, prepared now and kept by the caller (see RawStatement); `batched`: BatchedWrite. */
  prepare<R = unknown>(text: string, batched?: BatchedWrite): RawStatement<R>;
  /** Applies the dialect's drizzle-kit migrations: migrations/ (SQLite), migrations/postgres/. */
  migrateSchema(): Promise<void>;
  close(): Promise<void>;
}

export type Db = BaseSQLiteDatabase<'sync' | 'async', unknown, typeof schema> & { $port: DbPort };

/** Rows changed by a `.run()`, whichever driver ran it. */
export function changesOf(result: unknown): number {
  const r = result as { changes?: number; rowCount?: number } | undefined;
  return r?.changes ?? r?.rowCount ?? 0;
}

export { isPostgresUrl };

/** A `postgres://` URL opens PostgreSQL; anything else is a SQLite file. */
export function openDatabase(location: string, synchronous: Synchronous = 'normal'): Db {
  return isPostgresUrl(location) ? openPostgres(location) : openSqlite(location, synchronous);
}
