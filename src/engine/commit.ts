/**
 * The write half of the engine's single path: inside one synchronous transaction, check the
 * version, append the hash-chained event, save the snapshot, bring the timer rows in line with
 * the new state, and settle the timer that fired. Nothing else happens inside.
 */

import type { ChallengeSnapshot } from '../../machines/challenge/challenge.machine.js';
import { deadlinesOf, stageOf } from '../../machines/challenge/deadlines.js';
import type { Actor, EventFacts } from '../../machines/challenge/events.js';
import { MACHINE_VERSION } from '../../machines/challenge/version.js';
import { canonicalJson, eventHash, GENESIS_HASH } from './canonical.js';
import { AppError } from './errors.js';
import { persist } from './snapshots.js';
import type { Store } from './store.js';

export interface AppendInput {
  challengeId: string;
  /** The version the transition was computed from; 0 creates the challenge. */
  expectedVersion: number;
  type: string;
  payload: unknown;
  facts: EventFacts | undefined;
  actor: Actor;
  at: string;
  next: ChallengeSnapshot;
  /** For a creation: the per-programme number. */
  number?: number;
  /** For a timer's event: the timer row it settles. */
  timerId?: number;
}

export interface Appended {
  version: number;
  hash: string;
  timersChanged: boolean;
}

/** Call inside `store.transaction`. Throws VERSION_CONFLICT if another writer got there first. */
export function appendEvent(store: Store, input: AppendInput): Appended {
  const { challengeId, next, at } = input;
  const ctx = next.context;
  const version = input.expectedVersion + 1;
  const snapshotJson = JSON.stringify(persist(next));
  const row = {
    id: challengeId,
    kind: ctx.kind,
    domain: ctx.draft.domain,
    title: ctx.draft.title,
    issuerUnit: ctx.draft.issuerUnit,
    districtUnit: ctx.draft.districtUnit,
    stage: stageOf(next.value),
    snapshot: snapshotJson,
    version,
    machineVersion: MACHINE_VERSION,
    at,
  };
  if (input.expectedVersion === 0) {
    store.insertChallenge.run({ ...row, programmeId: ctx.programmeId, number: input.number ?? 0 });
  } else {
    const result = store.updateChallenge.run({ ...row, expectedVersion: input.expectedVersion });
    if (result.changes !== 1) throw versionConflict(input.expectedVersion);
  }

  const last = store.lastEvent.get({ id: challengeId });
  const prevHash = last?.hash ?? GENESIS_HASH;
  const fields = {
    challengeId,
    seq: version,
    type: input.type,
    payload: input.payload,
    facts: input.facts ?? null,
    actor: input.actor,
    at,
    machineVersion: MACHINE_VERSION,
    stateAfter: next.value,
  };
  const hash = eventHash(prevHash, fields);
  store.insertEvent.run({
    challengeId,
    seq: version,
    type: input.type,
    payload: canonicalJson(input.payload),
    facts: input.facts ? canonicalJson(input.facts) : null,
    actor: canonicalJson(input.actor),
    at,
    machineVersion: MACHINE_VERSION,
    stateAfter: canonicalJson(next.value),
    prevHash,
    hash,
  });

  if (input.timerId !== undefined) {
    const settled = store.settleTimer.run({ id: input.timerId, status: 'fired', at, eventSeq: version });
    // Another process fired it first: roll back, so it fires exactly once.
    if (settled.changes !== 1) throw versionConflict(input.expectedVersion);
  }
  const timersChanged = reconcileTimers(store, challengeId, next, at);
  return { version, hash, timersChanged };
}

/** Pending timer rows := the deadlines of the new state. Returns whether any row changed. */
function reconcileTimers(store: Store, challengeId: string, next: ChallengeSnapshot, at: string): boolean {
  const wanted = deadlinesOf(next.value, next.context);
  const pending = store.pendingTimersOf.all({ id: challengeId });
  let changed = false;
  for (const timer of pending) {
    if (!wanted.some((d) => d.type === timer.type && d.dueAt === timer.dueAt)) {
      store.settleTimer.run({ id: timer.id, status: 'cancelled', at, eventSeq: null });
      changed = true;
    }
  }
  for (const d of wanted) {
    if (!pending.some((t) => t.type === d.type && t.dueAt === d.dueAt)) {
      store.insertTimer.run({ challengeId, type: d.type, dueAt: d.dueAt, dueMs: Date.parse(d.dueAt), at });
      changed = true;
    }
  }
  return changed;
}

export const versionConflict = (expected: number) =>
  new AppError(
    'VERSION_CONFLICT',
    `The challenge changed since version ${expected}; reload it and try again.`,
    `榜单在版本 ${expected} 之后已被修改，请刷新后重试。`,
  );
