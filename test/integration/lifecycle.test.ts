import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstDivergence } from '../../src/engine/audit/replay.js';
import { createStore } from '../../src/engine/store.js';
import { horseRace, type Parties, registerParties, Scenario, techDraft } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { uploaded } from '../helpers/uploads.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

function replayMatches(id: string) {
  const store = createStore(h.app.jiebang.db);
  const rows = store.history.all({ id });
  const row = store.challengeById.get({ id });
  expect(rows.length).toBeGreaterThan(1);
  expect(firstDivergence(rows, row?.snapshot ?? '')).toBeNull();
}

describe('a challenge through all nine stages (in-process)', () => {
  it('walks a techBreakthrough challenge to closed and replays it exactly', async () => {
    const s = new Scenario(h, p);
    await s.create();
    expect((await s.view()).stage).toBe('collection');
    await s.submit();
    expect((await s.view()).state).toEqual({ review: 'awaitingRecommendation' });
    await s.recommend();
    await s.ok(p.bureau, { type: 'PASS_FORMAL_CHECK', opinion: 'ok' });
    expect((await s.view()).stage).toBe('publication');
    await s.ok(p.bureau, { type: 'APPROVE_DEMAND', opinion: 'ok' });
    await s.ok(p.bureau, { type: 'PUBLISH', biddingClosesAt: '2026-06-30T18:00:00+08:00' });
    expect((await s.view()).stage).toBe('matching');
    await s.bid(p.solverA, 'bid-1');
    await s.agree('bid-1');
    await s.ok(p.bureau, { type: 'CLOSE_MATCHING' });
    expect((await s.view()).stage).toBe('expertReview');
    await s.assignPanel();
    await s.scoreAll(['bid-1']);
    const announced = await s.ok(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });
    expect(announced.stage).toBe('announcement');
    expect(announced.tracks.map((t: { trackId: string }) => t.trackId)).toEqual(['bid-1']);
    const notice = announced.deadlines.find((d: { type: string }) => d.type === 'NOTICE_PERIOD_ENDED');
    await h.at(notice.dueAt);
    expect((await s.view()).stage).toBe('disbursement');
    await s.registerContract('bid-1');
    await s.pay('bid-1', 3_000_000);
    await s.ok(p.finance, { type: 'DISBURSE', trackId: 'bid-1', amountCny: 1_200_000, phase: 'first' });
    await s.ok(p.bureau, { type: 'START_IMPLEMENTATION', startedOn: '2026-08-01' });
    const managed = await s.view();
    expect(managed.stage).toBe('management');
    expect(managed.details.plannedEnd).toBe('2028-08-01');
    await s.ok(p.solverA, { type: 'REPORT_PROGRESS', trackId: 'bid-1', milestone: 'M1', text: '完成设计' });
    await h.at('2028-08-02T00:00:00+08:00');
    expect((await s.view()).state).toEqual({ evaluation: 'awaitingReport' });
    await s.ok(p.solverA, {
      type: 'SUBMIT_FINAL_REPORT',
      trackId: 'bid-1',
      reportSha256: await uploaded(h, p.solverA, s.id, 'final report'),
    });
    const closed = await s.ok(p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'passed', opinion: '验收通过' });
    expect(closed.stage).toBe('closed');
    expect(closed.outcome.kind).toBe('closed');
    expect(closed.allowedEvents).toEqual([]);
    expect(closed.details.acceptanceResult).toBe('passed');
    replayMatches(s.id);
  });

  it('walks a horse race with two tracks to closed', async () => {
    const s = new Scenario(h, p);
    await s.create(techDraft({ horseRace }));
    const bids = [
      { bidId: 'race-a', route: horseRace.routes[0]?.name, funding: 3_000_000 },
      { bidId: 'race-b', route: horseRace.routes[1]?.name, funding: 3_000_000 },
    ];
    await s.toManagement(bids);
    const v = await s.view();
    expect(v.tracks).toHaveLength(2);
    for (const t of ['race-a', 'race-b']) {
      await s.ok(p.solverA, {
        type: 'SUBMIT_FINAL_REPORT',
        trackId: t,
        reportSha256: await uploaded(h, p.solverA, s.id, `final report ${t}`),
      });
    }
    expect((await s.view()).state).toEqual({ evaluation: 'underReview' });
    await s.ok(p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'rectify', opinion: '需整改' });
    const closed = await s.ok(p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'failed', opinion: '未通过' });
    expect(closed.stage).toBe('closed');
    replayMatches(s.id);
  });
});
