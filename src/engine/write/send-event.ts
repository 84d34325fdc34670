/**
 * The single path by which a challenge changes (design.md): parse, load one row, compute the
 * pure transition, then one synchronous transaction; effects run after commit. A refusal
 * changes nothing and says why, with the clauses of every rule that refused.
 */

import type { Actor, ChallengeEvent, StaffEventType } from '../../../machines/challenge/events.js';
import { staffDefinitionOf, violationsOf } from '../../../machines/challenge/events.js';
import type { ChallengeSnapshot, challengeMachine } from '../../../machines/challenge/machine.js';
import { stageOf } from '../../../machines/challenge/stage.js';
import { MACHINE_VERSION } from '../../../machines/challenge/version.js';
import { mayRoleSend, scopeRefusal, senderOf, sendersOf } from '../../access/policy.js';
import type { Caller } from '../../base/caller.js';
import { AppError, forbidden, notFound, ruleViolation } from '../../base/errors.js';
import type { EngineDeps } from '../engine.js';
import { type LoadedChallenge, loadChallenge, notOnCurrentMachine } from '../load-challenge.js';
import { pureTransition } from '../pure-transition.js';
import {
  allowedEventsFor,
  type ChallengeSummary,
  challengeSummary,
  handledEvents,
  visibilityOf,
} from '../read/view.js';
import { eventTime } from '../time/clock.js';
import { appendEvent, versionConflict } from './commit.js';
import { gatherFacts, gatherUploadFacts } from './facts.js';
import { earlierResponse, rememberResponse, requestHashOf } from './idempotency.js';

export interface SendEventInput {
  challengeId: string;
  /** Already validated against `eventBodySchema` by the route. */
  body: { type: StaffEventType } & Record<string, unknown>;
  caller: Caller;
  ifMatch?: number;
  idempotencyKey?: string;
}

export interface SendEventResult {
  statusCode: number;
  view: ChallengeSummary;
  /** True when an Idempotency-Key replay returned the first response. */
  replayed: boolean;
}

export function actorOf(caller: Caller): Actor {
  return {
    id: caller.tokenId,
    role: caller.role,
    ...(caller.unit ? { unit: caller.unit } : {}),
    ...(caller.person ? { person: caller.person } : {}),
  };
}

/** Sends an event through the group commit: the answer comes once its batch has committed. */
export function submitEvent(deps: EngineDeps, input: SendEventInput): Promise<SendEventResult> {
  return deps.commits.run(() => sendEvent(deps, input));
}

/**
 * The single path; inside a batch its transaction is a savepoint.
 *
 * It first decides on the version this process last read or wrote, without reading the head
 * (issue 15: on PostgreSQL a round trip under the writers' lock). The write's check of the
 * version and the machine version proves that head current. If anything refuses instead, the
 * stored head is read, and when another writer had moved the challenge on, the event is decided
 * again on the stored version — so no answer, success or refusal, rests on a version the
 * database has left behind. Once its event is written, nothing is decided again.
 */
export async function sendEvent(deps: EngineDeps, input: SendEventInput): Promise<SendEventResult> {
  const cached = deps.cache.latest(input.challengeId);
  if (cached) {
    const progress = { written: false };
    try {
      return await decide(deps, input, cached, progress);
    } catch (error) {
      if (progress.written) throw error;
      const stored = await deps.store.challengeHead.get({ id: input.challengeId });
      if (stored?.version === cached.head.version && stored.machineVersion === cached.head.machineVersion) throw error;
    }
  }
  return decide(deps, input, await loadChallenge(deps, input.challengeId), { written: false });
}

async function decide(
  deps: EngineDeps,
  input: SendEventInput,
  loaded: LoadedChallenge | undefined,
  progress: { written: boolean },
): Promise<SendEventResult> {
  const { store, cache, clock } = deps;
  const { challengeId, body, caller } = input;

  const requestHash = requestHashOf(input.idempotencyKey, { challengeId, body });
  const earlier = await earlierResponse(store, caller, input.idempotencyKey, requestHash);
  if (earlier) return earlier;

  if (!loaded) throw notFound('challenge', challengeId, '榜单');
  const { head: row, snapshot: current } = loaded;
  if (input.ifMatch !== undefined && input.ifMatch !== row.version) throw versionConflict(input.ifMatch);

  // Order of refusals: a role that never sends this type (403, the definition alone); a
  // challenge the caller may not see reads as absent (404, nothing disclosed); a role that may
  // not send it on this kind or in this state (403); the state (422 EVENT_NOT_ALLOWED: the stage is visible
  // to it anyway); its scope within the challenge (403); then the rules (422 with clauses).
  const roleRefusal = () =>
    forbidden(
      `A token with role ${caller.role} may not send ${body.type} here (roles that may: ${sendersOf(body.type).join(', ')}).`,
      `${caller.role} 角色无权在此发送 ${body.type}（允许的角色：${sendersOf(body.type).join('、')}）。`,
    );
  if (senderOf(caller.role, body.type) === undefined) throw roleRefusal();
  if (visibilityOf(current, caller) === 'none') throw notFound('challenge', challengeId, '榜单');
  if (!mayRoleSend(caller.role, body.type, current)) throw roleRefusal();
  if (!handledEvents(current).has(body.type)) throw notAllowedNow(current, body.type, caller);
  const outOfScope = scopeRefusal(caller, current.context, body);
  if (outOfScope)
    throw forbidden(outOfScope.message, outOfScope.message_zh, {
      scope: outOfScope.scope,
      ...(outOfScope.clause ? { clause: outOfScope.clause } : {}),
    });

  // After the visibility and role checks, so a caller who may not see it learns nothing more.
  const stale = notOnCurrentMachine(row);
  if (stale) throw stale;

  // The route validated the body against eventBodySchema, so it is the typed payload of its type.
  const definition = staffDefinitionOf(body.type);
  const registryFacts = await gatherFacts(store, definition.facts?.(current.context, body));
  const uploadFacts = await gatherUploadFacts(
    async (id, sha256) => (await store.uploadOf.get({ challengeId: id, sha256 })) !== undefined,
    challengeId,
    definition.files?.(body),
  );
  const facts = registryFacts || uploadFacts ? { ...registryFacts, ...uploadFacts } : undefined;
  const at = eventTime(clock.now(), row.updatedAt);
  const actor = actorOf(caller);
  const event = { ...body, at, actor, ...(facts ? { facts } : {}) } as ChallengeEvent;

  const next = pureTransition(current, event);
  if (next === current) throw refusal(current, event, caller);

  const { type: _type, ...payload } = body;
  // The view is computed before the transaction (its version is known) to keep the transaction short.
  const view = challengeSummary(next, { version: row.version + 1, machineVersion: MACHINE_VERSION }, caller);
  const appended = await store.transaction(async () => {
    const result = await appendEvent(store, {
      challengeId,
      expectedVersion: row.version,
      expectedMachineVersion: row.machineVersion,
      headHash: row.headHash,
      previous: current,
      type: body.type,
      payload,
      facts,
      actor,
      at,
      next,
    });
    await rememberResponse(store, caller, input.idempotencyKey, requestHash, 200, view, at);
    return result;
  });
  progress.written = true;

  cache.set(appended.head, next);
  if (appended.timersChanged) deps.onTimersChanged?.();
  return { statusCode: 200, view, replayed: false };
}

/** Why the machine did not take the event: not possible in this state, or the rules that refuse it. */
function refusal(
  current: ReturnType<typeof challengeMachine.resolveState>,
  event: ChallengeEvent,
  caller: Caller,
): AppError {
  const allowed = allowedEventsFor(current, caller);
  if (!handledEvents(current).has(event.type)) return notAllowedNow(current, event.type, caller);
  const violations = violationsOf(current.context, event);
  if (violations.length > 0) return ruleViolation(violations);
  // Every guarded branch is "rules allow ∧ condition", and each event has an unconditional
  // branch, so an event the state handles is refused only by a rule. Kept as a safety net.
  return new AppError('EVENT_NOT_ALLOWED', `${event.type} is not possible now.`, `当前不能执行 ${event.type}。`, {
    allowedEvents: allowed,
  });
}

/** The state does not take this event at all: say which events it takes from this caller. */
function notAllowedNow(current: ChallengeSnapshot, type: string, caller: Caller): AppError {
  const allowed = allowedEventsFor(current, caller);
  const stage = stageOf(current.value);
  return new AppError(
    'EVENT_NOT_ALLOWED',
    `${type} is not possible while the challenge is in ${stage}. Possible now: ${allowed.join(', ') || 'nothing'}.`,
    `榜单当前处于 ${stage} 阶段，不能执行 ${type}。当前可执行：${allowed.join('、') || '无'}。`,
    { allowedEvents: allowed },
  );
}
