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
import type { Db, DbPort, SqlParams, Synchronous } from '../client.js';
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
  const db = drizzle(sqlite, { schema });
  const port = sqlitePort(sqlite, path, () => migrate(db, { migrationsFolder }));
  return Object.assign(db, { $port: port }) as unknown as Db;
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

function sqlitePort(sqlite: Database.Database, location: string, migrateSchema: () => void): DbPort {
  // One connection serves every request, so a transaction must know whether the code running
  // is inside it (a savepoint) or another request that has to wait its turn: the async context says.
  // A continuation started inside a transaction may outlive it (a timer, a wake-up set from a
  // commit): `live` is cleared when the transaction ends, so such code begins its own.
  const inside = new AsyncLocalStorage<{ depth: number; live: { open: boolean } }>();
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
          if (sqlite.inTransaction) rollback.run();
          throw error;
        }
      } finally {
        done();
      }
    },
    async query<R>(text: string, params: SqlParams = []): Promise<R[]> {
      return statement(text).all(...spread(params)) as R[];
    },
    async run(text: string, params: SqlParams = []): Promise<number> {
      return statement(text).run(...spread(params)).changes;
    },
    each<R>(text: string, params: SqlParams = []): Iterable<R> {
      return statement(text).iterate(...spread(params)) as Iterable<R>;
    },
    async migrateSchema() {
      migrateSchema();
    },
    async close() {
      sqlite.close();
    },
  };
}
