/**
 * The clauses of stage 5 (expert review), each proved both ways through the API: the panel
 * conflict declarations, complete scoring (P-4), the trimmed-mean pass mark
 * and how many bids, on which routes, a SELECT takes (H-1, H-3).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EXPERTS,
  horseRace,
  outsiderExpertToken,
  type Parties,
  registerParties,
  techDraft,
  UNITS,
} from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, type Json, type Reply, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
  // Two more experts from the same pool, off the default panel.
  for (const id of ['e6', 'e7']) {
    const r = await h.request('PUT', `/api/v1/persons/${id}`, ADMIN_TOKEN, { name: id, unit: UNITS.experts });
    expect(r.status).toBeLessThan(300);
  }
});
afterEach(async () => h.close());

const routeA = horseRace.routes[0]?.name as string;
const routeB = horseRace.routes[1]?.name as string;

/** The clauses of a rule refusal (422 RULE_VIOLATION), in order. */
function clausesOf(r: Reply): string[] {
  expect(r.status).toBe(422);
  expect(r.body.error.code).toBe('RULE_VIOLATION');
  return r.body.error.violations.map((v: Json) => v.clause);
}

type BidSpec = { bidId: string; route?: string };

/** A challenge in expert review with `bids` agreed (default: one normal bid). */
async function review(bids: BidSpec[] = [{ bidId: 'bid-1' }], draft = techDraft()): Promise<ChallengeDriver> {
  const s = new ChallengeDriver(h, p);
  await s.create(draft);
  await s.toExpertReview(bids);
  return s;
}

/** A SCORE by one expert of the default panel. */
function score(s: ChallengeDriver, expert: string, bidId: string, value: number, noConflictDeclared = true) {
  return s.send(p.experts[expert] as string, {
    type: 'SCORE',
    bidId,
    score: value,
    comment: `评分 ${value}`,
    noConflictDeclared,
  });
}

/** Each expert of the default panel scores `bidId` with the matching value. */
async function scoreEach(s: ChallengeDriver, bidId: string, values: number[]) {
  expect(values).toHaveLength(EXPERTS.length);
  for (const [i, expert] of EXPERTS.entries()) {
    const r = await score(s, expert, bidId, values[i] as number);
    expect(r.status).toBe(200);
  }
}

describe('X-6: the expert panel has at least 5 members, an odd number, each once', () => {
  it('refuses 4, 6 and a duplicate; accepts 5 (and keeps the rule when the panel is replaced)', async () => {
    const s = await review();
    const before = await s.view();
    expect(before.state).toEqual({ expertReview: 'panelPending' });
    const panels = [
      ['e1', 'e2', 'e3', 'e4'],
      ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'],
    ];
    for (const experts of panels)
      expect(clausesOf(await s.send(p.bureau, { type: 'ASSIGN_PANEL', experts }))).toEqual(['X-6']);
    // Five names, an odd number, but one expert twice: refused for the duplicate alone.
    const dup = await s.send(p.bureau, { type: 'ASSIGN_PANEL', experts: ['e1', 'e1', 'e2', 'e3', 'e4'] });
    expect(clausesOf(dup)).toEqual(['X-6']);
    expect(dup.body.error.message).toMatch(/once/);
    const unchanged = await s.view();
    expect(unchanged.version).toBe(before.version);
    expect(unchanged.details.panel).toEqual([]);

    const v = await s.ok(p.bureau, { type: 'ASSIGN_PANEL', experts: [...EXPERTS] });
    expect(v.state).toEqual({ expertReview: 'scoring' });
    expect(v.details.panel).toEqual([...EXPERTS]);

    // In scoring the panel may be replaced, under the same rule.
    expect(clausesOf(await s.send(p.bureau, { type: 'ASSIGN_PANEL', experts: panels[1] }))).toEqual(['X-6']);
    const seven = await s.ok(p.bureau, { type: 'ASSIGN_PANEL', experts: [...EXPERTS, 'e6', 'e7'] });
    expect(seven.details.panel).toHaveLength(7);
  });

  it('refuses a SCORE by an expert who is not on the panel; accepts one by a panel member', async () => {
    const s = await review();
    await s.assignPanel();
    const outsider = await outsiderExpertToken(h, 'e6');
    const before = await s.view();
    const r = await s.send(outsider, {
      type: 'SCORE',
      bidId: 'bid-1',
      score: 90,
      comment: '很好',
      noConflictDeclared: true,
    });
    // Outside its scope (the panel): 403, naming the clause the scope rests on.
    expect(r.status).toBe(403);
    expect(r.body.error.scope).toBe('panel');
    expect(r.body.error.clause).toBe('X-6');
    const unchanged = await s.view();
    expect(unchanged.version).toBe(before.version);
    expect(unchanged.details.scores).toEqual([]);

    expect((await score(s, 'e1', 'bid-1', 90)).status).toBe(200);
    expect((await s.view()).details.scores).toMatchObject([{ expert: 'e1', bidId: 'bid-1', score: 90 }]);
  });

  it('P-1: refuses a SCORE of a bid that is not under review', async () => {
    const s = await review();
    await s.assignPanel();
    expect(clausesOf(await score(s, 'e1', 'bid-x', 80))).toEqual(['P-1']);
  });
});

describe('X-7: an expert scores only after declaring no conflict of interest', () => {
  it('refuses noConflictDeclared: false and accepts true', async () => {
    const s = await review();
    await s.assignPanel();
    const before = await s.view();
    const r = await score(s, 'e2', 'bid-1', 75, false);
    expect(clausesOf(r)).toEqual(['X-7']);
    expect((await s.view()).version).toBe(before.version);
    expect((await s.view()).details.scores).toEqual([]);
    expect((await score(s, 'e2', 'bid-1', 75, true)).status).toBe(200);
    expect((await s.view()).details.scores).toHaveLength(1);
  });
});

describe('P-4: SELECT needs every panel member to have scored every agreed bid', () => {
  it('refuses SELECT while one expert has not scored; accepts it once they have', async () => {
    const s = await review();
    await s.assignPanel();
    for (const expert of ['e1', 'e2', 'e3', 'e4']) expect((await score(s, expert, 'bid-1', 80)).status).toBe(200);
    const before = await s.view();
    const r = await s.send(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });
    expect(clausesOf(r)).toEqual(['P-4']);
    expect(r.body.error.message).toContain('e5→bid-1');
    expect((await s.view()).version).toBe(before.version);

    expect((await score(s, 'e5', 'bid-1', 80)).status).toBe(200);
    const v = await s.ok(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });
    expect(v.stage).toBe('announcement');
  });

  it('counts every agreed bid, not only the selected one', async () => {
    const s = await review([{ bidId: 'bid-1' }, { bidId: 'bid-2' }]);
    await s.assignPanel();
    await scoreEach(s, 'bid-1', [80, 80, 80, 80, 80]);
    const r = await s.send(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });
    expect(clausesOf(r)).toEqual(['P-4']);
    await scoreEach(s, 'bid-2', [50, 50, 50, 50, 50]);
    const v = await s.ok(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });
    expect(v.tracks.map((t: Json) => t.trackId)).toEqual(['bid-1']);
  });

  it('SELECT before a panel is assigned is not possible in that state', async () => {
    const s = await review();
    const r = await s.send(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('EVENT_NOT_ALLOWED');
    expect(r.body.error.allowedEvents).toContain('ASSIGN_PANEL');
  });

  it('a revised SCORE replaces the earlier one: one score per expert and bid', async () => {
    const s = await review();
    await s.assignPanel();
    // Sorted 0, 0, 80, 80, 80 → trimmed mean of 0, 80, 80 = 53.33: below the pass mark.
    await scoreEach(s, 'bid-1', [0, 0, 80, 80, 80]);
    expect((await s.view()).panelScores['bid-1']).toBeCloseTo(160 / 3, 10);
    expect(clausesOf(await s.send(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] }))).toEqual(['X-11']);

    expect((await score(s, 'e1', 'bid-1', 80)).status).toBe(200);
    const v = await s.view();
    const scores = v.details.scores.filter((x: Json) => x.bidId === 'bid-1');
    expect(scores).toHaveLength(5);
    expect(scores.filter((x: Json) => x.expert === 'e1').map((x: Json) => x.score)).toEqual([80]);
    // Sorted 0, 80, 80, 80, 80 → trimmed mean 80.
    expect(v.panelScores['bid-1']).toBe(80);
    expect((await s.ok(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] })).stage).toBe('announcement');
  });
});

describe('X-11: the panel score (mean without the highest and lowest, panel ≥ 5) reaches the pass mark 60', () => {
  it('refuses a trimmed mean just below 60 and accepts exactly 60', async () => {
    const s = await review();
    await s.assignPanel();
    // Sorted 0, 59, 60, 60, 100 → (59 + 60 + 60) / 3 = 59.67.
    await scoreEach(s, 'bid-1', [0, 59, 60, 60, 100]);
    const before = await s.view();
    expect(before.panelScores['bid-1']).toBeCloseTo(179 / 3, 10);
    const r = await s.send(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });
    expect(clausesOf(r)).toEqual(['X-11']);
    expect(r.body.error.message).toContain('59.67');
    expect((await s.view()).version).toBe(before.version);

    // One point more from e2: sorted 0, 60, 60, 60, 100 → exactly 60 (the plain mean, 56, would fail).
    expect((await score(s, 'e2', 'bid-1', 60)).status).toBe(200);
    expect((await s.view()).panelScores['bid-1']).toBe(60);
    const v = await s.ok(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });
    expect(v.stage).toBe('announcement');
    expect(v.panelScores).toEqual({ 'bid-1': 60 });
  });

  it('drops the highest score too: a plain mean of 67.2 with a trimmed mean of 59 is refused', async () => {
    const s = await review();
    await s.assignPanel();
    await scoreEach(s, 'bid-1', [59, 59, 100, 59, 59]);
    expect((await s.view()).panelScores['bid-1']).toBe(59);
    expect(clausesOf(await s.send(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] }))).toEqual(['X-11']);
  });
});

describe('H-1 and H-3 at SELECT: one bid, or at least two on different routes in a horse race', () => {
  it('horse race: refuses one bid (H-3) and two bids on the same route (H-1); accepts two routes', async () => {
    const s = await review(
      [
        { bidId: 'race-a1', route: routeA },
        { bidId: 'race-a2', route: routeA },
        { bidId: 'race-b', route: routeB },
      ],
      techDraft({ horseRace }),
    );
    await s.assignPanel();
    await s.scoreAll(['race-a1', 'race-a2', 'race-b']);
    const before = await s.view();

    expect(clausesOf(await s.send(p.bureau, { type: 'SELECT', bidIds: ['race-a1'] }))).toEqual(['H-3']);
    expect(clausesOf(await s.send(p.bureau, { type: 'SELECT', bidIds: ['race-a1', 'race-a2'] }))).toEqual(['H-1']);
    expect((await s.view()).version).toBe(before.version);

    const v = await s.ok(p.bureau, { type: 'SELECT', bidIds: ['race-a1', 'race-b'] });
    expect(v.stage).toBe('announcement');
    expect(v.tracks.map((t: Json) => [t.trackId, t.route])).toEqual([
      ['race-a1', routeA],
      ['race-b', routeB],
    ]);
  });

  it('normal challenge: refuses two bids (H-3); accepts one', async () => {
    const s = await review([{ bidId: 'bid-1' }, { bidId: 'bid-2' }]);
    await s.assignPanel();
    await s.scoreAll(['bid-1', 'bid-2']);
    const before = await s.view();
    expect(clausesOf(await s.send(p.bureau, { type: 'SELECT', bidIds: ['bid-1', 'bid-2'] }))).toEqual(['H-3']);
    expect((await s.view()).version).toBe(before.version);
    const v = await s.ok(p.bureau, { type: 'SELECT', bidIds: ['bid-2'] });
    expect(v.tracks.map((t: Json) => t.trackId)).toEqual(['bid-2']);
  });
});
