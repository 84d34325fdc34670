/**
 * Loads a challenge for the engine: its small head row always, its snapshot from the cache when
 * the cached version is current, and from the database (one consistent read) otherwise.
 */
import type { ChallengeSnapshot } from '../../machines/challenge/challenge.machine.js';
import type { EngineDeps } from './engine.js';
import { type PersistedSnapshot, restore } from './snapshots.js';

export interface LoadedChallenge {
  /** `updatedAt` is the time of the challenge's latest event. */
  head: { id: string; version: number; headHash: string; machineVersion: string; updatedAt: string };
  snapshot: ChallengeSnapshot;
}

export function loadChallenge(deps: Pick<EngineDeps, 'store' | 'cache'>, id: string): LoadedChallenge | undefined {
  const { store, cache } = deps;
  const head = store.challengeHead.get({ id });
  if (!head) return undefined;
  const cached = cache.get(id, head.version);
  if (cached) return { head, snapshot: cached };
  const row = store.challengeById.get({ id });
  if (!row) return undefined;
  const snapshot = restore(JSON.parse(row.snapshot) as PersistedSnapshot);
  cache.set(id, row.version, snapshot);
  return { head: row, snapshot };
}
