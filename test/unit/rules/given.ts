/**
 * Given/when for the rule unit tests: a challenge context built the way the machine builds one
 * (`initialContext` with the Urumqi 2026 settings and a draft that passes every SUBMIT rule), an
 * event with the envelope the engine adds, and the registry facts a rule reads. No app, no
 * database: a rule is a pure function of the context and the event, so this is all it needs.
 */
import { initialContext } from '../../../machines/challenge/context.js';
import {
  type ChallengeEvent,
  type Envelope,
  type EventOf,
  systemEventTypes,
} from '../../../machines/challenge/events.js';
import type {
  AffiliationFact,
  EventFacts,
  PersonFacts,
  ProjectFact,
  RecordFact,
  UnitFacts,
} from '../../../machines/challenge/facts.js';
import { type AttachmentKind, completeDraft, type DraftFields } from '../../../machines/challenge/schemas.js';
import type { Bid, ChallengeContext, Track } from '../../../machines/challenge/types.js';
import { wlmq2026 } from '../../../machines/programme.js';
import { techDraftFields, transferDraftFields } from '../../helpers/drafts.js';

/** Unit codes: the rules compare codes, they never validate them, so readable names do. */
export const UNITS = {
  issuer: 'U-ISSUER',
  district: 'U-DISTRICT',
  holder: 'U-HOLDER',
  solverA: 'U-SOLVER-A',
  solverB: 'U-SOLVER-B',
  neutral: 'U-NEUTRAL',
} as const;

/**
 * The default time of an event: inside the 2026 submission window, so the credit look-back
 * starts on 2023-05-06 and "today" in Beijing is 2026-05-06.
 */
export const AT = '2026-05-06T10:00:00+08:00';

/** The drafts of the integration cast, under this file's units. */
const techDraft: DraftFields = completeDraft(techDraftFields({ issuer: UNITS.issuer, district: UNITS.district }));
const transferDraft: DraftFields = completeDraft(
  transferDraftFields({ holder: UNITS.holder, district: UNITS.district }),
);

/** Two routes, each with its investment stated (H-1, H-2). */
export const twoRoutes: NonNullable<DraftFields['horseRace']> = {
  routes: [
    { name: 'route-a', investmentCny: 2_000_000 },
    { name: 'route-b', investmentCny: 1_000_000 },
  ],
};

/** Changes to a context; `draft` is merged into the base draft rather than replacing it. */
export type Given = Partial<Omit<ChallengeContext, 'draft'>> & { draft?: Partial<DraftFields> };

function contextOf(base: DraftFields, { draft: draftChanges, ...changes }: Given): ChallengeContext {
  const draft = { ...base, ...draftChanges };
  const created = initialContext({
    id: 'c-1',
    programmeId: 'wlmq-2026',
    settings: wlmq2026,
    draft,
    at: '2026-04-26T10:00:00+08:00',
    actor: { id: 'issuer-token', role: 'issuer', unit: draft.issuerUnit },
  });
  return { ...created, ...changes };
}

/** A technology-breakthrough challenge with `changes`. */
export const givenChallenge = (changes: Given = {}): ChallengeContext => contextOf(techDraft, changes);
/** An achievement-transfer challenge with `changes`. */
export const givenTransfer = (changes: Given = {}): ChallengeContext => contextOf(transferDraft, changes);
/** A horse-race technology breakthrough on `twoRoutes`, with `changes`. */
export const givenHorseRace = (changes: Given = {}): ChallengeContext =>
  contextOf({ ...techDraft, horseRace: twoRoutes }, changes);

export const attached = (kinds: readonly AttachmentKind[]): ChallengeContext['attachments'] =>
  kinds.map((kind, i) => ({ kind, sha256: String(i).repeat(64), at: '2026-05-01T10:00:00+08:00' }));

/** A live bid by solver A's team, not yet agreed. */
export const bid = (bidId: string, changes: Partial<Bid> = {}): Bid => ({
  bidId,
  members: [UNITS.solverA],
  leader: 'a-lead',
  team: ['a-lead', 'a-m1'],
  plan: '可行方案',
  route: null,
  requestedFundingCny: 3_000_000,
  submittedAt: '2026-07-01T10:00:00+08:00',
  submittedBy: 'solver-token',
  withdrawn: false,
  agreedFundingCny: null,
  ...changes,
});

/** A bid the issuer agreed 3,000,000 on: under expert review. */
export const agreedBid = (bidId: string, changes: Partial<Bid> = {}): Bid =>
  bid(bidId, { agreedFundingCny: 3_000_000, ...changes });

/** An active track of solver A with nothing paid or disbursed yet. */
export const track = (trackId: string, changes: Partial<Track> = {}): Track => ({
  trackId,
  solverUnit: UNITS.solverA,
  route: null,
  agreedFundingCny: 3_000_000,
  status: 'active',
  contract: null,
  paidCny: 0,
  disbursedCny: 0,
  firstPhaseCny: 0,
  midterm: null,
  progress: [],
  finalReportSha256: null,
  ...changes,
});

export const registeredContract = { contractNo: 'HT-2026-001', registeredOn: '2026-08-01' };

type PayloadOf<T extends ChallengeEvent['type']> = Omit<EventOf<T>, 'type' | keyof Envelope | 'timer'>;
const systemTypes: readonly string[] = systemEventTypes;

/**
 * When `type` arrives with `payload` at `envelope.at` (default `AT`), sent by the bureau unless
 * `envelope.actor` says otherwise, carrying `envelope.facts`. A system event carries the timer it
 * fired from, due at the same instant.
 */
export function when<T extends ChallengeEvent['type']>(
  type: T,
  payload: PayloadOf<T>,
  envelope: Partial<Envelope> = {},
): EventOf<T> {
  const at = envelope.at ?? AT;
  const timer = systemTypes.includes(type) ? { timer: { timerId: 1, dueAt: at, lateMs: 0 } } : {};
  const event = { type, ...payload, actor: { id: 'bureau-token', role: 'bureau' }, ...envelope, at, ...timer };
  // The spread loses the link between `type` and its payload that the signature states.
  return event as unknown as EventOf<T>;
}

/** One millisecond before an instant (the last moment a window is still ahead). */
export const justBefore = (instant: string): string => new Date(Date.parse(instant) - 1).toISOString();

// Registry facts, as the engine stores them in an event.

/** A registered in-city enterprise with legal-person status; `changes` make it something else. */
export const unit = (changes: Partial<UnitFacts> = {}): UnitFacts => ({
  registered: true,
  type: 'enterprise',
  inCity: true,
  legalPerson: true,
  ...changes,
});

export const person = (changes: Partial<PersonFacts> = {}): PersonFacts => ({ registered: true, ...changes });

/** A dishonesty or misconduct record in force from `from` to `to` (null: still in force). */
export const record = (id: number, from: string, to: string | null = null): RecordFact => ({ id, from, to });

/**
 * An equity link: the unit whose facts carry it owns `other`; in force since 2020 unless `changes`
 * say otherwise.
 */
export const affiliation = (id: number, other: string, changes: Partial<AffiliationFact> = {}): AffiliationFact => ({
  id,
  unit: other,
  relation: 'equity',
  direction: 'owns',
  from: '2020-01-01',
  to: null,
  ...changes,
});

/** An ongoing city project imported from the registry, planned to end on `plannedEnd`. */
export const project = (ref: string, changes: Partial<ProjectFact> = {}): ProjectFact => ({
  source: 'registry',
  ref,
  status: 'ongoing',
  programmeId: null,
  plannedEnd: '2027-12-31',
  ...changes,
});

/** `n` ongoing imported projects. */
export const projects = (n: number): ProjectFact[] => Array.from({ length: n }, (_, i) => project(`P-${i + 1}`));

/**
 * The facts a SUBMIT of `ctx` passes with: the issuer a registered in-city enterprise, the
 * district a registered district S&T department, every team member with an account; `changes`
 * replace single units or persons.
 */
export function submissionFacts(ctx: ChallengeContext, changes: EventFacts = {}): EventFacts {
  return {
    units: {
      [ctx.draft.issuerUnit]: unit(),
      [ctx.draft.districtUnit]: unit({ type: 'districtDept' }),
      ...changes.units,
    },
    persons: {
      ...Object.fromEntries(ctx.draft.team.map((p) => [p, person({ unit: ctx.draft.issuerUnit })])),
      ...changes.persons,
    },
  };
}

/** A BID payload of solver A's team (route none), to change field by field. */
export const bidPayload = (changes: Partial<PayloadOf<'BID'>> = {}): PayloadOf<'BID'> => ({
  bidId: 'bid-1',
  members: [UNITS.solverA],
  leader: 'a-lead',
  team: ['a-lead', 'a-m1'],
  plan: '可行方案',
  requestedFundingCny: 3_000_000,
  ...changes,
});

/** The facts a BID passes with: every member a registered university, every team member with an account. */
export function bidFacts(members: readonly string[], team: readonly string[], changes: EventFacts = {}): EventFacts {
  return {
    units: { ...Object.fromEntries(members.map((m) => [m, unit({ type: 'university' })])), ...changes.units },
    persons: { ...Object.fromEntries(team.map((p) => [p, person({ unit: members[0] })])), ...changes.persons },
  };
}
