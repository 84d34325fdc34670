/**
 * Which store a test run uses: SQLite files (the default), or PostgreSQL when
 * JIEBANG_TEST_STORE=postgres (the `postgres` vitest project), each test in a database of its
 * own made fresh on the run's server (test/setup/postgres-server.ts) and dropped after it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { DbPort } from '../../src/db/client.js';
import { LIST_ROWS_SQL, type ListItemRow, storedSnapshot } from '../../src/db/stored-snapshot.js';

export const testStore: 'sqlite' | 'postgres' = process.env.JIEBANG_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** A SQLite file path or a postgres:// URL: what JIEBANG_DB / JIEBANG_DATABASE_URL would say. */
  location: string;
  drop(): Promise<void>;
}

/** A new, empty database for one test (its SQLite file in `dir`). */
export async function freshDatabase(dir: string, store = testStore): Promise<TestDatabase> {
  if (store === 'sqlite') return { location: join(dir, 'jiebang.db'), drop: async () => {} };
  const server = inject('postgresServerUrl');
  const name = `jiebang_test_${randomBytes(6).toString('hex')}`;
  await onServer(server, `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    location: url.toString(),
    // FORCE (PostgreSQL 13+, the test servers): a killed server process may leave a session behind.
    drop: () => onServer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function onServer(server: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Makes the migrator forget the migration whose tag ends with `tagEnd` and every later one, so the
 * next start runs them again (a test that takes a database back to an earlier schema).
 */
export async function forgetMigrationsFrom(port: DbPort, tagEnd: string): Promise<void> {
  const postgres = port.dialect === 'postgres';
  const journal = JSON.parse(readFileSync(`migrations/${postgres ? 'postgres/' : ''}meta/_journal.json`, 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const since = journal.entries.find((e) => e.tag.endsWith(tagEnd))?.when;
  if (since === undefined) throw new Error(`no ${tagEnd} migration in the journal`);
  await port.run(
    `DELETE FROM ${postgres ? 'drizzle.__drizzle_migrations' : '__drizzle_migrations'} WHERE created_at >= ${since}`,
  );
}

/** Undoes migration 0015 (issue 15): each snapshot whole again, its lists inside it, no list table. */
export async function snapshotsWhole(port: DbPort): Promise<void> {
  for (const { id, snapshot } of await port.query<{ id: string; snapshot: string }>(
    'SELECT id, snapshot FROM challenges',
  )) {
    const whole = await storedSnapshot(snapshot, (challengeId) =>
      port.query<ListItemRow>(LIST_ROWS_SQL, [challengeId]),
    );
    await port.run('UPDATE challenges SET snapshot = ? WHERE id = ?', [JSON.stringify(whole), id]);
  }
  await port.run('DROP TABLE challenge_list_items');
}
