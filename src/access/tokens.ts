/**
 * Bearer tokens: a random secret shown once, stored as its sha256. JIEBANG_ADMIN_TOKEN, when
 * set, is an admin token that lives only in the environment (the way to bootstrap).
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Caller } from '../base/caller.js';
import { AppError, notFound } from '../base/errors.js';
import { changesOf, type Db } from '../db/client.js';
import { persons, tokens, units } from '../db/schema.js';
import { usccProblem } from '../registry/uscc.js';
import { rolePolicies, type TokenRole } from './policy.js';

const hashOf = (secret: string) => createHash('sha256').update(secret).digest();

export interface NewToken {
  role: TokenRole;
  unit?: string | undefined;
  person?: string | undefined;
  label: string;
  expiresAt?: string | undefined;
}

export async function issueToken(db: Db, input: NewToken, now: string): Promise<{ id: string; token: string }> {
  const actsFor = rolePolicies[input.role].actsFor;
  if (actsFor === 'unit' && !input.unit)
    throw new AppError(
      'VALIDATION_FAILED',
      `A ${input.role} token names its unit.`,
      `${input.role} 令牌须指定所属单位。`,
      {
        issues: [{ path: 'unit', message: 'required for this role' }],
      },
    );
  if (actsFor === 'person' && !input.person)
    throw new AppError('VALIDATION_FAILED', 'An expert token names its person.', '专家令牌须指定专家本人。', {
      issues: [{ path: 'person', message: 'required for this role' }],
    });
  await assertSubjectRegistered(db, input);
  const id = randomUUID();
  const token = `jb_${randomBytes(32).toString('base64url')}`;
  await db
    .insert(tokens)
    .values({
      id,
      tokenHash: hashOf(token).toString('hex'),
      role: input.role,
      unit: input.unit ?? null,
      person: input.person ?? null,
      label: input.label,
      createdAt: now,
      expiresAt: input.expiresAt ?? null,
    })
    .run();
  return { id, token };
}

/**
 * A token acts for someone who exists: a unit it names is a valid unified social credit code
 * (400 naming the character at fault) of a registered unit (404), a person a registered person
 * (404). A token for nobody would act in no one's name, or — worse — in the name of a unit
 * registered later under that code.
 */
async function assertSubjectRegistered(db: Db, input: NewToken): Promise<void> {
  if (input.unit !== undefined) {
    const problem = usccProblem(input.unit);
    if (problem)
      throw new AppError('VALIDATION_FAILED', problem.message, problem.message_zh, {
        issues: [{ path: 'unit', message: problem.message }],
      });
    if (!(await db.select({ code: units.code }).from(units).where(eq(units.code, input.unit)).get()))
      throw notFound('unit', input.unit, '单位');
  }
  if (
    input.person !== undefined &&
    !(await db.select({ id: persons.id }).from(persons).where(eq(persons.id, input.person)).get())
  )
    throw notFound('person', input.person, '人员');
}

/** Revocations made through this process, per database: a resolver forgets its rows when this moves. */
const revocations = new WeakMap<Db, number>();

export async function revokeToken(db: Db, id: string, now: string): Promise<void> {
  const revoked = () => revocations.set(db, (revocations.get(db) ?? 0) + 1);
  // Before and after: a row read while the update is under way is not kept either.
  revoked();
  const result = await db.update(tokens).set({ revokedAt: now }).where(eq(tokens.id, id)).run();
  revoked();
  if (changesOf(result) === 0) throw notFound('token', id, '令牌');
}

type TokenRow = typeof tokens.$inferSelect;

export function createTokenResolver(db: Db, adminToken: string | undefined) {
  const byHash = db
    .select()
    .from(tokens)
    .where(eq(tokens.tokenHash, sql.placeholder('hash')))
    .prepare();
  const adminHash = adminToken ? hashOf(adminToken) : undefined;
  const inFlight = new Map<string, Promise<TokenRow | undefined>>();
  // Rows found, kept while nothing can have changed them: no revocation through this process,
  // and (SQLite) no commit by another connection to the file since (its data_version). Where
  // the store cannot tell (PostgreSQL, several processes), every request reads the row.
  const found = new Map<string, TokenRow>();
  let foundAt: string | undefined;
  const stamp = (): string | undefined => {
    const others = db.$port.commitsByOthers?.();
    return others === undefined ? undefined : `${revocations.get(db) ?? 0}/${others}`;
  };
  /** The caller a secret stands for, or undefined when it is unknown, revoked or expired. */
  return async (secret: string, now: Date): Promise<Caller | undefined> => {
    const hash = hashOf(secret);
    if (adminHash && timingSafeEqual(hash, adminHash)) return { tokenId: 'admin-env', role: 'admin' };
    const key = hash.toString('hex');
    const before = stamp();
    if (before !== undefined) {
      if (before !== foundAt) {
        found.clear();
        foundAt = before;
      }
      const known = found.get(key);
      if (known) return callerOf(known, now);
    }
    // Requests with the same token at once share one look-up: one query, not one each, and on
    // PostgreSQL (where answers may come back in any order) they go on in the order they came.
    let lookup = inFlight.get(key);
    if (!lookup) {
      lookup = Promise.resolve(byHash.get({ hash: key })).finally(() => inFlight.delete(key));
      inFlight.set(key, lookup);
    }
    const row = await lookup;
    if (!row) return undefined;
    // Kept only if nothing changed while it was read (a revocation then would be missed).
    if (before !== undefined && stamp() === before && foundAt === before && found.size < 10_000) found.set(key, row);
    return callerOf(row, now);
  };
}

/** The caller a token row stands for at `now`; undefined once revoked or expired. */
function callerOf(row: TokenRow, now: Date): Caller | undefined {
  if (row.revokedAt !== null) return undefined;
  if (row.expiresAt !== null && Date.parse(row.expiresAt) <= now.getTime()) return undefined;
  return {
    tokenId: row.id,
    role: row.role as TokenRole,
    ...(row.unit ? { unit: row.unit } : {}),
    ...(row.person ? { person: row.person } : {}),
  };
}
