/**
 * The national schedule from `chinese-days`: it agrees with the 2026 list the programme
 * carries, a programme's own days override it, and the years it knows are recorded with the
 * challenge's calendar.
 */
import { describe, expect, it } from 'vitest';
import { addDays, isWorkingDay } from '../../machines/calendar.js';
import { wlmq2026 } from '../../machines/programme.js';
import { challengeCalendar, nationalSchedule, nationalYears } from '../../src/registry/national-calendar.js';

describe('the national holiday schedule (chinese-days)', () => {
  it('agrees with the 2026 calendar of wlmq-2026 on every day from the opening of the call to the end of 2026', () => {
    const national = nationalSchedule(2026);
    const differ: string[] = [];
    for (let d = '2026-04-25'; d <= '2026-12-31'; d = addDays(d, 1))
      if (isWorkingDay(d, national) !== isWorkingDay(d, wlmq2026.calendar)) differ.push(d);
    expect(differ).toEqual([]);
    // The Spring Festival of 2026 and its make-up Saturdays are there too.
    expect(national.holidays).toContain('2026-02-17');
    expect(national.workdays).toEqual(expect.arrayContaining(['2026-02-14', '2026-02-28']));
  });

  it('knows 2026, and names only the years it has a schedule for', () => {
    expect(nationalYears).toContain(2026);
    expect(nationalSchedule(2026).years).toEqual(nationalYears.filter((y) => y >= 2026));
    for (const y of nationalSchedule(2026).years)
      expect(nationalSchedule(2026).holidays.some((d) => d.startsWith(`${y}-`))).toBe(true);
  });

  it("lets the programme's own days override it and complete further years", () => {
    const calendar = challengeCalendar(
      { holidays: ['2026-09-20', '2026-07-01'], workdays: ['2026-10-07'], years: [2027] },
      2026,
    );
    // 2026-09-20 is a national make-up working day; the programme gives it off.
    expect(isWorkingDay('2026-09-20', calendar)).toBe(false);
    expect(isWorkingDay('2026-07-01', calendar)).toBe(false);
    // 2026-10-07 is a national holiday; the programme works it.
    expect(isWorkingDay('2026-10-07', calendar)).toBe(true);
    expect(isWorkingDay('2026-10-06', calendar)).toBe(false);
    expect(calendar.years).toEqual([...new Set([...nationalSchedule(2026).years, 2027])].sort());
    expect(calendar.holidays.some((d) => d < '2026-01-01')).toBe(false);
  });
});
