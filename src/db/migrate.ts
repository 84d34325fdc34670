/** Applies the drizzle-kit migrations in migrations/ and seeds the programmes of the guide. */
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { participationsOf } from '../../machines/challenge/participations.js';
import { stageOf } from '../../machines/challenge/stage.js';
import type { ChallengeContext } from '../../machines/challenge/types.js';
import { wlmq2026 } from '../../machines/programme.js';
import type { Db } from './client.js';
import { participations, programmes } from './schema.js';

const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Idempotent: runs pending migrations, then inserts `wlmq-2026` if it is not there. */
export function migrateDatabase(db: Db, now: string): void {
  migrate(db, { migrationsFolder });
  db.insert(programmes)
    .values({ id: 'wlmq-2026', settings: wlmq2026, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .run();
  rebuildParticipationsIfMissing(db);
}

/**
 * The participations projection (L-1, L-2) is derived from the snapshots and kept by every
 * commit. A database whose challenges predate it (or whose projection was cleared) gets it
 * rebuilt here, in one transaction, before the service takes any event.
 */
export function rebuildParticipationsIfMissing(db: Db): number {
  const client = db.$client;
  const has = client.prepare('SELECT 1 FROM participations LIMIT 1').get();
  if (has !== undefined) return 0;
  const rows = client.prepare('SELECT snapshot FROM challenges').all() as { snapshot: string }[];
  let written = 0;
  db.transaction((tx) => {
    for (const { snapshot } of rows) {
      const { value, context } = JSON.parse(snapshot) as {
        value: Parameters<typeof stageOf>[0];
        context: ChallengeContext;
      };
      for (const row of participationsOf(context, stageOf(value))) {
        tx.insert(participations).values(row).run();
        written++;
      }
    }
  });
  return written;
}
