/**
 * Registry facts an event's guards need, looked up before the transition and stored inside the
 * event (design.md): replay re-checks the facts the decision was made on, never today's registry.
 */
import type { EventFacts, StaffEventType } from '../../machines/challenge/events.js';
import type { ChallengeContext } from '../../machines/challenge/types.js';
import type { Store } from './store.js';

export function gatherFacts(
  store: Pick<Store, 'unitByCode' | 'personById'>,
  ctx: ChallengeContext,
  type: StaffEventType,
): EventFacts | undefined {
  if (type !== 'SUBMIT') return undefined;
  const unitCodes = [ctx.draft.issuerUnit, ctx.draft.districtUnit];
  const facts: Required<Pick<EventFacts, 'units' | 'persons'>> = { units: {}, persons: {} };
  for (const code of unitCodes) {
    const unit = store.unitByCode.get({ code });
    facts.units[code] = unit
      ? { registered: true, type: unit.type, inCity: unit.inCity, legalPerson: unit.legalPerson }
      : { registered: false };
  }
  for (const id of new Set([ctx.draft.leader, ...ctx.draft.team].filter((p) => p !== ''))) {
    const person = store.personById.get({ id });
    facts.persons[id] = person ? { registered: true, unit: person.unit } : { registered: false };
  }
  return facts;
}

/**
 * Issue 5: whether each file an event names by SHA-256 (ATTACH, RECORD_PAYMENT's evidence,
 * SUBMIT_FINAL_REPORT's report) was uploaded to this challenge. Rule P-7 reads the answer.
 */
export function gatherUploadFacts(
  isUploaded: (challengeId: string, sha256: string) => boolean,
  challengeId: string,
  body: Record<string, unknown>,
): EventFacts | undefined {
  const sha256 =
    body.type === 'ATTACH'
      ? body.sha256
      : body.type === 'RECORD_PAYMENT'
        ? body.evidenceSha256
        : body.type === 'SUBMIT_FINAL_REPORT'
          ? body.reportSha256
          : undefined;
  if (typeof sha256 !== 'string') return undefined;
  return { uploads: { [sha256]: isUploaded(challengeId, sha256) } };
}
