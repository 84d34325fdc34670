/**
 * What a database holds at rest, as bytes to search for a value in clear (issue 16): a SQLite
 * file with its WAL, or every row of every table of PostgreSQL as JSON text (what a dump or a
 * stolen disk would show); and the files under a folder (the uploads).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getTableConfig } from 'drizzle-orm/sqlite-core';
import type { DbPort } from '../../src/db/client.js';
import { modelTables } from '../../src/db/postgres/schema.js';

export async function storedBytes(port: DbPort): Promise<Buffer[]> {
  if (port.dialect === 'sqlite')
    return [port.location, `${port.location}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
  const out: Buffer[] = [];
  for (const table of Object.values(modelTables)) {
    const name = getTableConfig(table).name;
    const rows = await port.query<{ row: string }>(`SELECT CAST(row_to_json(t) AS TEXT) AS row FROM ${name} t`);
    out.push(Buffer.from(rows.map((r) => r.row).join('\n'), 'utf8'));
  }
  return out;
}

export function filesUnder(dir: string): Buffer[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [readFileSync(path)];
  });
}

export const clearIn = (buffers: Buffer[], value: string) =>
  buffers.some((b) => b.includes(Buffer.from(value, 'utf8')));
