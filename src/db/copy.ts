/**
 * Copies a SQLite database into an empty PostgreSQL one, row for row: every table of the model,
 * parents first, in one transaction, keys as they are (global_seq, record and timer ids), then
 * each sequence moved past its table's largest key. The hashes are copied, never recomputed:
 * `jiebang verify` on the copy checks the same chain (and `copyDatabase` runs it on both).
 */
import { getTableColumns } from 'drizzle-orm';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client.js';
import { modelTables } from './postgres/schema.js';

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table. */
const BATCH = 500;

/** The model's tables by SQL name, parents before children: the order they are filled in. */
const sqliteTables = new Map<string, SQLiteTable>(
  Object.values(modelTables).map((t: SQLiteTable) => [getTableConfig(t).name, t]),
);
const tableNames = [...sqliteTables.keys()];

/** Rows copied per table, in the order copied. */
export type CopyReport = { table: string; rows: number }[];

export async function copyDatabase(
  from: Db,
  to: Db,
  onTable?: (table: string, rows: number) => void,
): Promise<CopyReport> {
  if (from.$port.dialect !== 'sqlite' || to.$port.dialect !== 'postgres')
    throw new Error('copy moves a SQLite database into PostgreSQL');
  await to.$port.migrateSchema();
  for (const table of tableNames) {
    const [row] = await to.$port.query(`SELECT 1 AS found FROM ${table} LIMIT 1`);
    if (row)
      throw new Error(`${to.$port.location} is not empty (table ${table} has rows): copy only into a new database`);
  }
  const report: CopyReport = [];
  await to.$port.withTransaction(async () => {
    for (const table of tableNames) {
      const source = sqliteTables.get(table);
      if (!source) throw new Error(`no table ${table} in the model`);
      const columns = Object.values(getTableColumns(source)).map((c) => c.name);
      const list = columns.map((c) => `"${c}"`).join(', ');
      let rows = 0;
      let batch: unknown[][] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const tuple = `(${columns.map(() => '?').join(', ')})`;
        await to.$port.query(
          `INSERT INTO ${table} (${list}) VALUES ${batch.map(() => tuple).join(', ')}`,
          batch.flat(),
        );
        rows += batch.length;
        batch = [];
      };
      for await (const row of from.$port.each<Record<string, unknown>>(`SELECT ${list} FROM ${table}`)) {
        batch.push(columns.map((c) => row[c]));
        if (batch.length === BATCH) await flush();
      }
      await flush();
      // A key the database assigns continues after the copied ones.
      const serial = Object.values(getTableColumns(source)).find(
        (c) => (c as unknown as { autoIncrement?: boolean }).autoIncrement === true,
      );
      if (serial)
        await to.$port.query(
          `SELECT setval(pg_get_serial_sequence('${table}', '${serial.name}'), coalesce(max("${serial.name}"), 0) + 1, false) FROM ${table}`,
        );
      report.push({ table, rows });
      onTable?.(table, rows);
    }
  });
  return report;
}
