/**
 * Creates a draft: event 1 of its log (`CREATE`) carries the draft and a copy of the
 * programme's settings, so the challenge keeps the rules it was created under and replay
 * starts from the event alone.
 */

import { initialTransition } from 'xstate';
import { beijingDate } from '../../../machines/calendar.js';
import { initialContext } from '../../../machines/challenge/context.js';
import { challengeMachine } from '../../../machines/challenge/machine.js';
import { Q10_notClassified } from '../../../machines/challenge/rules/demand.js';
import { type CreateChallengeBody, completeDraft } from '../../../machines/challenge/schemas.js';
import type { CreateInput } from '../../../machines/challenge/types.js';
import { MACHINE_VERSION } from '../../../machines/challenge/version.js';
import { type ProgrammeSettings, programmeSettingsSchema } from '../../../machines/programme.js';
import { rolesFor } from '../../access/policy.js';
import type { Caller } from '../../base/caller.js';
import { AppError, forbidden, notFound, ruleViolation } from '../../base/errors.js';
import { challengeCalendar } from '../../registry/national-calendar.js';
import type { EngineDeps } from '../engine.js';
import { type ChallengeView, challengeView } from '../read/view.js';
import { appendEvent } from './commit.js';
import { earlierResponse, rememberResponse, requestHashOf } from './idempotency.js';
import { actorOf } from './send-event.js';

export interface CreateChallengeInput {
  body: CreateChallengeBody;
  caller: Caller;
  idempotencyKey?: string;
}

export async function createChallenge(
  deps: EngineDeps,
  input: CreateChallengeInput,
): Promise<{ statusCode: number; view: ChallengeView; replayed: boolean }> {
  const { store, cache, clock } = deps;
  const { body, caller } = input;
  if (!rolesFor('createChallenge').includes(caller.role))
    throw forbidden('Only an issuer token creates a challenge.', '只有发榜方可以创建榜单。');
  if (body.issuerUnit !== caller.unit)
    throw forbidden(
      `An issuer creates challenges for its own unit ${caller.unit}, not ${body.issuerUnit}.`,
      `发榜方只能以本单位 ${caller.unit} 名义发榜，不能代 ${body.issuerUnit} 发榜。`,
      { scope: 'issuerUnit' },
    );

  const requestHash = requestHashOf(input.idempotencyKey, { create: body });
  const earlier = await earlierResponse<ChallengeView>(store, caller, input.idempotencyKey, requestHash);
  if (earlier) return earlier;

  const programme = await store.programmeById.get({ id: body.programmeId });
  if (!programme) throw notFound('programme', body.programmeId, '申报批次');
  const programmeSettings: ProgrammeSettings = programmeSettingsSchema.parse(programme.settings);
  const { programmeId, ...fields } = body;
  if (!programmeSettings.catalogue.domains.includes(fields.domain))
    throw new AppError(
      'VALIDATION_FAILED',
      `"${fields.domain}" is not a domain of ${programmeId}'s catalogue: ${programmeSettings.catalogue.domains.join(', ')}.`,
      `“${fields.domain}”不在 ${programmeId} 的征集方向目录中。`,
      { issues: [{ path: 'domain', message: 'not in the programme catalogue' }] },
    );
  const draft = completeDraft(fields);
  const at = clock.now().toISOString();
  // the challenge keeps the national schedule (and the programme's own days) it was created under.
  const settings: ProgrammeSettings = {
    ...programmeSettings,
    calendar: challengeCalendar(programmeSettings.calendar, Number(beijingDate(at).slice(0, 4))),
  };
  const actor = actorOf(caller);
  // Q-10 on the draft as it would start (its id is numbered only inside the transaction).
  const classified = Q10_notClassified.check(initialContext({ id: '', programmeId, settings, draft, at, actor }), {});
  if (classified.length > 0) throw ruleViolation(classified);

  const result = await store.transaction(async () => {
    // Asked again inside: another process may have answered the same key since (PostgreSQL).
    const again = await earlierResponse<ChallengeView>(store, caller, input.idempotencyKey, requestHash);
    if (again) return { again };
    const number = (await store.nextNumber.get({ programmeId }))?.n ?? 1;
    const id = `${programmeId}-${String(number).padStart(4, '0')}`;
    const createInput: CreateInput = { id, programmeId, settings, draft, at, actor };
    const [snapshot] = initialTransition(challengeMachine, createInput);
    const appended = await appendEvent(store, {
      challengeId: id,
      expectedVersion: 0,
      expectedMachineVersion: null,
      headHash: null,
      previous: null,
      type: 'CREATE',
      payload: { id, programmeId, settings, draft },
      facts: undefined,
      actor,
      at,
      next: snapshot,
      number,
    });
    const view = challengeView(snapshot, { version: appended.version, machineVersion: MACHINE_VERSION }, caller);
    await rememberResponse(store, caller, input.idempotencyKey, requestHash, 201, view, at);
    return { id, snapshot, appended, view };
  });
  if ('again' in result && result.again) return result.again;
  cache.set(result.appended.head, result.snapshot);
  if (result.appended.timersChanged) deps.onTimersChanged?.();
  return { statusCode: 201, view: result.view, replayed: false };
}
