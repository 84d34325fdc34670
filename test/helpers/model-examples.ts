/**
 * The test data of the model-based tests (test/helpers/paths.ts), keyed by event type and
 * nothing else: for the context a challenge is in, the payloads the model sends of each event
 * (`examples`, one per guard branch worth taking) and the events that must be refused with a
 * named clause (`refusalExamples`). Which events a state takes is the chart's to say, and who
 * sends them the event definitions' (`senders`): neither is written here. A new event type does
 * not compile until `examples` has an entry for it.
 */
import type { z } from 'zod';
import type { payloadSchemas, StaffEventType } from '../../machines/challenge/events.js';
import { type AttachmentKind, attachmentKinds } from '../../machines/challenge/schemas.js';
import { activeTracks, agreedBids, isHorseRace, requiredBids } from '../../machines/challenge/selectors.js';
import type { ChallengeContext } from '../../machines/challenge/types.js';
import { TECH_ATTACHMENTS, TRANSFER_ATTACHMENTS } from './drafts.js';
import { EXPERTS, sha, UNITS } from './fixtures.js';
import { pdfOf, sha256Of } from './uploads.js';

const DAY = 86_400_000;
export const beijingDate = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
export const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();
const plusMonths = (date: string, months: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
};

/** The files the model's events name, by SHA-256: the HTTP run uploads each before naming it (P-7). */
const fileLabels = new Map<string, string>();
function fileSha(label: string): string {
  const hash = sha256Of(pdfOf(label));
  fileLabels.set(hash, label);
  return hash;
}
/** The file content behind a hash the model named, or undefined for a hash never meant to exist. */
export const modelFile = (hash: string): Buffer | undefined => {
  const label = fileLabels.get(hash);
  return label === undefined ? undefined : pdfOf(label);
};

export type Body<T extends StaffEventType> = z.infer<(typeof payloadSchemas)[T]>;
export type Builder<R> = (ctx: ChallengeContext, at: string) => R;

/** `[f(x)]`, or none while there is no `x`. */
const from = <X, B>(x: X | undefined, f: (x: X) => B): B[] => (x === undefined ? [] : [f(x)]);

/**
 * A bid that passes every BID rule. The bidders take the bid ids in turn: an in-city enterprise
 * takes up an achievement transfer; two universities bid for a technology breakthrough (and race).
 */
const bidBody = (ctx: ChallengeContext, bidId: string, route: string | undefined): Body<'BID'> => {
  const transfer = ctx.kind === 'achievementTransfer';
  const [unit, leader, team] = transfer
    ? [UNITS.solverC, 'c-lead', ['c-lead']]
    : bidId === 'bid-2'
      ? [UNITS.solverB, 'b-lead', ['b-lead', 'b-m1']]
      : [UNITS.solverA, 'a-lead', ['a-lead', 'a-m1']];
  const plan = transfer ? '转化方案' : '采用有限元优化与热处理工艺改进';
  // Asks for what the draft declares for the solver: agreed in full, it meets Q-1a with the own spend.
  const requestedFundingCny = ctx.draft.investment.solverFundingCny;
  return { bidId, members: [unit], leader, team, plan, ...(route && { route }), requestedFundingCny };
};

const isAttachmentKind = (kind: string): kind is AttachmentKind =>
  (attachmentKinds as readonly string[]).includes(kind);
/** The next attachment the draft lacks, in the order the guide lists them. */
const missingAttachment = (ctx: ChallengeContext): AttachmentKind | undefined =>
  (ctx.kind === 'techBreakthrough' ? TECH_ATTACHMENTS : TRANSFER_ATTACHMENTS)
    .filter(isAttachmentKind)
    .find((k) => !ctx.attachments.some((a) => a.kind === k));

/** What the model's one revision of a draft adds to its title. */
export const REVISED = '（修订）';

/**
 * "Record-only" events in management (progress, payments, a change): one per route is enough
 * to take each such transition, and more would multiply states without adding transitions.
 * (0 before implementation starts: payments and disbursements stay within one each per track.)
 */
function managementRecords(ctx: ChallengeContext): number {
  const first = ctx.tracks[0];
  return (
    ctx.changes.length +
    ctx.tracks.reduce((n, t) => n + t.progress.length, 0) +
    (first && first.paidCny > 1_000_000 ? 1 : 0) +
    (first && first.disbursedCny > 400_000 ? 1 : 0)
  );
}

const unagreedBid = (ctx: ChallengeContext) => ctx.bids.find((x) => !x.withdrawn && x.agreedFundingCny === null);
/** The first running track that has not reported (it reports progress, then its final report). */
const reportingTrack = (ctx: ChallengeContext) => activeTracks(ctx).find((t) => t.status === 'active');
/** The next score missing, panel member by panel member (P-4 wants them all before SELECT). */
const nextScore = (ctx: ChallengeContext) =>
  ctx.panel
    .flatMap((expert) => agreedBids(ctx).map((bid) => ({ expert, bidId: bid.bidId })))
    .find((p) => !ctx.scores.some((s) => s.expert === p.expert && s.bidId === p.bidId));

/**
 * The payloads the model sends of each event type, in a state whose chart takes the type: one
 * per guard branch worth taking; none where the rules would refuse it or where it would only
 * multiply states.
 */
export const examples: { [T in StaffEventType]: Builder<Body<T>[]> } = {
  // Collection: one revision of the title, the attachments one by one, then the submission.
  UPDATE: (ctx) => (ctx.draft.title.endsWith(REVISED) ? [] : [{ title: `${ctx.draft.title}${REVISED}` }]),
  ATTACH: (ctx) => from(missingAttachment(ctx), (kind) => ({ kind, sha256: fileSha(kind) })),
  SUBMIT: (ctx) => (missingAttachment(ctx) ? [] : [{ confirmDetails: true }]),
  WITHDRAW: () => [{ reason: '需求已由企业自行解决' }],
  RECOMMEND: () => [{ opinion: '同意推荐' }],
  RETURN: () => [{ reason: '请补充材料' }],
  DECLINE: () => [{ reason: '不符合征集方向' }],
  PASS_FORMAL_CHECK: () => [{ opinion: '形式审查通过' }],
  APPROVE_DEMAND: () => [{ opinion: '需求评审通过' }],
  // Once the demand review passed.
  PUBLISH: (ctx, at) => (ctx.demandApprovedAt === null ? [] : [{ biddingClosesAt: plusDays(at, 30) }]),
  // Bids until enough are live (a race's on distinct routes), and one more after a withdrawal.
  BID: (ctx) => {
    const live = ctx.bids.filter((x) => !x.withdrawn);
    if (live.length >= requiredBids(ctx) || ctx.bids.length > requiredBids(ctx)) return [];
    const route = ctx.draft.horseRace?.routes.find((r) => !live.some((x) => x.route === r.name))?.name;
    return [bidBody(ctx, `bid-${ctx.bids.length + 1}`, route)];
  },
  WITHDRAW_BID: (ctx) => (ctx.bids.some((x) => x.withdrawn) ? [] : from(unagreedBid(ctx), ({ bidId }) => ({ bidId }))),
  AGREE: (ctx) =>
    from(unagreedBid(ctx), ({ bidId }) => ({ bidId, agreedFundingCny: ctx.draft.investment.solverFundingCny })),
  // One extension by ten days (a second would only repeat it).
  EXTEND_BIDDING: (ctx, at) =>
    ctx.biddingClosesAt !== null && ctx.biddingClosesAt <= plusDays(ctx.publishedAt ?? at, 30)
      ? [{ biddingClosesAt: plusDays(ctx.biddingClosesAt, 10) }]
      : [],
  // Refused in a race with one agreed team (H-3): a refusal below.
  CLOSE_MATCHING: (ctx) => (isHorseRace(ctx) && agreedBids(ctx).length === 1 ? [] : [{}]),
  DECLARE_UNFILLED: () => [{ reason: '无合适揭榜方' }],
  // The panel, and again before anyone scored (a reassignment).
  ASSIGN_PANEL: (ctx) => (ctx.scores.length === 0 ? [{ experts: [...EXPERTS] }] : []),
  SCORE: (ctx) =>
    from(nextScore(ctx), ({ bidId }) => ({ bidId, score: 80, comment: '方案可行', noConflictDeclared: true })),
  // Every agreed bid: one, or both teams of a race (H-3); once every score is in (P-4).
  SELECT: (ctx) =>
    ctx.panel.length > 0 && nextScore(ctx) === undefined ? [{ bidIds: agreedBids(ctx).map((x) => x.bidId) }] : [],
  OBJECT: (ctx) => (ctx.objections.length < 2 ? [{ objector: { name: '张某' }, text: '对评审结果有异议' }] : []),
  RESOLVE_OBJECTION: (ctx) =>
    [true, false].flatMap((upheld) =>
      from(
        ctx.objections.find((o) => o.status === 'open'),
        ({ objectionId }) => ({
          objectionId,
          upheld,
          opinion: upheld ? '异议成立' : '异议不成立',
        }),
      ),
    ),
  REGISTER_CONTRACT: (ctx, at) =>
    from(
      activeTracks(ctx).find((t) => t.contract === null),
      ({ trackId }) => ({ trackId, contractNo: `HT-${trackId}`, registeredOn: beijingDate(at) }),
    ),
  // Before implementation each track is paid once; during it, the first track once more.
  RECORD_PAYMENT: (ctx, at) => {
    const running = activeTracks(ctx);
    const payee = ctx.startedOn === null ? running.find((t) => t.paidCny === 0) : running[0];
    if (!payee || payee.paidCny > 1_000_000 || managementRecords(ctx) > 0) return [];
    const evidenceSha256 = fileSha(`pay-${payee.trackId}-${ctx.tracks.length}`);
    return [{ trackId: payee.trackId, amountCny: 1_000_000, paidOn: beijingDate(at), evidenceSha256 }];
  },
  // The first phase, within 40 % of what was paid (Q-1b) once the contract is registered;
  // a race's first phase is one payment, its share of the support being capped (H-4).
  DISBURSE: (ctx) =>
    managementRecords(ctx) > 0
      ? []
      : from(
          activeTracks(ctx).find(
            (t) =>
              t.contract !== null &&
              t.paidCny > 0 &&
              t.disbursedCny + 400_000 <= (t.paidCny * 40) / 100 &&
              !(isHorseRace(ctx) && t.firstPhaseCny > 0),
          ),
          ({ trackId }) => ({ trackId, amountCny: 400_000, phase: 'first' as const }),
        ),
  START_IMPLEMENTATION: (ctx, at) =>
    activeTracks(ctx).some((t) => t.contract === null) ? [] : [{ startedOn: beijingDate(at) }],
  REPORT_PROGRESS: (ctx) =>
    managementRecords(ctx) > 0
      ? []
      : from(reportingTrack(ctx), ({ trackId }) => ({ trackId, milestone: '样机试制', text: '完成首台样机' })),
  MIDTERM_DECISION: (ctx) =>
    (['continue', 'stop'] as const).flatMap((decision) =>
      from(
        activeTracks(ctx).find((t) => t.midterm === null),
        ({ trackId }) => ({ trackId, decision, opinion: decision === 'continue' ? '中期评估通过' : '中期评估不通过' }),
      ),
    ),
  APPROVE_CHANGE: (ctx) =>
    ctx.plannedEnd !== null && managementRecords(ctx) === 0
      ? [{ kind: 'extension', detail: '设备到货延迟', newPlannedEnd: plusMonths(ctx.plannedEnd, 6) }]
      : [],
  TERMINATE: () => [{ reason: '项目无法继续实施' }],
  // Once acceptance is overdue, a report is long past its X-3 limit.
  SUBMIT_FINAL_REPORT: (ctx) =>
    ctx.overdue
      ? []
      : from(reportingTrack(ctx), ({ trackId }) => ({ trackId, reportSha256: fileSha(`report-${trackId}`) })),
  // One rectification: after it, passed or failed.
  ACCEPTANCE_DECISION: (ctx) =>
    (['rectify', 'passed', 'failed'] as const)
      .filter((result) => result !== 'rectify' || !ctx.rectifyUsed)
      .map((result) => ({ result, opinion: '验收意见' })),
};

/** Where one state takes several examples of a type: the branch each takes, to label it. */
export const branchOf: { [T in StaffEventType]?: (body: Body<T>) => string } = {
  RESOLVE_OBJECTION: (b) => (b.upheld ? 'upheld' : 'dismissed'),
  MIDTERM_DECISION: (b) => b.decision,
  APPROVE_CHANGE: (b) => b.kind,
  ACCEPTANCE_DECISION: (b) => b.result,
};

/**
 * Events of each type that break one clause, in a state whose chart takes the type, by name:
 * `[clause, body]`, which must be refused citing `clause`.
 */
export const refusalExamples: {
  [T in StaffEventType]?: Builder<Record<string, [clause: string, body: Body<T>] | undefined>>;
} = {
  UPDATE: () => ({ classified: ['Q-10', { classified: true }] }),
  SUBMIT: () => ({ unconfirmed: ['Q-2/3', { confirmDetails: false }] }),
  // Q-12's two halves: the approval, then (once approved) a closing date after publication.
  PUBLISH: (ctx, at) =>
    ctx.demandApprovedAt === null
      ? { unapproved: ['Q-12', { biddingClosesAt: plusDays(at, 30) }] }
      : { 'closing in the past': ['Q-12', { biddingClosesAt: plusDays(at, -1) }] },
  BID: (ctx) => {
    const route = ctx.draft.horseRace?.routes[0]?.name;
    const first = ctx.bids[0];
    return {
      'without plan': [
        ctx.kind === 'techBreakthrough' ? 'S-T3' : 'S-C2',
        { ...bidBody(ctx, 'bid-x', route), plan: ' ' },
      ],
      ...(first && { 'duplicate id': ['P-2', bidBody(ctx, first.bidId, route)] }),
    };
  },
  WITHDRAW_BID: () => ({ unknown: ['P-1', { bidId: 'no-such-bid' }] }),
  AGREE: (ctx) => {
    const live = ctx.bids.find((x) => !x.withdrawn);
    return live ? { 'without funding': ['P-5', { bidId: live.bidId, agreedFundingCny: 0 }] } : {};
  },
  EXTEND_BIDDING: (ctx) =>
    ctx.biddingClosesAt ? { 'not later': ['P-3', { biddingClosesAt: ctx.biddingClosesAt }] } : {},
  CLOSE_MATCHING: (ctx) =>
    isHorseRace(ctx) && agreedBids(ctx).length === 1 ? { 'race with one team': ['H-3', {}] } : {},
  ASSIGN_PANEL: () => ({ 'of four': ['X-6', { experts: EXPERTS.slice(0, 4) }] }),
  SCORE: (ctx) => {
    const bid = agreedBids(ctx)[0];
    const body = bid && { bidId: bid.bidId, score: 80, comment: '方案可行', noConflictDeclared: false };
    return body && ctx.panel.length > 0 ? { 'without declaration': ['X-7', body] } : {};
  },
  SELECT: (ctx) => {
    const first = agreedBids(ctx)[0];
    return {
      'unknown bid': ['P-1', { bidIds: ['no-such-bid'] }],
      // A horse race supports at least two teams (H-3).
      ...(first && isHorseRace(ctx) && { 'one team of a race': ['H-3', { bidIds: [first.bidId] }] }),
    };
  },
  OBJECT: () => ({ anonymous: ['X-2', { text: '匿名异议' }] }),
  RESOLVE_OBJECTION: () => ({
    unknown: ['P-1', { objectionId: 'no-such-objection', upheld: false, opinion: '无此异议' }],
  }),
  REGISTER_CONTRACT: (_ctx, at) => ({
    'unknown track': ['P-1', { trackId: 'no-such-track', contractNo: 'HT-none', registeredOn: beijingDate(at) }],
  }),
  RECORD_PAYMENT: (_ctx, at) => ({
    'unknown track': [
      'P-1',
      { trackId: 'no-such-track', amountCny: 1, paidOn: beijingDate(at), evidenceSha256: sha('none') },
    ],
  }),
  DISBURSE: () => ({ 'unknown track': ['P-1', { trackId: 'no-such-track', amountCny: 1, phase: 'first' }] }),
  START_IMPLEMENTATION: (ctx, at) =>
    activeTracks(ctx).some((t) => t.contract === null) ? { unregistered: ['Q-6', { startedOn: beijingDate(at) }] } : {},
  MIDTERM_DECISION: () => ({
    'unknown track': ['P-1', { trackId: 'no-such-track', decision: 'continue', opinion: '无此项目' }],
  }),
  // Only an extension moves the planned end.
  APPROVE_CHANGE: (ctx, at) => ({
    'schedule with new end': [
      'X-4',
      { kind: 'schedule', detail: '调整进度', newPlannedEnd: ctx.plannedEnd ?? beijingDate(at) },
    ],
  }),
  ACCEPTANCE_DECISION: (ctx) =>
    ctx.rectifyUsed ? { 'second rectify': ['X-3', { result: 'rectify', opinion: '再次整改' }] } : {},
};
