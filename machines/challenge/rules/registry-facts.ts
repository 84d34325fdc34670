/**
 * Reading the registry facts an event carries (facts.ts): a unit's or person's facts, records in
 * force, the credit look-back, a party's projects. Shared by the rules of §2, §4 and X-7; not
 * rules themselves. Dates are Beijing calendar dates; a record's period includes both ends.
 */
import { addMonths, beijingDate } from '../../calendar.js';
import type { EventFacts, PersonFacts, ProjectFact, RecordFact, UnitFacts } from '../facts.js';
import type { ChallengeContext } from '../types.js';

/** An event as the registry rules read it: its time and the facts gathered for it. */
export type WithFacts = { at: string; facts?: EventFacts };

export const unitFacts = (e: WithFacts, code: string): UnitFacts => e.facts?.units?.[code] ?? { registered: false };
export const personFacts = (e: WithFacts, id: string): PersonFacts => e.facts?.persons?.[id] ?? { registered: false };

/** A record in force on `date`. */
export const inForce = (r: { from: string; to: string | null }, date: string) =>
  r.from <= date && (r.to === null || date <= r.to);

/** The first day of the credit look-back: `years` before the event's date, that day included. */
export const lookbackStart = (ctx: ChallengeContext, at: string) =>
  addMonths(beijingDate(at), -12 * ctx.settings.restrictions.creditLookbackYears);

/** Records that touch the look-back window [start, date]. */
export const withinLookback = (records: RecordFact[] | undefined, start: string, date: string) =>
  (records ?? []).filter((r) => r.from <= date && (r.to === null || r.to >= start));

export const ids = (records: { id: number }[]) => records.map((r) => `#${r.id}`).join(', ');

export const projectsOf = (f: UnitFacts | PersonFacts): ProjectFact[] => f.projects ?? [];
/** An ongoing or overdue project (市级在研项目), not an application. */
export const isProject = (p: ProjectFact) => p.status === 'ongoing' || p.status === 'overdue';
