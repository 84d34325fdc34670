import { describe, expect, it } from 'vitest';
import { RETRY_CAP_MS, retryDelayMs } from '../../src/notify/backoff.js';

describe('retry backoff (exponential, equal jitter)', () => {
  it('doubles per failure, between half and all of its step', () => {
    expect(retryDelayMs(1, 1000, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, () => 1)).toBe(1000);
    expect(retryDelayMs(2, 1000, () => 0)).toBe(1000);
    expect(retryDelayMs(3, 1000, () => 0.5)).toBe(3000);
  });

  it('never waits more than an hour', () => {
    expect(retryDelayMs(40, 1000, () => 1)).toBe(RETRY_CAP_MS);
    expect(retryDelayMs(40, 1000, () => 0)).toBe(RETRY_CAP_MS / 2);
  });

  it('spreads receivers that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(5, 1000)));
    expect(delays.size).toBeGreaterThan(40);
  });
});
