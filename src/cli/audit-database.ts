/**
 * Opens a database for the auditors' commands (verify, export): read-only, and only if the file
 * exists, so pointing a command at a wrong path never creates an empty database, and an
 * auditor can work on a copy lodged with them without any risk of changing it.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { loadConfig } from '../base/config.js';
import type { Db } from '../db/client.js';
import * as schema from '../db/schema.js';

export function openForAudit(path: string | undefined): Db {
  const file = path ?? loadConfig().dbPath;
  if (file === ':memory:' || !existsSync(file)) throw new Error(`no database file at ${file}`);
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  return drizzle(sqlite, { schema }) as Db;
}
