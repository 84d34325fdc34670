/**
 * Values the engine derives from a snapshot, computed once per snapshot object. A snapshot is
 * never changed in place (XState makes a new one for every transition), and the snapshot an
 * event produced is the one the next event starts from (the snapshot cache), so each value is
 * computed once per event instead of once per use — the deadlines were computed three times a
 * transition (issue 15). Callers must not change what they are given.
 */
import { type Deadline, deadlinesOf } from '../../machines/challenge/deadlines.js';
import type { ChallengeSnapshot } from '../../machines/challenge/machine.js';
import { type Participation, participationsOf } from '../../machines/challenge/participations.js';
import { stageOf } from '../../machines/challenge/stage.js';
import { canonicalJson } from './canonical.js';

export function perSnapshot<T>(compute: (snapshot: ChallengeSnapshot) => T): (snapshot: ChallengeSnapshot) => T {
  const memo = new WeakMap<ChallengeSnapshot, { value: T }>();
  return (snapshot) => {
    let hit = memo.get(snapshot);
    if (!hit) {
      hit = { value: compute(snapshot) };
      memo.set(snapshot, hit);
    }
    return hit.value;
  };
}

/** The timers the state wants (machines/challenge/deadlines.ts). */
export const deadlinesOfSnapshot: (s: ChallengeSnapshot) => Deadline[] = perSnapshot((s) =>
  deadlinesOf(s.value, s.context),
);

/** The participations projection's rows, and their canonical JSON (to compare two snapshots'). */
export const participationsOfSnapshot: (s: ChallengeSnapshot) => { rows: Participation[]; key: string } = perSnapshot(
  (s) => {
    const rows = participationsOf(s.context, stageOf(s.value));
    return { rows, key: canonicalJson(rows) };
  },
);
