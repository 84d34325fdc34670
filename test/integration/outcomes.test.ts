/**
 * Every early outcome of rules.md is reachable, and an outcome is final: the view says so for
 * every role, every staff event is refused as EVENT_NOT_ALLOWED without changing anything, and
 * no timer is left pending. Timer-made outcomes fire exactly one millisecond after the closing
 * instant (W-0, W-3) and are recorded as the `system` actor.
 */
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StaffEventType, staffEventTypes } from '../../machines/challenge/events.js';
import { wlmq2026 } from '../../machines/programme.js';
import { timers } from '../../src/db/schema.js';
import { EXPERTS, horseRace, type Parties, registerParties, sha, techDraft, UNITS } from '../helpers/fixtures.js';
import { type Harness, type Json, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

const SUBMISSION_CLOSES = wlmq2026.submission.closesAt;
const RECOMMENDATION_CLOSES = wlmq2026.recommendationClosesAt;
const plus = (instant: string, ms: number) => new Date(Date.parse(instant) + ms).toISOString();

/** Every token role that can read a challenge, so "allowedEvents is empty" is checked for all. */
const readers = (parties: Parties): Record<string, string> => ({
  issuer: parties.issuer,
  district: parties.district,
  bureau: parties.bureau,
  solver: parties.solverA,
  expert: parties.experts[EXPERTS[0]] as string,
  finance: parties.finance,
  auditor: parties.auditor,
});

/**
 * One well-formed instance of every staff event, sent by a role that may send it, so a refusal
 * can only come from the state (EVENT_NOT_ALLOWED), never from validation (400) or access (403).
 * Typed by StaffEventType: adding an event type without a row here does not compile.
 */
const everyEvent: Record<StaffEventType, { by: (parties: Parties) => string; body: Record<string, unknown> }> = {
  UPDATE: { by: (x) => x.issuer, body: { title: '改个标题' } },
  ATTACH: { by: (x) => x.issuer, body: { kind: 'applicationForm', sha256: sha('late form') } },
  SUBMIT: { by: (x) => x.issuer, body: { confirmDetails: true } },
  WITHDRAW: { by: (x) => x.issuer, body: { reason: '撤回' } },
  RECOMMEND: { by: (x) => x.district, body: { opinion: '同意推荐' } },
  RETURN: { by: (x) => x.bureau, body: { reason: '退回' } },
  DECLINE: { by: (x) => x.bureau, body: { reason: '不予推荐' } },
  PASS_FORMAL_CHECK: { by: (x) => x.bureau, body: { opinion: '通过' } },
  APPROVE_DEMAND: { by: (x) => x.bureau, body: { opinion: '通过' } },
  PUBLISH: { by: (x) => x.bureau, body: { biddingClosesAt: '2030-01-01T00:00:00+08:00' } },
  BID: {
    by: (x) => x.solverA,
    body: {
      bidId: 'late-bid',
      members: [UNITS.solverA],
      leader: 'a-lead',
      team: ['a-lead'],
      plan: '方案',
      requestedFundingCny: 1_000_000,
    },
  },
  WITHDRAW_BID: { by: (x) => x.solverA, body: { bidId: 'bid-1' } },
  AGREE: { by: (x) => x.issuer, body: { bidId: 'bid-1', agreedFundingCny: 1_000_000 } },
  EXTEND_BIDDING: { by: (x) => x.bureau, body: { biddingClosesAt: '2030-01-01T00:00:00+08:00' } },
  CLOSE_MATCHING: { by: (x) => x.bureau, body: {} },
  DECLARE_UNFILLED: { by: (x) => x.bureau, body: { reason: '流榜' } },
  ASSIGN_PANEL: { by: (x) => x.bureau, body: { experts: [...EXPERTS] } },
  SCORE: {
    by: (x) => x.experts[EXPERTS[0]] as string,
    body: { bidId: 'bid-1', score: 80, comment: '可行', noConflictDeclared: true },
  },
  SELECT: { by: (x) => x.bureau, body: { bidIds: ['bid-1'] } },
  OBJECT: { by: (x) => x.bureau, body: { objector: { name: '张三' }, text: '有异议' } },
  RESOLVE_OBJECTION: { by: (x) => x.bureau, body: { objectionId: 'obj-1', upheld: false, opinion: '不成立' } },
  REGISTER_CONTRACT: {
    by: (x) => x.bureau,
    body: { trackId: 'bid-1', contractNo: 'HT-9', registeredOn: '2026-07-20' },
  },
  RECORD_PAYMENT: {
    by: (x) => x.finance,
    body: { trackId: 'bid-1', amountCny: 100, paidOn: '2026-07-21', evidenceSha256: sha('pay') },
  },
  DISBURSE: { by: (x) => x.finance, body: { trackId: 'bid-1', amountCny: 40, phase: 'first' } },
  START_IMPLEMENTATION: { by: (x) => x.bureau, body: { startedOn: '2026-08-01' } },
  REPORT_PROGRESS: { by: (x) => x.solverA, body: { trackId: 'bid-1', milestone: 'M9', text: '进展' } },
  MIDTERM_DECISION: { by: (x) => x.bureau, body: { trackId: 'bid-1', decision: 'continue', opinion: '继续' } },
  APPROVE_CHANGE: { by: (x) => x.bureau, body: { kind: 'schedule', detail: '调整进度' } },
  TERMINATE: { by: (x) => x.bureau, body: { reason: '终止' } },
  SUBMIT_FINAL_REPORT: { by: (x) => x.solverA, body: { trackId: 'bid-1', reportSha256: sha('report') } },
  ACCEPTANCE_DECISION: { by: (x) => x.bureau, body: { result: 'passed', opinion: '通过' } },
};

const timersOf = async (id: string) =>
  await h.app.jiebang.db.select().from(timers).where(eq(timers.challengeId, id)).orderBy(asc(timers.id)).all();
const pendingTimersOf = async (id: string) => (await timersOf(id)).filter((t) => t.status === 'pending');

async function historyOf(id: string): Promise<Json[]> {
  const r = await h.request('GET', `/api/v1/challenges/${id}/history`, p.auditor);
  expect(r.status).toBe(200);
  return r.body.items;
}

/**
 * The outcome is final: stage and state are the outcome, no role may send anything, nothing is
 * pending, and every staff event is refused with EVENT_NOT_ALLOWED leaving view and history as
 * they were. `clause` is the clause the outcome cites. Returns the view.
 */
async function expectFinal(s: ChallengeDriver, kind: string, clause: string | null): Promise<Json> {
  const view = await s.view();
  expect(view.stage).toBe(kind);
  expect(view.state).toBe(kind);
  expect(view.outcome.kind).toBe(kind);
  expect(view.outcome.clause).toBe(clause);
  expect(view.deadlines).toEqual([]);
  for (const [role, tokenValue] of Object.entries(readers(p))) {
    // Solvers and experts never see a challenge that was not published (docs/security.md).
    if (view.details.publishedAt === null && (role === 'solver' || role === 'expert')) {
      expect((await h.request('GET', `/api/v1/challenges/${s.id}`, tokenValue)).status, role).toBe(404);
      continue;
    }
    const seen = await s.view(tokenValue);
    expect(seen.stage, role).toBe(kind);
    expect(seen.allowedEvents, role).toEqual([]);
  }
  expect(await pendingTimersOf(s.id)).toEqual([]);

  const events = await historyOf(s.id);
  expect(events.at(-1).stateAfter).toBe(kind);
  expect(Object.keys(everyEvent).sort()).toEqual([...staffEventTypes].sort());
  for (const [type, { by, body }] of Object.entries(everyEvent)) {
    const sender = by(p);
    const r = await s.send(sender, { type, ...body });
    // A solver's or expert's event on a never-published challenge finds nothing to act on (404).
    if (view.details.publishedAt === null && (sender === p.solverA || sender === p.experts[EXPERTS[0]])) {
      expect(r.status, type).toBe(404);
      continue;
    }
    expect(r.status, type).toBe(422);
    expect(r.body.error.code, type).toBe('EVENT_NOT_ALLOWED');
    expect(r.body.error.allowedEvents, type).toEqual([]);
  }
  expect(await s.view()).toEqual(view);
  expect(await historyOf(s.id)).toHaveLength(events.length);
  expect(await pendingTimersOf(s.id)).toEqual([]);
  return view;
}

/** The last history entry is the timer's event, sent by the system at its own due time. */
async function expectTimerEvent(id: string, type: string, dueAt: string): Promise<void> {
  const last = (await historyOf(id)).at(-1);
  expect(last.type).toBe(type);
  expect(last.actor).toEqual({ id: 'system', role: 'system' });
  expect(last.payload.timer.dueAt).toBe(dueAt);
  expect(last.payload.timer.lateMs).toBe(0);
  expect(last.at).toBe(dueAt);
  const row = (await timersOf(id)).find((t) => t.type === type);
  expect(row?.status).toBe('fired');
  expect(row?.eventSeq).toBe(last.seq);
}

describe('withdrawn', () => {
  it('the issuer withdraws a draft in collection; its submission timer is cancelled', async () => {
    const s = await new ChallengeDriver(h, p).create();
    expect((await pendingTimersOf(s.id)).map((t) => t.type)).toEqual(['SUBMISSION_WINDOW_CLOSED']);
    await s.ok(p.issuer, { type: 'WITHDRAW', reason: '需求已自行解决' });
    const view = await expectFinal(s, 'withdrawn', null);
    expect(view.outcome.reason).toBe('需求已自行解决');
    expect((await timersOf(s.id)).map((t) => t.status)).toEqual(['cancelled']);

    // The deadline passing later changes nothing.
    const length = (await historyOf(s.id)).length;
    await h.at(plus(SUBMISSION_CLOSES, 60_000));
    expect((await s.view()).stage).toBe('withdrawn');
    expect(await historyOf(s.id)).toHaveLength(length);
  });

  it('the issuer withdraws a submitted challenge in review', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.submit();
    expect((await s.view()).state).toEqual({ review: 'awaitingRecommendation' });
    await s.ok(p.issuer, { type: 'WITHDRAW', reason: '撤回申报' });
    await expectFinal(s, 'withdrawn', null);
    expect((await timersOf(s.id)).map((t) => [t.type, t.status])).toEqual([
      ['SUBMISSION_WINDOW_CLOSED', 'cancelled'],
      ['RECOMMENDATION_DEADLINE_PASSED', 'cancelled'],
    ]);
  });
});

describe('notAccepted (W-3), by durable timers', () => {
  it('SUBMISSION_WINDOW_CLOSED: a draft is still in collection at closesAt, notAccepted 1 ms later', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const dueAt = plus(SUBMISSION_CLOSES, 1);
    expect((await s.view()).deadlines).toEqual([{ type: 'SUBMISSION_WINDOW_CLOSED', dueAt }]);

    await h.at(SUBMISSION_CLOSES);
    const atClose = await s.view();
    expect(atClose.state).toEqual({ collection: 'draft' });
    expect(atClose.allowedEvents).toEqual([]); // the bureau's view; the issuer may still act
    expect((await s.view(p.issuer)).allowedEvents).toContain('SUBMIT');
    expect(await pendingTimersOf(s.id)).toHaveLength(1);

    await h.at(dueAt);
    await expectFinal(s, 'notAccepted', 'W-3');
    await expectTimerEvent(s.id, 'SUBMISSION_WINDOW_CLOSED', dueAt);
  });

  it('RECOMMENDATION_DEADLINE_PASSED: unrecommended at the deadline is still in review, notAccepted 1 ms later', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.submit();
    const dueAt = plus(RECOMMENDATION_CLOSES, 1);
    expect((await s.view()).deadlines).toEqual([{ type: 'RECOMMENDATION_DEADLINE_PASSED', dueAt }]);

    await h.at(RECOMMENDATION_CLOSES);
    expect((await s.view()).state).toEqual({ review: 'awaitingRecommendation' });
    expect((await s.view(p.district)).allowedEvents).toContain('RECOMMEND');

    await h.at(dueAt);
    await expectFinal(s, 'notAccepted', 'W-3');
    await expectTimerEvent(s.id, 'RECOMMENDATION_DEADLINE_PASSED', dueAt);
  });

  it('a challenge already recommended (review.formalCheck) is not made notAccepted by that deadline', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.submit();
    await s.recommend();
    const recommended = await s.view();
    expect(recommended.state).toEqual({ review: 'formalCheck' });
    expect(recommended.deadlines).toEqual([]);
    expect(await pendingTimersOf(s.id)).toEqual([]);
    const length = (await historyOf(s.id)).length;

    await h.at(plus(RECOMMENDATION_CLOSES, 86_400_000));
    const later = await s.view();
    expect(later.state).toEqual({ review: 'formalCheck' });
    expect(later.outcome).toBeUndefined();
    const events = await historyOf(s.id);
    expect(events).toHaveLength(length);
    expect(events.map((e: Json) => e.type)).not.toContain('RECOMMENDATION_DEADLINE_PASSED');
    await s.passFormalCheck();
    expect((await s.view()).stage).toBe('publication');
  });
});

describe('rejected', () => {
  it('the district declines in review', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.submit();
    await s.ok(p.district, { type: 'DECLINE', reason: '不符合本区产业方向' });
    const view = await expectFinal(s, 'rejected', null);
    expect(view.outcome.reason).toBe('不符合本区产业方向');
  });

  it('the bureau declines in publication; the district may not (403, nothing changed)', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toPublication();
    const before = await s.view();
    expect(before.stage).toBe('publication');
    const refused = await s.send(p.district, { type: 'DECLINE', reason: '区里改主意了' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect(await s.view()).toEqual(before);

    await s.ok(p.bureau, { type: 'DECLINE', reason: '需求评审未通过' });
    await expectFinal(s, 'rejected', null);
  });
});

describe('unfilled (流榜)', () => {
  it('the bureau closes matching with no agreed bid', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toMatching();
    await s.bid(p.solverA, 'bid-1'); // a bid, but no agreement
    await s.ok(p.bureau, { type: 'CLOSE_MATCHING' });
    await expectFinal(s, 'unfilled', null);
  });

  it('BIDDING_CLOSED fires with no agreed bid: still matching at the close, unfilled 1 ms later', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toMatching(10);
    const view = await s.view();
    const deadline = view.deadlines.find((d: Json) => d.type === 'BIDDING_CLOSED');
    expect(Date.parse(deadline.dueAt)).toBe(Date.parse(view.details.biddingClosesAt) + 1);

    await h.at(view.details.biddingClosesAt);
    expect((await s.view()).state).toEqual({ matching: 'bidding' });
    await h.at(deadline.dueAt);
    // Not a horse race, so H-3 (two or more teams) is not what ended it: no clause, as for CLOSE_MATCHING.
    await expectFinal(s, 'unfilled', null);
    await expectTimerEvent(s.id, 'BIDDING_CLOSED', deadline.dueAt);
  });

  it('a horse race with one agreed team: the bureau may not close (H-3), the timer makes it unfilled (H-3)', async () => {
    const s = await new ChallengeDriver(h, p).create(techDraft({ horseRace }));
    await s.toMatching();
    await s.bid(p.solverA, 'race-a', { route: horseRace.routes[0]?.name });
    await s.agree('race-a');
    const refused = await s.send(p.bureau, { type: 'CLOSE_MATCHING' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('RULE_VIOLATION');
    expect(refused.body.error.clause).toBe('H-3');

    const deadline = (await s.view()).deadlines.find((d: Json) => d.type === 'BIDDING_CLOSED');
    await s.runOut('BIDDING_CLOSED');
    await expectFinal(s, 'unfilled', 'H-3');
    await expectTimerEvent(s.id, 'BIDDING_CLOSED', deadline.dueAt);
  });

  it('the bureau declares it unfilled in expert review', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toExpertReview();
    expect((await s.view()).stage).toBe('expertReview');
    await s.ok(p.bureau, { type: 'DECLARE_UNFILLED', reason: '专家论证认为方案均不可行' });
    const view = await expectFinal(s, 'unfilled', null);
    expect(view.outcome.reason).toBe('专家论证认为方案均不可行');
  });
});

describe('terminated', () => {
  it('the bureau terminates in management; the period timer is cancelled', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toManagement();
    expect((await pendingTimersOf(s.id)).map((t) => t.type).sort()).toEqual(['PERIOD_ENDED']);
    await s.ok(p.bureau, { type: 'TERMINATE', reason: '揭榜方无法继续履约' });
    const view = await expectFinal(s, 'terminated', null);
    expect(view.tracks).toHaveLength(1); // the history and tracks are kept

    const length = (await historyOf(s.id)).length;
    await h.at('2029-12-31T00:00:00+08:00'); // past the planned end and the overdue threshold
    expect((await s.view()).stage).toBe('terminated');
    expect(await historyOf(s.id)).toHaveLength(length);
  });
});
