/** The date arithmetic the eligibility rules rest on (X-8 look-back, X-9 overdue), at its edges. */
import { describe, expect, it } from 'vitest';
import { lookbackStart } from '../../machines/challenge/rules/registry-facts.js';
import { overdueFrom } from '../../machines/challenge/selectors.js';
import type { ChallengeContext } from '../../machines/challenge/types.js';
import { wlmq2026 } from '../../machines/programme.js';

const ctx = { settings: wlmq2026 } as ChallengeContext;

describe('overdueFrom (X-9, L-1)', () => {
  it('is 365 days after the start of the day after the planned end, Beijing time', () => {
    expect(overdueFrom('2028-08-01', 365)).toBe('2029-08-01T16:00:00.000Z');
  });

  it('crosses a leap day: 365 days after 2027-03-01 00:00 Beijing is 2028-02-29 00:00 Beijing', () => {
    expect(overdueFrom('2027-02-28', 365)).toBe('2028-02-28T16:00:00.000Z');
  });
});

describe('lookbackStart (X-8)', () => {
  it('is the same Beijing date three years earlier', () => {
    expect(lookbackStart(ctx, '2026-05-06T02:00:00.000Z')).toBe('2023-05-06');
    // 23:30 UTC on 5 May is already 6 May in Beijing.
    expect(lookbackStart(ctx, '2026-05-05T23:30:00.000Z')).toBe('2023-05-06');
  });

  it('clamps 29 February to 28 February', () => {
    expect(lookbackStart(ctx, '2028-02-29T04:00:00.000Z')).toBe('2025-02-28');
  });
});
