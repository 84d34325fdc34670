/**
 * The model behind the model-based tests (test/integration/model-paths.test.ts): a small
 * ActorLogic wrapping the pure challenge machine, whose events are *fixtures* — for each state,
 * events built from the snapshot that satisfy its guards (one per guard branch worth taking),
 * plus refusals: events that fail a rule and must leave the state unchanged. `xstate/graph`
 * (getAdjacencyMap, getShortestPaths) explores it; `coveringRoutes` turns the graph into routes
 * that together take every transition the model can reach.
 *
 * Time is part of the model: every staff event comes one minute after the previous one, and
 * a timer event comes exactly at its due time, only when it is the earliest deadline of the
 * state — as the server's scheduler fires them. So every route can also be run against the
 * real server with its test clock.
 */
import { initialTransition } from 'xstate';
import { type AdjacencyMap, getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { deadlinesOf } from '../../machines/challenge/deadlines.js';
import {
  type Actor,
  type ChallengeEvent,
  type EventFacts,
  type StaffEventType,
  type SystemEventType,
  systemEventTypes,
} from '../../machines/challenge/events.js';
import { type ChallengeSnapshot, challengeMachine } from '../../machines/challenge/machine.js';
import { completeDraft } from '../../machines/challenge/schemas.js';
import { activeTracks, agreedBids, requiredBids } from '../../machines/challenge/selectors.js';
import { statePath } from '../../machines/challenge/stage.js';
import type { ChallengeContext, CreateInput } from '../../machines/challenge/types.js';
import { type ProgrammeSettings, programmeSettingsSchema, wlmq2026 } from '../../machines/programme.js';
import { type MachineTransition, machineTransitions } from '../../src/chart/machine-graph.js';
import { pureTransition } from '../../src/engine/pure-transition.js';
import {
  EXPERTS,
  horseRace,
  sha,
  TECH_ATTACHMENTS,
  TRANSFER_ATTACHMENTS,
  techDraft,
  transferDraft,
  UNITS,
} from './fixtures.js';
import { pdfOf, sha256Of } from './uploads.js';

/** The harness's start: inside the submission window of wlmq-2026. */
export const T0 = new Date('2026-05-06T10:00:00+08:00').toISOString();
const MINUTE = 60_000;
const DAY = 86_400_000;

/** A technology breakthrough, the same as a horse race, an achievement transfer. */
export type Variant = 'plain' | 'race' | 'transfer';
export const variants: readonly Variant[] = ['plain', 'race', 'transfer'];
export type Party =
  | 'issuer'
  | 'holder'
  | 'solverC'
  | 'district'
  | 'bureau'
  | 'solverA'
  | 'solverB'
  | 'finance'
  | 'system'
  | `expert:${string}`;

/** One concrete event and who sends it. `label` names the fixture, the same in every state. */
export interface Fixture {
  label: string;
  party: Party;
  event: ChallengeEvent;
}

/** An event that must be refused with `clause`, leaving the challenge as it was. */
export interface Refusal extends Fixture {
  clause: string;
}

export interface ModelState {
  variant: Variant | null;
  snapshot: ChallengeSnapshot | null;
  /** When the last event happened. */
  now: string;
}

export interface ModelEvent {
  type: string;
  variant?: Variant;
  fixture?: Fixture;
}

/** Registry facts for an event, as the engine gathers them before the transition. */
export type FactsFor = (
  ctx: ChallengeContext,
  body: { type: StaffEventType } & Record<string, unknown>,
) => EventFacts | undefined;

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

/**
 * The model's programme: wlmq-2026's rules, except that §4's per-unit and per-person counts
 * (L-2a, L-2b) are raised, because the model walks about a hundred routes with one cast of
 * parties, whose applications would otherwise count against each other. Those limits are proven
 * in rules-parties-*.test.ts and rules-portfolio.test.ts; every other rule applies as in 2026.
 */
export const MODEL_PROGRAMME = 'model-2026';
export const settings: ProgrammeSettings = programmeSettingsSchema.parse({
  ...wlmq2026,
  name: '模型测试批次（与2026年度规则相同，申报数量限制放宽）',
  restrictions: { ...wlmq2026.restrictions, maxOngoingPerUnit: 1_000_000, maxPerPerson: 1_000_000 },
});

export const drafts: Record<Variant, Record<string, unknown>> = {
  plain: techDraft({ programmeId: MODEL_PROGRAMME }),
  race: techDraft({ horseRace, programmeId: MODEL_PROGRAMME }),
  transfer: transferDraft({ programmeId: MODEL_PROGRAMME }),
};

const actors: Record<Exclude<Party, `expert:${string}`>, Actor> = {
  issuer: { id: 'model-issuer', role: 'issuer', unit: UNITS.issuer },
  /** The issuer of an achievement transfer: the unit holding the achievement. */
  holder: { id: 'model-holder', role: 'issuer', unit: UNITS.transferHolder },
  solverC: { id: 'model-solverC', role: 'solver', unit: UNITS.solverC },
  district: { id: 'model-district', role: 'district', unit: UNITS.district },
  bureau: { id: 'model-bureau', role: 'bureau' },
  solverA: { id: 'model-solverA', role: 'solver', unit: UNITS.solverA },
  solverB: { id: 'model-solverB', role: 'solver', unit: UNITS.solverB },
  finance: { id: 'model-finance', role: 'finance' },
  system: { id: 'system', role: 'system' },
};
const actorOf = (party: Party): Actor =>
  party.startsWith('expert:')
    ? { id: `model-${party}`, role: 'expert', person: party.slice('expert:'.length) }
    : actors[party as keyof typeof actors];

/** The pure machine's first snapshot for a variant, as `POST /challenges` builds it. */
export function createdSnapshot(variant: Variant): ChallengeSnapshot {
  const { programmeId, ...fields } = drafts[variant] as { programmeId: string } & Record<string, unknown>;
  const input: CreateInput = {
    id: `model-${variant}`,
    programmeId,
    settings,
    draft: completeDraft(fields as never),
    at: T0,
    actor: actorOf(variant === 'transfer' ? 'holder' : 'issuer'),
  };
  return initialTransition(challengeMachine, input)[0];
}

const beijingDate = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();
const plusMonths = (date: string, months: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
};

/** The deadline the scheduler fires next in this state, if any. */
export function nextDeadline(snapshot: ChallengeSnapshot): { type: SystemEventType; dueAt: string } | undefined {
  return [...deadlinesOf(snapshot.value, snapshot.context)].sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
}

export function timerFixture(type: SystemEventType, dueAt: string): Fixture {
  return {
    label: type,
    party: 'system',
    event: { type, timer: { timerId: 0, dueAt, lateMs: 0 }, at: dueAt, actor: actorOf('system') } as ChallengeEvent,
  };
}

type Payload = { type: StaffEventType } & Record<string, unknown>;

/** Builds staff fixtures for one state at one instant. */
class Builder {
  readonly out: Fixture[] = [];
  constructor(
    readonly ctx: ChallengeContext,
    readonly at: string,
    readonly factsFor: FactsFor,
  ) {}
  add(label: string, party: Party, payload: Payload): void {
    // The issuer of an achievement transfer is the holder unit: its own token sends.
    if (party === 'issuer' && this.ctx.kind === 'achievementTransfer') party = 'holder';
    const facts = this.factsFor(this.ctx, payload);
    const event = { ...payload, at: this.at, actor: actorOf(party), ...(facts ? { facts } : {}) } as ChallengeEvent;
    this.out.push({ label, party, event });
  }
}

/** Who bids: an in-city enterprise takes up an achievement transfer; two universities race. */
const solverOf = (ctx: ChallengeContext, bidId: string): Party =>
  ctx.kind === 'achievementTransfer' ? 'solverC' : bidId === 'bid-2' ? 'solverB' : 'solverA';
const solverSide: Record<string, { unit: string; leader: string; team: string[] }> = {
  solverA: { unit: UNITS.solverA, leader: 'a-lead', team: ['a-lead', 'a-m1'] },
  solverB: { unit: UNITS.solverB, leader: 'b-lead', team: ['b-lead', 'b-m1'] },
  solverC: { unit: UNITS.solverC, leader: 'c-lead', team: ['c-lead'] },
};
const bidPayload = (ctx: ChallengeContext, bidId: string, route: string | undefined): Payload => {
  const side = solverSide[solverOf(ctx, bidId)] as (typeof solverSide)[string];
  return {
    type: 'BID',
    bidId,
    members: [side.unit],
    leader: side.leader,
    team: side.team,
    plan: ctx.kind === 'techBreakthrough' ? '采用有限元优化与热处理工艺改进' : '转化方案',
    ...(route === undefined ? {} : { route }),
    requestedFundingCny: 3_000_000,
  };
};

/**
 * "Record-only" events in management (progress, payments, a change): one per route is enough
 * to take each such transition, and more would multiply states without adding transitions.
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

/** The events that should be accepted now: one fixture per branch worth taking. */
export function validFixtures(state: ModelState, factsFor: FactsFor): Fixture[] {
  const { snapshot } = state;
  if (snapshot === null || snapshot.status !== 'active') return [];
  const ctx = snapshot.context;
  const deadline = nextDeadline(snapshot);
  const fixtures: Fixture[] = deadline ? [timerFixture(deadline.type, deadline.dueAt)] : [];
  const at = new Date(Date.parse(state.now) + MINUTE).toISOString();
  // Staff act only before the next deadline: at or after it, the scheduler has fired first.
  if (deadline && at >= deadline.dueAt) return fixtures;
  const b = new Builder(ctx, at, factsFor);
  const path = statePath(snapshot.value);
  const required = requiredBids(ctx);
  const live = ctx.bids.filter((x) => !x.withdrawn);
  const agreed = agreedBids(ctx);

  switch (path) {
    case 'collection.draft': {
      if (!ctx.draft.title.endsWith('（修订）'))
        b.add('UPDATE', 'issuer', { type: 'UPDATE', title: `${ctx.draft.title}（修订）` });
      const kinds = ctx.kind === 'techBreakthrough' ? TECH_ATTACHMENTS : TRANSFER_ATTACHMENTS;
      const missing = kinds.find((k) => !ctx.attachments.some((a) => a.kind === k));
      if (missing) b.add('ATTACH', 'issuer', { type: 'ATTACH', kind: missing, sha256: fileSha(missing) });
      else b.add('SUBMIT', 'issuer', { type: 'SUBMIT', confirmDetails: true });
      b.add('WITHDRAW', 'issuer', { type: 'WITHDRAW', reason: '需求已由企业自行解决' });
      break;
    }
    case 'review.awaitingRecommendation':
    case 'review.formalCheck':
      if (path === 'review.awaitingRecommendation')
        b.add('RECOMMEND', 'district', { type: 'RECOMMEND', opinion: '同意推荐' });
      else b.add('PASS_FORMAL_CHECK', 'bureau', { type: 'PASS_FORMAL_CHECK', opinion: '形式审查通过' });
      b.add('WITHDRAW', 'issuer', { type: 'WITHDRAW', reason: '撤回申报' });
      b.add('RETURN', 'district', { type: 'RETURN', reason: '请补充材料' });
      b.add('DECLINE', 'bureau', { type: 'DECLINE', reason: '不符合征集方向' });
      break;
    case 'publication.demandReview':
      b.add('APPROVE_DEMAND', 'bureau', { type: 'APPROVE_DEMAND', opinion: '需求评审通过' });
      b.add('DECLINE', 'bureau', { type: 'DECLINE', reason: '需求评审未通过' });
      break;
    case 'publication.approved':
      b.add('PUBLISH', 'bureau', { type: 'PUBLISH', biddingClosesAt: plusDays(at, 30) });
      b.add('DECLINE', 'bureau', { type: 'DECLINE', reason: '暂缓发布' });
      break;
    case 'matching.bidding': {
      const race = ctx.draft.horseRace;
      if (live.length < required && ctx.bids.length < required + 1) {
        const usedRoutes = new Set(live.map((x) => x.route));
        const route = race?.routes.map((r) => r.name).find((r) => !usedRoutes.has(r));
        const bidId = `bid-${ctx.bids.length + 1}`;
        b.add('BID', solverOf(ctx, bidId), bidPayload(ctx, bidId, route));
      }
      const unagreed = live.find((x) => x.agreedFundingCny === null);
      if (unagreed && ctx.bids.every((x) => !x.withdrawn))
        b.add('WITHDRAW_BID', solverOf(ctx, unagreed.bidId), { type: 'WITHDRAW_BID', bidId: unagreed.bidId });
      if (unagreed) b.add('AGREE', 'issuer', { type: 'AGREE', bidId: unagreed.bidId, agreedFundingCny: 3_000_000 });
      const published = ctx.publishedAt ?? at;
      if (ctx.biddingClosesAt !== null && ctx.biddingClosesAt <= plusDays(published, 30))
        b.add('EXTEND_BIDDING', 'bureau', {
          type: 'EXTEND_BIDDING',
          biddingClosesAt: plusDays(ctx.biddingClosesAt, 10),
        });
      if (!(race !== null && agreed.length === 1)) b.add('CLOSE_MATCHING', 'bureau', { type: 'CLOSE_MATCHING' });
      b.add('DECLARE_UNFILLED', 'bureau', { type: 'DECLARE_UNFILLED', reason: '无合适揭榜方' });
      break;
    }
    case 'expertReview.panelPending':
    case 'expertReview.scoring': {
      if (path === 'expertReview.panelPending' || ctx.scores.length === 0)
        b.add('ASSIGN_PANEL', 'bureau', { type: 'ASSIGN_PANEL', experts: [...EXPERTS] });
      if (path === 'expertReview.scoring') {
        const todo = ctx.panel
          .flatMap((expert) => agreed.map((bid) => ({ expert, bidId: bid.bidId })))
          .find((p) => !ctx.scores.some((s) => s.expert === p.expert && s.bidId === p.bidId));
        if (todo)
          b.add('SCORE', `expert:${todo.expert}`, {
            type: 'SCORE',
            bidId: todo.bidId,
            score: 80,
            comment: '方案可行',
            noConflictDeclared: true,
          });
        else b.add('SELECT', 'bureau', { type: 'SELECT', bidIds: agreed.map((x) => x.bidId) });
      }
      b.add('DECLARE_UNFILLED', 'bureau', { type: 'DECLARE_UNFILLED', reason: '评审未通过' });
      break;
    }
    case 'announcement.notice':
    case 'announcement.objectionsPending': {
      if (path === 'announcement.notice' && ctx.objections.length < 2)
        b.add('OBJECT', 'bureau', { type: 'OBJECT', objector: { name: '张某' }, text: '对评审结果有异议' });
      const open = ctx.objections.find((o) => o.status === 'open');
      if (open) {
        const resolve = (upheld: boolean) =>
          b.add(upheld ? 'RESOLVE_OBJECTION upheld' : 'RESOLVE_OBJECTION dismissed', 'bureau', {
            type: 'RESOLVE_OBJECTION',
            objectionId: open.objectionId,
            upheld,
            opinion: upheld ? '异议成立' : '异议不成立',
          });
        resolve(true);
        resolve(false);
      }
      break;
    }
    case 'disbursement.funding':
    case 'management.implementing': {
      const inManagement = path === 'management.implementing';
      const recordsAllowed = !inManagement || managementRecords(ctx) === 0;
      const running = activeTracks(ctx);
      const unregistered = running.find((t) => t.contract === null);
      if (!inManagement && unregistered)
        b.add('REGISTER_CONTRACT', 'bureau', {
          type: 'REGISTER_CONTRACT',
          trackId: unregistered.trackId,
          contractNo: `HT-${unregistered.trackId}`,
          registeredOn: beijingDate(at),
        });
      const payee = inManagement ? running[0] : running.find((t) => t.paidCny === 0);
      if (payee && recordsAllowed && (inManagement ? payee.paidCny <= 1_000_000 : true))
        b.add('RECORD_PAYMENT', 'finance', {
          type: 'RECORD_PAYMENT',
          trackId: payee.trackId,
          amountCny: 1_000_000,
          paidOn: beijingDate(at),
          evidenceSha256: fileSha(`pay-${payee.trackId}-${ctx.tracks.length}`),
        });
      const fundable = running.find(
        (t) => t.contract !== null && t.paidCny > 0 && t.disbursedCny + 400_000 <= (t.paidCny * 40) / 100,
      );
      if (fundable && recordsAllowed)
        b.add('DISBURSE', 'finance', {
          type: 'DISBURSE',
          trackId: fundable.trackId,
          amountCny: 400_000,
          phase: 'first',
        });
      if (!inManagement) {
        if (!unregistered)
          b.add('START_IMPLEMENTATION', 'bureau', { type: 'START_IMPLEMENTATION', startedOn: beijingDate(at) });
        break;
      }
      const track = running.find((t) => t.status === 'active');
      if (track && recordsAllowed)
        b.add('REPORT_PROGRESS', solverOf(ctx, track.trackId), {
          type: 'REPORT_PROGRESS',
          trackId: track.trackId,
          milestone: '样机试制',
          text: '完成首台样机',
        });
      const undecided = running.find((t) => t.midterm === null);
      if (undecided)
        for (const decision of ['continue', 'stop'] as const)
          b.add(`MIDTERM_DECISION ${decision}`, 'bureau', {
            type: 'MIDTERM_DECISION',
            trackId: undecided.trackId,
            decision,
            opinion: decision === 'continue' ? '中期评估通过' : '中期评估不通过',
          });
      if (recordsAllowed && ctx.plannedEnd !== null)
        b.add('APPROVE_CHANGE extension', 'bureau', {
          type: 'APPROVE_CHANGE',
          kind: 'extension',
          detail: '设备到货延迟',
          newPlannedEnd: plusMonths(ctx.plannedEnd, 6),
        });
      b.add('TERMINATE', 'bureau', { type: 'TERMINATE', reason: '项目无法继续实施' });
      if (track)
        b.add('SUBMIT_FINAL_REPORT', solverOf(ctx, track.trackId), {
          type: 'SUBMIT_FINAL_REPORT',
          trackId: track.trackId,
          reportSha256: fileSha(`report-${track.trackId}`),
        });
      break;
    }
    case 'evaluation.awaitingReport': {
      const track = activeTracks(ctx).find((t) => t.status === 'active');
      // Once acceptance is overdue, a report is long past its X-3 limit.
      if (track && !ctx.overdue)
        b.add('SUBMIT_FINAL_REPORT', solverOf(ctx, track.trackId), {
          type: 'SUBMIT_FINAL_REPORT',
          trackId: track.trackId,
          reportSha256: fileSha(`report-${track.trackId}`),
        });
      break;
    }
    case 'evaluation.underReview':
    case 'evaluation.rectifying':
      for (const result of ['rectify', 'passed', 'failed'] as const)
        if (result !== 'rectify' || path === 'evaluation.underReview')
          b.add(`ACCEPTANCE_DECISION ${result}`, 'bureau', {
            type: 'ACCEPTANCE_DECISION',
            result,
            opinion: '验收意见',
          });
      break;
  }
  return [...fixtures, ...b.out];
}

/** Events that break one rule in this state; each must be refused with its clause. */
export function refusals(state: ModelState, factsFor: FactsFor): Refusal[] {
  const { snapshot } = state;
  if (snapshot === null || snapshot.status !== 'active') return [];
  const ctx = snapshot.context;
  const at = new Date(Date.parse(state.now) + MINUTE).toISOString();
  const deadline = nextDeadline(snapshot);
  if (deadline && at >= deadline.dueAt) return [];
  const b = new Builder(ctx, at, factsFor);
  const clauses: string[] = [];
  const refuse = (clause: string, label: string, party: Party, payload: Payload) => {
    b.add(label, party, payload);
    clauses.push(clause);
  };
  const path = statePath(snapshot.value);
  const live = ctx.bids.filter((x) => !x.withdrawn);
  switch (path) {
    case 'collection.draft':
      refuse('Q-10', 'UPDATE classified', 'issuer', { type: 'UPDATE', classified: true });
      refuse('Q-2/3', 'SUBMIT unconfirmed', 'issuer', { type: 'SUBMIT', confirmDetails: false });
      break;
    case 'publication.demandReview':
      refuse('Q-12', 'PUBLISH unapproved', 'bureau', { type: 'PUBLISH', biddingClosesAt: plusDays(at, 30) });
      break;
    case 'publication.approved':
      refuse('Q-12', 'PUBLISH closing in the past', 'bureau', { type: 'PUBLISH', biddingClosesAt: plusDays(at, -1) });
      break;
    case 'matching.bidding': {
      refuse(ctx.kind === 'techBreakthrough' ? 'S-T3' : 'S-C2', 'BID without plan', solverOf(ctx, 'bid-x'), {
        ...bidPayload(ctx, 'bid-x', ctx.draft.horseRace?.routes[0]?.name),
        plan: ' ',
      });
      const first = ctx.bids[0];
      if (first)
        refuse(
          'P-2',
          'BID duplicate id',
          solverOf(ctx, first.bidId),
          bidPayload(ctx, first.bidId, ctx.draft.horseRace?.routes[0]?.name),
        );
      refuse('P-1', 'WITHDRAW_BID unknown', solverOf(ctx, 'bid-x'), { type: 'WITHDRAW_BID', bidId: 'no-such-bid' });
      if (live[0])
        refuse('P-5', 'AGREE without funding', 'issuer', { type: 'AGREE', bidId: live[0].bidId, agreedFundingCny: 0 });
      if (ctx.biddingClosesAt)
        refuse('P-3', 'EXTEND_BIDDING not later', 'bureau', {
          type: 'EXTEND_BIDDING',
          biddingClosesAt: ctx.biddingClosesAt,
        });
      if (ctx.draft.horseRace !== null && agreedBids(ctx).length === 1)
        refuse('H-3', 'CLOSE_MATCHING race with one team', 'bureau', { type: 'CLOSE_MATCHING' });
      break;
    }
    case 'expertReview.panelPending':
    case 'expertReview.scoring':
      refuse('X-6', 'ASSIGN_PANEL of four', 'bureau', { type: 'ASSIGN_PANEL', experts: EXPERTS.slice(0, 4) });
      if (path === 'expertReview.scoring') {
        const bid = agreedBids(ctx)[0];
        const expert = ctx.panel[0];
        if (bid && expert)
          refuse('X-7', 'SCORE without declaration', `expert:${expert}`, {
            type: 'SCORE',
            bidId: bid.bidId,
            score: 80,
            comment: '方案可行',
            noConflictDeclared: false,
          });
        refuse('P-1', 'SELECT unknown bid', 'bureau', { type: 'SELECT', bidIds: ['no-such-bid'] });
      }
      break;
    case 'announcement.notice':
    case 'announcement.objectionsPending':
      if (path === 'announcement.notice')
        refuse('X-2', 'OBJECT anonymous', 'bureau', { type: 'OBJECT', text: '匿名异议' });
      refuse('P-1', 'RESOLVE_OBJECTION unknown', 'bureau', {
        type: 'RESOLVE_OBJECTION',
        objectionId: 'no-such-objection',
        upheld: false,
        opinion: '无此异议',
      });
      break;
    case 'disbursement.funding':
    case 'management.implementing': {
      refuse('P-1', 'RECORD_PAYMENT unknown track', 'finance', {
        type: 'RECORD_PAYMENT',
        trackId: 'no-such-track',
        amountCny: 1,
        paidOn: beijingDate(at),
        evidenceSha256: sha('none'),
      });
      refuse('P-1', 'DISBURSE unknown track', 'finance', {
        type: 'DISBURSE',
        trackId: 'no-such-track',
        amountCny: 1,
        phase: 'first',
      });
      if (path === 'disbursement.funding') {
        refuse('P-1', 'REGISTER_CONTRACT unknown track', 'bureau', {
          type: 'REGISTER_CONTRACT',
          trackId: 'no-such-track',
          contractNo: 'HT-none',
          registeredOn: beijingDate(at),
        });
        if (activeTracks(ctx).some((t) => t.contract === null))
          refuse('Q-6', 'START_IMPLEMENTATION unregistered', 'bureau', {
            type: 'START_IMPLEMENTATION',
            startedOn: beijingDate(at),
          });
      } else {
        refuse('P-1', 'MIDTERM_DECISION unknown track', 'bureau', {
          type: 'MIDTERM_DECISION',
          trackId: 'no-such-track',
          decision: 'continue',
          opinion: '无此项目',
        });
        refuse('X-4', 'APPROVE_CHANGE schedule with new end', 'bureau', {
          type: 'APPROVE_CHANGE',
          kind: 'schedule',
          detail: '调整进度',
          newPlannedEnd: ctx.plannedEnd ?? beijingDate(at),
        });
      }
      break;
    }
    case 'evaluation.rectifying':
      refuse('X-3', 'ACCEPTANCE_DECISION second rectify', 'bureau', {
        type: 'ACCEPTANCE_DECISION',
        result: 'rectify',
        opinion: '再次整改',
      });
      break;
  }
  return b.out.map((f, i) => ({ ...f, clause: clauses[i] as string }));
}

/** Applies a model event: the pure machine's transition, at the event's time. */
export function step(state: ModelState, event: ModelEvent): ModelState {
  if (event.variant) return { variant: event.variant, snapshot: createdSnapshot(event.variant), now: T0 };
  if (!state.snapshot || !event.fixture) throw new Error(`no fixture for ${event.type}`);
  const next = pureTransition(state.snapshot, event.fixture.event);
  if (next === state.snapshot) return state;
  return { variant: state.variant, snapshot: next, now: event.fixture.event.at };
}

/**
 * What tells two model states apart: the state value and the facts of the context that the
 * fixtures of this stage and later ones read. Earlier history (how many attachments, a withdrawn
 * bid) is left out once it can no longer matter, so the graph stays small. Time is left out too:
 * routes are re-run from their start, so their times are recomputed.
 */
export function serializeModelState(state: ModelState): string {
  const s = state.snapshot;
  if (!s) return 'start';
  const c = s.context;
  const stage = statePath(s.value).split('.')[0];
  const agreed = agreedBids(c).length;
  const tracks = c.tracks.map((t) => [
    t.status,
    t.contract !== null,
    t.paidCny,
    t.disbursedCny,
    t.midterm,
    t.progress.length,
  ]);
  const facts: Record<string, unknown> = {
    collection: [c.draft.title.endsWith('（修订）'), c.attachments.length],
    review: [],
    publication: [c.demandApprovedAt !== null],
    matching: [
      c.bids.map((x) => [x.withdrawn, x.agreedFundingCny !== null]),
      c.biddingClosesAt !== null && c.publishedAt !== null && c.biddingClosesAt > plusDays(c.publishedAt, 30),
    ],
    expertReview: [agreed, c.panel.length, c.scores.length, c.objections.length],
    announcement: [agreed, c.objections.map((o) => o.status), c.noticeEnded],
    disbursement: [tracks],
    management: [tracks, c.extensionUsed, c.changes.length],
    evaluation: [c.tracks.map((t) => t.status), c.rectifyUsed, c.overdue],
  };
  return JSON.stringify([state.variant, s.value, facts[stage ?? ''] ?? null]);
}

/** The model as ActorLogic for xstate/graph. */
function modelLogic() {
  return {
    transition: (state: ModelState, event: ModelEvent) => step(state, event),
    getInitialSnapshot: (): ModelState => ({ variant: null, snapshot: null, now: T0 }),
    getPersistedSnapshot: (state: ModelState) => state,
    restoreSnapshot: (state: ModelState) => state,
    start: () => undefined,
  };
}

/** Which transition of the machine an accepted event takes: XState's selection, deepest state first. */
export function takenTransition(
  snapshot: ChallengeSnapshot,
  event: ChallengeEvent,
  transitions: MachineTransition[],
): MachineTransition | undefined {
  const guards = (challengeMachine.implementations.guards ?? {}) as Record<
    string,
    (args: { context: ChallengeContext; event: ChallengeEvent }) => boolean
  >;
  const leaf = statePath(snapshot.value).split('.');
  for (let depth = leaf.length; depth >= 0; depth--) {
    const source = leaf.slice(0, depth).join('.');
    const candidates = transitions.filter((t) => t.source === source && t.event === event.type);
    for (const t of candidates) {
      const pass = t.guards.every((name) => {
        const guard = guards[name];
        if (!guard) throw new Error(`no implementation for guard ${name}`);
        return guard({ context: snapshot.context, event });
      });
      if (pass) return t;
    }
  }
  return undefined;
}

export interface RouteStep {
  fixture: Fixture | null;
  /** null for the CREATE step. */
  transition: MachineTransition | null;
  /** State value after the step. */
  value: unknown;
  /** State before the step (for refusals checked there). */
  before: ModelState;
  after: ModelState;
}

export interface Route {
  variant: Variant;
  /** Fixture labels after CREATE, as found by the graph. */
  labels: string[];
  steps: RouteStep[];
  /** True when the route sends a timer out of due order: the pure machine only. */
  pureOnly: boolean;
}

/**
 * Runs a route from scratch through the pure machine, rebuilding each fixture from the state it
 * is sent in (same label). Throws when a fixture is missing or refused: the route is not valid.
 */
export function runRoute(
  variant: Variant,
  labels: string[],
  factsFor: FactsFor,
  transitions: MachineTransition[],
  extra?: (state: ModelState) => Fixture | undefined,
): Route {
  let state = step({ variant: null, snapshot: null, now: T0 }, { type: `CREATE ${variant}`, variant });
  const steps: RouteStep[] = [
    { fixture: null, transition: null, value: state.snapshot?.value, before: state, after: state },
  ];
  const all = extra ? [...labels, '(out of order)'] : labels;
  all.forEach((label, i) => {
    const fixture =
      extra && i === labels.length ? extra(state) : validFixtures(state, factsFor).find((f) => f.label === label);
    if (!fixture || !state.snapshot)
      throw new Error(`route ${variant} ${labels.join(' > ')}: no ${label} at step ${i}`);
    const transition = takenTransition(state.snapshot, fixture.event, transitions);
    const after = step(state, { type: label, fixture });
    if (after === state || !transition || !after.snapshot)
      throw new Error(`route ${variant} ${labels.join(' > ')}: ${label} refused at step ${i}`);
    // The transition counted must be the one XState took: its target, or the same state.
    const from = statePath(state.snapshot.value);
    const to = statePath(after.snapshot.value);
    const landed =
      transition.targets.length === 0
        ? to === from
        : transition.targets.some((t) => to === t || to.startsWith(`${t}.`));
    if (!landed) throw new Error(`${label} at step ${i}: counted ${transition.id}, but XState went ${from} → ${to}`);
    steps.push({ fixture, transition, value: after.snapshot?.value, before: state, after });
    state = after;
  });
  return { variant, labels, steps, pureOnly: extra !== undefined };
}

/**
 * Explores the model with xstate/graph and returns routes that together take every transition
 * the model reaches, longest first, skipping routes that add nothing. Transitions reachable only
 * by firing a timer that is not the state's earliest deadline (which the server never does) are
 * added as `pureOnly` routes.
 */
export function coveringRoutes(factsFor: FactsFor): { routes: Route[]; states: number; edges: number } {
  const transitions = machineTransitions();
  const options = {
    events: (state: ModelState): ModelEvent[] =>
      state.snapshot === null
        ? variants.map((variant) => ({ type: `CREATE ${variant}`, variant }))
        : validFixtures(state, factsFor).map((fixture) => ({ type: fixture.label, fixture })),
    serializeState: serializeModelState,
    serializeEvent: (event: ModelEvent) => event.type,
  };
  const logic = modelLogic() as unknown as Parameters<typeof getShortestPaths>[0];
  const adjacency = getAdjacencyMap(logic, options) as unknown as AdjacencyMap<ModelState, ModelEvent>;
  const shortest = getShortestPaths(logic, options) as unknown as {
    state: ModelState;
    steps: { event: ModelEvent; state: ModelState }[];
  }[];
  const labelsTo = new Map<string, { variant: Variant; labels: string[] }>();
  for (const p of shortest) {
    const events = p.steps.map((s) => s.event).filter((e) => e.type !== 'xstate.init');
    const variant = events[0]?.variant;
    if (variant) labelsTo.set(serializeModelState(p.state), { variant, labels: events.slice(1).map((e) => e.type) });
  }

  // For each transition, the edge taking it whose source has the shortest route: then the
  // routes, longest first, each kept only if it takes a transition no kept route takes.
  const best = new Map<string, { variant: Variant; labels: string[] }>();
  let edges = 0;
  for (const [key, { state, transitions: out }] of Object.entries(adjacency)) {
    const to = labelsTo.get(key);
    if (!to || !state.snapshot) continue;
    for (const [label, { event }] of Object.entries(out) as [string, { event: ModelEvent }][]) {
      edges++;
      if (!event.fixture) continue;
      const taken = takenTransition(state.snapshot, event.fixture.event, transitions);
      if (!taken) continue;
      // Per variant: every kind of challenge takes every transition it can reach.
      const id = `${to.variant} ${taken.id}`;
      const known = best.get(id);
      if (!known || known.labels.length > to.labels.length + 1)
        best.set(id, { variant: to.variant, labels: [...to.labels, label] });
    }
  }
  const candidates = [...best.values()].sort((a, b) => b.labels.length - a.labels.length);
  const coveredIn = new Set<string>();
  const routes: Route[] = [];
  for (const c of candidates) {
    const route = runRoute(c.variant, c.labels, factsFor, transitions);
    const ids = route.steps.flatMap((s) => (s.transition ? [`${c.variant} ${s.transition.id}`] : []));
    if (ids.every((id) => coveredIn.has(id))) continue;
    for (const id of ids) coveredIn.add(id);
    routes.push(route);
  }
  const covered = new Set(routes.flatMap((r) => r.steps.flatMap((s) => (s.transition ? [s.transition.id] : []))));

  // Timers out of due order, for the pure machine only.
  for (const t of transitions) {
    if (covered.has(t.id) || !(systemEventTypes as readonly string[]).includes(t.event)) continue;
    for (const [key, { state }] of Object.entries(adjacency)) {
      const to = labelsTo.get(key);
      if (!to || !state.snapshot) continue;
      const due = deadlinesOf(state.snapshot.value, state.snapshot.context).find((d) => d.type === t.event);
      if (!due) continue;
      const fixture = timerFixture(due.type, due.dueAt);
      if (takenTransition(state.snapshot, fixture.event, transitions)?.id !== t.id) continue;
      routes.push(runRoute(to.variant, to.labels, factsFor, transitions, () => fixture));
      covered.add(t.id);
      break;
    }
  }
  return { routes, states: Object.keys(adjacency).length, edges };
}

/** A transition in one line, for messages. */
export const describeTransition = (t: MachineTransition) =>
  `${t.source} --${t.event}[${t.guards.join(' && ')}]--> ${t.targets.join(', ') || '(stays)'}`;
