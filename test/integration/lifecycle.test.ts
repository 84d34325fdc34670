import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstDivergence } from '../../src/engine/audit/replay.js';
import { createStore } from '../../src/engine/store.js';
import { horseRace, type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

async function replayMatches(id: string) {
  const store = createStore(h.app.jiebang.db);
  const rows = await store.history.all({ id });
  const row = await store.challengeById.get({ id });
  expect(rows.length).toBeGreaterThan(1);
  const items = await store.listItemsOf.all({ challengeId: id });
  expect(items.length).toBeGreaterThan(0);
  expect(firstDivergence(rows, row?.snapshot ?? '', undefined, items)).toBeNull();
}

describe('a challenge through all nine stages (in-process)', () => {
  it('walks a techBreakthrough challenge to closed and replays it exactly', async () => {
    const s = new ChallengeDriver(h, p);
    await s.create();
    expect((await s.view()).stage).toBe('collection');
    await s.submit();
    expect((await s.view()).state).toEqual({ review: 'awaitingRecommendation' });
    await s.recommend();
    await s.passFormalCheck('ok');
    expect((await s.view()).stage).toBe('publication');
    await s.approveDemand('ok');
    await s.publish('2026-06-30T18:00:00+08:00');
    expect((await s.view()).stage).toBe('matching');
    await s.bidAndAgree([{ bidId: 'bid-1' }]);
    await s.closeMatching();
    expect((await s.view()).stage).toBe('expertReview');
    await s.reviewAndSelect(['bid-1']);
    const announced = await s.view();
    expect(announced.stage).toBe('announcement');
    expect(announced.tracks.map((t: { trackId: string }) => t.trackId)).toEqual(['bid-1']);
    await s.runOutTheNotice();
    expect((await s.view()).stage).toBe('disbursement');
    await s.registerContract('bid-1');
    await s.pay('bid-1', 3_000_000);
    await s.disburse('bid-1', 1_200_000);
    await s.startImplementation('2026-08-01');
    const managed = await s.view();
    expect(managed.stage).toBe('management');
    expect(managed.details.plannedEnd).toBe('2028-08-01');
    await s.reportProgress('bid-1', 'M1', '完成设计');
    await s.runOutThePeriod();
    expect((await s.view()).state).toEqual({ evaluation: 'awaitingReport' });
    await s.submitFinalReport('bid-1', 'final report');
    await s.decideAcceptance('passed', '验收通过');
    const closed = await s.view();
    expect(closed.stage).toBe('closed');
    expect(closed.outcome.kind).toBe('closed');
    expect(closed.allowedEvents).toEqual([]);
    expect(closed.details.acceptanceResult).toBe('passed');
    await replayMatches(s.id);
    await s.expectCompleteHistory();
  });

  it('walks a horse race with two tracks to closed', async () => {
    const s = new ChallengeDriver(h, p);
    await s.create(techDraft({ horseRace }));
    const bids = [
      { bidId: 'race-a', route: horseRace.routes[0]?.name, fundingCny: 3_000_000 },
      { bidId: 'race-b', route: horseRace.routes[1]?.name, fundingCny: 3_000_000 },
    ];
    await s.toManagement(bids);
    const v = await s.view();
    expect(v.tracks).toHaveLength(2);
    for (const t of ['race-a', 'race-b']) await s.submitFinalReport(t);
    expect((await s.view()).state).toEqual({ evaluation: 'underReview' });
    await s.decideAcceptance('rectify', '需整改');
    await s.decideAcceptance('failed', '未通过');
    expect((await s.view()).stage).toBe('closed');
    await replayMatches(s.id);
    await s.expectCompleteHistory();
  });
});
