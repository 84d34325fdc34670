/**
 * The national schedule of public holidays and make-up working days (调休), as the State
 * Council publishes it each year, from the npm package `chinese-days` (kept up to date by its
 * maintainers), merged with a programme's own days. Read when a challenge is created: the
 * challenge records the merged calendar in its CREATE event, so a later release of the package
 * never changes a recorded deadline, and replay needs no package at all.
 */
import { createRequire } from 'node:module';
import type { WorkingCalendar } from '../../machines/calendar.js';

/** A calendar as a challenge records it: every list complete for its `years`. */
export interface RecordedCalendar {
  holidays: string[];
  workdays: string[];
  years: number[];
}

interface ChineseDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const schedule = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as ChineseDays;
const yearOf = (date: string) => Number(date.slice(0, 4));

/** The years the package holds a schedule for. */
export const nationalYears: number[] = [...new Set(Object.keys(schedule.holidays).map(yearOf))].sort();

/** The national days off and make-up working days of the years from `fromYear` on. */
export function nationalSchedule(fromYear: number): RecordedCalendar {
  const from = (days: Record<string, string>) =>
    Object.keys(days)
      .filter((d) => yearOf(d) >= fromYear)
      .sort();
  return {
    holidays: from(schedule.holidays),
    workdays: from(schedule.workdays),
    years: nationalYears.filter((y) => y >= fromYear),
  };
}

/**
 * A challenge's calendar: the national schedule from `fromYear` on, where the programme's own
 * lists override it (a programme holiday is a day off even if the nation works, a programme
 * make-up day is worked), and known for the national years plus those the programme completes.
 */
export function challengeCalendar(programme: WorkingCalendar, fromYear: number): RecordedCalendar {
  const national = nationalSchedule(fromYear);
  const ownHolidays = new Set(programme.holidays);
  const ownWorkdays = new Set(programme.workdays);
  const sorted = (days: Iterable<string>) => [...new Set(days)].sort();
  return {
    holidays: sorted([...national.holidays.filter((d) => !ownWorkdays.has(d)), ...ownHolidays]),
    workdays: sorted([...national.workdays.filter((d) => !ownHolidays.has(d)), ...ownWorkdays]),
    years: [...new Set([...national.years, ...(programme.years ?? [])])].sort(),
  };
}
