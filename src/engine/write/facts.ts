/**
 * Registry facts an event's guards need, looked up before the transition and stored inside the
 * event (design.md): replay re-checks the facts the decision was made on, never today's registry.
 * Only what the event's rules read is gathered, as raw records; the rules in machines/ apply the
 * challenge's settings (look-back, thresholds) to them.
 */
import type {
  AffiliationChain,
  AffiliationFact,
  AffiliationLink,
  EventFacts,
  FactNeed,
  PersonFacts,
  ProgrammeFacts,
  ProjectFact,
  RecordFact,
  UnitFacts,
} from '../../../machines/challenge/facts.js';
import type { ProgrammeSettings } from '../../../machines/programme.js';
import type { ParticipationRow, PersonRow, ProgrammeRow, RecordRow, Store, UnitRow } from '../store.js';

/** The store's statements that gather facts read, and nothing else. */
export const factStatements = [
  'unitByCode',
  'personById',
  'recordsOfUnit',
  'recordsOfPerson',
  'affiliationsOf',
  'participationsOf',
  'programmeById',
] as const;
type FactStore = Pick<Store, (typeof factStatements)[number]>;

/**
 * The facts an event needs, as its definition declares them (`facts`), looked up in the order
 * declared; undefined when its rules read no registry facts.
 */
export async function gatherFacts(
  store: FactStore,
  needs: readonly FactNeed[] | undefined,
): Promise<EventFacts | undefined> {
  const steps = factSteps(store, needs);
  let step = steps.next();
  while (!step.done) step = steps.next(await step.value());
  return step.value;
}

/**
 * The same, for a store that answers at once (SQLite's statements, or the model-based test's
 * registry reads, test/helpers/registry-reads.ts): that test computes facts while it plans its
 * paths, where nothing can be awaited.
 */
export function gatherFactsNow(store: FactStore, needs: readonly FactNeed[] | undefined): EventFacts | undefined {
  const steps = factSteps(store, needs);
  let step = steps.next();
  while (!step.done) {
    const value = step.value();
    if (value instanceof Promise) throw new Error('gatherFactsNow needs a store that answers at once');
    step = steps.next(value);
  }
  return step.value;
}

/** One read of the registry: the builder yields it, its driver runs it and hands back the rows. */
type Read = () => unknown;
type Steps<T> = Generator<Read, T, unknown>;

function* factSteps(store: FactStore, needs: readonly FactNeed[] | undefined): Steps<EventFacts | undefined> {
  if (needs === undefined) return undefined;
  const f = new FactsBuilder(store);
  for (const need of needs) {
    if ('unit' in need)
      yield* f.unit(need.unit, {
        ...(need.credit ? { credit: true } : {}),
        ...(need.projects ? { projects: true } : {}),
        ...(need.affiliatedWith ? { affiliatedWith: need.affiliatedWith } : {}),
        ...(need.affiliationDepth ? { affiliationDepth: need.affiliationDepth } : {}),
      });
    else if ('person' in need)
      yield* f.person(need.person, {
        ...(need.misconduct ? { misconduct: true } : {}),
        ...(need.projects ? { projects: true } : {}),
      });
    else if ('team' in need) yield* f.team(need.team, need.top);
    else if ('programme' in need) yield* f.programme(need.programme);
    else
      for (const expert of need.experts) {
        const person = yield* f.person(expert, {});
        if (person.unit !== undefined)
          yield* f.unit(person.unit, {
            affiliatedWith: need.affiliatedWith,
            ...(need.affiliationDepth ? { affiliationDepth: need.affiliationDepth } : {}),
          });
      }
  }
  return f.facts();
}

interface UnitWants {
  /** Dishonesty and misconduct records (T-2.2, S-T2, L-3). */
  credit?: boolean;
  /** Ongoing and overdue projects and live applications (L-1, L-2a). */
  projects?: boolean;
  /** Affiliation links with these units, either direction (S-5, X-7). */
  affiliatedWith?: string[];
  /** Also every chain of links to them up to this many links (S-5, X-7: 等关联关系). */
  affiliationDepth?: number;
}

class FactsBuilder {
  private readonly units: Record<string, UnitFacts> = {};
  private readonly persons: Record<string, PersonFacts> = {};
  private programmeFacts: ProgrammeFacts | undefined;
  constructor(private readonly store: FactStore) {}

  /** The programme's submission window as it stands now (W-4). */
  *programme(id: string): Steps<void> {
    const row = (yield () => this.store.programmeById.get({ id })) as ProgrammeRow | undefined;
    if (row) this.programmeFacts = { id, submissionClosesAt: (row.settings as ProgrammeSettings).submission.closesAt };
  }

  *unit(code: string, want: UnitWants): Steps<UnitFacts> {
    let facts = this.units[code];
    if (!facts) {
      const row = (yield () => this.store.unitByCode.get({ code })) as UnitRow | undefined;
      facts = row
        ? { registered: true, type: row.type, inCity: row.inCity, legalPerson: row.legalPerson }
        : { registered: false };
      this.units[code] = facts;
    }
    if (!facts.registered) return facts;
    if (want.credit) {
      facts.dishonesty ??= (
        (yield () => this.store.recordsOfUnit.all({ unit: code, kind: 'dishonesty' })) as RecordRow[]
      ).map(recordFact);
      facts.misconduct ??= (
        (yield () => this.store.recordsOfUnit.all({ unit: code, kind: 'misconduct' })) as RecordRow[]
      ).map(recordFact);
    }
    if (want.projects)
      facts.projects ??= [
        ...ongoingCityProjects(
          (yield () => this.store.recordsOfUnit.all({ unit: code, kind: 'cityProject' })) as RecordRow[],
        ),
        ...(yield* this.serviceProjects('unit', code)),
      ];
    if (want.affiliatedWith) {
      const others = new Set(want.affiliatedWith);
      const links = ((yield () => this.store.affiliationsOf.all({ unit: code })) as RecordRow[]).flatMap((r) =>
        affiliationFact(code, r, others),
      );
      const known = new Set((facts.affiliations ?? []).map((a) => a.id));
      facts.affiliations = [...(facts.affiliations ?? []), ...links.filter((a) => !known.has(a.id))];
      if (want.affiliationDepth !== undefined) {
        const chains = yield* this.chains(code, others, want.affiliationDepth);
        const seen = new Set((facts.affiliationChains ?? []).map(chainKey));
        facts.affiliationChains = [...(facts.affiliationChains ?? []), ...chains.filter((c) => !seen.has(chainKey(c)))];
      }
    }
    return facts;
  }

  /**
   * Every chain of affiliation links from `from` to one of `targets`, each link either way, of
   * at most `depth` links and through no unit twice; a chain ends at the first target it meets.
   * Records in force or not (the rules read their dates). At most MAX_CHAINS, shortest first.
   */
  private *chains(from: string, targets: Set<string>, depth: number): Steps<AffiliationChain[]> {
    const found: AffiliationChain[] = [];
    const linksOf = new Map<string, RecordRow[]>();
    const store = this.store;
    function* recordsOf(unit: string): Steps<RecordRow[]> {
      let rows = linksOf.get(unit);
      if (!rows) {
        rows = (yield () => store.affiliationsOf.all({ unit })) as RecordRow[];
        linksOf.set(unit, rows);
      }
      return rows;
    }
    // Breadth first, so the shortest chains are found (and kept) first.
    let frontier: { at: string; path: AffiliationLink[]; units: Set<string> }[] = [
      { at: from, path: [], units: new Set([from]) },
    ];
    for (let length = 1; length <= depth && frontier.length > 0 && found.length < MAX_CHAINS; length++) {
      const next: typeof frontier = [];
      for (const step of frontier)
        for (const r of yield* recordsOf(step.at)) {
          if (r.subjectUnit === null || r.otherUnit === null || r.relation === null) continue;
          const other = r.subjectUnit === step.at ? r.otherUnit : r.subjectUnit;
          if (step.units.has(other)) continue;
          const link: AffiliationLink = {
            id: r.id,
            subject: r.subjectUnit,
            object: r.otherUnit,
            relation: r.relation,
            from: r.from,
            to: r.to,
          };
          const path = [...step.path, link];
          if (targets.has(other)) {
            if (found.length < MAX_CHAINS) found.push({ target: other, links: path });
          } else next.push({ at: other, path, units: new Set([...step.units, other]) });
        }
      frontier = next.slice(0, MAX_FRONTIER);
    }
    return found;
  }

  /** A person's registration, and their misconduct records and projects when asked for. */
  *person(id: string, want: { misconduct?: boolean; projects?: boolean }): Steps<PersonFacts> {
    let facts = this.persons[id];
    if (!facts) {
      const row = (yield () => this.store.personById.get({ id })) as PersonRow | undefined;
      facts = row ? { registered: true, unit: row.unit } : { registered: false };
      this.persons[id] = facts;
    }
    if (!facts.registered) return facts;
    if (want.misconduct)
      facts.misconduct ??= (
        (yield () => this.store.recordsOfPerson.all({ person: id, kind: 'misconduct' })) as RecordRow[]
      ).map(recordFact);
    if (want.projects)
      facts.projects ??= [
        ...ongoingCityProjects(
          (yield () => this.store.recordsOfPerson.all({ person: id, kind: 'cityProject' })) as RecordRow[],
        ),
        ...(yield* this.serviceProjects('person', id)),
      ];
    return facts;
  }

  /** Every member's misconduct (L-3); the projects of the first `top` (L-2b: leader included). */
  *team(team: string[], top: number): Steps<void> {
    const ranked = new Set(team.slice(0, top));
    for (const id of new Set(team.filter((p) => p !== '')))
      yield* this.person(id, { misconduct: true, projects: ranked.has(id) });
  }

  private *serviceProjects(party: 'unit' | 'person', subject: string): Steps<ProjectFact[]> {
    const rows = (yield () => this.store.participationsOf.all({ party, subject })) as ParticipationRow[];
    return rows.map((p) => ({
      source: 'service',
      ref: p.ref,
      status: p.status,
      programmeId: p.programmeId,
      plannedEnd: p.plannedEnd,
    }));
  }

  facts(): EventFacts {
    return {
      ...(this.programmeFacts ? { programme: this.programmeFacts } : {}),
      units: this.units,
      persons: this.persons,
    };
  }
}

const recordFact = (r: RecordRow): RecordFact => ({ id: r.id, from: r.from, to: r.to });

/** Bounds on the chains one unit's facts carry: enough to name every relation, never a whole registry. */
const MAX_CHAINS = 20;
const MAX_FRONTIER = 2_000;
const chainKey = (c: AffiliationChain) => `${c.target}:${c.links.map((l) => l.id).join(',')}`;

/** The latest cityProject record of each projectId wins; those still `ongoing` are facts. */
function ongoingCityProjects(rows: RecordRow[]): ProjectFact[] {
  const latest = new Map<string, RecordRow>();
  for (const row of rows) if (row.projectId !== null) latest.set(row.projectId, row);
  return [...latest.values()]
    .filter((r) => r.status === 'ongoing')
    .map((r) => ({
      source: 'registry',
      ref: r.projectId ?? '',
      status: 'ongoing',
      programmeId: null,
      plannedEnd: r.plannedEnd,
    }));
}

function affiliationFact(unit: string, r: RecordRow, others: Set<string>): AffiliationFact[] {
  const owns = r.subjectUnit === unit;
  const other = owns ? r.otherUnit : r.subjectUnit;
  if (other === null || other === unit || !others.has(other) || r.relation === null) return [];
  return [
    { id: r.id, unit: other, relation: r.relation, direction: owns ? 'owns' : 'ownedBy', from: r.from, to: r.to },
  ];
}

/** Whether each file an event names by SHA-256 was uploaded to this challenge (rule P-7 reads it). */
export async function gatherUploadFacts(
  isUploaded: (challengeId: string, sha256: string) => Promise<boolean>,
  challengeId: string,
  files: readonly string[] | undefined,
): Promise<EventFacts | undefined> {
  if (files === undefined || files.length === 0) return undefined;
  const uploads: Record<string, boolean> = {};
  for (const sha256 of files) uploads[sha256] = await isUploaded(challengeId, sha256);
  return { uploads };
}
