/**
 * What an event is, defined once in its stage file (stages/): its payload schema, who may send
 * it and in which scope, which registry facts and uploaded files its rules read, its rules, and
 * how it changes the context. Everything else the service needs of an event (payload schemas,
 * senders, reducers, checks, clause lists, fact needs, the OpenAPI union) is derived from these
 * definitions in events.ts, never written again by hand.
 */
import type { z } from 'zod';
import type { EventFacts, FactNeed } from './facts.js';
import type { ActorRole, Scope, TokenRole } from './parties.js';
import type { Rule } from './rule.js';
import type { ChallengeKind } from './schemas.js';
import type { ChallengeContext } from './types.js';

/** Who sent an event: taken from the bearer token, never from the body. */
export interface Actor {
  id: string;
  role: ActorRole;
  unit?: string;
  person?: string;
}

/** A timer event carries the due time it was scheduled for; `lateMs` > 0 when it fired late. */
export interface TimerInfo {
  timerId: number;
  dueAt: string;
  lateMs: number;
}

/** What the engine adds to every event: the server's time, the sender, the facts gathered. */
export interface Envelope {
  at: string;
  actor: Actor;
  facts?: EventFacts;
}

/** The chart's tags a sender condition can name (machine.ts declares them on the stages). */
export type SenderTag = 'bureauReview';

/**
 * One role's right to send an event: its scope, and where the guide narrows it further, the
 * kinds of challenge it applies to and the tag the challenge's state must carry.
 */
export interface Sender {
  scope: Scope;
  /** Only on challenges of these kinds (the paying side of RECORD_PAYMENT, for one). */
  kinds?: readonly ChallengeKind[];
  /** Not while the challenge's state carries this tag. */
  exceptWhileTagged?: SenderTag;
}
export type Senders = Partial<Record<TokenRole, Scope | Sender>>;

export type StaffEventOf<T extends string, S extends z.ZodObject> = { type: T } & z.infer<S> & Envelope;
export type SystemEventOf<T extends string> = { type: T; timer: TimerInfo } & Envelope;
/**
 * How an accepted event changes the context. `version` is the machine version running it
 * (versions.ts): a reducer that records more than an older version did asks for it, so histories
 * recorded under that version replay to the same context.
 */
type Reducer<E> = (ctx: ChallengeContext, event: E, version: number) => Partial<ChallengeContext>;

/** An event staff post over HTTP. */
export interface StaffEventDefinition<T extends string = string, S extends z.ZodObject = z.ZodObject> {
  kind: 'staff';
  type: T;
  payload: S;
  senders: Senders;
  /** The registry facts its rules read, looked up by the engine before the transition. */
  facts?: (ctx: ChallengeContext, body: z.infer<S>) => FactNeed[];
  /** The SHA-256 of every uploaded file it names (P-7 reads whether each was uploaded). */
  files?: (body: z.infer<S>) => string[];
  /** Payload fields no party of the challenge reads in its history (the bureau and auditors do). */
  confidential?: readonly (keyof z.infer<S> & string)[];
  rules: readonly Rule<StaffEventOf<T, S>>[];
  /** How the context changes when the event is accepted (outcomes are set by the chart). */
  apply?: Reducer<StaffEventOf<T, S>>;
}

/** A deadline the scheduler fires as the `system` actor; no token can send it. */
export interface SystemEventDefinition<T extends string = string> {
  kind: 'system';
  type: T;
  /** When it falls due in a state that handles it; null while it has no date yet. */
  due: (ctx: ChallengeContext) => string | null;
  rules: readonly Rule<SystemEventOf<T>>[];
  apply?: Reducer<SystemEventOf<T>>;
}

export const staffEvent = <T extends string, S extends z.ZodObject>(
  definition: Omit<StaffEventDefinition<T, S>, 'kind'>,
): StaffEventDefinition<T, S> => ({ kind: 'staff', ...definition });

export const systemEvent = <T extends string>(
  definition: Omit<SystemEventDefinition<T>, 'kind'>,
): SystemEventDefinition<T> => ({ kind: 'system', ...definition });
