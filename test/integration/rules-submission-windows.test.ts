/**
 * The windows of stages 1 and 2 (W-1, W-2), at their boundaries, through the API: an event at
 * exactly the instant a window opens or closes is in time (W-0), one a millisecond outside it
 * is not. Each test starts its own harness just before the instant it needs, because the clock
 * only moves forward.
 *
 * The deadline timers fire one millisecond after a window closes (W-3, tested elsewhere), so
 * once `h.at` passes a deadline, a draft or an unrecommended challenge has already become
 * `notAccepted` and a late event meets EVENT_NOT_ALLOWED. The guards themselves are still the
 * defence when a request arrives after the deadline but before the scheduler has fired its
 * timer; the tests reach that moment as the API allows (a draft created after the window, a
 * review RETURN, which has no timer), and for W-2 by moving the app's clock without running
 * the scheduler, as when a request wins the race against the timer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import { type Harness, type Json, type Reply, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

const OPENS_AT = '2026-04-25T10:00:00+08:00';
const CLOSES_AT = '2026-06-10T19:30:00+08:00';
const RECOMMENDATION_CLOSES_AT = '2026-06-12T19:30:00+08:00';
const plusMs = (instant: string, ms: number) => new Date(Date.parse(instant) + ms).toISOString();
const iso = (instant: string) => new Date(instant).toISOString();

/** The harness of the running test, closed after it. */
let current: Harness | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function start(at: string): Promise<{ h: Harness; p: Parties }> {
  const h = await startHarness(at);
  current = h;
  return { h, p: await registerParties(h) };
}

/** A 422 RULE_VIOLATION naming exactly `clause`, with English and Chinese messages that differ. */
function expectOnly(reply: Reply, clause: string): Json {
  expect(reply.status, JSON.stringify(reply.body)).toBe(422);
  const error = reply.body.error;
  expect(error.code).toBe('RULE_VIOLATION');
  expect(error.clause).toBe(clause);
  expect(error.violations.map((v: Json) => v.clause)).toEqual([clause]);
  const [violation] = error.violations;
  for (const text of [violation.message, violation.message_zh]) {
    expect(typeof text).toBe('string');
    expect(text.trim()).not.toBe('');
  }
  expect(violation.message_zh).not.toBe(violation.message);
  expect(violation.message_zh).toMatch(/[\u4e00-\u9fff]/);
  return violation;
}

/** A challenge created now with every attachment its SUBMIT needs. */
async function draft(h: Harness, p: Parties): Promise<ChallengeDriver> {
  const s = new ChallengeDriver(h, p);
  await s.create(techDraft());
  await s.attachAll();
  return s;
}

const SUBMIT = { type: 'SUBMIT', confirmDetails: true };

describe('W-1: SUBMIT from opensAt (included)', () => {
  it('refuses a SUBMIT 1 ms before opensAt, changing nothing, and accepts one exactly at opensAt', async () => {
    const { h, p } = await start('2026-04-25T09:00:00+08:00');
    const s = await draft(h, p);

    await h.at(plusMs(OPENS_AT, -1));
    const before = await s.view();
    const early = await s.send(p.issuer, SUBMIT);
    const violation = expectOnly(early, 'W-1');
    expect(violation.message).toContain(plusMs(OPENS_AT, -1));
    expect(violation.message_zh).toContain('不在填报时间内');
    const after = await s.view();
    expect(after.version).toBe(before.version);
    expect(after.state).toEqual({ collection: 'draft' });

    await h.at(OPENS_AT);
    const onTime = await s.send(p.issuer, SUBMIT);
    expect(onTime.status, JSON.stringify(onTime.body)).toBe(200);
    expect(onTime.body.state).toEqual({ review: 'awaitingRecommendation' });
    expect((await s.view()).details.submittedAt).toBe(iso(OPENS_AT));
  });
});

describe('W-1: SUBMIT until closesAt (included)', () => {
  it('accepts a SUBMIT exactly at closesAt', async () => {
    const { h, p } = await start('2026-06-10T19:00:00+08:00');
    const s = await draft(h, p);
    await h.at(CLOSES_AT);
    const reply = await s.send(p.issuer, SUBMIT);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.state).toEqual({ review: 'awaitingRecommendation' });
    expect((await s.view()).details.submittedAt).toBe(iso(CLOSES_AT));
  });

  it('refuses (W-1) a SUBMIT 1 ms after closesAt of a draft created after the window closed', async () => {
    const { h, p } = await start('2026-06-10T19:00:00+08:00');
    await h.at(plusMs(CLOSES_AT, 1));
    // Creating a draft is not restricted to the window; submitting it is.
    const s = await draft(h, p);
    const before = await s.view();
    expect(before.state).toEqual({ collection: 'draft' });
    const violation = expectOnly(await s.send(p.issuer, SUBMIT), 'W-1');
    expect(violation.message).toContain(plusMs(CLOSES_AT, 1));
    const after = await s.view();
    expect(after.version).toBe(before.version);
    expect(after.state).toEqual({ collection: 'draft' });
  });

  it('answers EVENT_NOT_ALLOWED 1 ms after closesAt for a draft the window-closed timer has already ended', async () => {
    const { h, p } = await start('2026-06-10T19:00:00+08:00');
    const s = await draft(h, p);
    await h.at(plusMs(CLOSES_AT, 1));
    const before = await s.view();
    expect(before.stage).toBe('notAccepted');
    const reply = await s.send(p.issuer, SUBMIT);
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('EVENT_NOT_ALLOWED');
    expect(reply.body.error.allowedEvents).toEqual([]);
    expect((await s.view()).version).toBe(before.version);
  });
});

describe('W-1: RETURN (district or bureau) only while the submission window is open', () => {
  it('accepts a RETURN by the district and by the bureau exactly at closesAt', async () => {
    const { h, p } = await start('2026-06-10T19:00:00+08:00');
    const byDistrict = await draft(h, p);
    const byBureau = await draft(h, p);
    for (const s of [byDistrict, byBureau]) await s.submitAttached();
    await h.at(CLOSES_AT);
    for (const [s, who] of [
      [byDistrict, p.district],
      [byBureau, p.bureau],
    ] as const) {
      const reply = await s.send(who, { type: 'RETURN', reason: '请补充材料' });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body.state).toEqual({ collection: 'draft' });
      expect((await s.view()).details.submittedAt).toBeNull();
    }
  });

  it('refuses (W-1) a RETURN 1 ms after closesAt, by the district or the bureau, awaiting recommendation or in formal check', async () => {
    const { h, p } = await start('2026-06-10T19:00:00+08:00');
    const awaitingA = await draft(h, p);
    const awaitingB = await draft(h, p);
    const inFormalCheck = await draft(h, p);
    for (const s of [awaitingA, awaitingB, inFormalCheck]) await s.submitAttached();
    await inFormalCheck.recommend();
    await h.at(plusMs(CLOSES_AT, 1));
    for (const [s, who, state] of [
      [awaitingA, p.district, { review: 'awaitingRecommendation' }],
      [awaitingB, p.bureau, { review: 'awaitingRecommendation' }],
      [inFormalCheck, p.bureau, { review: 'formalCheck' }],
    ] as const) {
      const before = await s.view();
      expect(before.state).toEqual(state);
      const violation = expectOnly(await s.send(who, { type: 'RETURN', reason: '请补充材料' }), 'W-1');
      expect(violation.message).toContain('Decline it instead');
      expect(violation.message_zh).toContain('不予推荐');
      const after = await s.view();
      expect(after.version).toBe(before.version);
      expect(after.state).toEqual(state);
      // What the refusal points to is still possible.
      expect((await s.send(who, { type: 'DECLINE', reason: '材料不全' })).body.stage).toBe('rejected');
    }
  });
});

describe('W-2: RECOMMEND until recommendationClosesAt (included)', () => {
  it('accepts a RECOMMEND exactly at recommendationClosesAt', async () => {
    const { h, p } = await start('2026-06-10T12:00:00+08:00');
    const s = await draft(h, p);
    await s.submitAttached();
    await h.at(RECOMMENDATION_CLOSES_AT);
    const reply = await s.send(p.district, { type: 'RECOMMEND', opinion: '同意推荐' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.state).toEqual({ review: 'formalCheck' });
    expect((await s.view()).details.recommendedAt).toBe(iso(RECOMMENDATION_CLOSES_AT));
  });

  it('refuses (W-2) a RECOMMEND 1 ms after it that arrives before the deadline timer has fired', async () => {
    const { h, p } = await start('2026-06-10T12:00:00+08:00');
    const s = await draft(h, p);
    await s.submitAttached();
    await h.at(RECOMMENDATION_CLOSES_AT);
    // The request wins the race against the scheduler: the clock is 1 ms past the deadline,
    // the RECOMMENDATION_DEADLINE_PASSED timer (due now) has not run yet.
    h.app.jiebang.clock.advanceTo(new Date(plusMs(RECOMMENDATION_CLOSES_AT, 1)));
    expect(h.now()).toBe(plusMs(RECOMMENDATION_CLOSES_AT, 1));
    const before = await s.view();
    expect(before.state).toEqual({ review: 'awaitingRecommendation' });
    expect(before.deadlines).toContainEqual({
      type: 'RECOMMENDATION_DEADLINE_PASSED',
      dueAt: plusMs(RECOMMENDATION_CLOSES_AT, 1),
    });

    const violation = expectOnly(await s.send(p.district, { type: 'RECOMMEND', opinion: '同意推荐' }), 'W-2');
    expect(violation.message).toContain(plusMs(RECOMMENDATION_CLOSES_AT, 1));
    expect(violation.message_zh).toContain('已超过截止时间');
    const after = await s.view();
    expect(after.version).toBe(before.version);
    expect(after.state).toEqual({ review: 'awaitingRecommendation' });
  });

  it('answers EVENT_NOT_ALLOWED 1 ms after it once the deadline timer has ended the challenge', async () => {
    const { h, p } = await start('2026-06-10T12:00:00+08:00');
    const s = await draft(h, p);
    await s.submitAttached();
    await h.at(plusMs(RECOMMENDATION_CLOSES_AT, 1));
    const before = await s.view();
    expect(before.stage).toBe('notAccepted');
    const reply = await s.send(p.district, { type: 'RECOMMEND', opinion: '同意推荐' });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('EVENT_NOT_ALLOWED');
    expect((await s.view()).version).toBe(before.version);
  });
});
