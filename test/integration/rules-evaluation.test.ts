/**
 * Stages 8 and 9 (项目管理, 总结评价): the planned end set by START_IMPLEMENTATION, the
 * PERIOD_ENDED timer, acceptance, extension, the overdue mark and TERMINATE.
 *
 * Tests that move the clock get a harness of their own (the clock only moves forward and fires
 * every timer on the way). Tests that leave the clock alone share one harness per describe,
 * each on a challenge of its own, so no test depends on another or on their order.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { horseRace, type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import { type Harness, type Json, type Reply, startHarness } from '../helpers/harness.js';
import { type BidSpec, ChallengeDriver, runOutTheNotices } from '../helpers/lifecycle.js';
import { pdfOf, sha256Of } from '../helpers/uploads.js';

type Bids = BidSpec[];
type Event = { type: string } & Record<string, unknown>;

const RACE: Bids = [
  { bidId: 'race-a', route: horseRace.routes[0]?.name, fundingCny: 3_000_000 },
  { bidId: 'race-b', route: horseRace.routes[1]?.name, fundingCny: 3_000_000 },
];

interface Spec {
  /** Implementation period of the draft (the fixture's is 24 months). */
  periodMonths?: number;
  /** A horse race with two tracks instead of a single track. */
  race?: boolean;
  /** Start implementation on this date (→ management); absent: stay in disbursement. */
  startedOn?: string;
}

interface World<K extends string> {
  h: Harness;
  p: Parties;
  s: Record<K, ChallengeDriver>;
}

/**
 * A fresh harness with one challenge per spec, walked together: the clock stands still while
 * they are walked, so one clock move ends every notice period.
 */
async function world<K extends string>(specs: Record<K, Spec>): Promise<World<K>> {
  const h = await startHarness();
  const p = await registerParties(h);
  const s = {} as Record<K, ChallengeDriver>;
  for (const name of Object.keys(specs) as K[]) {
    const spec = specs[name];
    s[name] = new ChallengeDriver(h, p);
    await s[name].create(
      techDraft({
        ...(spec.periodMonths === undefined ? {} : { periodMonths: spec.periodMonths }),
        ...(spec.race ? { horseRace } : {}),
      }),
    );
    await s[name].toAnnouncement(spec.race ? RACE : undefined);
  }
  await runOutTheNotices(Object.values<ChallengeDriver>(s));
  for (const name of Object.keys(specs) as K[]) {
    const startedOn = specs[name].startedOn;
    if (startedOn !== undefined) await s[name].registerContractsAndStart(startedOn);
  }
  return { h, p, s };
}

/** Harnesses opened by a single test, closed after it. */
let own: Harness | undefined;
afterEach(async () => {
  await own?.close();
  own = undefined;
});
async function ownWorld<K extends string>(specs: Record<K, Spec>): Promise<World<K>> {
  const w = await world(specs);
  own = w.h;
  return w;
}

function clausesOf(reply: Reply): string[] {
  const violations: Json[] = reply.body?.error?.violations ?? [];
  return [...new Set(violations.map((v) => v.clause as string))].sort();
}

/** Sends an event that must be refused by exactly `clauses`, and proves the refusal changed nothing. */
async function refused(s: ChallengeDriver, tokenValue: string, event: Event, clauses: string[]): Promise<Reply> {
  const reply = await s.refused(tokenValue, event);
  expect(reply.status).toBe(422);
  expect(reply.body.error.code).toBe('RULE_VIOLATION');
  expect(clausesOf(reply)).toEqual([...clauses].sort());
  return reply;
}

async function notAllowed(s: ChallengeDriver, tokenValue: string, event: Event): Promise<Reply> {
  const reply = await s.refused(tokenValue, event);
  expect(reply.status).toBe(422);
  expect(reply.body.error.code).toBe('EVENT_NOT_ALLOWED');
  return reply;
}

const deadline = (view: Json, type: string): string | undefined =>
  view.deadlines.find((d: Json) => d.type === type)?.dueAt;

async function historyOf(w: World<string>, s: ChallengeDriver): Promise<Json[]> {
  const r = await w.h.request('GET', `/api/v1/challenges/${s.id}/history`, w.p.auditor);
  expect(r.status).toBe(200);
  return r.body.items;
}

/** The final report file; a track's solver uploads it to the challenge before naming it (P-7). */
const REPORT = 'final report';
const report = (s: ChallengeDriver, trackId: string): Promise<Event> => s.finalReport(trackId, REPORT);
const extension = (newPlannedEnd?: string): Event => ({
  type: 'APPROVE_CHANGE',
  kind: 'extension',
  detail: '关键试验设备到货延迟，申请延期',
  ...(newPlannedEnd === undefined ? {} : { newPlannedEnd }),
});

describe('START_IMPLEMENTATION: planned end = startedOn + periodMonths (calendar months)', () => {
  let w: World<'plain' | 'clamp' | 'leap'>;
  beforeAll(async () => {
    w = await world({ plain: {}, clamp: { periodMonths: 6 }, leap: { periodMonths: 18 } });
  });
  afterAll(async () => w.h.close());

  const startOn = async (s: ChallengeDriver, startedOn: string) =>
    (await s.registerContractsAndStart(startedOn)).view();

  it('24 months from 2026-08-01 end on 2028-08-01, and the deadlines follow', async () => {
    const v = await startOn(w.s.plain, '2026-08-01');
    expect(v.details).toMatchObject({ startedOn: '2026-08-01', plannedEnd: '2028-08-01' });
    // The work period includes the whole planned end day, Beijing time (W-0, X-10).
    expect(deadline(v, 'PERIOD_ENDED')).toBe('2028-08-01T16:00:00.000Z');
    // The overdue timer waits for evaluation: it can never come before the period ends.
    expect(deadline(v, 'ACCEPTANCE_OVERDUE')).toBeUndefined();
  });

  it('clamps to the end of a shorter month: 2026-08-31 + 6 months = 2027-02-28', async () => {
    const v = await startOn(w.s.clamp, '2026-08-31');
    expect(v.details).toMatchObject({ startedOn: '2026-08-31', plannedEnd: '2027-02-28' });
    expect(deadline(v, 'PERIOD_ENDED')).toBe('2027-02-28T16:00:00.000Z');
  });

  it('keeps a leap day: 2026-08-31 + 18 months = 2028-02-29', async () => {
    const v = await startOn(w.s.leap, '2026-08-31');
    expect(v.details.plannedEnd).toBe('2028-02-29');
    expect(deadline(v, 'PERIOD_ENDED')).toBe('2028-02-29T16:00:00.000Z');
  });
});

describe('PERIOD_ENDED: the work period ends with the planned end day, Beijing time', () => {
  it('is still in management at 23:59:59.999+08:00 of the planned end, in evaluation 1 ms later', async () => {
    const w = await ownWorld({ a: { periodMonths: 6, startedOn: '2026-06-01' } });
    const s = w.s.a;
    expect((await s.view()).details.plannedEnd).toBe('2026-12-01');
    await w.h.at('2026-12-01T23:59:59.999+08:00');
    const last = await s.view();
    expect(last.state).toEqual({ management: 'implementing' });
    expect(deadline(last, 'PERIOD_ENDED')).toBe('2026-12-01T16:00:00.000Z');
    await w.h.at('2026-12-02T00:00:00.000+08:00');
    const after = await s.view();
    expect(after.state).toEqual({ evaluation: 'awaitingReport' });
    expect(deadline(after, 'PERIOD_ENDED')).toBeUndefined();
    const ended = (await historyOf(w, s)).filter((e) => e.type === 'PERIOD_ENDED');
    expect(ended).toHaveLength(1);
    expect(Date.parse(ended[0].at)).toBe(Date.parse('2026-12-02T00:00:00.000+08:00'));
    expect(ended[0].actor).toMatchObject({ role: 'system' });
  });
});

describe('X-3 acceptance: applied for within 6 months of the planned end; one rectification', () => {
  it('accepts the final report at the last millisecond of the 6 months and refuses it 1 ms later (X-3)', async () => {
    const w = await ownWorld({
      inTime: { periodMonths: 6, startedOn: '2026-06-01' },
      late: { periodMonths: 6, startedOn: '2026-06-01' },
    });
    await w.h.at('2026-12-02T00:00:00.000+08:00');
    for (const s of [w.s.inTime, w.s.late]) expect((await s.view()).state).toEqual({ evaluation: 'awaitingReport' });
    // Planned end 2026-12-01 + 6 months = 2027-06-01, whole day included.
    await w.h.at('2027-06-01T23:59:59.999+08:00');
    const v = await w.s.inTime.ok(w.p.solverA, await report(w.s.inTime, 'bid-1'));
    expect(v.state).toEqual({ evaluation: 'underReview' });
    await w.h.at('2027-06-02T00:00:00.000+08:00');
    const r = await refused(w.s.late, w.p.solverA, await report(w.s.late, 'bid-1'), ['X-3']);
    expect(r.body.error.message).toContain('6 months');
  });

  describe('without moving the clock', () => {
    let w: World<'race' | 'raceStopped' | 'single' | 'passed' | 'rectifyPassed' | 'rectifyFailed'>;
    beforeAll(async () => {
      const managed = { startedOn: '2026-06-01' };
      w = await world({
        race: { race: true, ...managed },
        raceStopped: { race: true, ...managed },
        single: managed,
        passed: managed,
        rectifyPassed: managed,
        rectifyFailed: managed,
      });
      for (const s of [w.s.passed, w.s.rectifyPassed, w.s.rectifyFailed])
        await s.ok(w.p.solverA, await report(s, 'bid-1'));
    });
    afterAll(async () => w.h.close());

    it('finishes early: review starts when every track of a horse race has reported in management', async () => {
      const s = w.s.race;
      const one = await s.ok(w.p.solverA, await report(s, 'race-a'));
      expect(one.state).toEqual({ management: 'implementing' });
      expect(one.tracks.find((t: Json) => t.trackId === 'race-a')).toMatchObject({
        status: 'reported',
        finalReportSha256: sha256Of(pdfOf(REPORT)),
      });
      await notAllowed(s, w.p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'passed', opinion: '通过' });
      const both = await s.ok(w.p.solverA, await report(s, 'race-b'));
      expect(both.state).toEqual({ evaluation: 'underReview' });
      expect(deadline(both, 'PERIOD_ENDED')).toBeUndefined();
      expect(deadline(both, 'ACCEPTANCE_OVERDUE')).toBeDefined();
    });

    it('a stopped track neither reports (H-5) nor holds up the review of the one still running', async () => {
      const s = w.s.raceStopped;
      await s.ok(w.p.bureau, { type: 'MIDTERM_DECISION', trackId: 'race-a', decision: 'stop', opinion: '终止' });
      await refused(s, w.p.solverA, await report(s, 'race-a'), ['H-5']);
      const v = await s.ok(w.p.solverA, await report(s, 'race-b'));
      expect(v.state).toEqual({ evaluation: 'underReview' });
    });

    it('finishes early with a single track: its report starts the review', async () => {
      const v = await w.s.single.ok(w.p.solverA, await report(w.s.single, 'bid-1'));
      expect(v.stage).toBe('evaluation');
      expect(v.state).toEqual({ evaluation: 'underReview' });
    });

    it('closes on passed without a rectification', async () => {
      const v = await w.s.passed.ok(w.p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'passed', opinion: '验收通过' });
      expect(v.stage).toBe('closed');
      expect(v.details.acceptanceResult).toBe('passed');
      expect(v.details.rectifyUsed).toBe(false);
      expect(v.outcome).toMatchObject({ kind: 'closed', clause: 'X-3', reason: '验收通过' });
      expect(v.deadlines).toEqual([]);
    });

    it('allows one rectification: a second rectify is refused (X-3), then passed closes', async () => {
      const s = w.s.rectifyPassed;
      const r1 = await s.ok(w.p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'rectify', opinion: '限期整改' });
      expect(r1.state).toEqual({ evaluation: 'rectifying' });
      expect(r1.details).toMatchObject({ rectifyUsed: true, acceptanceResult: null });
      const r = await refused(s, w.p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'rectify', opinion: '再次整改' }, [
        'X-3',
      ]);
      expect(r.body.error.message_zh).toContain('一次整改');
      const v = await s.ok(w.p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'passed', opinion: '整改后通过' });
      expect(v.stage).toBe('closed');
      expect(v.details.acceptanceResult).toBe('passed');
      expect(v.outcome).toMatchObject({ kind: 'closed', clause: 'X-3' });
    });

    it('after a rectification, failed closes with acceptanceResult failed', async () => {
      const s = w.s.rectifyFailed;
      await s.ok(w.p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'rectify', opinion: '限期整改' });
      const v = await s.ok(w.p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'failed', opinion: '整改后仍未达标' });
      expect(v.stage).toBe('closed');
      expect(v.details.acceptanceResult).toBe('failed');
      expect(v.allowedEvents).toEqual([]);
      await notAllowed(s, w.p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'passed', opinion: '改判' });
    });
  });
});

describe('X-4 extension: asked ≥ 3 months before the planned end, once, ≤ 1 year', () => {
  it('accepts a request at the last instant 3 months before the planned end, refuses one 1 ms later; only once', async () => {
    const w = await ownWorld({ inTime: { startedOn: '2026-08-01' }, late: { startedOn: '2026-08-01' } });
    expect((await w.s.late.view()).details.plannedEnd).toBe('2028-08-01');
    // Planned end 2028-08-01 − 3 months = 2028-05-01, whole day included.
    await w.h.at('2028-05-01T23:59:59.999+08:00');
    const v = await w.s.inTime.ok(w.p.bureau, extension('2029-08-01'));
    expect(v.details).toMatchObject({ plannedEnd: '2029-08-01', extensionUsed: true });
    await w.h.at('2028-05-02T00:00:00.000+08:00');
    const late = await refused(w.s.late, w.p.bureau, extension('2029-08-01'), ['X-4']);
    expect(late.body.error.violations).toHaveLength(1);
    expect(late.body.error.message).toContain('3 months');
    // The extended challenge is in time for its new end and asks for a valid date: only "once" refuses.
    const twice = await refused(w.s.inTime, w.p.bureau, extension('2029-09-01'), ['X-4']);
    expect(twice.body.error.violations).toHaveLength(1);
    expect(twice.body.error.message).toContain('at most once');
  });

  it('moves the PERIOD_ENDED timer: management runs past the old end to the new one', async () => {
    const w = await ownWorld({ a: { periodMonths: 6, startedOn: '2026-06-01' } });
    const s = w.s.a;
    await s.ok(w.p.bureau, extension('2027-03-01'));
    await w.h.at('2026-12-02T00:00:00.000+08:00');
    expect((await s.view()).state).toEqual({ management: 'implementing' });
    await w.h.at('2027-03-01T23:59:59.999+08:00');
    expect((await s.view()).state).toEqual({ management: 'implementing' });
    await w.h.at('2027-03-02T00:00:00.000+08:00');
    expect((await s.view()).state).toEqual({ evaluation: 'awaitingReport' });
    expect((await historyOf(w, s)).filter((e) => e.type === 'PERIOD_ENDED')).toHaveLength(1);
  });

  describe('the new planned end (clock still)', () => {
    let w: World<'exact' | 'over' | 'notAfter' | 'otherKinds'>;
    beforeAll(async () => {
      const managed = { startedOn: '2026-08-01' }; // planned end 2028-08-01
      w = await world({ exact: managed, over: managed, notAfter: managed, otherKinds: managed });
    });
    afterAll(async () => w.h.close());

    it('accepts exactly plannedEnd + 12 months and moves the deadlines in the view', async () => {
      const s = w.s.exact;
      const before = await s.view();
      expect(deadline(before, 'PERIOD_ENDED')).toBe('2028-08-01T16:00:00.000Z');
      const v = await s.ok(w.p.bureau, extension('2029-08-01'));
      expect(v.details).toMatchObject({ plannedEnd: '2029-08-01', extensionUsed: true });
      expect(v.details.changes).toEqual([expect.objectContaining({ kind: 'extension' })]);
      expect(deadline(v, 'PERIOD_ENDED')).toBe('2029-08-01T16:00:00.000Z');
    });

    it('refuses one day more than a year (X-4), and the refusal does not use up the extension', async () => {
      const s = w.s.over;
      const r = await refused(s, w.p.bureau, extension('2029-08-02'), ['X-4']);
      expect(r.body.error.message).toContain('2029-08-01');
      const v = await s.ok(w.p.bureau, extension('2029-08-01'));
      expect(v.details.plannedEnd).toBe('2029-08-01');
    });

    it('refuses a new end that is not after the planned end, or none at all (X-4)', async () => {
      const s = w.s.notAfter;
      await refused(s, w.p.bureau, extension('2028-08-01'), ['X-4']);
      await refused(s, w.p.bureau, extension('2028-07-31'), ['X-4']);
      await refused(s, w.p.bureau, extension(), ['X-4']);
      const v = await s.ok(w.p.bureau, extension('2028-08-02'));
      expect(v.details.plannedEnd).toBe('2028-08-02');
    });

    it('refuses a newPlannedEnd on a change that is not an extension (X-4); without one it is accepted', async () => {
      const s = w.s.otherKinds;
      for (const kind of ['schedule', 'leader', 'indicators'])
        await refused(s, w.p.bureau, { type: 'APPROVE_CHANGE', kind, detail: '调整', newPlannedEnd: '2028-12-01' }, [
          'X-4',
        ]);
      const v = await s.ok(w.p.bureau, { type: 'APPROVE_CHANGE', kind: 'schedule', detail: '调整里程碑顺序' });
      expect(v.details).toMatchObject({ plannedEnd: '2028-08-01', extensionUsed: false });
      expect(v.details.changes).toEqual([expect.objectContaining({ kind: 'schedule', detail: '调整里程碑顺序' })]);
      expect(deadline(v, 'PERIOD_ENDED')).toBe('2028-08-01T16:00:00.000Z');
    });
  });
});

describe('X-9 ACCEPTANCE_OVERDUE: 365 days after the planned end day without an acceptance decision', () => {
  it('marks details.overdue exactly at the due instant, not a millisecond earlier, and only once', async () => {
    const period = { periodMonths: 6, startedOn: '2026-06-01' }; // planned end 2026-12-01
    const w = await ownWorld({ silent: period, underReview: period, decided: period });
    const due = '2027-12-02T00:00:00.000+08:00'; // 2026-12-02 00:00 Beijing + 365 days
    // Management does not wait for it: the period always ends first.
    expect(deadline(await w.s.silent.view(), 'ACCEPTANCE_OVERDUE')).toBeUndefined();
    await w.s.underReview.ok(w.p.solverA, await report(w.s.underReview, 'bid-1'));
    await w.s.decided.ok(w.p.solverA, await report(w.s.decided, 'bid-1'));
    await w.s.decided.ok(w.p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'passed', opinion: '验收通过' });

    await w.h.at('2027-12-01T23:59:59.999+08:00');
    for (const s of [w.s.silent, w.s.underReview]) {
      const v = await s.view();
      expect(v.details.overdue).toBe(false);
      expect(deadline(v, 'ACCEPTANCE_OVERDUE')).toBe(new Date(due).toISOString());
    }
    expect((await w.s.silent.view()).state).toEqual({ evaluation: 'awaitingReport' });

    await w.h.at(due);
    const silent = await w.s.silent.view();
    expect(silent.details.overdue).toBe(true);
    expect(silent.state).toEqual({ evaluation: 'awaitingReport' });
    expect(deadline(silent, 'ACCEPTANCE_OVERDUE')).toBeUndefined();
    const reviewing = await w.s.underReview.view();
    expect(reviewing.details.overdue).toBe(true);
    expect(reviewing.state).toEqual({ evaluation: 'underReview' });
    // A decided (closed) challenge is never overdue.
    const decided = await w.s.decided.view();
    expect(decided.stage).toBe('closed');
    expect(decided.details.overdue).toBe(false);

    await w.h.at('2029-01-01T00:00:00.000+08:00');
    for (const s of [w.s.silent, w.s.underReview]) {
      const marks = (await historyOf(w, s)).filter((e) => e.type === 'ACCEPTANCE_OVERDUE');
      expect(marks).toHaveLength(1);
      expect(Date.parse(marks[0].at)).toBe(Date.parse(due));
      expect(marks[0].actor).toMatchObject({ role: 'system' });
    }
    expect((await historyOf(w, w.s.decided)).some((e) => e.type === 'ACCEPTANCE_OVERDUE')).toBe(false);
    // A late decision still closes the case; the overdue mark stays on the record.
    const closed = await w.s.underReview.ok(w.p.bureau, {
      type: 'ACCEPTANCE_DECISION',
      result: 'passed',
      opinion: '逾期后通过',
    });
    expect(closed.details).toMatchObject({ overdue: true, acceptanceResult: 'passed' });
  });
});

describe('TERMINATE', () => {
  let w: World<'managed' | 'funding'>;
  beforeAll(async () => {
    w = await world({ managed: { startedOn: '2026-06-01' }, funding: {} });
  });
  afterAll(async () => w.h.close());

  it('in management ends the challenge as terminated; nothing leaves that outcome', async () => {
    const s = w.s.managed;
    const v = await s.ok(w.p.bureau, { type: 'TERMINATE', reason: '揭榜方无法继续履约' });
    expect(v.stage).toBe('terminated');
    expect(v.outcome).toMatchObject({ kind: 'terminated', clause: null, reason: '揭榜方无法继续履约' });
    expect(v.deadlines).toEqual([]);
    expect(v.allowedEvents).toEqual([]);
    await notAllowed(s, w.p.finance, { type: 'DISBURSE', trackId: 'bid-1', amountCny: 1, phase: 'first' });
    await notAllowed(s, w.p.solverA, await report(s, 'bid-1'));
  });

  it('is not an event of the disbursement stage', async () => {
    const r = await notAllowed(w.s.funding, w.p.bureau, { type: 'TERMINATE', reason: '终止' });
    expect(r.body.error.allowedEvents).toContain('START_IMPLEMENTATION');
    expect(r.body.error.allowedEvents).not.toContain('TERMINATE');
  });
});

describe('X-3 the rectification period: a durable timer, then listed as overdue until the bureau decides', () => {
  it('fires 1 ms after the last day of rectifyMonths, keeps the challenge waiting, lists it, and a decision still closes it', async () => {
    const w = await ownWorld({ rectify: { startedOn: '2026-06-01' } });
    const s = w.s.rectify;
    await s.ok(w.p.solverA, await report(s, 'bid-1'));
    await w.h.at('2026-08-10T10:00:00.000+08:00');
    const r = await s.ok(w.p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'rectify', opinion: '限期整改' });
    // Decided on 2026-08-10: 3 months to 2026-11-10, that whole day included (Beijing time).
    const due = '2026-11-10T15:59:59.999Z';
    expect(r.details.rectifyDueAt).toBe(due);
    expect(deadline(r, 'RECTIFICATION_OVERDUE')).toBe('2026-11-10T16:00:00.000Z');
    const overdueList = async () =>
      (await w.h.request('GET', '/api/v1/challenges?overdue=rectification', w.p.bureau)).body.items.map(
        (i: Json) => i.id,
      );

    await w.h.at(due);
    expect((await s.view()).details.rectifyOverdueSince).toBeUndefined();
    expect(await overdueList()).toEqual([]);

    await w.h.at('2026-11-10T16:00:00.000Z');
    const v = await s.view();
    expect(v.state).toEqual({ evaluation: 'rectifying' });
    expect(v.details.rectifyOverdueSince).toBe('2026-11-10T16:00:00.000Z');
    expect(deadline(v, 'RECTIFICATION_OVERDUE')).toBeUndefined();
    expect(await overdueList()).toEqual([s.id]);

    const closed = await s.ok(w.p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'failed', opinion: '逾期未完成整改' });
    expect(closed.outcome).toMatchObject({ kind: 'closed', clause: 'X-3' });
    expect(await overdueList()).toEqual([]);
  });
});
