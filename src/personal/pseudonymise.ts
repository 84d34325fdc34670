/**
 * Turning personal data into refs where it enters (issue 16): the HTTP layer and the registry
 * import both call these, so a value entered either way finds the same sealed record.
 */
import { eq } from 'drizzle-orm';
import { persons } from '../db/schema.js';
import { usccProblem } from '../registry/uscc.js';
import { isNationalIdNumber, type PersonalKind } from './kinds.js';
import { findRef, refFor, type Vault } from './vault.js';

/** A national ID number that is not also a valid unit credit code (both have 18 characters). */
export const isPersonIdNumber = (value: string) => isNationalIdNumber(value) && usccProblem(value) !== null;

/**
 * The ref of a person id that is an ID number; any other string unchanged. A person registered
 * before sealing began keeps the clear id its events already carry (docs/decisions.md, issue 16:
 * the log is never rewritten), so the person stays one person for the rules.
 */
export async function personIdRef(vault: Vault, value: string, now: string, create = true): Promise<string> {
  if (!isPersonIdNumber(value)) return value;
  const legacy = await vault.db.select({ id: persons.id }).from(persons).where(eq(persons.id, value)).get();
  if (legacy) return value;
  // A look-up seals nothing new: an ID number not on record stays as asked and finds nothing.
  return create ? refFor(vault, 'personId', value, now) : ((await findRef(vault, 'personId', value)) ?? value);
}

/** Every whole string of a JSON value that is an ID number, as its ref. */
export async function sealIdNumbers(vault: Vault, value: unknown, now: string, create = true): Promise<unknown> {
  if (typeof value === 'string') return personIdRef(vault, value, now, create);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) out.push(await sealIdNumbers(vault, v, now, create));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await sealIdNumbers(vault, v, now, create);
    return out;
  }
  return value;
}

/** A value as its ref; an empty one stays empty, so a rule that refuses it still does. */
export async function sealValue(vault: Vault, kind: PersonalKind, value: string, now: string): Promise<string> {
  return value.trim() === '' ? value : refFor(vault, kind, value, now);
}

/**
 * The rows of a registry import (`jiebang import`) as the HTTP layer would pass them on: ID
 * numbers as refs wherever they stand, and a person's name sealed.
 */
export async function sealImportRows<R extends { data: Record<string, unknown> }>(
  vault: Vault,
  kind: string,
  rows: readonly R[],
  now: string,
): Promise<R[]> {
  const out: R[] = [];
  for (const row of rows) {
    const data = (await sealIdNumbers(vault, row.data, now)) as Record<string, unknown>;
    if (kind === 'persons' && typeof data.name === 'string') data.name = await sealValue(vault, 'name', data.name, now);
    out.push({ ...row, data });
  }
  return out;
}
