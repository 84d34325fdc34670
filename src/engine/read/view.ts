/** The challenge view of api.md, built from a snapshot for one caller. */

import { type StaffEventType, staffEventTypes } from '../../../machines/challenge/events.js';
import type { ChallengeSnapshot } from '../../../machines/challenge/machine.js';
import { panelScore } from '../../../machines/challenge/selectors.js';
import { stageOf, statePath } from '../../../machines/challenge/stage.js';
import type { ChallengeContext } from '../../../machines/challenge/types.js';
import {
  mayActOn,
  mayRoleSend,
  rolePolicies,
  scopedBids,
  scopedContext,
  type Visibility,
  visibility,
} from '../../access/policy.js';
import type { Caller } from '../../base/caller.js';
import { deadlinesOfSnapshot } from '../per-snapshot.js';

const handledByState = new Map<string, Set<string>>();

/** The event types the active states handle at all (guards aside); fixed per state, so cached. */
export function handledEvents(snapshot: ChallengeSnapshot): Set<string> {
  const path = statePath(snapshot.value);
  let out = handledByState.get(path);
  if (!out) {
    out = new Set<string>();
    for (const node of snapshot._nodes) for (const type of node.ownEvents) out.add(type);
    handledByState.set(path, out);
  }
  return out;
}

/** The events the caller may send now: the state takes them, its role may send them, its scope reaches. */
export function allowedEventsFor(snapshot: ChallengeSnapshot, caller: Caller): StaffEventType[] {
  const handled = handledEvents(snapshot);
  const ctx = snapshot.context;
  return staffEventTypes.filter(
    (t) => handled.has(t) && mayRoleSend(caller.role, t, snapshot) && mayActOn(caller, ctx, t),
  );
}

/** How much of the challenge the caller sees (src/access/policy.ts); `none` reads as 404. */
export function visibilityOf(snapshot: ChallengeSnapshot, caller: Caller): Visibility {
  return visibility(caller, snapshot.context, stageOf(snapshot.value));
}

export interface ChallengeViewMeta {
  version: number;
  machineVersion: string;
}

/**
 * api.md's challenge view, scoped to the caller (check `visibilityOf` first): what an event's
 * answer carries. It leaves out the challenge's data (bids, scores, objections …), so a
 * transition's cost does not grow with them (issue 15; docs/decisions.md).
 */
export function challengeSummary(snapshot: ChallengeSnapshot, meta: ChallengeViewMeta, caller: Caller) {
  return summaryOf(snapshot, meta, caller, scopedBids(caller, snapshot.context, visibilityOf(snapshot, caller)));
}

/** The summary and `details`, the challenge's data as the caller may see it: `GET /challenges/:id`. */
export function challengeView(snapshot: ChallengeSnapshot, meta: ChallengeViewMeta, caller: Caller) {
  const ctx = scopedContext(caller, snapshot.context, visibilityOf(snapshot, caller));
  const { settings: _settings, ...details } = ctx;
  return { ...summaryOf(snapshot, meta, caller, ctx.bids), details };
}

/** The fields of api.md's view; `bids` are those the caller sees (tracks and outcome are not scoped). */
function summaryOf(
  snapshot: ChallengeSnapshot,
  meta: ChallengeViewMeta,
  caller: Caller,
  bids: ChallengeContext['bids'],
) {
  const ctx = snapshot.context;
  const seesEveryScore = rolePolicies[caller.role].scores === 'all';
  return {
    id: ctx.id,
    programmeId: ctx.programmeId,
    kind: ctx.kind,
    domain: ctx.draft.domain,
    title: ctx.draft.title,
    issuerUnit: ctx.draft.issuerUnit,
    districtUnit: ctx.draft.districtUnit,
    machineVersion: meta.machineVersion,
    version: meta.version,
    stage: stageOf(snapshot.value),
    state: snapshot.value,
    ...(ctx.outcome ? { outcome: ctx.outcome } : {}),
    tracks: ctx.tracks,
    deadlines: deadlinesOfSnapshot(snapshot),
    allowedEvents: allowedEventsFor(snapshot, caller),
    // The panel's scores: to whoever sees every score, and to the bids' parties once the
    // selection is made (announced); before that a partial mean would disclose single scores.
    panelScores: Object.fromEntries(
      bids
        .filter((b) => b.agreedFundingCny !== null)
        .map((b) => [b.bidId, seesEveryScore || ctx.selectedAt !== null ? panelScore(ctx, b.bidId) : null]),
    ),
  };
}

export type ChallengeSummary = ReturnType<typeof challengeSummary>;
export type ChallengeView = ReturnType<typeof challengeView>;
