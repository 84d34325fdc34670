/**
 * What the inspector may see. A challenge's context and events name people (leaders, team
 * members, experts, objectors, the programme's contact desks with phone numbers) and carry free
 * text (opinions, reasons, comments, plans). Before anything leaves for the inspector, person
 * ids and names become stable pseudonyms (the same person keeps the same pseudonym within one
 * session, so a developer can still follow who did what), phone numbers and free text are
 * replaced by a marker with their length. Units (organisations, by credit code), amounts,
 * dates, states and clause IDs are kept: they are what a developer debugs.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Keys whose values identify a person: pseudonymised. */
const PERSON_KEYS = new Set(['leader', 'team', 'person', 'expert', 'experts', 'panel', 'createdBy']);
/** `name` is a person's under these keys (an objector, a contact desk); elsewhere (a route, the programme) it is not. */
const NAMED_PERSON_PARENTS = new Set(['objector', 'contacts']);
/** Keys whose values are personal contact data: removed. */
const CONTACT_KEYS = new Set(['phones', 'phone', 'email']);
/** Keys holding free text, which may name anyone: removed. */
const TEXT_KEYS = new Set(['text', 'reason', 'opinion', 'comment', 'plan', 'summary', 'detail', 'milestone']);
/** Records keyed by person id (the registry facts of an event). */
const PERSON_RECORD_KEYS = new Set(['persons']);

export interface Sanitizer {
  sanitizeContext: <T>(context: T) => T;
  sanitizeEvent: <T>(event: T) => T;
  /** The pseudonym of a person id or name in this session. */
  pseudonym: (value: string) => string;
}

export function createSanitizer(salt: string = randomBytes(16).toString('hex')): Sanitizer {
  const pseudonym = (value: string) =>
    `person-${createHash('sha256').update(salt).update(value).digest('hex').slice(0, 8)}`;
  const redacted = (value: unknown) =>
    typeof value === 'string' ? `[redacted ${value.length} chars]` : Array.isArray(value) ? [] : '[redacted]';

  const walk = (value: unknown, key: string | null, parent: string | null = null): unknown => {
    if (key === 'name' && parent !== null && NAMED_PERSON_PARENTS.has(parent) && typeof value === 'string')
      return pseudonym(value);
    if (key !== null && CONTACT_KEYS.has(key)) return redacted(value);
    if (key !== null && TEXT_KEYS.has(key) && typeof value === 'string') return redacted(value);
    if (key !== null && PERSON_KEYS.has(key)) {
      if (typeof value === 'string') return value === '' ? value : pseudonym(value);
      if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? pseudonym(v) : walk(v, null)));
    }
    // Array elements keep the array's key as their parent: contacts[i].name is a person's.
    if (Array.isArray(value)) return value.map((v) => walk(v, null, key));
    if (value !== null && typeof value === 'object') {
      const personKeyed = key !== null && PERSON_RECORD_KEYS.has(key);
      const parentOfChildren = key ?? parent;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          personKeyed ? pseudonym(k) : k,
          walk(v, personKeyed ? null : k, parentOfChildren),
        ]),
      );
    }
    return value;
  };

  return {
    sanitizeContext: <T>(context: T) => walk(context, null) as T,
    sanitizeEvent: <T>(event: T) => walk(event, null) as T,
    pseudonym,
  };
}
