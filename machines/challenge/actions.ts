/**
 * How each accepted event changes the context: pure functions of (context, event), run by the
 * machine's `assign`. Ids (objections) are numbered from the context, never random.
 */
import { addMonths, endOfBeijingDay, nthWorkingDayAfter } from '../calendar.js';
import type { ChallengeEvent, EventOf } from './events.js';
import { agreedBids } from './rules.js';
import type { ChallengeContext, CreateInput, OutcomeKind, Track } from './types.js';

type Reducer<T extends ChallengeEvent['type']> = (ctx: ChallengeContext, e: EventOf<T>) => Partial<ChallengeContext>;

export function initialContext(input: CreateInput): ChallengeContext {
  return {
    id: input.id,
    programmeId: input.programmeId,
    settings: input.settings,
    createdAt: input.at,
    createdBy: input.actor.id,
    kind: input.draft.kind,
    draft: input.draft,
    attachments: [],
    submittedAt: null,
    recommendedAt: null,
    demandApprovedAt: null,
    publishedAt: null,
    biddingClosesAt: null,
    bids: [],
    panel: [],
    scores: [],
    selectedAt: null,
    tracks: [],
    objections: [],
    noticeEndsAt: null,
    noticeEnded: false,
    startedOn: null,
    plannedEnd: null,
    extensionUsed: false,
    changes: [],
    rectifyUsed: false,
    acceptanceResult: null,
    overdue: false,
    opinions: [],
    outcome: null,
  };
}

const opinion = (ctx: ChallengeContext, e: ChallengeEvent, text: string): Partial<ChallengeContext> => ({
  opinions: [...ctx.opinions, { event: e.type, text, by: e.actor.role, at: e.at }],
});

const updateTrack = (ctx: ChallengeContext, trackId: string, change: (t: Track) => Partial<Track>): Track[] =>
  ctx.tracks.map((t) => (t.trackId === trackId ? { ...t, ...change(t) } : t));

/** The text a decision was taken with: the reason, opinion or comment of the event. */
function reasonOf(e: ChallengeEvent): string {
  if ('reason' in e) return e.reason;
  if ('opinion' in e) return e.opinion;
  return '';
}

export function outcome(e: ChallengeEvent, kind: OutcomeKind, clause: string | null): Partial<ChallengeContext> {
  return { outcome: { kind, clause, reason: reasonOf(e), at: e.at } };
}

const reducers: { [K in ChallengeEvent['type']]?: Reducer<K> } = {
  UPDATE: (ctx, e) => {
    const { type: _t, at: _a, actor: _ac, facts: _f, ...fields } = e;
    const draft = { ...ctx.draft, ...fields };
    return { draft, kind: draft.kind };
  },
  ATTACH: (ctx, e) => ({
    attachments: [...ctx.attachments.filter((a) => a.kind !== e.kind), { kind: e.kind, sha256: e.sha256, at: e.at }],
  }),
  SUBMIT: (_ctx, e) => ({ submittedAt: e.at }),
  RECOMMEND: (ctx, e) => ({ recommendedAt: e.at, ...opinion(ctx, e, e.opinion) }),
  RETURN: (ctx, e) => ({ submittedAt: null, recommendedAt: null, ...opinion(ctx, e, e.reason) }),
  PASS_FORMAL_CHECK: (ctx, e) => opinion(ctx, e, e.opinion),
  APPROVE_DEMAND: (ctx, e) => ({ demandApprovedAt: e.at, ...opinion(ctx, e, e.opinion) }),
  PUBLISH: (_ctx, e) => ({ publishedAt: e.at, biddingClosesAt: e.biddingClosesAt }),
  BID: (ctx, e) => ({
    bids: [
      ...ctx.bids,
      {
        bidId: e.bidId,
        members: e.members,
        leader: e.leader,
        team: e.team,
        plan: e.plan,
        route: e.route ?? null,
        requestedFundingCny: e.requestedFundingCny,
        submittedAt: e.at,
        submittedBy: e.actor.id,
        withdrawn: false,
        agreedFundingCny: null,
      },
    ],
  }),
  WITHDRAW_BID: (ctx, e) => ({
    bids: ctx.bids.map((b) => (b.bidId === e.bidId ? { ...b, withdrawn: true } : b)),
  }),
  AGREE: (ctx, e) => ({
    bids: ctx.bids.map((b) => (b.bidId === e.bidId ? { ...b, agreedFundingCny: e.agreedFundingCny } : b)),
  }),
  EXTEND_BIDDING: (_ctx, e) => ({ biddingClosesAt: e.biddingClosesAt }),
  ASSIGN_PANEL: (ctx, e) => ({
    panel: e.experts,
    // A replaced expert's scores no longer count.
    scores: ctx.scores.filter((s) => e.experts.includes(s.expert)),
  }),
  SCORE: (ctx, e) => {
    const expert = e.actor.person ?? '';
    const others = ctx.scores.filter((s) => !(s.expert === expert && s.bidId === e.bidId));
    return { scores: [...others, { expert, bidId: e.bidId, score: e.score, comment: e.comment, at: e.at }] };
  },
  SELECT: (ctx, e) => {
    const bids = agreedBids(ctx).filter((b) => e.bidIds.includes(b.bidId));
    const n = ctx.settings.review.noticeWorkingDays;
    return {
      selectedAt: e.at,
      tracks: bids.map((b) => ({
        trackId: b.bidId,
        solverUnit: b.members[0] ?? '',
        route: b.route,
        agreedFundingCny: b.agreedFundingCny ?? 0,
        status: 'active',
        contract: null,
        paidCny: 0,
        disbursedCny: 0,
        firstPhaseCny: 0,
        midterm: null,
        progress: [],
        finalReportSha256: null,
      })),
      objections: [],
      noticeEnded: false,
      noticeEndsAt: endOfBeijingDay(nthWorkingDayAfter(e.at, n, ctx.settings.calendar)),
    };
  },
  OBJECT: (ctx, e) => ({
    objections: [
      ...ctx.objections,
      {
        objectionId: `obj-${ctx.objections.length + 1}`,
        // The guard guarantees a named objector; the fallback only satisfies the type.
        objector: e.objector ?? { name: '' },
        text: e.text,
        at: e.at,
        status: 'open',
        opinion: null,
      },
    ],
  }),
  RESOLVE_OBJECTION: (ctx, e) => ({
    objections: ctx.objections.map((o) =>
      o.objectionId === e.objectionId ? { ...o, status: e.upheld ? 'upheld' : 'dismissed', opinion: e.opinion } : o,
    ),
    ...(e.upheld ? { tracks: [], selectedAt: null, noticeEndsAt: null, noticeEnded: false } : {}),
  }),
  NOTICE_PERIOD_ENDED: () => ({ noticeEnded: true }),
  REGISTER_CONTRACT: (ctx, e) => ({
    tracks: updateTrack(ctx, e.trackId, () => ({
      contract: { contractNo: e.contractNo, registeredOn: e.registeredOn },
    })),
  }),
  RECORD_PAYMENT: (ctx, e) => ({
    tracks: updateTrack(ctx, e.trackId, (t) => ({ paidCny: t.paidCny + e.amountCny })),
  }),
  DISBURSE: (ctx, e) => ({
    tracks: updateTrack(ctx, e.trackId, (t) => ({
      disbursedCny: t.disbursedCny + e.amountCny,
      firstPhaseCny: t.firstPhaseCny + (e.phase === 'first' ? e.amountCny : 0),
    })),
  }),
  START_IMPLEMENTATION: (ctx, e) => ({
    startedOn: e.startedOn,
    plannedEnd: addMonths(e.startedOn, ctx.draft.periodMonths),
  }),
  REPORT_PROGRESS: (ctx, e) => ({
    tracks: updateTrack(ctx, e.trackId, (t) => ({
      progress: [...t.progress, { milestone: e.milestone, text: e.text, at: e.at }],
    })),
  }),
  MIDTERM_DECISION: (ctx, e) => ({
    tracks: updateTrack(ctx, e.trackId, () => ({
      midterm: e.decision,
      ...(e.decision === 'stop' ? { status: 'stopped' as const } : {}),
    })),
    ...opinion(ctx, e, e.opinion),
  }),
  APPROVE_CHANGE: (ctx, e) => ({
    changes: [...ctx.changes, { kind: e.kind, detail: e.detail, at: e.at }],
    ...(e.kind === 'extension' && e.newPlannedEnd ? { plannedEnd: e.newPlannedEnd, extensionUsed: true } : {}),
  }),
  SUBMIT_FINAL_REPORT: (ctx, e) => ({
    tracks: updateTrack(ctx, e.trackId, () => ({ status: 'reported', finalReportSha256: e.reportSha256 })),
  }),
  ACCEPTANCE_DECISION: (ctx, e) => ({
    ...(e.result === 'rectify' ? { rectifyUsed: true } : { acceptanceResult: e.result }),
    ...opinion(ctx, e, e.opinion),
  }),
  ACCEPTANCE_OVERDUE: () => ({ overdue: true }),
};

/** The context after an accepted event (outcomes are set by the transition, not here). */
export function applyEvent(ctx: ChallengeContext, e: ChallengeEvent): Partial<ChallengeContext> {
  const reducer = reducers[e.type] as Reducer<typeof e.type> | undefined;
  return reducer ? reducer(ctx, e as never) : {};
}
