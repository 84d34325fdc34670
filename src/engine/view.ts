/** The challenge view of api.md, built from a snapshot for one caller. */

import type { ChallengeSnapshot } from '../../machines/challenge/challenge.machine.js';
import { deadlinesOf, stageOf, statePath } from '../../machines/challenge/deadlines.js';
import { type StaffEventType, staffEventTypes } from '../../machines/challenge/events.js';
import { panelScore } from '../../machines/challenge/rules.js';
import { mayRoleSend, type TokenRole } from '../access/roles.js';

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

export function allowedEventsFor(snapshot: ChallengeSnapshot, role: TokenRole): StaffEventType[] {
  const handled = handledEvents(snapshot);
  const stage = stageOf(snapshot.value);
  return staffEventTypes.filter((t) => handled.has(t) && mayRoleSend(role, t, snapshot.context.kind, stage));
}

export interface ChallengeViewMeta {
  version: number;
  machineVersion: string;
}

export function challengeView(snapshot: ChallengeSnapshot, meta: ChallengeViewMeta, role: TokenRole) {
  const ctx = snapshot.context;
  const { settings: _settings, ...details } = ctx;
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
    deadlines: deadlinesOf(snapshot.value, ctx),
    allowedEvents: allowedEventsFor(snapshot, role),
    panelScores: Object.fromEntries(
      ctx.bids.filter((b) => b.agreedFundingCny !== null).map((b) => [b.bidId, panelScore(ctx, b.bidId)]),
    ),
    details,
  };
}

export type ChallengeView = ReturnType<typeof challengeView>;
