/**
 * Reading the registry facts an event carries (facts.ts): a unit's or person's facts, records in
 * force, the credit look-back, a party's projects. Shared by the rules of §2, §4 and X-7; not
 * rules themselves. Dates are Beijing calendar dates; a record's period includes both ends.
 */
import { addMonths, beijingDate } from '../../calendar.js';
import type { AffiliationChain, EventFacts, PersonFacts, ProjectFact, RecordFact, UnitFacts } from '../facts.js';
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

/** S-5, X-7: the longest chain of affiliation links that still counts (programme setting, default 3). */
export const affiliationDepth = (ctx: ChallengeContext): number => ctx.settings.restrictions.affiliationDepth ?? 3;

/**
 * A unit's affiliations with `targets` that count on `date`: its chains (version 2 facts) whose
 * every link is in force and whose length is within the programme's depth, or, in facts gathered
 * before chains were (version 1), its direct links as one-link chains.
 */
export function affiliationChainsOf(
  ctx: ChallengeContext,
  facts: UnitFacts,
  unit: string,
  targets: ReadonlySet<string>,
  date: string,
): AffiliationChain[] {
  if (facts.affiliationChains !== undefined)
    return facts.affiliationChains.filter(
      (c) => targets.has(c.target) && c.links.length <= affiliationDepth(ctx) && c.links.every((l) => inForce(l, date)),
    );
  return (facts.affiliations ?? [])
    .filter((a) => targets.has(a.unit) && inForce(a, date))
    .map((a) => ({
      target: a.unit,
      links: [
        {
          id: a.id,
          subject: a.direction === 'owns' ? unit : a.unit,
          object: a.direction === 'owns' ? a.unit : unit,
          relation: a.relation,
          from: a.from,
          to: a.to,
        },
      ],
    }));
}

/** A chain as the refusal names it: "A 持股 B，B 隶属 C" and "A holds shares in B; B is subordinate to C". */
export function chainText(chain: AffiliationChain): { en: string; zh: string } {
  const en = chain.links.map((l) =>
    l.relation === 'equity' ? `${l.subject} holds shares in ${l.object}` : `${l.object} is subordinate to ${l.subject}`,
  );
  const zh = chain.links.map((l) =>
    l.relation === 'equity' ? `${l.subject} 持股 ${l.object}` : `${l.object} 隶属 ${l.subject}`,
  );
  return { en: `${en.join('; ')} (records ${ids(chain.links)})`, zh: `${zh.join('，')}（记录 ${ids(chain.links)}）` };
}
