import { describe, expect, it } from 'vitest';
import {
  addMonths,
  beijingDate,
  endOfBeijingDay,
  isWorkingDay,
  nthWorkingDayAfter,
  startOfBeijingDay,
  workingDaysLeft,
} from '../../machines/calendar.js';

const calendar = { holidays: ['2026-10-01', '2026-10-02', '2026-10-05'], workdays: ['2026-10-10'] };

describe('Beijing dates (X-10)', () => {
  it('reads the Beijing date of an instant across the UTC midnight', () => {
    expect(beijingDate('2026-06-10T15:59:59.999Z')).toBe('2026-06-10');
    expect(beijingDate('2026-06-10T16:00:00.000Z')).toBe('2026-06-11');
    expect(beijingDate('2026-06-11T00:30:00+08:00')).toBe('2026-06-11');
  });

  it('gives a whole YYYY-MM-DD for any instant in years 1–9999, and refuses one beyond (no "+102025-12")', () => {
    expect(beijingDate('9999-12-31T15:59:59.999Z')).toBe('9999-12-31');
    expect(beijingDate('0001-01-01T00:00:00.000Z')).toBe('0001-01-01');
    expect(() => beijingDate('+102025-12-01T20:00:00.000Z')).toThrow(/102025/);
    expect(() => beijingDate('not a time')).toThrow(RangeError);
  });

  it('starts and ends a Beijing day at 00:00 and 23:59:59.999 +08:00', () => {
    expect(startOfBeijingDay('2026-06-11')).toBe('2026-06-10T16:00:00.000Z');
    expect(endOfBeijingDay('2026-06-11')).toBe('2026-06-11T15:59:59.999Z');
  });
});

describe('working days', () => {
  it('treats weekends and holidays as rest days and make-up days as working days', () => {
    expect(isWorkingDay('2026-09-30', calendar)).toBe(true); // Wednesday
    expect(isWorkingDay('2026-10-01', calendar)).toBe(false); // holiday, Thursday
    expect(isWorkingDay('2026-10-03', calendar)).toBe(false); // Saturday
    expect(isWorkingDay('2026-10-10', calendar)).toBe(true); // make-up Saturday
  });

  it('counts the n-th working day after the day of the instant, skipping rest days', () => {
    // Friday 2026-06-05: five working days are Mon 8 … Fri 12.
    expect(nthWorkingDayAfter('2026-06-05T15:00:00+08:00', 5, { holidays: [], workdays: [] })).toBe('2026-06-12');
    // Wednesday 2026-09-30: Oct 1, 2, 5 are holidays, 3–4 weekend, so 1st = Oct 6 … 4th = Oct 9, 5th = Sat Oct 10 (make-up day).
    expect(nthWorkingDayAfter('2026-09-30T09:00:00+08:00', 5, calendar)).toBe('2026-10-10');
    // Late on a Beijing day that is still the previous day in UTC: the Beijing date counts.
    expect(nthWorkingDayAfter('2026-06-04T17:00:00Z', 1, { holidays: [], workdays: [] })).toBe('2026-06-08');
  });
});

describe('calendar months', () => {
  it('adds months and clamps to the end of a shorter month', () => {
    expect(addMonths('2026-08-01', 24)).toBe('2028-08-01');
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2026-11-30', -3)).toBe('2026-08-30');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
  });
});

describe('working days left before a deadline (the inbox)', () => {
  it('counts the working days after today up to the deadline day, skipping holidays and counting make-up days', () => {
    // Wednesday 30 Sept: 1, 2 and 5 Oct are holidays, Sat 10 Oct a working day; Fri 9 Oct 17:00 Beijing.
    expect(workingDaysLeft('2026-09-30T09:00:00+08:00', '2026-10-09T17:00:00+08:00', calendar)).toBe(4);
    expect(workingDaysLeft('2026-09-30T09:00:00+08:00', '2026-10-10T17:00:00+08:00', calendar)).toBe(5);
  });

  it('is 0 on the deadline day itself and after it, 1 the working day before', () => {
    expect(workingDaysLeft('2026-10-09T08:00:00+08:00', '2026-10-09T23:59:59+08:00', calendar)).toBe(0);
    expect(workingDaysLeft('2026-10-12T08:00:00+08:00', '2026-10-09T23:59:59+08:00', calendar)).toBe(0);
    expect(workingDaysLeft('2026-10-08T23:59:59+08:00', '2026-10-09T00:00:00+08:00', calendar)).toBe(1);
  });
});
