/**
 * Replay: fold a challenge's stored events through the pure machine, from its CREATE event.
 * Each event is rebuilt exactly as the engine sent it — payload, facts, actor, time — so the
 * fold must reproduce every stored `state_after` and the stored snapshot, or it found a bug.
 */
import { initialTransition } from 'xstate';
import { type ChallengeSnapshot, challengeMachine } from '../../machines/challenge/challenge.machine.js';
import type { Actor, ChallengeEvent } from '../../machines/challenge/events.js';
import type { CreateInput } from '../../machines/challenge/types.js';
import { canonicalJson } from './canonical.js';
import { pureTransition } from './pure-transition.js';
import { type PersistedSnapshot, persist } from './snapshots.js';
import type { EventRow } from './store.js';

export interface ReplayStep {
  seq: number;
  snapshot: ChallengeSnapshot;
}

/** The machine event an event row stands for. */
export function eventOfRow(row: EventRow): ChallengeEvent {
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  const facts = row.facts === null ? undefined : (JSON.parse(row.facts) as unknown);
  return {
    type: row.type,
    ...payload,
    at: row.at,
    actor: JSON.parse(row.actor) as Actor,
    ...(facts ? { facts } : {}),
  } as ChallengeEvent;
}

/** Calls `onStep` with the snapshot after each event, in seq order. */
export function replayEvents(
  rows: Iterable<EventRow>,
  onStep: (step: ReplayStep) => void,
): ChallengeSnapshot | undefined {
  let snapshot: ChallengeSnapshot | undefined;
  for (const row of rows) {
    if (snapshot === undefined) {
      if (row.type !== 'CREATE')
        throw new Error(`event ${row.seq} of ${row.challengeId}: a history starts with CREATE`);
      const payload = JSON.parse(row.payload) as Omit<CreateInput, 'at' | 'actor'>;
      const input: CreateInput = { ...payload, at: row.at, actor: JSON.parse(row.actor) as Actor };
      [snapshot] = initialTransition(challengeMachine, input);
    } else {
      const before: ChallengeSnapshot = snapshot;
      snapshot = pureTransition(before, eventOfRow(row));
      if (snapshot === before)
        throw new Error(`event ${row.seq} of ${row.challengeId} (${row.type}) is refused on replay`);
    }
    onStep({ seq: row.seq, snapshot });
  }
  return snapshot;
}

export interface Divergence {
  seq: number;
  what: string;
}

/** Replays and compares each step with the stored state_after and the end with the stored snapshot. */
export function firstDivergence(rows: EventRow[], storedSnapshot: string): Divergence | null {
  let found: Divergence | null = null;
  try {
    const last = replayEvents(rows, ({ seq, snapshot }) => {
      const row = rows[seq - 1];
      if (!found && row && canonicalJson(snapshot.value) !== row.stateAfter)
        found = { seq, what: `state_after is ${row.stateAfter}, replay gives ${canonicalJson(snapshot.value)}` };
    });
    if (found) return found;
    if (last && canonicalJson(persist(last)) !== canonicalJson(JSON.parse(storedSnapshot) as PersistedSnapshot))
      return { seq: rows.length, what: 'the stored snapshot differs from the replayed one' };
    return null;
  } catch (err) {
    return { seq: 0, what: err instanceof Error ? err.message : String(err) };
  }
}
