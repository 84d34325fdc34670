/**
 * The paths the golden histories record: every way through the nine stages and every early
 * outcome, each walked through the real API by the right roles. `record-golden.ts` runs them
 * and writes test/fixtures/golden/; the golden test replays what was written.
 */
import { horseRace, type Parties, Scenario, techDraft } from '../helpers/fixtures.js';
import type { Harness } from '../helpers/harness.js';
import { uploaded } from '../helpers/uploads.js';

export interface GoldenPath {
  name: string;
  description: string;
  /** Walks one challenge; returns its id. */
  walk(h: Harness, p: Parties): Promise<string>;
}

const raceBids = [
  { bidId: 'race-a', route: horseRace.routes[0]?.name, funding: 3_000_000 },
  { bidId: 'race-b', route: horseRace.routes[1]?.name, funding: 3_000_000 },
];

/** From management to a passed acceptance: progress, the period's end, the final report. */
async function toClosed(h: Harness, p: Parties, s: Scenario, trackIds: string[]) {
  for (const trackId of trackIds)
    await s.ok(p.solverA, { type: 'REPORT_PROGRESS', trackId, milestone: 'M1', text: '完成设计' });
  await h.at('2028-08-02T00:00:00+08:00');
  for (const trackId of trackIds)
    await s.ok(p.solverA, {
      type: 'SUBMIT_FINAL_REPORT',
      trackId,
      reportSha256: await uploaded(h, p.solverA, s.id, `final-report-${trackId}`),
    });
}

export const goldenPaths: GoldenPath[] = [
  {
    name: 'closed-passed',
    description: 'all nine stages, one track, money recorded and disbursed, acceptance passed',
    async walk(h, p) {
      const s = await new Scenario(h, p).create();
      await s.toDisbursement();
      await s.registerContract('bid-1');
      await s.pay('bid-1', 3_000_000);
      await s.ok(p.finance, { type: 'DISBURSE', trackId: 'bid-1', amountCny: 1_200_000, phase: 'first' });
      await s.ok(p.bureau, { type: 'START_IMPLEMENTATION', startedOn: '2026-08-01' });
      await toClosed(h, p, s, ['bid-1']);
      await s.ok(p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'passed', opinion: '验收通过' });
      return s.id;
    },
  },
  {
    name: 'closed-horse-race-rectify',
    description: 'a horse race with two tracks, early final reports, one rectification, then failed',
    async walk(h, p) {
      const s = await new Scenario(h, p).create(techDraft({ horseRace }));
      await s.toManagement(raceBids);
      for (const trackId of ['race-a', 'race-b'])
        await s.ok(p.solverA, {
          type: 'SUBMIT_FINAL_REPORT',
          trackId,
          reportSha256: await uploaded(h, p.solverA, s.id, `early-report-${trackId}`),
        });
      await s.ok(p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'rectify', opinion: '需整改' });
      await s.ok(p.bureau, { type: 'ACCEPTANCE_DECISION', result: 'failed', opinion: '未通过' });
      return s.id;
    },
  },
  {
    name: 'returned-objection-upheld',
    description: 'returned in review and resubmitted; an upheld objection sends it back to scoring; then disbursement',
    async walk(h, p) {
      const s = await new Scenario(h, p).create();
      await s.submit();
      await s.ok(p.district, { type: 'RETURN', reason: '材料需补充' });
      await s.ok(p.issuer, { type: 'UPDATE', summary: '补充了应用场景说明。' });
      await s.ok(p.issuer, { type: 'SUBMIT', confirmDetails: true });
      await s.recommend();
      await s.ok(p.bureau, { type: 'PASS_FORMAL_CHECK', opinion: '形式审查通过' });
      await s.ok(p.bureau, { type: 'APPROVE_DEMAND', opinion: '需求评审通过' });
      await s.ok(p.bureau, { type: 'PUBLISH', biddingClosesAt: '2026-06-30T18:00:00+08:00' });
      await s.bid(p.solverA, 'bid-1');
      await s.agree('bid-1');
      await s.ok(p.bureau, { type: 'CLOSE_MATCHING' });
      await s.assignPanel();
      await s.scoreAll(['bid-1']);
      await s.ok(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });
      await s.ok(p.bureau, { type: 'OBJECT', objector: { name: '张三' }, text: '评分不公' });
      await s.ok(p.bureau, { type: 'RESOLVE_OBJECTION', objectionId: 'obj-1', upheld: true, opinion: '异议成立' });
      await s.scoreAll(['bid-1'], 75);
      const again = await s.ok(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });
      await h.at(again.deadlines.find((d: { type: string }) => d.type === 'NOTICE_PERIOD_ENDED').dueAt);
      return s.id;
    },
  },
  {
    name: 'withdrawn-in-collection',
    description: 'the issuer edits the draft, then withdraws it',
    async walk(h, p) {
      const s = await new Scenario(h, p).create();
      await s.ok(p.issuer, { type: 'UPDATE', title: '修改后的标题' });
      await s.ok(p.issuer, { type: 'WITHDRAW', reason: '需求已由其他渠道解决' });
      return s.id;
    },
  },
  {
    name: 'withdrawn-in-review',
    description: 'the issuer withdraws a submitted challenge',
    async walk(h, p) {
      const s = await new Scenario(h, p).create();
      await s.submit();
      await s.ok(p.issuer, { type: 'WITHDRAW', reason: '企业战略调整' });
      return s.id;
    },
  },
  {
    name: 'not-accepted-submission-window',
    description: 'still a draft when the submission window closes (W-3 timer)',
    async walk(h, p) {
      const s = await new Scenario(h, p).create();
      await h.at('2026-06-11T00:00:00+08:00');
      return s.id;
    },
  },
  {
    name: 'not-accepted-recommendation-deadline',
    description: 'submitted but not recommended by the recommendation deadline (W-3 timer)',
    async walk(h, p) {
      const s = await new Scenario(h, p).create();
      await s.submit();
      await h.at('2026-06-13T00:00:00+08:00');
      return s.id;
    },
  },
  {
    name: 'rejected-in-review',
    description: 'the district declines to recommend',
    async walk(h, p) {
      const s = await new Scenario(h, p).create();
      await s.submit();
      await s.ok(p.district, { type: 'DECLINE', reason: '不符合本区产业方向' });
      return s.id;
    },
  },
  {
    name: 'rejected-in-publication',
    description: 'the bureau declines at the demand review',
    async walk(h, p) {
      const s = await new Scenario(h, p).create();
      await s.toPublication();
      await s.ok(p.bureau, { type: 'DECLINE', reason: '需求论证不充分' });
      return s.id;
    },
  },
  {
    name: 'unfilled-bidding-closed',
    description: 'a bid is made and withdrawn; bidding closes with no agreement (timer)',
    async walk(h, p) {
      const s = await new Scenario(h, p).create();
      await s.toMatching();
      await s.bid(p.solverA, 'bid-1');
      await s.ok(p.solverA, { type: 'WITHDRAW_BID', bidId: 'bid-1' });
      const view = await s.view();
      await h.at(view.deadlines.find((d: { type: string }) => d.type === 'BIDDING_CLOSED').dueAt);
      return s.id;
    },
  },
  {
    name: 'unfilled-in-expert-review',
    description: 'the bureau declares it unfilled after the panel is assigned',
    async walk(h, p) {
      const s = await new Scenario(h, p).create();
      await s.toExpertReview();
      await s.assignPanel();
      await s.ok(p.bureau, { type: 'DECLARE_UNFILLED', reason: '专家论证认为方案均不可行' });
      return s.id;
    },
  },
  {
    name: 'terminated-in-management',
    description: 'the bureau terminates during implementation',
    async walk(h, p) {
      const s = await new Scenario(h, p).create();
      await s.toManagement();
      await s.ok(p.solverA, { type: 'REPORT_PROGRESS', trackId: 'bid-1', milestone: 'M1', text: '进度滞后' });
      await s.ok(p.bureau, { type: 'TERMINATE', reason: '揭榜方无法继续履约' });
      return s.id;
    },
  },
  {
    name: 'terminated-horse-race-midterm',
    description: 'a horse race whose midterm decisions stop both tracks (H-5)',
    async walk(h, p) {
      const s = await new Scenario(h, p).create(techDraft({ horseRace }));
      await s.toManagement(raceBids);
      await s.ok(p.bureau, { type: 'MIDTERM_DECISION', trackId: 'race-a', decision: 'stop', opinion: '路线不可行' });
      await s.ok(p.bureau, { type: 'MIDTERM_DECISION', trackId: 'race-b', decision: 'stop', opinion: '路线不可行' });
      return s.id;
    },
  },
];
