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
 * Out (preSerialization): every ref in an answer becomes its value, in full for the roles the
 * access policy lets read personal data (`personalData` in src/access/policy.ts), masked for
 * every other reader and the public, and `[已删除]` once erased.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { publicObjectionEvent } from '../../../machines/challenge/stages/6-announcement.js';
import { readsPersonalDataInFull } from '../../access/policy.js';
import type { DataKey } from '../../crypto/data-key.js';
import { type PersonalKind, REF_PATTERN } from '../../personal/kinds.js';
import { mask } from '../../personal/mask.js';
import { sealIdNumbers, sealValue } from '../../personal/pseudonymise.js';
import { type Revealed, reveal, type Vault } from '../../personal/vault.js';

declare module 'fastify' {
  interface FastifyInstance {
    vault: Vault;
  }
}

/** What an erased value reads as. */
export const ERASED = '[已删除]';

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

/** The request with its personal data replaced by refs. */
export async function sealRequest(vault: Vault, request: FastifyRequest, now: string): Promise<void> {
  const route = `${request.method} ${request.routeOptions.url ?? ''}`;
  if (request.params && typeof request.params === 'object')
    request.params = (await sealIdNumbers(vault, request.params, now)) as typeof request.params;
  if (request.query && typeof request.query === 'object')
    request.query = (await sealIdNumbers(vault, request.query, now)) as typeof request.query;
  if (request.body === null || typeof request.body !== 'object' || Buffer.isBuffer(request.body)) return;
  const body = (await sealIdNumbers(vault, request.body, now)) as Record<string, unknown>;
  for (const field of sealedFields[route] ?? [])
    if (!field.when || field.when(body)) await sealField(vault, body, field, now);
  request.body = body;
}

const shown = (found: Revealed | undefined, ref: string, full: boolean): string => {
  if (!found) return ref;
  if ('erased' in found) return ERASED;
  return full ? found.value : mask(found.kind, found.value);
};

/** A value with every ref replaced by what the reader may see of it. */
export async function revealFor(vault: Vault, payload: unknown, full: boolean): Promise<unknown> {
  const text = JSON.stringify(payload);
  if (text === undefined) return payload;
  const refs = text.match(REF_PATTERN);
  if (!refs) return payload;
  const found = await reveal(vault, refs);
  if (found.size === 0) return payload;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(REF_PATTERN, (ref) => shown(found.get(ref), ref, full));
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[walk(k) as string] = walk(v);
      return out;
    }
    return value;
  };
  return walk(payload);
}

export default fp(
  async (app: FastifyInstance, opts: { key: DataKey }) => {
    const vault: Vault = { db: app.jiebang.db, key: opts.key };
    app.decorate('vault', vault);
    app.addHook('preHandler', async (request) => {
      await sealRequest(vault, request, app.jiebang.clock.now().toISOString());
    });
    app.addHook('preSerialization', async (request, _reply, payload) =>
      revealFor(vault, payload, readsPersonalDataInFull(request.caller?.role)),
    );
  },
  { name: 'personal-data', dependencies: ['engine'] },
);
