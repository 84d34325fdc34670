/**
 * Every event of the challenge, gathered from the stage files (stages/), and every table the
 * service needs of them, derived here and nowhere else: payload schemas and the body union of
 * `POST /challenges/:id/events` (HTTP and OpenAPI), the types of the machine's events, the
 * checks behind the `rulesAllow` guard and the clauses they cite, the reducers, the senders, the
 * registry facts and files to gather, the fields withheld from parties, the deadlines.
 * To add an event: define it in its stage file, list it there, and take it in the chart.
 */
import { z } from 'zod';
import type { StaffEventDefinition, StaffEventOf, SystemEventDefinition, SystemEventOf } from './event.js';
import { collectionEvents } from './stages/1-collection.js';
import { reviewEvents } from './stages/2-review.js';
import { publicationEvents } from './stages/3-publication.js';
import { matchingEvents } from './stages/4-matching.js';
import { expertReviewEvents } from './stages/5-expert-review.js';
import { announcementEvents } from './stages/6-announcement.js';
import { disbursementEvents } from './stages/7-disbursement.js';
import { managementEvents } from './stages/8-management.js';
import { evaluationEvents } from './stages/9-evaluation.js';
import type { ChallengeContext, Violation } from './types.js';
import { MACHINE_VERSION } from './version.js';

/** The machine version new events run under, as a number (rules and reducers compare it). */
const CURRENT_VERSION = Number(MACHINE_VERSION);

export type { Actor, Envelope, TimerInfo } from './event.js';
export type { EventFacts } from './facts.js';

/** Every event definition, stage by stage, in the order of the guide. */
export const eventDefinitions = [
  ...collectionEvents,
  ...reviewEvents,
  ...publicationEvents,
  ...matchingEvents,
  ...expertReviewEvents,
  ...announcementEvents,
  ...disbursementEvents,
  ...managementEvents,
  ...evaluationEvents,
] as const;

type Definition = (typeof eventDefinitions)[number];
type StaffDefinition = Extract<Definition, { kind: 'staff' }>;
type SystemDefinition = Extract<Definition, { kind: 'system' }>;

export type StaffEventType = StaffDefinition['type'];
export type SystemEventType = SystemDefinition['type'];

type EventOfDefinition<D> =
  D extends StaffEventDefinition<infer T, infer S>
    ? StaffEventOf<T, S>
    : D extends SystemEventDefinition<infer T>
      ? SystemEventOf<T>
      : never;

export type StaffEvent = EventOfDefinition<StaffDefinition>;
export type SystemEvent = EventOfDefinition<SystemDefinition>;
export type ChallengeEvent = StaffEvent | SystemEvent;
export type EventOf<T extends ChallengeEvent['type']> = Extract<ChallengeEvent, { type: T }>;

const isStaff = (d: Definition): d is StaffDefinition => d.kind === 'staff';
const isSystem = (d: Definition): d is SystemDefinition => d.kind === 'system';

export const staffEventDefinitions: readonly StaffDefinition[] = eventDefinitions.filter(isStaff);
export const systemEventDefinitions: readonly SystemDefinition[] = eventDefinitions.filter(isSystem);

/** The events staff post, in the guide's order (allowedEvents, OpenAPI, docs list them so). */
export const staffEventTypes: readonly StaffEventType[] = staffEventDefinitions.map((d) => d.type);
/** Events only the scheduler sends, as the `system` actor; no token can hold that role. */
export const systemEventTypes: readonly SystemEventType[] = systemEventDefinitions.map((d) => d.type);

const byType = new Map<string, Definition>(eventDefinitions.map((d) => [d.type, d]));

/** The definition of a staff event type. */
export function staffDefinitionOf(type: StaffEventType): StaffEventDefinition {
  return byType.get(type) as unknown as StaffEventDefinition;
}

/** Payload schemas of the events staff post, keyed by type. */
export const payloadSchemas = Object.fromEntries(staffEventDefinitions.map((d) => [d.type, d.payload])) as {
  [D in StaffDefinition as D['type']]: D['payload'];
};

/** The body of `POST /challenges/:id/events`: a discriminated union on `type`. */
export const eventBodySchema = z.discriminatedUnion(
  'type',
  staffEventDefinitions.map((d) => d.payload.extend({ type: z.literal(d.type) })) as unknown as [
    z.ZodObject<{ type: z.ZodLiteral<StaffEventType> }>,
    ...z.ZodObject<{ type: z.ZodLiteral<StaffEventType> }>[],
  ],
);

type AnyRule = { clause: string; since?: number; check(ctx: ChallengeContext, event: ChallengeEvent): Violation[] };
/** The rules of an event under machine `version`: those added later are left out. */
const rulesOf = (type: string, version: number = CURRENT_VERSION): readonly AnyRule[] =>
  ((byType.get(type)?.rules ?? []) as readonly AnyRule[]).filter((r) => (r.since ?? 1) <= version);

/**
 * All violations an event meets in this context under machine `version` (the current one unless
 * a replay of an older history asks); empty means the guide allows it.
 */
export function violationsOf(ctx: ChallengeContext, event: ChallengeEvent, version = CURRENT_VERSION): Violation[] {
  return rulesOf(event.type, version).flatMap((r) => r.check(ctx, event));
}

/** The clause IDs an event's `rulesAllow` guard stands for, in the order its rules check them. */
export function clausesOf(type: string): readonly string[] {
  return [...new Set(rulesOf(type).map((r) => r.clause))];
}

type AnyReducer = (ctx: ChallengeContext, event: ChallengeEvent, version: number) => Partial<ChallengeContext>;

/** The context after an accepted event (outcomes are set by the transition, not here). */
export function applyEvent(
  ctx: ChallengeContext,
  event: ChallengeEvent,
  version = CURRENT_VERSION,
): Partial<ChallengeContext> {
  const apply = byType.get(event.type)?.apply as AnyReducer | undefined;
  return apply ? apply(ctx, event, version) : {};
}

/** When a system event falls due on this challenge, or null while it has no date. */
export function dueAt(type: SystemEventType, ctx: ChallengeContext): string | null {
  const definition = byType.get(type);
  return definition?.kind === 'system' ? definition.due(ctx) : null;
}

/** Payload fields of an event that no party of the challenge reads in its history. */
export function confidentialFieldsOf(type: string): readonly string[] {
  const definition = byType.get(type);
  return (definition?.kind === 'staff' && 'confidential' in definition ? definition.confidential : undefined) ?? [];
}
