/**
 * Opens the SQLite database with the settings the engine relies on: WAL (readers never block
 * the writer), foreign keys and a busy timeout for a second process. In WAL mode
 * synchronous=NORMAL already keeps every acknowledged event through a crash of the process;
 * FULL also keeps it through a power cut, at an fsync per commit (docs/decisions.md).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export type Synchronous = 'normal' | 'full';

export function openDatabase(path: string, synchronous: Synchronous = 'normal'): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return drizzle(sqlite, { schema }) as Db;
}
