/**
 * End to end: stopping the server process mid-way — gracefully (SIGTERM) or like a crash
 * (SIGKILL) — and starting it again on the same database file loses nothing: the challenge
 * reads the same, its history is the same, its pending deadline is still there, and the
 * process runs on to `closed`. (Restarts are done on real time: a restarted server's test
 * clock starts again from real time, so no test clock is moved before a stop.)
 */
import { describe, expect, it } from 'vitest';
import type { ChallengeDriver } from '../helpers/lifecycle.js';
import { challengeIn, spreadScores, startWorld, type World, worldDraft } from './world.js';

const TIMEOUT_MS = 120_000;

/** Stops the server, starts it again on the same file, and checks the challenge reads exactly as before. */
async function restartAndCompare(world: World, c: ChallengeDriver, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const { server } = world;
  const viewBefore = await c.view();
  const historyBefore = await c.history();
  const { dbFile } = server;

  const exit = await server.stop(signal);
  if (signal === 'SIGTERM') expect(exit).toEqual({ code: 0, signal: null });
  else expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
  expect(server.running).toBe(false);

  await server.start();
  expect(server.dbFile).toBe(dbFile);
  expect(server.starts).toBe(2);
  // Tokens, the registry, the programme and the challenge all come back from the file.
  expect(await c.view()).toStrictEqual(viewBefore);
  expect(await c.history()).toStrictEqual(historyBefore);
}

/** Registered by server.test.ts, which runs every e2e test concurrently, each on its own server. */
export function restartTests(): void {
  describe('restarting the server process on the same file', () => {
    it(
      'after SIGTERM in matching, the challenge is unchanged and runs on to closed',
      async ({ onTestFinished }) => {
        const world = await startWorld(onTestFinished);
        const c = await challengeIn(world).create(worldDraft(world));
        await c.toMatching();
        await c.bidAndAgree([{ bidId: 'bid-1', fundingCny: 3_000_000 }]);
        const agreed = await c.view();
        expect(agreed.details.bids).toEqual([expect.objectContaining({ bidId: 'bid-1', agreedFundingCny: 3_000_000 })]);

        await restartAndCompare(world, c, 'SIGTERM');

        await c.closeMatching();
        const reviewing = await c.view();
        expect(reviewing.state).toEqual({ expertReview: 'panelPending' });
        expect(reviewing.version).toBe(agreed.version + 1);
        await c.reviewAndSelect(['bid-1'], spreadScores);
        await c.runOutTheNotice();
        await c.fundAndFinish('bid-1', 3_000_000);
        await c.expectCompleteHistory();
      },
      TIMEOUT_MS,
    );

    it(
      'after SIGKILL in the notice period, the pending deadline survives and fires after the restart',
      async ({ onTestFinished }) => {
        const world = await startWorld(onTestFinished);
        const c = await challengeIn(world).create(worldDraft(world));
        await c.toExpertReview([{ bidId: 'bid-1', fundingCny: 3_000_000 }]);
        await c.reviewAndSelect(['bid-1'], spreadScores);
        const announced = await c.view();
        const notice = announced.deadlines.find((d: { type: string }) => d.type === 'NOTICE_PERIOD_ENDED');
        expect(notice?.dueAt).toEqual(expect.any(String));

        // Killed with no graceful shutdown: every acknowledged write is on disk all the same.
        await restartAndCompare(world, c, 'SIGKILL');
        const after = await c.view();
        expect(after.deadlines).toEqual(announced.deadlines);

        await c.runOutTheNotice();
        await c.fundAndFinish('bid-1', 3_000_000);
        await c.expectCompleteHistory();
      },
      TIMEOUT_MS,
    );
  });
}
