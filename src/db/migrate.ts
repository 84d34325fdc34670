/** Applies the drizzle-kit migrations in migrations/ and seeds the programmes of the guide. */
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { wlmq2026 } from '../../machines/programme.js';
import type { Db } from './client.js';
import { programmes } from './schema.js';

const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Idempotent: runs pending migrations, then inserts `wlmq-2026` if it is not there. */
export function migrateDatabase(db: Db, now: string): void {
  migrate(db, { migrationsFolder });
  db.insert(programmes)
    .values({ id: 'wlmq-2026', settings: wlmq2026, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .run();
}
