/**
 * An objection from anyone to a public notice (issue 12, X-2): the same single path as a staff
 * event — load, pure transition, one transaction — with the actor `public` instead of a
 * token's. Only OBJECT can be sent this way, only to a challenge on public notice; a challenge
 * that is not a public call reads as absent.
 */
import { type Actor, type ChallengeEvent, violationsOf } from '../../../machines/challenge/events.js';
import { stageHasTag, stageOf } from '../../../machines/challenge/stage.js';
import { publicObjectionEvent } from '../../../machines/challenge/stages/6-announcement.js';
import { AppError, notFound, ruleViolation } from '../../base/errors.js';
import type { EngineDeps } from '../engine.js';
import { loadChallenge, notOnCurrentMachine } from '../load-challenge.js';
import { pureTransition } from '../pure-transition.js';
import { eventTime } from '../time/clock.js';
import { appendEvent } from './commit.js';
import { gatherUploadFacts } from './facts.js';

export interface PublicObjection {
  name: string;
  contact: string;
  unit?: string | undefined;
  text: string;
  /** A file uploaded first (POST /public/challenges/:id/evidence). */
  evidenceSha256?: string | undefined;
}

const OBJECTION = publicObjectionEvent.type;

/** Records the objection; returns its id (the context's `obj-n`). */
export async function lodgePublicObjection(
  deps: EngineDeps,
  challengeId: string,
  input: PublicObjection,
): Promise<string> {
  const { store, cache, clock } = deps;
  const loaded = await loadChallenge(deps, challengeId);
  if (!loaded || !stageHasTag(stageOf(loaded.snapshot.value), 'published'))
    throw notFound('challenge', challengeId, '榜单');
  const { head: row, snapshot: current } = loaded;
  if (!current.hasTag('noticeOpen'))
    throw new AppError(
      'EVENT_NOT_ALLOWED',
      'This challenge is not on public notice: objections are taken only while its notice runs.',
      '该榜单不在公示期内：仅在公示期内受理异议。',
      { clause: 'X-2', allowedEvents: [] },
    );
  const stale = notOnCurrentMachine(row);
  if (stale) throw stale;

  const at = eventTime(clock.now(), row.updatedAt);
  const actor: Actor = { id: 'public', role: 'public' };
  const payload = {
    objector: { name: input.name },
    text: input.text,
    contact: input.contact,
    ...(input.unit ? { affiliation: input.unit } : {}),
    ...(input.evidenceSha256 ? { evidenceSha256: input.evidenceSha256 } : {}),
  };
  const facts = await gatherUploadFacts(
    async (id, sha256) => (await store.uploadOf.get({ challengeId: id, sha256 })) !== undefined,
    challengeId,
    publicObjectionEvent.files?.(payload),
  );
  const event = { type: OBJECTION, ...payload, at, actor, ...(facts ? { facts } : {}) } as ChallengeEvent;
  const next = pureTransition(current, event);
  if (next === current) {
    const violations = violationsOf(current.context, event);
    if (violations.length > 0) throw ruleViolation(violations);
    throw new AppError('EVENT_NOT_ALLOWED', 'The objection is not possible now.', '当前不能提出异议。');
  }
  const appended = await store.transaction(() =>
    appendEvent(store, {
      challengeId,
      expectedVersion: row.version,
      expectedMachineVersion: row.machineVersion,
      headHash: row.headHash,
      previous: current,
      type: OBJECTION,
      payload,
      facts,
      actor,
      at,
      next,
    }),
  );
  cache.set(appended.head, next);
  if (appended.timersChanged) deps.onTimersChanged?.();
  const objections = next.context.objections;
  return objections[objections.length - 1]?.objectionId ?? '';
}
