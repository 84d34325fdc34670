/**
 * End to end, on real time (no test-clock call): deadlines are timer rows the server process
 * fires by itself — while it runs, and on start for any that fell due while it was down, once,
 * recorded as late.
 */
import { describe, expect, it } from 'vitest';
import { type HistoryEntry, timerPayloadSchema } from '../helpers/schemas.js';
import { matchingClosingIn, pollView, sleep, startWorld } from './world.js';

const TIMEOUT_MS = 120_000;
/** How far ahead the bidding deadline is put: room to bid and agree (and stop) before it. */
const LEAD_MS = 4000;
/** The server records a timer as late when it fires more than this after its due time. */
const LATE_AFTER_MS = 1000;
/** Longest wait for a timer to fire by itself once it is due. */
const FIRE_WITHIN_MS = 15_000;

const biddingClosedEvents = (history: HistoryEntry[]) => history.filter((e) => e.type === 'BIDDING_CLOSED');

/** Registered by server.test.ts, which runs every e2e test concurrently, each on its own server. */
export function timerTests(): void {
  describe('timers of a real server process', () => {
    it(
      'a deadline that passes while the server is down fires once, on start, recorded as late',
      async ({ onTestFinished }) => {
        const world = await startWorld(onTestFinished);
        const { c, dueMs } = await matchingClosingIn(world, LEAD_MS);
        const versionBefore = (await c.view()).version;

        await world.server.stop('SIGTERM');
        expect(Date.now()).toBeLessThan(dueMs); // the deadline really falls into the downtime
        await sleep(dueMs + LATE_AFTER_MS + 200 - Date.now());
        await world.server.start();
        const answeredAt = Date.now();

        const view = await c.view();
        expect(view.state).toEqual({ expertReview: 'panelPending' });
        expect(view.version).toBe(versionBefore + 1);
        const fired = biddingClosedEvents(await c.history());
        expect(fired).toHaveLength(1);
        const [event] = fired;
        expect(event?.actor).toEqual({ id: 'system', role: 'system' });
        const { timer } = timerPayloadSchema.parse(event?.payload);
        expect(timer.dueAt).toBe(new Date(dueMs).toISOString());
        expect(timer.late).toBe(true);
        expect(timer.lateMs).toBeGreaterThan(LATE_AFTER_MS);
        expect(Date.parse(event?.at ?? '')).toBe(dueMs + timer.lateMs);
        // It fired while the server started, before /health first answered.
        expect(Date.parse(event?.at ?? '')).toBeLessThanOrEqual(answeredAt);
        c.expectSystemEvent('BIDDING_CLOSED');
        await c.expectCompleteHistory();

        // Another restart (a crash this time) does not fire it again.
        await world.server.stop('SIGKILL');
        await world.server.start();
        expect(biddingClosedEvents(await c.history())).toHaveLength(1);
        expect((await c.view()).version).toBe(view.version);
        await c.expectCompleteHistory();
      },
      TIMEOUT_MS,
    );

    it(
      'a deadline that falls due while the server runs fires by itself, on time',
      async ({ onTestFinished }) => {
        const world = await startWorld(onTestFinished);
        const { c, dueMs } = await matchingClosingIn(world, LEAD_MS);
        expect((await c.view()).stage).toBe('matching');

        const view = await pollView(c, (v) => v.stage !== 'matching', dueMs - Date.now() + FIRE_WITHIN_MS);
        expect(view.state).toEqual({ expertReview: 'panelPending' });
        const fired = biddingClosedEvents(await c.history());
        expect(fired).toHaveLength(1);
        const [event] = fired;
        expect(event?.actor).toEqual({ id: 'system', role: 'system' });
        expect(Date.parse(event?.at ?? '')).toBeGreaterThanOrEqual(dueMs);
        const { timer } = timerPayloadSchema.parse(event?.payload);
        expect(timer.late).toBe(false);
        expect(timer.lateMs).toBeLessThanOrEqual(LATE_AFTER_MS);
        c.expectSystemEvent('BIDDING_CLOSED');
        await c.expectCompleteHistory();
      },
      TIMEOUT_MS,
    );
  });
}
