/**
 * Opens a database for the auditors' commands (verify, export): read-only, and only if the file
 * exists, so pointing a command at a wrong path never creates an empty database, and an
 * auditor can work on a copy lodged with them without any risk of changing it.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../base/config.js';
import { type Db, isPostgresUrl, openDatabase } from '../db/client.js';
import { openSqliteReadOnly } from '../db/sqlite/open.js';

/** A postgres:// URL is opened as it is: give the auditor a read-only role on a copy. */
export function openForAudit(path: string | undefined): Db {
  const file = path ?? loadConfig().dbPath;
  if (isPostgresUrl(file)) return openDatabase(file);
  if (file === ':memory:' || !existsSync(file)) throw new Error(`no database file at ${file}`);
  return openSqliteReadOnly(file);
}
