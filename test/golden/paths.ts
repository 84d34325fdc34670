/**
 * The paths the golden histories record: every way through the nine stages and every early
 * outcome, each walked by the lifecycle driver through the real API. `record-golden.ts` runs
 * them in-process and writes test/fixtures/golden/; the golden test replays what was written.
 */
import { horseRace, type Parties, techDraft } from '../helpers/fixtures.js';
import { type BidSpec, ChallengeDriver } from '../helpers/lifecycle.js';
import type { Transport } from '../helpers/transport.js';

export interface GoldenPath {
  name: string;
  description: string;
  /** Walks one challenge; returns its id. */
  walk(t: Transport, p: Parties): Promise<string>;
}

const raceBids: BidSpec[] = [
  { bidId: 'race-a', route: horseRace.routes[0]?.name, fundingCny: 3_000_000 },
  { bidId: 'race-b', route: horseRace.routes[1]?.name, fundingCny: 3_000_000 },
];

/** From management to the acceptance review: progress, the period's end, the final report. */
async function toAcceptanceReview(s: ChallengeDriver, trackIds: string[]) {
  for (const trackId of trackIds) await s.reportProgress(trackId, 'M1', '完成设计');
  await s.runOutThePeriod();
  for (const trackId of trackIds) await s.submitFinalReport(trackId, `final-report-${trackId}`);
}

export const goldenPaths: GoldenPath[] = [
  {
    name: 'closed-passed',
    description: 'all nine stages, one track, money recorded and disbursed, acceptance passed',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create();
      await s.toDisbursement();
      await s.registerContract('bid-1');
      await s.pay('bid-1', 3_000_000);
      await s.disburse('bid-1', 1_200_000);
      await s.startImplementation();
      await toAcceptanceReview(s, ['bid-1']);
      await s.decideAcceptance('passed', '验收通过');
      return s.id;
    },
  },
  {
    name: 'closed-horse-race-rectify',
    description: 'a horse race with two tracks, early final reports, one rectification, then failed',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create(techDraft({ horseRace }));
      await s.toManagement(raceBids);
      for (const trackId of ['race-a', 'race-b']) await s.submitFinalReport(trackId, `early-report-${trackId}`);
      await s.decideAcceptance('rectify', '需整改');
      await s.decideAcceptance('failed', '未通过');
      return s.id;
    },
  },
  {
    name: 'returned-objection-upheld',
    description: 'returned in review and resubmitted; an upheld objection sends it back to scoring; then disbursement',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create();
      await s.submit();
      await s.ok(p.district, { type: 'RETURN', reason: '材料需补充' });
      await s.ok(p.issuer, { type: 'UPDATE', summary: '补充了应用场景说明。' });
      await s.submitAttached();
      await s.recommend();
      await s.passFormalCheck();
      await s.approveDemand();
      await s.publish('2026-06-30T18:00:00+08:00');
      await s.bidAndAgree([{ bidId: 'bid-1' }]);
      await s.closeMatching();
      await s.reviewAndSelect(['bid-1']);
      await s.ok(p.bureau, { type: 'OBJECT', objector: { name: '张三' }, text: '评分不公' });
      await s.ok(p.bureau, { type: 'RESOLVE_OBJECTION', objectionId: 'obj-1', upheld: true, opinion: '异议成立' });
      await s.scoreAll(['bid-1'], 75);
      await s.select(['bid-1']);
      await s.runOutTheNotice();
      return s.id;
    },
  },
  {
    name: 'withdrawn-in-collection',
    description: 'the issuer edits the draft, then withdraws it',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create();
      await s.ok(p.issuer, { type: 'UPDATE', title: '修改后的标题' });
      await s.ok(p.issuer, { type: 'WITHDRAW', reason: '需求已由其他渠道解决' });
      return s.id;
    },
  },
  {
    name: 'withdrawn-in-review',
    description: 'the issuer withdraws a submitted challenge',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create();
      await s.submit();
      await s.ok(p.issuer, { type: 'WITHDRAW', reason: '企业战略调整' });
      return s.id;
    },
  },
  {
    name: 'not-accepted-submission-window',
    description: 'still a draft when the submission window closes (W-3 timer)',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create();
      await s.clockTo('2026-06-11T00:00:00+08:00');
      return s.id;
    },
  },
  {
    name: 'not-accepted-recommendation-deadline',
    description: 'submitted but not recommended by the recommendation deadline (W-3 timer)',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create();
      await s.submit();
      await s.clockTo('2026-06-13T00:00:00+08:00');
      return s.id;
    },
  },
  {
    name: 'rejected-in-review',
    description: 'the district declines to recommend',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create();
      await s.submit();
      await s.ok(p.district, { type: 'DECLINE', reason: '不符合本区产业方向' });
      return s.id;
    },
  },
  {
    name: 'rejected-in-publication',
    description: 'the bureau declines at the demand review',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create();
      await s.toPublication();
      await s.ok(p.bureau, { type: 'DECLINE', reason: '需求论证不充分' });
      return s.id;
    },
  },
  {
    name: 'unfilled-bidding-closed',
    description: 'a bid is made and withdrawn; bidding closes with no agreement (timer)',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create();
      await s.toMatching();
      await s.bid(p.solverA, 'bid-1');
      await s.ok(p.solverA, { type: 'WITHDRAW_BID', bidId: 'bid-1' });
      await s.runOut('BIDDING_CLOSED');
      return s.id;
    },
  },
  {
    name: 'unfilled-in-expert-review',
    description: 'the bureau declares it unfilled after the panel is assigned',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create();
      await s.toExpertReview();
      await s.assignPanel();
      await s.ok(p.bureau, { type: 'DECLARE_UNFILLED', reason: '专家论证认为方案均不可行' });
      return s.id;
    },
  },
  {
    name: 'terminated-in-management',
    description: 'the bureau terminates during implementation',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create();
      await s.toManagement();
      await s.reportProgress('bid-1', 'M1', '进度滞后');
      await s.ok(p.bureau, { type: 'TERMINATE', reason: '揭榜方无法继续履约' });
      return s.id;
    },
  },
  {
    name: 'terminated-horse-race-midterm',
    description: 'a horse race whose midterm decisions stop both tracks (H-5)',
    async walk(t, p) {
      const s = await new ChallengeDriver(t, p).create(techDraft({ horseRace }));
      await s.toManagement(raceBids);
      await s.decideMidterm('race-a', 'stop', '路线不可行');
      await s.decideMidterm('race-b', 'stop', '路线不可行');
      return s.id;
    },
  },
];
