/**
 * Opens the SQLite database with the settings the engine relies on: WAL (readers never block
 * the writer), foreign keys and a busy timeout for a second process. In WAL mode
 * synchronous=NORMAL already keeps every acknowledged event through a crash of the process;
 * FULL also keeps it through a power cut, at an fsync per commit (docs/decisions.md).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db, DbPort, RawStatement, SqlParams, Synchronous } from '../client.js';
import * as schema from '../schema.js';

const migrationsFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));

export function openSqlite(path: string, synchronous: Synchronous = 'normal'): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('foreign_keys = ON');
  // Issue 16: a cleared or deleted cell is overwritten with zeros, so an erased person's wrapped
  // key does not linger in a free page of the file.
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma('busy_timeout = 5000');
  const inside = new AsyncLocalStorage<TransactionScope>();
  // A second, read-only connection for reads made while another request's transaction is open
  // on the first (a group-commit batch): WAL gives it the last committed state, so a read never
  // sees an event before its batch commits. An in-memory database has no second connection.
  const reader = path === ':memory:' ? undefined : new Database(path, { readonly: true });
  reader?.pragma('busy_timeout = 5000');
  const readsElsewhere = () => reader !== undefined && sqlite.inTransaction && !inside.getStore()?.live.open;
  const db = drizzle(routedClient(sqlite, reader, readsElsewhere), { schema });
  // Tests that tamper with the file reach the real connection (sqliteClientOf).
  Object.assign(db, { $client: sqlite });
  const port = sqlitePort(sqlite, path, () => migrate(db, { migrationsFolder }), inside, reader, readsElsewhere);
  return Object.assign(db, { $port: port }) as unknown as Db;
}

interface TransactionScope {
  depth: number;
  live: { open: boolean };
}

/**
 * What drizzle is given as its better-sqlite3 client: statements that write on the one
 * connection, and read there too unless `readsElsewhere()` — then on the reader, prepared there
 * on first need. Drizzle uses `prepare` and, on a statement, run/get/all/iterate and raw().
 */
function routedClient(
  sqlite: Database.Database,
  reader: Database.Database | undefined,
  readsElsewhere: () => boolean,
): Database.Database {
  if (!reader) return sqlite;
  const prepare = (text: string) => {
    const own = sqlite.prepare(text);
    // Only reads move (a RETURNING write answers rows too, but writes on the one connection).
    if (!own.reader || !own.readonly) return own;
    let other: Database.Statement | undefined;
    let raw = false;
    const pick = () => {
      if (!readsElsewhere()) return own.raw(raw);
      other ??= reader.prepare(text);
      return other.raw(raw);
    };
    const routed = {
      reader: true,
      run: (...params: unknown[]) => own.run(...params),
      get: (...params: unknown[]) => pick().get(...params),
      all: (...params: unknown[]) => pick().all(...params),
      iterate: (...params: unknown[]) => pick().iterate(...params),
      raw(toggle = true) {
        raw = toggle;
        return routed;
      },
    };
    return routed as unknown as Database.Statement;
  };
  return new Proxy(sqlite, {
    get: (target, key) => {
      if (key === 'prepare') return prepare;
      const value = Reflect.get(target, key, target);
      // Native methods (transaction, pragma …) must be called on the connection itself.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** An existing file, read-only (the auditors' commands). */
export function openSqliteReadOnly(path: string): Db {
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  const db = drizzle(sqlite, { schema });
  const port = sqlitePort(sqlite, path, () => {
    throw new Error(`${path} is open read-only`);
  });
  return Object.assign(db, { $port: port }) as unknown as Db;
}

/** The better-sqlite3 connection behind a SQLite `Db` (tests that tamper with the file use it). */
export function sqliteClientOf(db: Db): Database.Database {
  return (db as unknown as { $client: Database.Database }).$client;
}

function sqlitePort(
  sqlite: Database.Database,
  location: string,
  migrateSchema: () => void,
  // One connection serves every request, so a transaction must know whether the code running
  // is inside it (a savepoint) or another request that has to wait its turn: the async context says.
  // A continuation started inside a transaction may outlive it (a timer, a wake-up set from a
  // commit): `live` is cleared when the transaction ends, so such code begins its own.
  inside = new AsyncLocalStorage<TransactionScope>(),
  reader?: Database.Database,
  readsElsewhere: () => boolean = () => false,
): DbPort {
  let turn: Promise<unknown> = Promise.resolve();
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');
  // Prepared once per depth: a batch opens a savepoint for each of its events.
  const savepoints: { open: Database.Statement; release: Database.Statement; undo: Database.Statement }[] = [];
  const savepoint = (depth: number) => {
    savepoints[depth] ??= {
      open: sqlite.prepare(`SAVEPOINT sp${depth}`),
      release: sqlite.prepare(`RELEASE sp${depth}`),
      undo: sqlite.prepare(`ROLLBACK TO sp${depth}`),
    };
    return savepoints[depth];
  };
  // Raw statements are few and fixed: each is prepared once (better-sqlite3 parses on prepare).
  const cache = new Map<string, Database.Statement>();
  const statement = (text: string) => {
    let s = cache.get(text);
    if (!s) {
      s = sqlite.prepare(text);
      if (cache.size < 500) cache.set(text, s);
    }
    return s;
  };
  // The same for reads made outside an open transaction of another request (see openSqlite).
  const readerCache = new Map<string, Database.Statement>();
  const readStatement = (text: string) => {
    const own = statement(text);
    if (!reader || !own.readonly || !readsElsewhere()) return own;
    let s = readerCache.get(text);
    if (!s) {
      s = reader.prepare(text);
      if (readerCache.size < 500) readerCache.set(text, s);
    }
    return s;
  };
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  // Kept statements: a read moves to the reader as `readStatement` does (prepared there on first need).
  const prepareKept = <R>(text: string): RawStatement<R> => {
    const own = sqlite.prepare(text);
    if (!reader || !own.reader || !own.readonly)
      return {
        run: (params) => (params === undefined ? own.run() : own.run(params)),
        get: (params) => (params === undefined ? own.get() : own.get(params)) as R | undefined,
        all: (params) => (params === undefined ? own.all() : own.all(params)) as R[],
      };
    let other: Database.Statement | undefined;
    const pick = () => {
      if (!readsElsewhere()) return own;
      other ??= reader.prepare(text);
      return other;
    };
    return {
      run: (params) => (params === undefined ? own.run() : own.run(params)),
      get: (params) => {
        const s = pick();
        return (params === undefined ? s.get() : s.get(params)) as R | undefined;
      },
      all: (params) => {
        const s = pick();
        return (params === undefined ? s.all() : s.all(params)) as R[];
      },
    };
  };
  let rollbacks = 0;
  const spread = (params: SqlParams): unknown[] => (Array.isArray(params) ? params : [params]);
  return {
    dialect: 'sqlite',
    location,
    async withTransaction<T>(fn: () => Promise<T>): Promise<T> {
      const found = inside.getStore();
      const outer = found?.live.open ? found : undefined;
      if (outer) {
        const sp = savepoint(outer.depth);
        sp.open.run();
        try {
          const result = await inside.run({ depth: outer.depth + 1, live: outer.live }, fn);
          sp.release.run();
          return result;
        } catch (error) {
          rollbacks += 1;
          sp.undo.run();
          sp.release.run();
          throw error;
        }
      }
      const previous = turn;
      let done!: () => void;
      turn = new Promise<void>((resolve) => {
        done = resolve;
      });
      await previous;
      try {
        begin.run();
        try {
          const live = { open: true };
          const result = await inside.run({ depth: 1, live }, fn).finally(() => {
            live.open = false;
          });
          commit.run();
          return result;
        } catch (error) {
          rollbacks += 1;
          if (sqlite.inTransaction) rollback.run();
          throw error;
        }
      } finally {
        done();
      }
    },
    async query<R>(text: string, params: SqlParams = []): Promise<R[]> {
      return readStatement(text).all(...spread(params)) as R[];
    },
    async run(text: string, params: SqlParams = []): Promise<number> {
      return statement(text).run(...spread(params)).changes;
    },
    each<R>(text: string, params: SqlParams = []): Iterable<R> {
      return readStatement(text).iterate(...spread(params)) as Iterable<R>;
    },
    prepare: prepareKept,
    commitsByOthers: () => dataVersion.get() as number,
    rollbacks: () => rollbacks,
    async migrateSchema() {
      migrateSchema();
    },
    async close() {
      reader?.close();
      sqlite.close();
    },
  };
}
