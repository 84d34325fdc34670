/**
 * The registry facts an event carries (design.md): looked up by the engine before the
 * transition and stored inside the event, so the guards read them here, replay re-checks the
 * same facts, and an auditor sees what each decision rested on. Facts are raw records, not
 * verdicts: the rules apply the challenge's own settings (look-back, thresholds) to them.
 */

export const recordKinds = ['dishonesty', 'misconduct', 'affiliation', 'cityProject'] as const;
export type RecordKind = (typeof recordKinds)[number];
export const affiliationRelations = ['subordination', 'equity'] as const;
export type AffiliationRelation = (typeof affiliationRelations)[number];
export const cityProjectStatuses = ['ongoing', 'accepted', 'terminated'] as const;
export type CityProjectStatus = (typeof cityProjectStatuses)[number];
/** A party's place in one of this service's challenges (the participations projection). */
export const participationStatuses = ['application', 'ongoing', 'overdue'] as const;
export type ParticipationStatus = (typeof participationStatuses)[number];

/** A dishonesty or misconduct record: in force from `from` to `to` (ISO dates, both included; null = open). */
export interface RecordFact {
  id: number;
  from: string;
  to: string | null;
}

/** A subordination or equity link between this unit and `unit`, in either direction. */
export interface AffiliationFact {
  id: number;
  unit: string;
  relation: AffiliationRelation;
  /** `owns`: this unit is the record's subject (parent or shareholder of `unit`); `ownedBy`: the reverse. */
  direction: 'owns' | 'ownedBy';
  from: string;
  to: string | null;
}

/** One affiliation record as a link of a chain: `subject` owns (equity) or is the parent of (subordination) `object`. */
export interface AffiliationLink {
  id: number;
  subject: string;
  object: string;
  relation: AffiliationRelation;
  from: string;
  to: string | null;
}

/**
 * A chain of affiliation links from this unit to `target` (S-5, X-7: "等关联关系"), each link in
 * either direction: a direct link, a common parent (two links), a parent's parent or a
 * shareholder of a shareholder, up to the programme's depth. Gathered with every record found,
 * in force or not; the rules keep the chains whose every link is in force on the event's date.
 */
export interface AffiliationChain {
  target: string;
  links: AffiliationLink[];
}

/**
 * A city-level project or application: an imported cityProject record still `ongoing`
 * (source `registry`), or one of this service's challenges (source `service`).
 */
export interface ProjectFact {
  source: 'registry' | 'service';
  /** The registry's projectId, or this service's challenge id (`challenge/bidId` for a bid). */
  ref: string;
  status: ParticipationStatus;
  /** This service's programme for `service` facts (L-2b counts this programme's applications). */
  programmeId: string | null;
  plannedEnd: string | null;
}

export interface UnitFacts {
  registered: boolean;
  type?: string;
  inCity?: boolean;
  legalPerson?: boolean;
  dishonesty?: RecordFact[];
  misconduct?: RecordFact[];
  affiliations?: AffiliationFact[];
  /** Chains of links to the units asked about, to the programme's depth (machine version 2 on). */
  affiliationChains?: AffiliationChain[];
  projects?: ProjectFact[];
}

export interface PersonFacts {
  registered: boolean;
  unit?: string;
  misconduct?: RecordFact[];
  projects?: ProjectFact[];
}

/** The programme's collection as it stands when the event comes (W-4): the bureau may close it early. */
export interface ProgrammeFacts {
  id: string;
  /** The programme's submission window closes at this instant (its current settings). */
  submissionClosesAt: string;
}

export interface EventFacts {
  programme?: ProgrammeFacts;
  units?: Record<string, UnitFacts>;
  persons?: Record<string, PersonFacts>;
  /** For each SHA-256 an event names: whether that file was uploaded to this challenge (P-7). */
  uploads?: Record<string, boolean>;
}

/**
 * One registry look-up an event's rules need, as its definition declares it; the engine runs
 * them in order (src/engine/write/facts.ts) and stores what it found in the event. Declared as
 * data so the machine stays pure and the engine never chooses facts by event type.
 */
export type FactNeed =
  /** A unit's registration; its dishonesty and misconduct records (`credit`), its projects, its links to `affiliatedWith`. */
  | { unit: string; credit?: boolean; projects?: boolean; affiliatedWith?: string[]; affiliationDepth?: number }
  /** A person's registration, misconduct records and projects. */
  | { person: string; misconduct?: boolean; projects?: boolean }
  /** A team: every member's misconduct (L-3), and the projects of its first `top` (L-2b). */
  | { team: string[]; top: number }
  /** The programme's current submission window (W-4). */
  | { programme: string }
  /** Experts: each one's registration and unit, and that unit's links to `affiliatedWith`. */
  | { experts: string[]; affiliatedWith: string[]; affiliationDepth?: number };
