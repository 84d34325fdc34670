/**
 * The write half of the engine's single path: inside one transaction, check the
 * version, append the hash-chained event, save the snapshot, bring the timer rows in line with
 * the new state, and settle the timer that fired. Nothing else happens inside.
 */

import type { Deadline } from '../../../machines/challenge/deadlines.js';
import type { Actor, EventFacts } from '../../../machines/challenge/events.js';
import type { ChallengeSnapshot } from '../../../machines/challenge/machine.js';
import type { Participation } from '../../../machines/challenge/participations.js';
import { stageOf } from '../../../machines/challenge/stage.js';
import { MACHINE_VERSION } from '../../../machines/challenge/version.js';
import { AppError } from '../../base/errors.js';
import { changesOf, type RawRunResult } from '../../db/client.js';
import { headText, type ListChanges, listChanges } from '../../db/stored-snapshot.js';
import { enqueueNotifications } from '../../notify/enqueue.js';
import { canonicalJson, GENESIS_HASH, globalChainHash, storedRowHash } from '../canonical.js';
import { deadlinesOfSnapshot, participationsOfSnapshot } from '../per-snapshot.js';
import { syncPublicListing } from '../public/listing.js';
import type { ChallengeHead } from '../snapshots.js';
import type { Store } from '../store.js';
import { keepGlobalHead, LATE, lateLink, linkGlobally } from './global-link.js';

export interface AppendInput {
  challengeId: string;
  /** The version the transition was computed from; 0 creates the challenge. */
  expectedVersion: number;
  /** The machine version of the head at `expectedVersion`; none for a creation. The write checks it with the version. */
  expectedMachineVersion: string | null;
  /** The hash of the event at `expectedVersion` (the challenge row's head); none for a creation. */
  headHash: string | null;
  /** The snapshot the transition started from (none for a creation): timers are touched only if its deadlines differ. */
  previous: ChallengeSnapshot | null;
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
  /** The machine version the event ran under; the current one unless it moves the challenge (MIGRATE_MACHINE). */
  machineVersion?: string;
}

export interface Appended {
  version: number;
  hash: string;
  /** The challenge's head after the event, as the cache keeps it. */
  head: ChallengeHead;
  timersChanged: boolean;
}

/** Call inside `store.transaction`. Throws VERSION_CONFLICT if another writer got there first. */
export async function appendEvent(store: Store, input: AppendInput): Promise<Appended> {
  const { challengeId, next, at } = input;
  const ctx = next.context;
  const version = input.expectedVersion + 1;
  const prevHash = input.headHash ?? GENESIS_HASH;
  const machineVersion = input.machineVersion ?? MACHINE_VERSION;
  // The row's JSON columns are encoded once: the hash covers exactly these bytes, spliced in key
  // order (canonicalRowText: byte for byte the canonical JSON of the fields, as verify hashes them).
  const stored = {
    challengeId,
    seq: version,
    type: input.type,
    payload: canonicalJson(input.payload),
    facts: input.facts ? canonicalJson(input.facts) : null,
    actor: canonicalJson(input.actor),
    at,
    machineVersion,
    stateAfter: canonicalJson(next.value),
  };
  // On PostgreSQL, an event decided before its batch took the writers' lock is linked under it.
  const late = input.expectedVersion !== 0 && store.advanceAndAppend ? lateLink(store) : undefined;
  const link = late ?? (await linkGlobally(store, at));
  const hash = storedRowHash(prevHash, stored, link.algorithm);
  const globalHash =
    link.prevGlobalHash === undefined ? LATE : globalChainHash(link.prevGlobalHash, hash, link.algorithm);
  const row = {
    id: challengeId,
    ...listColumns(next),
    title: ctx.draft.title,
    snapshot: headText(next),
    version,
    headHash: hash,
    machineVersion,
    at,
  };
  // The version check guards the head hash too: if another writer appended, this update fails.
  let inserted: unknown;
  if (input.expectedVersion === 0) {
    await store.insertChallenge.run({ ...row, programmeId: ctx.programmeId, number: input.number ?? 0 });
  } else {
    const { expectedVersion, expectedMachineVersion } = input;
    if (store.advanceAndAppend) {
      // A late link's globalHash is filled into this row under the lock (LateLinks).
      inserted = await store.advanceAndAppend.run({
        ...stored,
        ...row,
        expectedVersion,
        expectedMachineVersion,
        prevHash,
        globalHash,
      });
      if (changesOf(inserted) !== 1) throw versionConflict(expectedVersion);
      // Held, so LateLinks fills its globalHash before it is sent: never sent with LATE.
      if (late && !(inserted as RawRunResult).deferred) throw new Error('a late-linked event was not held back');
    } else {
      const result = await store.updateChallenge.run({ ...row, expectedVersion, expectedMachineVersion });
      if (changesOf(result) !== 1) throw versionConflict(expectedVersion);
    }
    if (input.previous === null || !sameListColumns(listColumns(input.previous), row))
      await store.updateChallengeIndexed.run(row);
  }
  await writeListChanges(store, challengeId, listChanges(input.previous, next));

  inserted ??= await store.insertEvent.run({ ...stored, prevHash, hash, globalHash });
  if (!late) keepGlobalHead(store, inserted, { globalHash, at, algorithm: link.algorithm });

  if (input.timerId !== undefined) {
    const settled = await store.settleTimer.run({ id: input.timerId, status: 'fired', at, eventSeq: version });
    // Another process fired it first: roll back, so it fires exactly once.
    if (changesOf(settled) !== 1) throw versionConflict(input.expectedVersion);
  }
  await syncParticipations(store, input.previous, next);
  await syncPublicListing(store.db, input.previous, next, at);
  const wanted = deadlinesOfSnapshot(next);
  // Most events (edits, bids, scores, payments) keep the state's deadlines: skip the timer table.
  const unchanged =
    input.previous !== null &&
    input.timerId === undefined &&
    sameDeadlines(wanted, deadlinesOfSnapshot(input.previous));
  const timersChanged = unchanged ? false : await reconcileTimers(store, challengeId, wanted, at);
  // Issue 14: the event's notifications, in its own transaction (delivered after commit).
  await enqueueNotifications(store.db, {
    challengeId,
    seq: version,
    type: input.type,
    at,
    previous: input.previous,
    next,
  });
  return {
    version,
    hash,
    head: { id: challengeId, version, headHash: hash, machineVersion, updatedAt: at },
    timersChanged,
  };
}

type ListColumns = { kind: string; domain: string; issuerUnit: string; districtUnit: string; stage: string };
const listColumns = (s: ChallengeSnapshot): ListColumns => ({
  kind: s.context.kind,
  domain: s.context.draft.domain,
  issuerUnit: s.context.draft.issuerUnit,
  districtUnit: s.context.draft.districtUnit,
  stage: stageOf(s.value),
});
const sameListColumns = (a: ListColumns, b: ListColumns) =>
  a.kind === b.kind &&
  a.domain === b.domain &&
  a.issuerUnit === b.issuerUnit &&
  a.districtUnit === b.districtUnit &&
  a.stage === b.stage;

const sameDeadlines = (a: readonly Deadline[], b: readonly Deadline[]) =>
  a.length === b.length && a.every((d, i) => d.type === b[i]?.type && d.dueAt === b[i]?.dueAt);

/** The snapshot's list rows := the new snapshot's, by the elements the event added or changed. */
export async function writeListChanges(store: Store, challengeId: string, changes: ListChanges): Promise<void> {
  for (const { list, length } of changes.truncations) await store.truncateList.run({ challengeId, list, length });
  for (const row of changes.upserts) await store.upsertListItem.run({ challengeId, ...row });
}

/** The participations projection := the new snapshot's; untouched when the event changed none (most events). */
async function syncParticipations(
  store: Store,
  previous: ChallengeSnapshot | null,
  next: ChallengeSnapshot,
): Promise<void> {
  // What participationsOf reads, unchanged (the same objects): the rows are the same, and the
  // bids are not walked at all — most events (an objection, a score, a payment) change none of it.
  if (previous !== null && sameParticipationInputs(previous, next)) return;
  const wanted = participationsOfSnapshot(next);
  if (previous !== null && participationsOfSnapshot(previous).key === wanted.key) return;
  await writeParticipations(store, next.context.id, wanted.rows);
}

function sameParticipationInputs(previous: ChallengeSnapshot, next: ChallengeSnapshot): boolean {
  const a = previous.context;
  const b = next.context;
  return (
    a.bids === b.bids &&
    a.tracks === b.tracks &&
    a.draft === b.draft &&
    a.settings === b.settings &&
    a.overdue === b.overdue &&
    a.plannedEnd === b.plannedEnd &&
    a.id === b.id &&
    a.programmeId === b.programmeId &&
    stageOf(previous.value) === stageOf(next.value)
  );
}

export async function writeParticipations(store: Store, challengeId: string, rows: Participation[]): Promise<void> {
  await store.deleteParticipations.run({ challengeId });
  for (const row of rows) await store.insertParticipation.run({ ...row });
}

/** Pending timer rows := the deadlines of the new state. Returns whether any row changed. */
async function reconcileTimers(
  store: Store,
  challengeId: string,
  wanted: readonly Deadline[],
  at: string,
): Promise<boolean> {
  const pending = await store.pendingTimersOf.all({ id: challengeId });
  let changed = false;
  for (const timer of pending) {
    if (!wanted.some((d) => d.type === timer.type && d.dueAt === timer.dueAt)) {
      await store.settleTimer.run({ id: timer.id, status: 'cancelled', at, eventSeq: null });
      changed = true;
    }
  }
  for (const d of wanted) {
    if (!pending.some((t) => t.type === d.type && t.dueAt === d.dueAt)) {
      await store.insertTimer.run({ challengeId, type: d.type, dueAt: d.dueAt, dueMs: Date.parse(d.dueAt), at });
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
