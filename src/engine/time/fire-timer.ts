/**
 * Fires one due timer as an ordinary event from the `system` actor, through the same
 * transition and transaction as any staff event. The timer row is settled in that transaction,
 * so a timer fires exactly once, across restarts and processes. A timer that fires after its
 * due time (the server was down) is recorded with how late it was.
 */

import type { Actor, ChallengeEvent, SystemEventType } from '../../../machines/challenge/events.js';
import { violationsOf } from '../../../machines/challenge/events.js';
import type { EngineDeps } from '../engine.js';
import { loadChallenge, notOnCurrentMachine } from '../load-challenge.js';
import { pureTransition } from '../pure-transition.js';
import type { TimerRow } from '../store.js';
import { appendEvent } from '../write/commit.js';
import { eventTime } from './clock.js';

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };
/** Firing more than this after the due time is recorded as late. */
export const LATE_AFTER_MS = 1000;

export type FireOutcome = { fired: true; seq: number } | { fired: false; reason: string };

export async function fireTimer(deps: EngineDeps, timer: TimerRow, at: Date): Promise<FireOutcome> {
  const { store, cache } = deps;
  // A firing earlier in the same sweep may have cancelled it (its state moved on).
  if ((await store.timerStatus.get({ id: timer.id }))?.status !== 'pending')
    return { fired: false, reason: 'no longer pending' };
  const loaded = await loadChallenge(deps, timer.challengeId);
  if (!loaded) return settle(deps, timer, 'refused', at.toISOString(), 'challenge missing');
  const { head: row, snapshot: current } = loaded;
  // Kept pending: it fires once the challenge has been moved to the current machine.
  if (notOnCurrentMachine(row)) return { fired: false, reason: `machine version ${row.machineVersion} is not current` };
  const atIso = eventTime(at, row.updatedAt);
  const lateMs = Math.max(0, at.getTime() - timer.dueMs);
  const timerInfo = { timerId: timer.id, dueAt: timer.dueAt, lateMs, late: lateMs > LATE_AFTER_MS };
  const event = {
    type: timer.type as SystemEventType,
    timer: timerInfo,
    at: atIso,
    actor: SYSTEM_ACTOR,
  } as ChallengeEvent;
  const next = pureTransition(current, event);
  if (next === current) {
    // The state moved on without cancelling this timer (should not happen: timers follow the
    // state). Settle it so it is not retried forever, and say why.
    const why = violationsOf(current.context, event)
      .map((v) => v.clause)
      .join(', ');
    return settle(deps, timer, 'refused', atIso, why || 'not handled in this state');
  }
  const appended = await store.transaction(() =>
    appendEvent(store, {
      challengeId: row.id,
      expectedVersion: row.version,
      expectedMachineVersion: row.machineVersion,
      headHash: row.headHash,
      previous: current,
      type: timer.type,
      payload: { timer: timerInfo },
      facts: undefined,
      actor: SYSTEM_ACTOR,
      at: atIso,
      next,
      timerId: timer.id,
    }),
  );
  cache.set(appended.head, next);
  return { fired: true, seq: appended.version };
}

async function settle(
  deps: EngineDeps,
  timer: TimerRow,
  status: 'refused',
  at: string,
  reason: string,
): Promise<FireOutcome> {
  await deps.store.settleTimer.run({ id: timer.id, status, at, eventSeq: null });
  return { fired: false, reason };
}
