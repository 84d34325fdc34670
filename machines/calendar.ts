/**
 * Dates and working days in Beijing time (X-10). Pure arithmetic on ISO strings: no clock and
 * no time-zone database, because Asia/Shanghai has kept UTC+8 without daylight saving since 1991.
 */

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface WorkingCalendar {
  /** Public holidays that fall on a weekday (or any day): not working days. */
  holidays: readonly string[];
  /** Make-up working days (调休) that fall on a weekend: working days. */
  workdays: readonly string[];
  /**
   * The years whose holidays and make-up days the lists hold completely. Absent in the calendars
   * of challenges created before machine version 2 (every weekday then counts as a working day).
   */
  years?: readonly number[];
}

/**
 * The `YYYY-MM-DD` of a UTC time value, built from its parts: `toISOString().slice(0, 10)`
 * would cut an expanded year (`+102025-12-02…`) into "+102025-12". A time outside the years
 * 0001–9999, or no time at all, is refused rather than given a day that is no date.
 */
function isoDay(ms: number): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999)
    throw new RangeError(`No calendar day for ${Number.isNaN(year) ? 'an invalid time' : `the year ${year}`}.`);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
}

/** The Beijing calendar date (`YYYY-MM-DD`) of an instant. */
export function beijingDate(instantIso: string): string {
  return isoDay(Date.parse(instantIso) + BEIJING_OFFSET_MS);
}

/** The instant at which a Beijing calendar date begins (00:00 +08:00), as UTC ISO. */
export function startOfBeijingDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - BEIJING_OFFSET_MS).toISOString();
}

/** The last millisecond of a Beijing calendar date (23:59:59.999 +08:00), as UTC ISO. */
export function endOfBeijingDay(date: string): string {
  return new Date(Date.parse(startOfBeijingDay(date)) + DAY_MS - 1).toISOString();
}

export function addDays(date: string, days: number): string {
  return isoDay(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS);
}

/**
 * Adds calendar months, clamping to the last day of a shorter month (2026-01-31 + 1 month =
 * 2026-02-28), as contract periods are usually read.
 */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const monthIndex = y * 12 + (m - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function isWorkingDay(date: string, calendar: WorkingCalendar): boolean {
  if (calendar.workdays.includes(date)) return true;
  if (calendar.holidays.includes(date)) return false;
  const weekday = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The date of the n-th working day after the Beijing date of `fromInstant`: the day the
 * notice starts is not counted, so a notice posted on Friday afternoon with five working days
 * runs Monday to Friday of the next week.
 */
export function nthWorkingDayAfter(fromInstant: string, n: number, calendar: WorkingCalendar): string {
  let date = beijingDate(fromInstant);
  let counted = 0;
  while (counted < n) {
    date = addDays(date, 1);
    if (isWorkingDay(date, calendar)) counted += 1;
  }
  return date;
}

/**
 * The first year, counting `n` working days after `fromInstant` as `nthWorkingDayAfter` does,
 * whose schedule the calendar does not know; null when every day counted is in a known year (or
 * the calendar names no years).
 */
export function unknownYearWithin(fromInstant: string, n: number, calendar: WorkingCalendar): number | null {
  const years = calendar.years;
  if (years === undefined) return null;
  let date = beijingDate(fromInstant);
  let counted = 0;
  while (counted < n) {
    date = addDays(date, 1);
    const year = Number(date.slice(0, 4));
    if (!years.includes(year)) return year;
    if (isWorkingDay(date, calendar)) counted += 1;
  }
  return null;
}

/** `a` is at or before `b` (W-0: a window includes both ends). */
export function atOrBefore(a: string, b: string): boolean {
  return Date.parse(a) <= Date.parse(b);
}

/** One millisecond after an instant: when a deadline that includes its end has passed. */
export function justAfter(instantIso: string): string {
  return new Date(Date.parse(instantIso) + 1).toISOString();
}

/**
 * The working days left before a deadline, as a person counts them on the Beijing calendar: the
 * working days after today's date up to and including the deadline's date (0 on the day itself,
 * or when it has passed). Today is not counted, as `nthWorkingDayAfter` does not count it.
 */
export function workingDaysLeft(nowInstant: string, dueInstant: string, calendar: WorkingCalendar): number {
  const due = beijingDate(dueInstant);
  let date = beijingDate(nowInstant);
  let counted = 0;
  while (date < due) {
    date = addDays(date, 1);
    if (isWorkingDay(date, calendar)) counted += 1;
  }
  return counted;
}
