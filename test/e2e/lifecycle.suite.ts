/**
 * End to end: a real server process (`src/cli.ts serve`) on a real database file, driven over
 * HTTP through all nine stages to `closed`. Deadlines are run out with the test clock; the
 * timers fire inside the server.
 */
import { describe, expect, it } from 'vitest';
import { horseRace, techDraft } from '../helpers/fixtures.js';
import {
  type BidSpec,
  beijingDate,
  bidAndAgree,
  ChallengeDriver,
  expectCompleteHistory,
  expectRefused,
  reviewAndAnnounce,
  runOutThePeriod,
  serverNow,
  startImplementation,
  startWorld,
  walkToMatching,
} from './driver.js';

const TIMEOUT_MS = 120_000;

/** Registered by server.test.ts, which runs every e2e test concurrently, each on its own server. */
export function lifecycleTests(): void {
  describe('all nine stages over HTTP against a real server process', () => {
    it(
      'walks a techBreakthrough challenge to closed, and the history is complete and hash-chained',
      async ({ onTestFinished }) => {
        const world = await startWorld(onTestFinished);
        const { cast } = world;
        const c = new ChallengeDriver(world);
        await walkToMatching(c, techDraft({ programmeId: world.programmeId }));
        const bid: BidSpec = { bidId: 'bid-1', fundingCny: 3_000_000 };
        await bidAndAgree(c, [bid]);
        expect((await c.ok(cast.bureau, { type: 'CLOSE_MATCHING' })).state).toEqual({ expertReview: 'panelPending' });
        await reviewAndAnnounce(c, ['bid-1']);

        // Disbursement: contract, the issuer's payment, fiscal support within 40 % of it (Q-1b).
        const today = beijingDate(await serverNow(world.http));
        const registered = await c.ok(cast.bureau, {
          type: 'REGISTER_CONTRACT',
          trackId: 'bid-1',
          contractNo: 'HT-E2E-1',
          registeredOn: today,
        });
        expect(registered.state).toEqual({ disbursement: 'funding' });
        const paid = await c.ok(cast.finance, {
          type: 'RECORD_PAYMENT',
          trackId: 'bid-1',
          amountCny: 3_000_000,
          paidOn: today,
          evidenceSha256: await c.uploaded(cast.issuer, 'payment bid-1'),
        });
        expect(paid.tracks[0]?.paidCny).toBe(3_000_000);
        await expectRefused(
          c,
          cast.finance,
          { type: 'DISBURSE', trackId: 'bid-1', amountCny: 1_200_001, phase: 'first' },
          'Q-1b',
        );
        const disbursed = await c.ok(cast.finance, {
          type: 'DISBURSE',
          trackId: 'bid-1',
          amountCny: 1_200_000,
          phase: 'first',
        });
        expect(disbursed.state).toEqual({ disbursement: 'funding' });
        expect(disbursed.tracks[0]?.disbursedCny).toBe(1_200_000);

        // Management: progress, then the planned end passes and PERIOD_ENDED fires by itself.
        await startImplementation(c);
        const progressed = await c.ok(cast.solverA, {
          type: 'REPORT_PROGRESS',
          trackId: 'bid-1',
          milestone: 'M1',
          text: '完成轴承设计',
        });
        expect(progressed.state).toEqual({ management: 'implementing' });
        await runOutThePeriod(c);

        // Evaluation: the final report, then the acceptance decision closes the case.
        const reported = await c.ok(cast.solverA, {
          type: 'SUBMIT_FINAL_REPORT',
          trackId: 'bid-1',
          reportSha256: await c.uploaded(cast.solverA, 'final report bid-1'),
        });
        expect(reported.state).toEqual({ evaluation: 'underReview' });
        const closed = await c.ok(cast.bureau, { type: 'ACCEPTANCE_DECISION', result: 'passed', opinion: '验收通过' });
        expect(closed.stage).toBe('closed');
        expect(closed.outcome?.kind).toBe('closed');
        expect(closed.allowedEvents).toEqual([]);
        expect(closed.deadlines).toEqual([]);

        const history = await expectCompleteHistory(c);
        expect(history.map((e) => e.type)).toEqual(
          expect.arrayContaining(['CREATE', 'SUBMIT', 'PUBLISH', 'SELECT', 'NOTICE_PERIOD_ENDED', 'PERIOD_ENDED']),
        );
      },
      TIMEOUT_MS,
    );

    it(
      'walks a horse race with two tracks to closed, within the first-phase and 40 % caps',
      async ({ onTestFinished }) => {
        const world = await startWorld(onTestFinished);
        const { cast } = world;
        const c = new ChallengeDriver(world);
        const routes = horseRace.routes.map((r) => r.name);
        const bids: BidSpec[] = [
          { bidId: 'race-a', route: routes[0], fundingCny: 3_000_000 },
          { bidId: 'race-b', route: routes[1], fundingCny: 3_000_000 },
        ];
        await walkToMatching(c, techDraft({ programmeId: world.programmeId, horseRace }));
        await bidAndAgree(c, bids);
        expect((await c.ok(cast.bureau, { type: 'CLOSE_MATCHING' })).state).toEqual({ expertReview: 'panelPending' });
        const funding = await reviewAndAnnounce(c, ['race-a', 'race-b']);
        expect(funding.tracks.map((t) => t.route)).toEqual(routes);

        const today = beijingDate(await serverNow(world.http));
        for (const { bidId } of bids) {
          await c.ok(cast.bureau, {
            type: 'REGISTER_CONTRACT',
            trackId: bidId,
            contractNo: `HT-${bidId}`,
            registeredOn: today,
          });
          await c.ok(cast.finance, {
            type: 'RECORD_PAYMENT',
            trackId: bidId,
            amountCny: 3_000_000,
            paidOn: today,
            evidenceSha256: await c.uploaded(cast.issuer, `payment ${bidId}`),
          });
        }
        // Fiscal support in all = min(40 % × 6,000,000, 3,000,000) = 2,400,000; first phase ≤ 20 % of it per track (H-4).
        await expectRefused(
          c,
          cast.finance,
          { type: 'DISBURSE', trackId: 'race-a', amountCny: 480_001, phase: 'first' },
          'H-4',
        );
        for (const { bidId } of bids) {
          const v = await c.ok(cast.finance, { type: 'DISBURSE', trackId: bidId, amountCny: 480_000, phase: 'first' });
          expect(v.state).toEqual({ disbursement: 'funding' });
        }
        await startImplementation(c);

        // Both tracks continue (H-5); later funding up to 40 % of what was paid per track (Q-1b).
        for (const { bidId } of bids) {
          const v = await c.ok(cast.bureau, {
            type: 'MIDTERM_DECISION',
            trackId: bidId,
            decision: 'continue',
            opinion: '中期评估通过',
          });
          expect(v.state).toEqual({ management: 'implementing' });
          const later = await c.ok(cast.finance, {
            type: 'DISBURSE',
            trackId: bidId,
            amountCny: 720_000,
            phase: 'later',
          });
          expect(later.tracks.find((t) => t.trackId === bidId)?.disbursedCny).toBe(1_200_000);
        }
        await expectRefused(
          c,
          cast.finance,
          { type: 'DISBURSE', trackId: 'race-b', amountCny: 1, phase: 'later' },
          'Q-1b',
        );

        await runOutThePeriod(c);
        const first = await c.ok(cast.solverA, {
          type: 'SUBMIT_FINAL_REPORT',
          trackId: 'race-a',
          reportSha256: await c.uploaded(cast.solverA, 'final report race-a'),
        });
        expect(first.state).toEqual({ evaluation: 'awaitingReport' });
        const second = await c.ok(cast.solverA, {
          type: 'SUBMIT_FINAL_REPORT',
          trackId: 'race-b',
          reportSha256: await c.uploaded(cast.solverA, 'final report race-b'),
        });
        expect(second.state).toEqual({ evaluation: 'underReview' });
        const rectifying = await c.ok(cast.bureau, {
          type: 'ACCEPTANCE_DECISION',
          result: 'rectify',
          opinion: '需整改',
        });
        expect(rectifying.state).toEqual({ evaluation: 'rectifying' });
        const closed = await c.ok(cast.bureau, {
          type: 'ACCEPTANCE_DECISION',
          result: 'passed',
          opinion: '整改后通过',
        });
        expect(closed.stage).toBe('closed');
        expect(closed.outcome?.kind).toBe('closed');
        expect(closed.tracks.map((t) => t.status)).toEqual(['reported', 'reported']);

        await expectCompleteHistory(c);
      },
      TIMEOUT_MS,
    );
  });
}
