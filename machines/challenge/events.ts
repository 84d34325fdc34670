/**
 * One zod schema per event type: the payload a client posts (`{type, …payload}`). The same
 * schemas validate HTTP bodies, document the OpenAPI, and type the machine's events.
 * Shape is checked here (400 VALIDATION_FAILED); the guide's rules are checked by the guards
 * (422 RULE_VIOLATION), so a rule always comes back with its clause.
 */
import { z } from 'zod';
import { instant, isoDate } from '../programme.js';

const text = z.string().trim().min(1).max(20_000);
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only');
const cny = z.number().int().nonnegative().max(1e13);
const sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256 digest')
  .describe('SHA-256 of an uploaded file');

export const challengeKinds = ['techBreakthrough', 'achievementTransfer'] as const;
export type ChallengeKind = (typeof challengeKinds)[number];

export const attachmentKinds = [
  'applicationForm',
  'unitPledge',
  'leaderPledge',
  'auditReport2024',
  'auditReport2025',
  'capacityEvidence',
  'teamEvidence',
  'priorTasks',
  'indicatorTests',
  'ipDocuments',
  'supportTeam',
  'ethicsReview',
] as const;
export type AttachmentKind = (typeof attachmentKinds)[number];

/** The editable part of a challenge (draft body of `api.md`, less programmeId). */
export const draftFieldsSchema = z.strictObject({
  kind: z.enum(challengeKinds),
  domain: z.string().min(1).max(64),
  title: z.string().trim().min(1).max(500),
  summary: z.string().max(20_000),
  issuerUnit: id.describe('unified social credit code of the issuing unit'),
  districtUnit: id.describe('unified social credit code of the recommending unit'),
  leader: z.string().max(64).describe('person id of the project leader'),
  team: z.array(id).max(100).describe('person ids, leader first'),
  indicators: z.array(z.string().trim().min(1).max(2000)).max(200),
  periodMonths: z.number().int().min(0).max(1200),
  ipOwnership: z.string().max(5000),
  solverConditions: z.string().max(20_000),
  investment: z.strictObject({ ownPilotCny: cny, solverFundingCny: cny }),
  endUserAttested: z.boolean(),
  classified: z.boolean(),
  ethicsSensitive: z.boolean(),
  horseRace: z
    .strictObject({
      routes: z.array(z.strictObject({ name: z.string().trim().min(1).max(200), investmentCny: cny })).max(20),
    })
    .nullable(),
  priority: z.strictObject({
    firstOfAKind: z.boolean(),
    commonTechnology: z.boolean(),
    publicInterest: z.boolean(),
    graduateAssistantPosts: z.number().int().nonnegative().max(10_000),
  }),
});
export type DraftFields = z.infer<typeof draftFieldsSchema>;

/**
 * A new draft: the identity fields are required, the rest may be filled in later with UPDATE;
 * completeness is checked at SUBMIT (T-2.4, C-2.2, C-2.3, Q-4 …), not here.
 */
export const createChallengeSchema = draftFieldsSchema
  .partial()
  .required({ kind: true, domain: true, title: true, issuerUnit: true, districtUnit: true })
  .extend({ programmeId: id });
export type CreateChallengeBody = z.infer<typeof createChallengeSchema>;

export function completeDraft(body: Omit<CreateChallengeBody, 'programmeId'>): DraftFields {
  return {
    summary: '',
    leader: '',
    team: [],
    indicators: [],
    periodMonths: 0,
    ipOwnership: '',
    solverConditions: '',
    investment: { ownPilotCny: 0, solverFundingCny: 0 },
    endUserAttested: false,
    classified: false,
    ethicsSensitive: false,
    horseRace: null,
    priority: {
      firstOfAKind: false,
      commonTechnology: false,
      publicInterest: false,
      graduateAssistantPosts: 0,
    },
    ...body,
  };
}

const objector = z.union([
  z.strictObject({ name: z.string().max(200) }),
  z.strictObject({ unit: z.string().max(200) }),
]);

/** Payload schemas of the events staff post, keyed by type. */
export const payloadSchemas = {
  UPDATE: draftFieldsSchema.partial(),
  ATTACH: z.strictObject({ kind: z.enum(attachmentKinds), sha256 }),
  SUBMIT: z.strictObject({ confirmDetails: z.boolean() }),
  WITHDRAW: z.strictObject({ reason: text }),
  RECOMMEND: z.strictObject({ opinion: text }),
  RETURN: z.strictObject({ reason: text }),
  DECLINE: z.strictObject({ reason: text }),
  PASS_FORMAL_CHECK: z.strictObject({ opinion: text }),
  APPROVE_DEMAND: z.strictObject({ opinion: text }),
  PUBLISH: z.strictObject({ biddingClosesAt: instant }),
  BID: z.strictObject({
    bidId: id,
    members: z.array(id).min(1).max(20).describe('unit codes of the solver side, lead unit first'),
    leader: id,
    team: z.array(id).max(100).describe('person ids, leader first'),
    plan: z.string().max(50_000),
    route: z.string().max(200).optional(),
    requestedFundingCny: cny,
  }),
  WITHDRAW_BID: z.strictObject({ bidId: id }),
  AGREE: z.strictObject({ bidId: id, agreedFundingCny: cny }),
  EXTEND_BIDDING: z.strictObject({ biddingClosesAt: instant }),
  CLOSE_MATCHING: z.strictObject({}),
  DECLARE_UNFILLED: z.strictObject({ reason: text }),
  ASSIGN_PANEL: z.strictObject({ experts: z.array(id).min(1).max(99) }),
  SCORE: z.strictObject({
    bidId: id,
    score: z.number().min(0).max(100),
    comment: z.string().max(20_000),
    noConflictDeclared: z.boolean(),
  }),
  SELECT: z.strictObject({ bidIds: z.array(id).min(1).max(20) }),
  OBJECT: z.strictObject({
    objector: objector.optional().describe('a real name or a unit (X-2); missing → refused'),
    text,
  }),
  RESOLVE_OBJECTION: z.strictObject({ objectionId: id, upheld: z.boolean(), opinion: text }),
  REGISTER_CONTRACT: z.strictObject({
    trackId: id,
    contractNo: z.string().trim().min(1).max(100),
    registeredOn: isoDate,
  }),
  RECORD_PAYMENT: z.strictObject({
    trackId: id,
    amountCny: cny.min(1),
    paidOn: isoDate,
    evidenceSha256: sha256,
  }),
  DISBURSE: z.strictObject({ trackId: id, amountCny: cny.min(1), phase: z.enum(['first', 'later']) }),
  START_IMPLEMENTATION: z.strictObject({ startedOn: isoDate }),
  REPORT_PROGRESS: z.strictObject({ trackId: id, milestone: z.string().trim().min(1).max(500), text }),
  MIDTERM_DECISION: z.strictObject({
    trackId: id,
    decision: z.enum(['continue', 'stop']),
    opinion: text,
  }),
  APPROVE_CHANGE: z.strictObject({
    kind: z.enum(['leader', 'schedule', 'indicators', 'extension']),
    detail: text,
    newPlannedEnd: isoDate.optional(),
  }),
  TERMINATE: z.strictObject({ reason: text }),
  SUBMIT_FINAL_REPORT: z.strictObject({ trackId: id, reportSha256: sha256 }),
  ACCEPTANCE_DECISION: z.strictObject({
    result: z.enum(['passed', 'rectify', 'failed']),
    opinion: text,
  }),
} as const;

/** Events only the scheduler sends, as the `system` actor; no token can hold that role. */
export const systemEventTypes = [
  'SUBMISSION_WINDOW_CLOSED',
  'RECOMMENDATION_DEADLINE_PASSED',
  'BIDDING_CLOSED',
  'NOTICE_PERIOD_ENDED',
  'PERIOD_ENDED',
  'ACCEPTANCE_OVERDUE',
] as const;
export type SystemEventType = (typeof systemEventTypes)[number];

export type StaffEventType = keyof typeof payloadSchemas;
export const staffEventTypes = Object.keys(payloadSchemas) as StaffEventType[];
export type EventType = StaffEventType | SystemEventType | 'CREATE';

/** Who sent an event: taken from the bearer token, never from the body. */
export interface Actor {
  id: string;
  role: 'admin' | 'bureau' | 'district' | 'issuer' | 'solver' | 'expert' | 'finance' | 'auditor' | 'system';
  unit?: string;
  person?: string;
}

/**
 * Registry facts the engine looked up before the transition and stored with the event, so
 * replay re-checks the same facts and an auditor sees what a decision rested on.
 */
export interface EventFacts {
  units?: Record<string, { registered: boolean; type?: string; inCity?: boolean; legalPerson?: boolean }>;
  persons?: Record<string, { registered: boolean; unit?: string }>;
  /** For each SHA-256 an event names: whether that file was uploaded to this challenge (P-7). */
  uploads?: Record<string, boolean>;
}

/** A timer event carries the due time it was scheduled for; `lateMs` > 0 when it fired late. */
export interface TimerInfo {
  timerId: number;
  dueAt: string;
  lateMs: number;
}

interface Envelope {
  at: string;
  actor: Actor;
  facts?: EventFacts;
}

export type StaffEvent = {
  [K in StaffEventType]: { type: K } & z.infer<(typeof payloadSchemas)[K]> & Envelope;
}[StaffEventType];

export type SystemEvent = {
  [K in SystemEventType]: { type: K; timer: TimerInfo } & Envelope;
}[SystemEventType];

export type ChallengeEvent = StaffEvent | SystemEvent;
export type EventOf<T extends ChallengeEvent['type']> = Extract<ChallengeEvent, { type: T }>;

/** The body of `POST /challenges/:id/events`: a discriminated union on `type`. */
export const eventBodySchema = z.discriminatedUnion(
  'type',
  staffEventTypes.map((type) => payloadSchemas[type].extend({ type: z.literal(type) })) as unknown as [
    z.ZodObject<{ type: z.ZodLiteral<StaffEventType> }>,
    ...z.ZodObject<{ type: z.ZodLiteral<StaffEventType> }>[],
  ],
);
