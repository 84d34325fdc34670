/**
 * Persisted snapshots are `{value, context}` JSON. Rehydrating costs more than the transition
 * itself, so resolved snapshots are cached by (challenge, version): a hit is exact, because a
 * version is never reused, and a stale entry can never be returned.
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

export class SnapshotCache {
  private readonly entries = new Map<string, { version: number; snapshot: ChallengeSnapshot }>();

  constructor(private readonly capacity = 5000) {}

  get(id: string, version: number): ChallengeSnapshot | undefined {
    const hit = this.entries.get(id);
    if (!hit || hit.version !== version) return undefined;
    // Re-insert so the Map's order tracks recency (least recently used first).
    this.entries.delete(id);
    this.entries.set(id, hit);
    return hit.snapshot;
  }

  /** Forgets everything (after a rolled-back batch: its versions will be written again). */
  clear(): void {
    this.entries.clear();
  }

  set(id: string, version: number, snapshot: ChallengeSnapshot): void {
    this.entries.delete(id);
    this.entries.set(id, { version, snapshot });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
