/**
 * Someone with the database's owner rights editing the log behind the service's back: what
 * `verify` must catch. The append-only triggers and the foreign keys are lifted for `edit`, then
 * restored, on either store:
 * - SQLite: the append-only triggers dropped and created again from their stored text, foreign
 *   keys off on the writer's connection (the one `$port.run` writes on outside a transaction);
 * - PostgreSQL: one transaction under `session_replication_role = replica`, which fires no
 *   ordinary trigger and checks no foreign key (a superuser's right: the test servers' user has it).
 */
import type { Db, DbPort, SqlParams } from '../../src/db/client.js';
import { sqliteClientOf } from '../../src/db/sqlite/open.js';

export type ForgerSql = Pick<DbPort, 'query' | 'run'>;

export async function asForger(db: Db, edit: (sql: ForgerSql) => Promise<unknown>): Promise<void> {
  const port = db.$port;
  if (port.dialect === 'postgres') {
    await port.withTransaction(async () => {
      await port.run('SET LOCAL session_replication_role = replica');
      await edit(port);
    });
    return;
  }
  const file = sqliteClientOf(db);
  const triggers = file
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%append-only%'")
    .all() as { name: string; sql: string }[];
  if (triggers.length === 0) throw new Error('no append-only trigger found: the forger would prove nothing');
  for (const t of triggers) file.exec(`DROP TRIGGER ${t.name}`);
  file.pragma('foreign_keys = OFF');
  try {
    await edit(port);
  } finally {
    file.pragma('foreign_keys = ON');
    for (const t of triggers) file.exec(t.sql);
  }
}

/** One statement run as the forger. */
export const forgeStatement = (db: Db, text: string, params: SqlParams) => asForger(db, (sql) => sql.run(text, params));
