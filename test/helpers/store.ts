/**
 * Which store a test run uses: SQLite files (the default), or PostgreSQL when
 * JIEBANG_TEST_STORE=postgres (the `postgres` vitest project), each test in a database of its
 * own made fresh on the run's server (test/setup/postgres-server.ts) and dropped after it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

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
