/**
 * Issue 16: personal data is sealed where it enters and revealed where it leaves — the layer
 * before the engine, so the machine, its events and snapshots, and every table hold only
 * pseudonymous refs (`p_…`, src/personal/vault.ts), and the machine stays as it was.
 *
 * In (preHandler, after validation):
 *  - every whole string of a body, the path or the query that is a national ID number (and not
 *    a unit's credit code) becomes the ref of that ID number: a person id wherever it stands
 *    (draft team and leader, BID, ASSIGN_PANEL, tokens, accounts, records, /persons/:id);
 *  - the named fields of `sealedFields` (names, phones, e-mail addresses, objectors' contacts).
 * Out (onSend, on the JSON text): every ref in an answer becomes its value, in full for the roles the
 * access policy lets read personal data (`personalData` in src/access/policy.ts), masked for
 * every other reader and the public, and `[已删除]` once erased.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { publicObjectionEvent } from '../../../machines/challenge/stages/6-announcement.js';
import { readsPersonalDataInFull } from '../../access/policy.js';
import type { DataKey } from '../../crypto/data-key.js';
import type { PersonalKind } from '../../personal/kinds.js';
import { REF_PATTERN_ONE } from '../../personal/kinds.js';
import { isPersonIdNumber, sealIdNumbers, sealValue } from '../../personal/pseudonymise.js';
import { revealInJson } from '../../personal/reveal-for.js';
import type { Vault } from '../../personal/vault.js';

declare module 'fastify' {
  interface FastifyInstance {
    vault: Vault;
  }
}

/** Whether a text holds a ref anywhere (revealInJson finds nothing to do otherwise). */
const holdsRef = (text: string) => REF_PATTERN_ONE.test(text);

type FieldPath = readonly string[];
type Sealed = { path: FieldPath; kind: PersonalKind; when?: (body: Record<string, unknown>) => boolean };

const isObjection = (body: Record<string, unknown>) => body.type === publicObjectionEvent.type;

/** The fields sealed per route (method and pattern), besides ID numbers wherever they stand. */
const sealedFields: Record<string, readonly Sealed[]> = {
  'PUT /api/v1/persons/:id': [{ path: ['name'], kind: 'name' }],
  'POST /api/v1/public/challenges/:id/objections': [
    { path: ['name'], kind: 'name' },
    { path: ['contact'], kind: 'contact' },
  ],
  // An objection staff type in from paper (the objection event's `objector` and `contact`).
  'POST /api/v1/challenges/:id/events': [
    { path: ['objector', 'name'], kind: 'name', when: isObjection },
    { path: ['contact'], kind: 'contact', when: isObjection },
  ],
  'POST /api/v1/accounts': [
    { path: ['name'], kind: 'name' },
    { path: ['mobile'], kind: 'phone' },
    { path: ['email'], kind: 'email' },
  ],
  // Mail recipients (issue 14): the address is the table's key and the outbox's target, so it
  // is sealed where it stands in the path, and opened only by the dispatcher to send.
  'PUT /api/v1/mail/recipients/:address': [
    { path: ['name'], kind: 'name' },
    { path: ['params', 'address'], kind: 'email' },
  ],
  'PUT /api/v1/mail/recipients/:address/opt-outs': [{ path: ['params', 'address'], kind: 'email' }],
  'POST /api/v1/registrations': [
    { path: ['account', 'name'], kind: 'name' },
    { path: ['account', 'mobile'], kind: 'phone' },
    { path: ['account', 'email'], kind: 'email' },
  ],
};

async function sealField(vault: Vault, body: Record<string, unknown>, field: Sealed, now: string): Promise<void> {
  let holder: Record<string, unknown> | undefined = body;
  for (const key of field.path.slice(0, -1)) {
    const next: unknown = holder?.[key];
    holder = next !== null && typeof next === 'object' ? (next as Record<string, unknown>) : undefined;
  }
  const last = field.path[field.path.length - 1];
  if (!holder || last === undefined) return;
  const value = holder[last];
  if (typeof value === 'string') holder[last] = await sealValue(vault, field.kind, value, now);
}

/**
 * Whether a JSON value holds a whole string that is an ID number: when none does, sealing ID
 * numbers would only copy it (issue 15: most requests carry none, and skip the walk's promises).
 */
function holdsIdNumber(value: unknown): boolean {
  if (typeof value === 'string') return isPersonIdNumber(value);
  if (Array.isArray(value)) return value.some(holdsIdNumber);
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) if (holdsIdNumber(v)) return true;
  }
  return false;
}

const fieldsOf = (request: FastifyRequest) =>
  sealedFields[`${request.method} ${request.routeOptions.url ?? ''}`] ?? noFields;
const noFields: readonly Sealed[] = [];

/** Whether sealRequest would change anything in the request. */
function needsSealing(request: FastifyRequest): boolean {
  const body =
    request.body !== null && typeof request.body === 'object' && !Buffer.isBuffer(request.body)
      ? (request.body as Record<string, unknown>)
      : undefined;
  for (const field of fieldsOf(request))
    if (field.path[0] === 'params' || (body && (!field.when || field.when(body)))) return true;
  if (request.params && typeof request.params === 'object' && holdsIdNumber(request.params)) return true;
  if (request.query && typeof request.query === 'object' && holdsIdNumber(request.query)) return true;
  return body !== undefined && holdsIdNumber(body);
}

/** The request with its personal data replaced by refs. */
export async function sealRequest(vault: Vault, request: FastifyRequest, now: string): Promise<void> {
  // A read looks up what is on record; only a write seals a new ID number.
  const writes = request.method !== 'GET' && request.method !== 'HEAD';
  if (request.params && typeof request.params === 'object')
    request.params = (await sealIdNumbers(vault, request.params, now, writes)) as typeof request.params;
  if (request.query && typeof request.query === 'object')
    request.query = (await sealIdNumbers(vault, request.query, now, writes)) as typeof request.query;
  const fields = fieldsOf(request);
  const inPath = fields.filter((f) => f.path[0] === 'params');
  if (inPath.length > 0) {
    const holder = { params: { ...(request.params as Record<string, unknown>) } };
    for (const field of inPath) await sealField(vault, holder, field, now);
    request.params = holder.params as typeof request.params;
  }
  if (request.body === null || typeof request.body !== 'object' || Buffer.isBuffer(request.body)) return;
  const body = (await sealIdNumbers(vault, request.body, now)) as Record<string, unknown>;
  for (const field of fields)
    if (field.path[0] !== 'params' && (!field.when || field.when(body))) await sealField(vault, body, field, now);
  request.body = body;
}

export default fp(
  async (app: FastifyInstance, opts: { key: DataKey }) => {
    const vault: Vault = { db: app.jiebang.db, key: opts.key };
    app.decorate('vault', vault);
    // Callback-style hooks that answer at once when there is nothing to seal or reveal (most
    // requests): no promise, no walk of the body (issue 15).
    app.addHook('preHandler', (request, _reply, done) => {
      if (!needsSealing(request)) return done();
      sealRequest(vault, request, app.jiebang.clock.now().toISOString()).then(() => done(), done);
    });
    app.addHook('onSend', (request, reply, payload, done) => {
      if (
        typeof payload !== 'string' ||
        !holdsRef(payload) ||
        !String(reply.getHeader('content-type') ?? '').includes('json')
      )
        return done(null, payload);
      revealInJson(vault, payload, readsPersonalDataInFull(request.caller?.role)).then(
        (revealed) => done(null, revealed),
        (err: Error) => done(err),
      );
    });
  },
  { name: 'personal-data', dependencies: ['engine'] },
);
