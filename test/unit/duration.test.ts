import { describe, expect, it } from 'vitest';
import { addIsoDuration } from '../../src/engine/time/duration.js';

const from = new Date('2026-01-31T00:00:00.000Z');

describe('ISO 8601 durations for the test clock', () => {
  it('adds days, weeks, hours, minutes and seconds', () => {
    expect(addIsoDuration(from, 'P5D').toISOString()).toBe('2026-02-05T00:00:00.000Z');
    expect(addIsoDuration(from, 'P1W').toISOString()).toBe('2026-02-07T00:00:00.000Z');
    expect(addIsoDuration(from, 'PT1H30M0.5S').toISOString()).toBe('2026-01-31T01:30:00.500Z');
  });

  it('adds years and months on the calendar', () => {
    expect(addIsoDuration(from, 'P1Y').toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(addIsoDuration(new Date('2026-01-15T00:00:00Z'), 'P2M').toISOString()).toBe('2026-03-15T00:00:00.000Z');
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['P', 'PT', '5D', 'P-1D', 'P1.5D', 'tomorrow'])
      expect(() => addIsoDuration(from, bad)).toThrow(/ISO 8601/);
  });
});
