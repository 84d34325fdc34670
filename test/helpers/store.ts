/**
 * Which store a test run uses: SQLite files (the default), or PostgreSQL when
 * JIEBANG_TEST_STORE=postgres (the `postgres` vitest project), each test in a database of its
 * own made fresh on the run's server (test/setup/postgres-server.ts) and dropped after it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { type DbPort, isPostgresUrl } from '../../src/db/client.js';
import { LIST_ROWS_SQL, type ListItemRow, storedSnapshot } from '../../src/db/stored-snapshot.js';

export const testStore: 'sqlite' | 'postgres' = process.env.JIEBANG_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** A SQLite file path or a postgres:// URL: what JIEBANG_DB / JIEBANG_DATABASE_URL would say. */
  location: string;
  /**
   * The folder for its uploads, with its keys beside it (`JIEBANG_FILES`): the test's own, so no
   * test writes into the checkout's data/ (PostgreSQL's default) and no two share a key.
   */
  filesDir: string;
  drop(): Promise<void>;
}

/** A new, empty database for one test (its SQLite file in `dir`). */
export async function freshDatabase(dir: string, store = testStore): Promise<TestDatabase> {
  const filesDir = join(dir, 'files');
  if (store === 'sqlite') return { location: join(dir, 'jiebang.db'), filesDir, drop: async () => {} };
  const server = inject('postgresServerUrl');
  const name = `jiebang_test_${randomBytes(6).toString('hex')}`;
  await onServer(server, `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    location: url.toString(),
    filesDir,
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

/**
 * What a `jiebang` command's environment says to open a test's database as its service does:
 * the SQLite file (its keys and uploads beside it), or the PostgreSQL URL with the shared folder
 * its keys and uploads live in (`dir`/files, the harness's and the e2e servers' folder).
 */
export function databaseEnv(location: string, dir: string): Record<string, string> {
  return isPostgresUrl(location)
    ? { JIEBANG_DATABASE_URL: location, JIEBANG_FILES: join(dir, 'files') }
    : { JIEBANG_DB: location };
}

/**
 * A folder and a fresh database of the calling test file's own, made before its tests run and
 * removed after them (`database` may be read once the tests run).
 */
export function databaseOfThisFile(prefix: string): { readonly dir: string; readonly database: TestDatabase } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await freshDatabase(dir);
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    get database() {
      if (!database) throw new Error('the database is made before the tests run');
      return database;
    },
  };
}
