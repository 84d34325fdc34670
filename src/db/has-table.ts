/**
 * Whether the database has a table: a copy taken before the migration that added it (verify and
 * export open copies read-only, never migrating them) does not, and readers adapt.
 */
import type { DbPort } from './client.js';

export async function hasTable(port: DbPort, table: string): Promise<boolean> {
  const [row] = await port.query<{ found: string | null }>(
    port.dialect === 'postgres'
      ? 'SELECT to_regclass(?)::text AS found'
      : "SELECT name AS found FROM sqlite_master WHERE type = 'table' AND name = ?",
    [table],
  );
  return row?.found != null;
}
