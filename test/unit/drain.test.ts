/**
 * A stopping server answers until nothing has arrived for the quiet time, at most the longest
 * drain (src/http/drain.ts). On fake timers: what is measured is which wait ends the drain (the
 * fake clock counts a turn of the loop as a millisecond, hence the margins).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { arrivalClock, drainUntilQuiet } from '../../src/http/drain.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs the drain; answers when it ended, in fake milliseconds from its start. */
function drain(arrivals: ReturnType<typeof arrivalClock>, quietMs: number, maxMs: number) {
  const start = performance.now();
  let endedAt: number | undefined;
  void drainUntilQuiet(arrivals, quietMs, maxMs).then(() => {
    endedAt = performance.now() - start;
  });
  return () => endedAt;
}

describe('the shutdown drain', () => {
  it('with nothing arriving, ends after one quiet time', async () => {
    const ended = drain(arrivalClock(), 500, 5_000);
    await vi.advanceTimersByTimeAsync(499);
    expect(ended()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10);
    expect(ended()).toBeGreaterThanOrEqual(500);
    expect(ended()).toBeLessThan(510);
  });

  it('an arrival during the wait means another wait', async () => {
    const arrivals = arrivalClock();
    const ended = drain(arrivals, 500, 5_000);
    await vi.advanceTimersByTimeAsync(300);
    arrivals.arrived();
    await vi.advanceTimersByTimeAsync(699);
    expect(ended()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(20);
    expect(ended()).toBeGreaterThanOrEqual(1_000);
    expect(ended()).toBeLessThan(1_020);
  });

  it('steady arrivals keep it answering until the longest drain, and no longer', async () => {
    const arrivals = arrivalClock();
    const ended = drain(arrivals, 500, 2_000);
    const steady = setInterval(arrivals.arrived, 100);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(ended()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(20);
    expect(ended()).toBeGreaterThanOrEqual(2_000);
    expect(ended()).toBeLessThan(2_020);
    clearInterval(steady);
  });
});
