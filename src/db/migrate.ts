/** Applies the migrations of the database's dialect and seeds the programmes of the guide. */
import { participationsOf } from '../../machines/challenge/participations.js';
import { stageOf } from '../../machines/challenge/stage.js';
import { wlmq2026 } from '../../machines/programme.js';
import type { Db } from './client.js';
import { participations, programmes } from './schema.js';
import { LIST_ROWS_SQL, type ListItemRow, storedSnapshot } from './stored-snapshot.js';

/** Idempotent: runs pending migrations, then inserts `wlmq-2026` if it is not there. */
export async function migrateDatabase(db: Db, now: string): Promise<void> {
  await db.$port.migrateSchema();
  await db
    .insert(programmes)
    .values({ id: 'wlmq-2026', settings: wlmq2026, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .run();
  await rebuildParticipationsIfMissing(db);
}

/**
 * The participations projection (L-1, L-2) is derived from the snapshots and kept by every
 * commit. A database whose challenges predate it (or whose projection was cleared) gets it
 * rebuilt here, in one transaction, before the service takes any event.
 */
export async function rebuildParticipationsIfMissing(db: Db): Promise<number> {
  let written = 0;
  await db.$port.withTransaction(async () => {
    // Asked inside the transaction: another process starting at the same time may have rebuilt it.
    const has = await db.$port.query('SELECT 1 FROM participations LIMIT 1');
    if (has.length > 0) return;
    const rows = await db.$port.query<{ snapshot: string }>('SELECT snapshot FROM challenges');
    for (const { snapshot } of rows) {
      const { value, context } = await storedSnapshot(snapshot, (id) =>
        db.$port.query<ListItemRow>(LIST_ROWS_SQL, [id]),
      );
      for (const row of participationsOf(context, stageOf(value))) {
        await db.insert(participations).values(row).run();
        written++;
      }
    }
  });
  return written;
}
