/**
 * Persisted snapshots are `{value, context}` JSON. Rehydrating costs more than the transition
 * itself, so resolved snapshots are cached by (challenge, version): a hit is exact, because a
 * version is never reused. `latest` alone may answer an older version than the database's; its
 * caller's write says so (the version check) and it decides again on the stored one.
 */
import { type ChallengeSnapshot, challengeMachine } from '../../machines/challenge/machine.js';
import type { PersistedSnapshot } from '../db/stored-snapshot.js';

export type { PersistedSnapshot };

export function persist(snapshot: ChallengeSnapshot): PersistedSnapshot {
  return { value: snapshot.value, context: snapshot.context };
}

export function restore(persisted: PersistedSnapshot): ChallengeSnapshot {
  return challengeMachine.resolveState({ value: persisted.value, context: persisted.context });
}

/** What the engine knows of a challenge's row besides its snapshot: its head. */
export interface ChallengeHead {
  id: string;
  version: number;
  headHash: string;
  machineVersion: string;
  /** The time of the challenge's latest event. */
  updatedAt: string;
}

export class SnapshotCache {
  private readonly entries = new Map<string, { head: ChallengeHead; snapshot: ChallengeSnapshot }>();

  constructor(private readonly capacity = 5000) {}

  get(id: string, version: number): ChallengeSnapshot | undefined {
    const hit = this.entries.get(id);
    if (!hit || hit.head.version !== version) return undefined;
    this.touch(id, hit);
    return hit.snapshot;
  }

  /**
   * The latest version this process read or wrote, whatever the database holds now: a writer may
   * decide on it, as long as its write checks the version (issue 15: a read less per event).
   */
  latest(id: string): { head: ChallengeHead; snapshot: ChallengeSnapshot } | undefined {
    const hit = this.entries.get(id);
    if (hit) this.touch(id, hit);
    return hit;
  }

  /** Forgets everything (after a rolled-back batch: its versions will be written again). */
  clear(): void {
    this.entries.clear();
  }

  set(head: ChallengeHead, snapshot: ChallengeSnapshot): void {
    const { id, version, headHash, machineVersion, updatedAt } = head;
    this.entries.delete(id);
    this.entries.set(id, { head: { id, version, headHash, machineVersion, updatedAt }, snapshot });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  // Re-inserted, so the Map's order tracks recency (least recently used first).
  private touch(id: string, hit: { head: ChallengeHead; snapshot: ChallengeSnapshot }): void {
    this.entries.delete(id);
    this.entries.set(id, hit);
  }
}
