/**
 * A unit registers itself (issue 12, Q-2/3: units first, then their people): its credit code and
 * its administrator account, pending until the bureau decides. Approved, the unit enters the
 * registry and the account becomes active as the unit's `issuer` and `solver`; refused, the
 * reason is kept and the unit may register again. Every step is in the account log.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Caller } from '../base/caller.js';
import { AppError, notFound } from '../base/errors.js';
import type { Db } from '../db/client.js';
import { accounts, registrations, units } from '../db/schema.js';
import { assertValidCode, putUnit, type UnitInput } from '../registry/registry.js';
import { logAccount } from './account-log.js';
import { accountByUsername, usernameTaken } from './accounts.js';
import { checkPasswordRules, hashPassword } from './passwords.js';

export interface RegistrationInput {
  unit: UnitInput & { code: string };
  account: { username: string; password: string; name: string; mobile: string; email?: string | undefined };
}

const alreadyRegistered = (code: string) =>
  new AppError(
    'ALREADY_EXISTS',
    `The unit ${code} is already registered or awaiting a decision.`,
    `统一社会信用代码为 ${code} 的单位已注册或正在审核中。`,
    { issues: [{ path: 'unit.code', message: 'already registered' }] },
  );

export async function register(db: Db, input: RegistrationInput, ip: string, now: string) {
  assertValidCode(input.unit.code);
  checkPasswordRules(input.account.password, input.account.username, 'account.password');
  const code = input.unit.code;
  const busy = async () =>
    (await db.select({ code: units.code }).from(units).where(eq(units.code, code)).get()) ??
    (await db
      .select({ id: registrations.id })
      .from(registrations)
      .where(and(eq(registrations.unitCode, code), inArray(registrations.status, ['pending', 'approved'])))
      .get());
  if (await busy()) throw alreadyRegistered(code);
  if (await accountByUsername(db, input.account.username)) throw usernameTaken(input.account.username);
  const passwordHash = await hashPassword(input.account.password);
  const id = randomUUID();
  const accountId = randomUUID();
  await db.$port.withTransaction(async () => {
    // Checked again after the hash was computed (awaited): another request may have come first.
    if (await busy()) throw alreadyRegistered(code);
    if (await accountByUsername(db, input.account.username)) throw usernameTaken(input.account.username);
    await db
      .insert(accounts)
      .values({
        id: accountId,
        username: input.account.username,
        passwordHash,
        name: input.account.name,
        mobile: input.account.mobile,
        email: input.account.email ?? null,
        roles: JSON.stringify(['issuer', 'solver']),
        unit: code,
        person: null,
        status: 'pending',
        createdAt: now,
        updatedAt: now,
      })
      .run();
    await db
      .insert(registrations)
      .values({ id, unitCode: code, unit: JSON.stringify(input.unit), accountId, status: 'pending', createdAt: now })
      .run();
    await logAccount(db, {
      kind: 'registered',
      at: now,
      accountId,
      username: input.account.username,
      ip,
      detail: code,
    });
  });
  return { registrationId: id, status: 'pending' as const };
}

type RegistrationRow = typeof registrations.$inferSelect;

/** The bureau's view of a registration: the unit and the administrator's contact. */
async function viewOf(db: Db, row: RegistrationRow) {
  const account = await db.select().from(accounts).where(eq(accounts.id, row.accountId)).get();
  return {
    id: row.id,
    status: row.status,
    unit: JSON.parse(row.unit) as RegistrationInput['unit'],
    account: {
      id: row.accountId,
      username: account?.username ?? '',
      name: account?.name ?? '',
      mobile: account?.mobile ?? null,
      email: account?.email ?? null,
    },
    reason: row.reason,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt,
    createdAt: row.createdAt,
  };
}

export async function listRegistrations(db: Db, status: RegistrationRow['status'] | undefined) {
  const rows = await db
    .select()
    .from(registrations)
    .where(status ? eq(registrations.status, status) : undefined)
    .orderBy(asc(registrations.createdAt))
    .all();
  const items = [];
  for (const r of rows) items.push(await viewOf(db, r));
  return { items };
}

export async function decideRegistration(
  db: Db,
  id: string,
  decision: { approve: boolean; reason?: string | undefined },
  by: Caller,
  now: string,
) {
  const row = await db.select().from(registrations).where(eq(registrations.id, id)).get();
  if (!row) throw notFound('registration', id, '注册申请');
  if (row.status !== 'pending')
    throw new AppError(
      'ALREADY_EXISTS',
      `The registration was already decided (${row.status}).`,
      `该注册申请已处理（${row.status === 'approved' ? '已批准' : '已退回'}）。`,
    );
  if (!decision.approve && !decision.reason?.trim())
    throw new AppError('VALIDATION_FAILED', 'A refusal gives its reason.', '不予通过须说明理由。', {
      issues: [{ path: 'reason', message: 'required when refusing' }],
    });
  const decidedBy = by.account ?? by.tokenId;
  const unit = JSON.parse(row.unit) as RegistrationInput['unit'];
  await db.$port.withTransaction(async () => {
    if (decision.approve) {
      const { code, ...fields } = unit;
      await putUnit(db, code, fields, now);
    }
    await db
      .update(registrations)
      .set({
        status: decision.approve ? 'approved' : 'refused',
        reason: decision.approve ? null : (decision.reason ?? null),
        decidedBy,
        decidedAt: now,
      })
      .where(eq(registrations.id, id))
      .run();
    await db
      .update(accounts)
      .set({ status: decision.approve ? 'active' : 'refused', updatedAt: now })
      .where(eq(accounts.id, row.accountId))
      .run();
    await logAccount(db, {
      kind: decision.approve ? 'registrationApproved' : 'registrationRefused',
      at: now,
      accountId: row.accountId,
      by: decidedBy,
      detail: decision.approve ? unit.code : `${unit.code}: ${decision.reason}`,
    });
  });
  return viewOf(db, (await db.select().from(registrations).where(eq(registrations.id, id)).get()) as RegistrationRow);
}
