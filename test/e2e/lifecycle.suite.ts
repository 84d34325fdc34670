/**
 * End to end: a real server process (`src/cli.ts serve`) on a real database file, driven over
 * HTTP through all nine stages to `closed`. Deadlines are run out with the test clock; the
 * timers fire inside the server.
 */
import { describe, expect, it } from 'vitest';
import { horseRace } from '../helpers/fixtures.js';
import type { BidSpec } from '../helpers/lifecycle.js';
import { challengeIn, spreadScores, startWorld, worldDraft } from './world.js';

const TIMEOUT_MS = 120_000;

/** Registered by server.test.ts, which runs every e2e test concurrently, each on its own server. */
export function lifecycleTests(): void {
  describe('all nine stages over HTTP against a real server process', () => {
    it(
      'walks a techBreakthrough challenge to closed, and the history is complete and hash-chained',
      async ({ onTestFinished }) => {
        const world = await startWorld(onTestFinished);
        const { parties: p } = world;
        const c = await challengeIn(world).create(worldDraft(world));
        await c.toExpertReview([{ bidId: 'bid-1', fundingCny: 3_000_000 }]);
        await c.reviewAndSelect(['bid-1'], spreadScores);
        await c.runOutTheNotice();

        // Disbursement: contract, the issuer's payment, fiscal support within 40 % of it (Q-1b).
        const today = await c.today();
        await c.registerContract('bid-1', { contractNo: 'HT-E2E-1', registeredOn: today });
        expect((await c.view()).state).toEqual({ disbursement: 'funding' });
        await c.pay('bid-1', 3_000_000, { paidOn: today, evidence: 'payment bid-1' });
        expect((await c.view()).tracks[0]?.paidCny).toBe(3_000_000);
        await c.expectRefused(
          p.finance,
          { type: 'DISBURSE', trackId: 'bid-1', amountCny: 1_200_001, phase: 'first' },
          'Q-1b',
        );
        await c.disburse('bid-1', 1_200_000);
        const disbursed = await c.view();
        expect(disbursed.state).toEqual({ disbursement: 'funding' });
        expect(disbursed.tracks[0]?.disbursedCny).toBe(1_200_000);

        // Management: progress, then the planned end passes and PERIOD_ENDED fires by itself.
        await c.startImplementation(await c.today());
        await c.reportProgress('bid-1', 'M1', '完成轴承设计');
        expect((await c.view()).state).toEqual({ management: 'implementing' });
        await c.runOutThePeriod();

        // Evaluation: the final report, then the acceptance decision closes the case.
        await c.submitFinalReport('bid-1');
        expect((await c.view()).state).toEqual({ evaluation: 'underReview' });
        await c.decideAcceptance('passed', '验收通过');
        const closed = await c.view();
        expect(closed.stage).toBe('closed');
        expect(closed.outcome?.kind).toBe('closed');
        expect(closed.allowedEvents).toEqual([]);
        expect(closed.deadlines).toEqual([]);

        const history = await c.expectCompleteHistory();
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
        const { parties: p } = world;
        const routes = horseRace.routes.map((r) => r.name);
        const bids: BidSpec[] = [
          { bidId: 'race-a', route: routes[0], fundingCny: 3_000_000 },
          { bidId: 'race-b', route: routes[1], fundingCny: 3_000_000 },
        ];
        const c = await challengeIn(world).create(worldDraft(world, { horseRace }));
        await c.toExpertReview(bids);
        await c.reviewAndSelect(['race-a', 'race-b'], spreadScores);
        await c.runOutTheNotice();
        expect((await c.view()).tracks.map((t: { route: string }) => t.route)).toEqual(routes);

        const today = await c.today();
        for (const { bidId } of bids) {
          await c.registerContract(bidId, { registeredOn: today });
          await c.pay(bidId, 3_000_000, { paidOn: today, evidence: `payment ${bidId}` });
        }
        // Fiscal support in all = min(40 % × 6,000,000, 3,000,000) = 2,400,000; first phase ≤ 20 % of it per track (H-4).
        await c.expectRefused(
          p.finance,
          { type: 'DISBURSE', trackId: 'race-a', amountCny: 480_001, phase: 'first' },
          'H-4',
        );
        for (const { bidId } of bids) {
          await c.disburse(bidId, 480_000);
          expect((await c.view()).state).toEqual({ disbursement: 'funding' });
        }
        await c.startImplementation(await c.today());

        // Both tracks continue (H-5); later funding up to 40 % of what was paid per track (Q-1b).
        for (const { bidId } of bids) {
          await c.decideMidterm(bidId, 'continue', '中期评估通过');
          expect((await c.view()).state).toEqual({ management: 'implementing' });
          await c.disburse(bidId, 720_000, 'later');
          const later = await c.view();
          expect(later.tracks.find((t: { trackId: string }) => t.trackId === bidId)?.disbursedCny).toBe(1_200_000);
        }
        await c.expectRefused(p.finance, { type: 'DISBURSE', trackId: 'race-b', amountCny: 1, phase: 'later' }, 'Q-1b');

        await c.runOutThePeriod();
        await c.submitFinalReport('race-a');
        expect((await c.view()).state).toEqual({ evaluation: 'awaitingReport' });
        await c.submitFinalReport('race-b');
        expect((await c.view()).state).toEqual({ evaluation: 'underReview' });
        await c.decideAcceptance('rectify', '需整改');
        expect((await c.view()).state).toEqual({ evaluation: 'rectifying' });
        await c.decideAcceptance('passed', '整改后通过');
        const closed = await c.view();
        expect(closed.stage).toBe('closed');
        expect(closed.outcome?.kind).toBe('closed');
        expect(closed.tracks.map((t: { status: string }) => t.status)).toEqual(['reported', 'reported']);

        await c.expectCompleteHistory();
      },
      TIMEOUT_MS,
    );
  });
}
