/**
 * The clauses of stages 3 and 4 (publication, matching), each proved both ways through the API:
 * allowed just inside the limit, refused just outside it with the clause in `violations`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bidBody,
  horseRace,
  type Parties,
  registerParties,
  techDraft,
  token,
  transferDraft,
  UNITS,
} from '../helpers/fixtures.js';
import { type Harness, type Json, type Reply, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { expectRefused } from '../helpers/replies.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

const MS = 1;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const routeA = horseRace.routes[0]?.name as string;
const routeB = horseRace.routes[1]?.name as string;

/** solverB's side of a bid. */
const solverB = { members: [UNITS.solverB], leader: 'b-lead', team: ['b-lead', 'b-m1'] };

/** The clauses of a rule refusal (422 RULE_VIOLATION), in order. */
function clausesOf(r: Reply): string[] {
  expect(r.status).toBe(422);
  expect(r.body.error.code).toBe('RULE_VIOLATION');
  return r.body.error.violations.map((v: Json) => v.clause);
}

function expectNotAllowed(r: Reply) {
  expect(r.status).toBe(422);
  expect(r.body.error.code).toBe('EVENT_NOT_ALLOWED');
}

async function history(s: ChallengeDriver): Promise<Json[]> {
  const r = await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.bureau);
  expect(r.status).toBe(200);
  return r.body.items;
}

/** A techBreakthrough challenge published with bidding open for 30 days. */
async function matching(draft = techDraft()): Promise<ChallengeDriver> {
  const s = new ChallengeDriver(h, p);
  await s.create(draft);
  await s.toMatching();
  return s;
}

describe('Q-12: the bureau publishes only after the demand review, with a future bidding deadline', () => {
  it('refuses PUBLISH before APPROVE_DEMAND and accepts it after', async () => {
    const s = new ChallengeDriver(h, p);
    await s.create();
    await s.toPublication();
    const closes = '2026-06-05T18:00:00+08:00';
    const before = await s.view();
    expect(before.state).toEqual({ publication: 'demandReview' });

    const refused = await s.afterCollection(() => s.send(p.bureau, { type: 'PUBLISH', biddingClosesAt: closes }));
    expect(clausesOf(refused)).toEqual(['Q-12']);
    const unchanged = await s.view();
    expect(unchanged.version).toBe(before.version);
    expect(unchanged.state).toEqual({ publication: 'demandReview' });
    expect(unchanged.details.biddingClosesAt).toBeNull();

    await s.approveDemand();
    expect((await s.view()).state).toEqual({ publication: 'approved' });
    const published = await s.afterCollection(() => s.ok(p.bureau, { type: 'PUBLISH', biddingClosesAt: closes }));
    expect(published.state).toEqual({ matching: 'bidding' });
    expect(published.details.biddingClosesAt).toBe(closes);
    expect(published.details.publishedAt).toBe(h.now());
  });

  it('reports both Q-12 failures at once: not approved and a deadline that is not after now', async () => {
    const s = new ChallengeDriver(h, p);
    await s.create();
    await s.toPublication();
    const r = await s.afterCollection(() => s.send(p.bureau, { type: 'PUBLISH', biddingClosesAt: h.now() }));
    expect(clausesOf(r)).toEqual(['Q-12', 'Q-12']);
  });

  it('refuses a bidding deadline at or before now and accepts one 1 ms after now', async () => {
    const s = new ChallengeDriver(h, p);
    await s.create();
    await s.toPublication();
    await s.approveDemand();
    const before = await s.view();
    // The harness clock stands at 2026-05-06T10:00:00+08:00; the same instant with its offset is not "after now".
    expect(h.now()).toBe(new Date('2026-05-06T10:00:00+08:00').toISOString());
    for (const closes of ['2026-05-06T10:00:00+08:00', '2026-05-06T09:59:59.999+08:00', '2026-05-06T01:59:59.999Z']) {
      const r = await s.afterCollection(() => s.send(p.bureau, { type: 'PUBLISH', biddingClosesAt: closes }));
      expect(clausesOf(r)).toEqual(['Q-12']);
    }
    expect((await s.view()).version).toBe(before.version);

    const published = await s.afterCollection(() =>
      s.ok(p.bureau, { type: 'PUBLISH', biddingClosesAt: '2026-05-06T10:00:00.001+08:00' }),
    );
    expect(published.stage).toBe('matching');
    expect(published.deadlines).toEqual([{ type: 'BIDDING_CLOSED', dueAt: '2026-05-06T02:00:00.002Z' }]);
  });
});

describe('W-4: the list is published only after the demand collection has ended', () => {
  it('refuses PUBLISH with the window still open (35 days to run), accepts it once the bureau has closed the collection', async () => {
    const s = new ChallengeDriver(h, p);
    await s.create();
    await s.toPublication();
    await s.approveDemand();
    const before = await s.view();
    const publish = { type: 'PUBLISH', biddingClosesAt: '2026-08-31T17:00:00+08:00' };
    const [v] = expectRefused(await s.send(p.bureau, publish), 'W-4');
    expect(v?.message).toContain('2026-06-10T19:30:00+08:00');
    expect(v?.message_zh).toContain('需求申报结束后方可组织评榜并发布榜单');
    expect((await s.view()).version).toBe(before.version);
    const published = await s.afterCollection(() => s.ok(p.bureau, publish));
    expect(published.stage).toBe('matching');
    const history = (await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.auditor)).body.items;
    expect(history.at(-1)).toMatchObject({
      type: 'PUBLISH',
      facts: { programme: { id: 'wlmq-2026', submissionClosesAt: new Date(Date.parse(h.now()) - 1).toISOString() } },
    });
    // The programme's window is back: a new draft of the guide's programme still submits.
    const next = new ChallengeDriver(h, p);
    await next.create();
    await next.toPublication();
  });
});

describe('W-0: bidding includes its deadline; BIDDING_CLOSED fires 1 ms after it', () => {
  it('accepts a bid at exactly biddingClosesAt', async () => {
    const s = await matching();
    const closes: string = (await s.view()).details.biddingClosesAt;
    await h.at(closes);
    expect(h.now()).toBe(closes);
    const v = await s.ok(p.solverA, bidBody('bid-1'));
    expect(v.state).toEqual({ matching: 'bidding' });
    expect(v.details.bids.map((b: Json) => [b.bidId, b.submittedAt])).toEqual([['bid-1', closes]]);
  });

  it('refuses with W-0 a bid 1 ms after the deadline that arrives before the timer has fired; then the timer closes matching', async () => {
    const s = await matching();
    const closes: string = (await s.view()).details.biddingClosesAt;
    const before = await s.view();
    // The server's scheduler wakes up on a setTimeout, so a request can reach the engine in
    // the instant after the deadline and before BIDDING_CLOSED has fired. Move the app's clock
    // without firing timers to put a bid there: the guard, not the timer, must refuse it.
    h.app.jiebang.clock.advanceTo(new Date(plus(closes, MS)));
    const late = await s.send(p.solverA, bidBody('bid-late'));
    expect(clausesOf(late)).toEqual(['W-0']);
    expect(late.body.error.clause).toBe('W-0');
    const unchanged = await s.view();
    expect(unchanged.version).toBe(before.version);
    expect(unchanged.details.bids).toEqual([]);

    // Now the due timer fires (at its own due time): no agreed bid, so the challenge is 流榜.
    await h.at(h.now());
    const closed = await s.view();
    expect(closed.stage).toBe('unfilled');
    expect(closed.outcome).toMatchObject({ kind: 'unfilled', clause: null, at: plus(closes, MS) });
    const again = await s.send(p.solverA, bidBody('bid-late'));
    expectNotAllowed(again);
    expect(again.body.error.allowedEvents).toEqual([]);
  });

  it('BIDDING_CLOSED: at biddingClosesAt the challenge is still in matching; 1 ms later it has moved on to expert review', async () => {
    const s = await matching();
    await s.bid(p.solverA, 'bid-1');
    await s.agree('bid-1');
    const closes: string = (await s.view()).details.biddingClosesAt;
    expect((await s.view()).deadlines).toEqual([{ type: 'BIDDING_CLOSED', dueAt: plus(closes, MS) }]);

    await h.at(closes);
    expect((await s.view()).state).toEqual({ matching: 'bidding' });
    await h.at(plus(closes, MS));
    const moved = await s.view();
    expect(moved.state).toEqual({ expertReview: 'panelPending' });
    expect(moved.deadlines).toEqual([]);
    const last = (await history(s)).at(-1);
    expect(last.type).toBe('BIDDING_CLOSED');
    expect(last.actor.role).toBe('system');
    expect(last.at).toBe(plus(closes, MS));
    // A bid now meets a closed stage, not a rule.
    expectNotAllowed(await s.send(p.solverB, bidBody('bid-2', solverB)));
  });

  it('EXTEND_BIDDING moves the deadline the guard and the timer use', async () => {
    const s = await matching();
    const closes: string = (await s.view()).details.biddingClosesAt;
    const extended = plus(closes, 86_400_000);
    await s.ok(p.bureau, { type: 'EXTEND_BIDDING', biddingClosesAt: extended });
    await h.at(plus(closes, MS));
    expect((await s.view()).state).toEqual({ matching: 'bidding' });
    await s.bid(p.solverA, 'bid-1');
    await h.at(extended);
    await s.bid(p.solverA, 'bid-2');
    expect((await s.view()).state).toEqual({ matching: 'bidding' });
    await h.at(plus(extended, MS));
    expect((await s.view()).stage).toBe('unfilled');
  });
});

describe('P-3: an extended bidding deadline is later than the current one', () => {
  it('refuses the same or an earlier deadline and accepts one 1 ms later', async () => {
    const s = await matching();
    const before = await s.view();
    const closes: string = before.details.biddingClosesAt;
    for (const to of [closes, plus(closes, -MS), plus(closes, -86_400_000)]) {
      const r = await s.send(p.bureau, { type: 'EXTEND_BIDDING', biddingClosesAt: to });
      expect(clausesOf(r)).toEqual(['P-3']);
    }
    expect((await s.view()).version).toBe(before.version);
    expect((await s.view()).details.biddingClosesAt).toBe(closes);

    const v = await s.ok(p.bureau, { type: 'EXTEND_BIDDING', biddingClosesAt: plus(closes, MS) });
    expect(v.details.biddingClosesAt).toBe(plus(closes, MS));
    expect(v.deadlines).toEqual([{ type: 'BIDDING_CLOSED', dueAt: plus(closes, 2 * MS) }]);
  });

  it('W-0: extends only while bidding is open — at the deadline, not 1 ms after it', async () => {
    const s = await matching();
    const closes: string = (await s.view()).details.biddingClosesAt;
    // Before the timer has fired (see the W-0 bid test): a closed bidding is not reopened.
    h.app.jiebang.clock.advanceTo(new Date(plus(closes, MS)));
    const late = await s.send(p.bureau, { type: 'EXTEND_BIDDING', biddingClosesAt: plus(closes, 86_400_000) });
    expect(clausesOf(late)).toEqual(['W-0']);

    const t = await matching();
    const tCloses: string = (await t.view()).details.biddingClosesAt;
    await h.at(tCloses);
    const extended = await t.ok(p.bureau, { type: 'EXTEND_BIDDING', biddingClosesAt: plus(tCloses, 86_400_000) });
    expect(extended.details.biddingClosesAt).toBe(plus(tCloses, 86_400_000));
  });
});

describe('P-2 and P-6: bid identity and team', () => {
  it('P-2: refuses a second bid with an existing bidId, even a withdrawn one', async () => {
    const s = await matching();
    await s.bid(p.solverA, 'bid-1');
    const before = await s.view();
    const dup = await s.send(p.solverB, bidBody('bid-1', solverB));
    expect(clausesOf(dup)).toEqual(['P-2']);
    expect((await s.view()).version).toBe(before.version);

    await s.ok(p.solverA, { type: 'WITHDRAW_BID', bidId: 'bid-1' });
    expect(clausesOf(await s.send(p.solverA, bidBody('bid-1')))).toEqual(['P-2']);
    await s.bid(p.solverB, 'bid-2', solverB);
    // The bureau's view: a solver sees only the bids of its own unit (docs/security.md).
    const v = await s.view();
    expect(v.details.bids.map((b: Json) => b.bidId)).toEqual(['bid-1', 'bid-2']);
  });

  it('P-6: refuses a consortium that lists a member twice; accepts distinct members', async () => {
    const s = await matching();
    const before = await s.view();
    const r = await s.send(p.solverA, bidBody('bid-1', { members: [UNITS.solverA, UNITS.solverB, UNITS.solverA] }));
    expect(clausesOf(r)).toEqual(['P-6']);
    expect((await s.view()).version).toBe(before.version);
    const v = await s.ok(p.solverA, bidBody('bid-1', { members: [UNITS.solverA, UNITS.solverB] }));
    expect(v.details.bids[0].members).toEqual([UNITS.solverA, UNITS.solverB]);
  });

  it('P-6: refuses a team that does not start with the leader; accepts leader first', async () => {
    const s = await matching();
    expect(clausesOf(await s.send(p.solverA, bidBody('bid-1', { team: ['a-m1', 'a-lead'] })))).toEqual(['P-6']);
    expect(clausesOf(await s.send(p.solverA, bidBody('bid-1', { team: [] })))).toEqual(['P-6']);
    // Both P-6 failures are reported together.
    const both = await s.send(p.solverA, bidBody('bid-1', { members: [UNITS.solverA, UNITS.solverA], team: ['a-m1'] }));
    expect(clausesOf(both)).toEqual(['P-6', 'P-6']);
    const v = await s.ok(p.solverA, bidBody('bid-1', { team: ['a-lead', 'a-m1'] }));
    expect(v.details.bids[0].team).toEqual([await s.person('a-lead', 'bid-1'), await s.person('a-m1', 'bid-1')]);
  });
});

describe('P-1 and P-5: WITHDRAW_BID and AGREE name a live bid; an agreement states its funding', () => {
  it('P-1: refuses WITHDRAW_BID of an unknown or already withdrawn bid; accepts a live one', async () => {
    const s = await matching();
    await s.bid(p.solverA, 'bid-1');
    expect(clausesOf(await s.send(p.solverA, { type: 'WITHDRAW_BID', bidId: 'bid-x' }))).toEqual(['P-1']);
    const v = await s.ok(p.solverA, { type: 'WITHDRAW_BID', bidId: 'bid-1' });
    expect(v.details.bids[0].withdrawn).toBe(true);
    const again = await s.send(p.solverA, { type: 'WITHDRAW_BID', bidId: 'bid-1' });
    expect(clausesOf(again)).toEqual(['P-1']);
    expect((await s.view()).version).toBe(v.version);
  });

  it('P-1: refuses AGREE with an unknown or withdrawn bid; accepts a live one', async () => {
    const s = await matching();
    await s.bid(p.solverA, 'bid-1');
    await s.bid(p.solverA, 'bid-2');
    await s.ok(p.solverA, { type: 'WITHDRAW_BID', bidId: 'bid-1' });
    const before = await s.view();
    for (const bidId of ['bid-x', 'bid-1']) {
      const r = await s.send(p.issuer, { type: 'AGREE', bidId, agreedFundingCny: 3_000_000 });
      expect(clausesOf(r)).toEqual(['P-1']);
    }
    expect((await s.view()).version).toBe(before.version);
    const v = await s.ok(p.issuer, { type: 'AGREE', bidId: 'bid-2', agreedFundingCny: 3_000_000 });
    expect(v.details.bids.map((b: Json) => b.agreedFundingCny)).toEqual([null, 3_000_000]);
  });

  it('P-5 and Q-1a: refuses an agreement of 0 or 1 yuan and one above the request; accepts the 5,000,000 total exactly', async () => {
    const s = await matching();
    await s.bid(p.solverA, 'bid-1');
    const before = await s.view();
    expect(clausesOf(await s.send(p.issuer, { type: 'AGREE', bidId: 'bid-1', agreedFundingCny: 0 }))).toEqual([
      'P-5',
      'Q-1a',
    ]);
    // Own pilot spend 2,000,000 + 1 yuan agreed: the hole of issue 11, accepted before machine version 2.
    const [low] = expectRefused(await s.send(p.issuer, { type: 'AGREE', bidId: 'bid-1', agreedFundingCny: 1 }), 'Q-1a');
    expect(low?.message_zh).toContain('不得低于 5000000 元');
    // The bid asks for 3,000,000: 999,999,999 is refused (P-5).
    expect(clausesOf(await s.send(p.issuer, { type: 'AGREE', bidId: 'bid-1', agreedFundingCny: 999_999_999 }))).toEqual(
      ['P-5'],
    );
    const unchanged = await s.view();
    expect(unchanged.version).toBe(before.version);
    expect(unchanged.details.bids[0].agreedFundingCny).toBeNull();
    const v = await s.ok(p.issuer, { type: 'AGREE', bidId: 'bid-1', agreedFundingCny: 3_000_000 });
    expect(v.details.bids[0].agreedFundingCny).toBe(3_000_000);
  });
});

describe('S-T3 / S-C2: a bid carries a plan', () => {
  it('S-T3: refuses an empty or blank plan on a techBreakthrough challenge; accepts a plan', async () => {
    const s = await matching();
    const before = await s.view();
    for (const plan of ['', '   \n '])
      expect(clausesOf(await s.send(p.solverA, bidBody('bid-1', { plan })))).toEqual(['S-T3']);
    expect((await s.view()).version).toBe(before.version);
    const v = await s.ok(p.solverA, bidBody('bid-1', { plan: '两步走：先仿真，再台架试验' }));
    expect(v.details.bids).toHaveLength(1);
  });

  it('S-C2: refuses an empty plan on an achievementTransfer challenge; accepts a plan', async () => {
    const holder = await token(h, 'issuer', { unit: UNITS.transferHolder });
    const s = new ChallengeDriver(h, p, { issuer: holder });
    await s.create(transferDraft());
    await s.toMatching();
    const enterprise = { members: [UNITS.solverC], leader: 'c-lead', team: ['c-lead'] };
    const r = await s.send(p.solverC, bidBody('bid-1', { ...enterprise, plan: '' }));
    expect(clausesOf(r)).toEqual(['S-C2']);
    const v = await s.ok(
      p.solverC,
      bidBody('bid-1', { ...enterprise, plan: '提供厂房 5000 平方米、转化资金 400 万元及下游客户' }),
    );
    expect(v.kind).toBe('achievementTransfer');
    expect(v.details.bids).toHaveLength(1);
  });
});

describe('H-1 at BID: a horse-race bid names one of its routes; any other bid names none', () => {
  it('horse race: refuses an unknown route or none; accepts a route of the challenge', async () => {
    const s = await matching(techDraft({ horseRace }));
    const before = await s.view();
    expect(clausesOf(await s.send(p.solverA, bidBody('bid-1', { route: '激光熔覆轴承' })))).toEqual(['H-1']);
    expect(clausesOf(await s.send(p.solverA, bidBody('bid-1')))).toEqual(['H-1']);
    expect((await s.view()).version).toBe(before.version);
    await s.bid(p.solverA, 'bid-1', { route: routeA });
    await s.bid(p.solverB, 'bid-2', { ...solverB, route: routeB });
    const v = await s.view();
    expect(v.details.bids.map((b: Json) => b.route)).toEqual([routeA, routeB]);
  });

  it('normal challenge: refuses a bid that names a route; accepts one without', async () => {
    const s = await matching();
    expect(clausesOf(await s.send(p.solverA, bidBody('bid-1', { route: routeA })))).toEqual(['H-1']);
    const v = await s.ok(p.solverA, bidBody('bid-1'));
    expect(v.details.bids[0].route).toBeNull();
  });
});

describe('H-3 at CLOSE_MATCHING / BIDDING_CLOSED: how many agreed bids go to expert review', () => {
  it('refuses to close a horse race with one agreed bid; accepts it with two', async () => {
    const s = await matching(techDraft({ horseRace }));
    await s.bid(p.solverA, 'race-a', { route: routeA });
    await s.agree('race-a');
    await s.bid(p.solverB, 'race-b', { ...solverB, route: routeB });
    const before = await s.view();
    const r = await s.send(p.bureau, { type: 'CLOSE_MATCHING' });
    expect(clausesOf(r)).toEqual(['H-3']);
    expect((await s.view()).version).toBe(before.version);
    expect((await s.view()).state).toEqual({ matching: 'bidding' });

    await s.agree('race-b');
    const v = await s.ok(p.bureau, { type: 'CLOSE_MATCHING' });
    expect(v.state).toEqual({ expertReview: 'panelPending' });
    expect(Object.keys(v.panelScores)).toEqual(['race-a', 'race-b']);
  });

  it('closes a challenge with one agreed bid into expert review', async () => {
    const s = await matching();
    await s.bid(p.solverA, 'bid-1');
    await s.agree('bid-1');
    const v = await s.ok(p.bureau, { type: 'CLOSE_MATCHING' });
    expect(v.state).toEqual({ expertReview: 'panelPending' });
  });

  it('CLOSE_MATCHING with no agreed bid ends the challenge unfilled (流榜)', async () => {
    const s = await matching();
    await s.bid(p.solverA, 'bid-1'); // a bid, but no agreement
    const v = await s.ok(p.bureau, { type: 'CLOSE_MATCHING' });
    expect(v.stage).toBe('unfilled');
    expect(v.state).toBe('unfilled');
    expect(v.outcome.kind).toBe('unfilled');
    expect(v.allowedEvents).toEqual([]);
    expect(v.deadlines).toEqual([]);
  });

  it('CLOSE_MATCHING of a horse race with no agreed bid ends it unfilled too', async () => {
    const s = await matching(techDraft({ horseRace }));
    const v = await s.ok(p.bureau, { type: 'CLOSE_MATCHING' });
    expect(v.outcome.kind).toBe('unfilled');
  });

  it('BIDDING_CLOSED on a horse race with one agreed bid ends it unfilled, citing H-3', async () => {
    const s = await matching(techDraft({ horseRace }));
    await s.bid(p.solverA, 'race-a', { route: routeA });
    await s.agree('race-a');
    const closes: string = (await s.view()).details.biddingClosesAt;
    await h.at(closes);
    expect((await s.view()).stage).toBe('matching');
    await h.at(plus(closes, MS));
    const v = await s.view();
    expect(v.stage).toBe('unfilled');
    expect(v.outcome).toMatchObject({ kind: 'unfilled', clause: 'H-3', at: plus(closes, MS) });
  });
});
