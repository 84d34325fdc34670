/**
 * Loads a challenge for the engine: its small head row always, its snapshot from the cache when
 * the cached version is current, and from the database (one consistent read) otherwise.
 */
import type { ChallengeSnapshot } from '../../machines/challenge/machine.js';
import { MACHINE_VERSION } from '../../machines/challenge/version.js';
import { AppError } from '../base/errors.js';
import { storedSnapshot } from '../db/stored-snapshot.js';
import type { EngineDeps } from './engine.js';
import { type ChallengeHead, type PersistedSnapshot, restore } from './snapshots.js';

export interface LoadedChallenge {
  head: ChallengeHead;
  snapshot: ChallengeSnapshot;
}

export async function loadChallenge(
  deps: Pick<EngineDeps, 'store' | 'cache'>,
  id: string,
): Promise<LoadedChallenge | undefined> {
  const { store, cache } = deps;
  const head = await store.challengeHead.get({ id });
  if (!head) return undefined;
  const cached = cache.get(id, head.version);
  if (cached) return { head, snapshot: cached };
  // The head and its list rows are two reads: a commit between them shows as another version
  // (read with the rows, in one statement), and the load starts again.
  for (;;) {
    const row = await store.challengeById.get({ id });
    if (!row) return undefined;
    let moved = false;
    let persisted: PersistedSnapshot;
    try {
      persisted = await storedSnapshot(row.snapshot, async (challengeId) => {
        const rows = await store.listItemsOf.all({ challengeId });
        moved = rows.some((r) => r.version !== row.version);
        return rows;
      });
    } catch (err) {
      const now = await store.challengeHead.get({ id });
      if (moved || now?.version !== row.version) continue;
      throw err;
    }
    if (moved) continue;
    const snapshot = restore(persisted);
    cache.set(row, snapshot);
    return { head: row, snapshot };
  }
}

/**
 * The engine runs new events under the current machine only. A challenge recorded under another
 * version (its history still replays under that one) takes no event until it is moved, by a
 * recorded MIGRATE_MACHINE event (`jiebang migrate-machine`), so no event ever runs under rules
 * its history does not name.
 */
export function notOnCurrentMachine(head: LoadedChallenge['head']): AppError | undefined {
  if (head.machineVersion === MACHINE_VERSION) return undefined;
  return new AppError(
    'EVENT_NOT_ALLOWED',
    `Challenge ${head.id} runs under machine version ${head.machineVersion}; the service runs version ${MACHINE_VERSION}. Move it first (jiebang migrate-machine ${head.id} --to ${MACHINE_VERSION}).`,
    `榜单 ${head.id} 运行于状态机版本 ${head.machineVersion}，本服务运行版本 ${MACHINE_VERSION}；请先迁移（jiebang migrate-machine ${head.id} --to ${MACHINE_VERSION}）。`,
    { allowedEvents: [] },
  );
}
