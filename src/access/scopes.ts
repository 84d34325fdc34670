/**
 * Scopes: which challenges, bids, tracks and panels a token acts on and sees (api.md "who",
 * design.md "Access"). The engine calls `scopeRefusal` on its one path after the role check and
 * before any rule; the read paths call `visibility` and `scopedContext`. Pure functions of the
 * caller, the challenge's context and the event: nothing here reads the database.
 */
import type { StaffEventType } from '../../machines/challenge/events.js';
import type { ChallengeContext } from '../../machines/challenge/types.js';
import type { Caller } from '../base/caller.js';
import { type Scope, scopeOf } from './roles.js';

export interface ScopeRefusal {
  scope: Scope;
  /** The guide clause the scope rests on, where there is one. */
  clause?: string;
  message: string;
  message_zh: string;
}

const refusal = (scope: Scope, message: string, message_zh: string, clause?: string): ScopeRefusal => ({
  scope,
  message,
  message_zh,
  ...(clause ? { clause } : {}),
});

const leadUnit = (members: readonly string[]) => members[0];

/**
 * Why `caller` may not send `body` to this challenge although its role may send the type, or
 * null when it is in scope. A bid or track the event names that does not exist is left to the
 * rules (422 with its clause), which say so more precisely.
 */
export function scopeRefusal(
  caller: Caller,
  ctx: ChallengeContext,
  body: { type: StaffEventType } & Record<string, unknown>,
): ScopeRefusal | null {
  const scope = scopeOf(caller.role, body.type);
  switch (scope) {
    case undefined:
    case 'any':
      return null;
    case 'issuerUnit': {
      if (ctx.draft.issuerUnit !== caller.unit)
        return refusal(
          scope,
          `Challenge ${ctx.id} is issued by unit ${ctx.draft.issuerUnit}; this token acts for ${caller.unit}.`,
          `榜单 ${ctx.id} 的发榜单位为 ${ctx.draft.issuerUnit}，本令牌所属单位为 ${caller.unit}。`,
        );
      // An issuer cannot hand its draft to another unit: it would leave its own scope.
      if (body.type === 'UPDATE' && body.issuerUnit !== undefined && body.issuerUnit !== caller.unit)
        return refusal(
          scope,
          `An issuer keeps its challenges under its own unit ${caller.unit}.`,
          `发榜方只能以本单位 ${caller.unit} 名义发榜。`,
        );
      return null;
    }
    case 'districtUnit':
      return ctx.draft.districtUnit === caller.unit
        ? null
        : refusal(
            scope,
            `Challenge ${ctx.id} is recommended by unit ${ctx.draft.districtUnit}; this token acts for ${caller.unit}.`,
            `榜单 ${ctx.id} 的推荐单位为 ${ctx.draft.districtUnit}，本令牌所属单位为 ${caller.unit}。`,
          );
    case 'bidLead': {
      const members =
        body.type === 'BID' ? (body.members as string[]) : ctx.bids.find((b) => b.bidId === body.bidId)?.members;
      if (members === undefined || leadUnit(members) === caller.unit) return null;
      return refusal(
        scope,
        `A solver acts only for bids its unit ${caller.unit} leads; this bid is led by ${leadUnit(members)}.`,
        `揭榜方只能以本单位 ${caller.unit} 为牵头单位揭榜；该揭榜申请的牵头单位为 ${leadUnit(members)}。`,
      );
    }
    case 'trackHolder': {
      const track = ctx.tracks.find((t) => t.trackId === body.trackId);
      if (track === undefined || track.solverUnit === caller.unit) return null;
      return refusal(
        scope,
        `Track ${track.trackId} is held by unit ${track.solverUnit}; this token acts for ${caller.unit}.`,
        `任务 ${track.trackId} 的承担单位为 ${track.solverUnit}，本令牌所属单位为 ${caller.unit}。`,
      );
    }
    case 'panel':
      return caller.person !== undefined && ctx.panel.includes(caller.person)
        ? null
        : refusal(
            scope,
            `Only a member of this challenge's expert panel scores its bids; ${caller.person} is not on it.`,
            `只有本榜单专家组成员可以评分；${caller.person} 不在专家组中。`,
            'X-6',
          );
  }
}

/** Stages in which the demand has been published: from then on the call is public (api.md). */
export const publishedStages = [
  'matching',
  'expertReview',
  'announcement',
  'disbursement',
  'management',
  'evaluation',
  'unfilled',
  'terminated',
  'closed',
] as const;

/**
 * How much of a challenge a caller sees:
 * - `full`: the bureau, auditors, finance, admin; the issuing unit; the recommending unit;
 * - `public`: a published challenge, to anyone else who may read (solvers find calls to answer);
 * - `none`: an unpublished challenge of another unit (answered 404, as if it did not exist).
 */
export type Visibility = 'full' | 'public' | 'none';

export function visibility(caller: Caller, ctx: ChallengeContext, stage: string): Visibility {
  switch (caller.role) {
    case 'admin':
    case 'bureau':
    case 'auditor':
    case 'finance':
      return 'full';
    case 'issuer':
      if (ctx.draft.issuerUnit === caller.unit) return 'full';
      break;
    case 'district':
      if (ctx.draft.districtUnit === caller.unit) return 'full';
      break;
    case 'solver':
    case 'expert':
      break;
  }
  return (publishedStages as readonly string[]).includes(stage) ? 'public' : 'none';
}

/**
 * The part of a context a caller may see. Individual expert scores are seen only by the bureau,
 * auditors and the expert who gave them; bids only by the challenge's own parties, the panel
 * (the agreed bids it reviews) and the solver whose unit is among a bid's members. Tracks and
 * the draft (the published demand) stay visible; the panel's aggregate scores once announced
 * (src/engine/read/view.ts). Returns `ctx` itself exactly when the caller sees everything.
 */
export function scopedContext(caller: Caller, ctx: ChallengeContext, seen: Visibility): ChallengeContext {
  const staff = caller.role === 'bureau' || caller.role === 'auditor' || caller.role === 'admin';
  if (staff) return ctx;
  const onPanel = caller.role === 'expert' && caller.person !== undefined && ctx.panel.includes(caller.person);
  const ownScores = ctx.scores.filter((s) => onPanel && s.expert === caller.person);
  if (seen === 'full') return { ...ctx, scores: [] };
  const bids = ctx.bids.filter((b) =>
    onPanel ? b.agreedFundingCny !== null : caller.unit !== undefined && b.members.includes(caller.unit),
  );
  return {
    ...ctx,
    attachments: [],
    bids,
    scores: ownScores,
    panel: onPanel ? ctx.panel : [],
    opinions: [],
    objections: ctx.objections.map((o) => ({ ...o, objector: { name: '' } })),
  };
}

/**
 * Whether `caller` could send `type` to this challenge as far as its scope goes, before it names
 * a bid or track: what `allowedEvents` shows. A solver may bid on any published call; it may
 * withdraw a bid or act on a track only if its unit leads one or holds one.
 */
export function mayActOn(caller: Caller, ctx: ChallengeContext, type: StaffEventType): boolean {
  switch (scopeOf(caller.role, type)) {
    case undefined:
      return false;
    case 'any':
      return true;
    case 'issuerUnit':
      return ctx.draft.issuerUnit === caller.unit;
    case 'districtUnit':
      return ctx.draft.districtUnit === caller.unit;
    case 'bidLead':
      return type === 'BID' || ctx.bids.some((b) => leadUnit(b.members) === caller.unit && !b.withdrawn);
    case 'trackHolder':
      return ctx.tracks.some((t) => t.solverUnit === caller.unit);
    case 'panel':
      return caller.person !== undefined && ctx.panel.includes(caller.person);
  }
}

/**
 * Which rows of the challenge list a caller sees, as data for the query: everything, or the
 * published calls plus the challenges of its own unit (as issuer or as recommending unit).
 * The same rule as `visibility`, on the list's indexed columns.
 */
export type ListScope = { all: true } | { all: false; issuerUnit?: string; districtUnit?: string };

export function listScope(caller: Caller): ListScope {
  switch (caller.role) {
    case 'admin':
    case 'bureau':
    case 'auditor':
    case 'finance':
      return { all: true };
    case 'issuer':
      return { all: false, ...(caller.unit ? { issuerUnit: caller.unit } : {}) };
    case 'district':
      return { all: false, ...(caller.unit ? { districtUnit: caller.unit } : {}) };
    default:
      return { all: false };
  }
}

/** A challenge's full history is for the bureau and auditors, and for the issuer of its own ones. */
export function mayReadHistory(caller: Caller, issuerUnit: string): boolean {
  if (caller.role === 'issuer') return caller.unit === issuerUnit;
  return caller.role === 'bureau' || caller.role === 'auditor';
}
