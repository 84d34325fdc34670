/**
 * Accounts of people who sign in with a password (issue 12). A unit's own account (made by its
 * approved self-registration) acts as `issuer` and `solver` for its unit; staff and expert
 * accounts, made by the admin or the bureau, hold one role. Bearer tokens stay for scripts.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { rolePolicies, type TokenRole } from '../access/policy.js';
import type { Caller } from '../base/caller.js';
import { AppError, notFound } from '../base/errors.js';
import type { Db } from '../db/client.js';
import { accounts, persons, units } from '../db/schema.js';
import { logAccount } from './account-log.js';
import { checkPasswordRules, hashPassword, passwordMatches } from './passwords.js';

export type AccountRow = typeof accounts.$inferSelect;

/** The roles staff accounts may be created with (a unit's own account comes from its registration). */
export const staffAccountRoles = ['bureau', 'district', 'expert', 'finance', 'auditor'] as const;

export const rolesOf = (row: AccountRow): TokenRole[] => JSON.parse(row.roles) as TokenRole[];

export const usernameTaken = (username: string) =>
  new AppError('ALREADY_EXISTS', `The username "${username}" is taken.`, `用户名“${username}”已被使用。`, {
    issues: [{ path: 'username', message: 'taken' }],
  });

export async function accountByUsername(db: Db, username: string): Promise<AccountRow | undefined> {
  return await db.select().from(accounts).where(eq(accounts.username, username)).get();
}

export async function accountById(db: Db, id: string): Promise<AccountRow> {
  const row = await db.select().from(accounts).where(eq(accounts.id, id)).get();
  if (!row) throw notFound('account', id, '账号');
  return row;
}

export interface NewStaffAccount {
  username: string;
  password: string;
  name: string;
  role: (typeof staffAccountRoles)[number];
  unit?: string | undefined;
  person?: string | undefined;
  mobile?: string | undefined;
  email?: string | undefined;
}

/** POST /accounts (admin, bureau): a staff or expert account, active at once. */
export async function createStaffAccount(db: Db, input: NewStaffAccount, by: Caller, now: string) {
  checkPasswordRules(input.password, input.username);
  const actsFor = rolePolicies[input.role].actsFor;
  const missing = (path: string, message: string, zh: string) =>
    new AppError('VALIDATION_FAILED', message, zh, { issues: [{ path, message }] });
  if (actsFor === 'unit') {
    if (!input.unit)
      throw missing('unit', `A ${input.role} account names its unit.`, `${input.role} 账号须指定所属单位。`);
    if (!(await db.select().from(units).where(eq(units.code, input.unit)).get()))
      throw missing('unit', `Register unit ${input.unit} first.`, `请先登记单位 ${input.unit}。`);
  }
  if (actsFor === 'person') {
    if (!input.person) throw missing('person', 'An expert account names its person.', '专家账号须指定专家本人。');
    if (!(await db.select().from(persons).where(eq(persons.id, input.person)).get()))
      throw missing('person', `Register person ${input.person} first.`, `请先登记人员 ${input.person}。`);
  }
  if (await accountByUsername(db, input.username)) throw usernameTaken(input.username);
  const id = randomUUID();
  const passwordHash = await hashPassword(input.password);
  await db.$port.withTransaction(async () => {
    await db
      .insert(accounts)
      .values({
        id,
        username: input.username,
        passwordHash,
        name: input.name,
        mobile: input.mobile ?? null,
        email: input.email ?? null,
        roles: JSON.stringify([input.role]),
        unit: actsFor === 'unit' ? (input.unit ?? null) : null,
        person: actsFor === 'person' ? (input.person ?? null) : null,
        status: 'active',
        createdAt: now,
        updatedAt: now,
      })
      .run();
    await logAccount(db, {
      kind: 'accountCreated',
      at: now,
      accountId: id,
      username: input.username,
      by: by.account ?? by.tokenId,
      detail: input.role,
    });
  });
  return { id, username: input.username, role: input.role };
}

/** The account changes its own password: the current one is checked, other sessions end. */
export async function changePassword(
  db: Db,
  accountId: string,
  current: string,
  next: string,
  keepSession: string | undefined,
  now: string,
) {
  const row = await accountById(db, accountId);
  if (!(await passwordMatches(row.passwordHash, current)))
    throw new AppError('VALIDATION_FAILED', 'The current password is wrong.', '当前密码不正确。', {
      issues: [{ path: 'currentPassword', message: 'wrong' }],
    });
  checkPasswordRules(next, row.username, 'newPassword');
  const passwordHash = await hashPassword(next);
  await db
    .update(accounts)
    .set({ passwordHash, mustChangePassword: false, updatedAt: now })
    .where(eq(accounts.id, accountId))
    .run();
  await endSessionsOf(db, accountId, now, keepSession);
  await logAccount(db, { kind: 'passwordChanged', at: now, accountId, username: row.username, by: accountId });
}

/** The bureau sets a new password (told to the person by other means); it must be changed at the next sign-in. */
export async function resetPassword(db: Db, accountId: string, password: string, by: Caller, now: string) {
  const row = await accountById(db, accountId);
  checkPasswordRules(password, row.username);
  const passwordHash = await hashPassword(password);
  await db
    .update(accounts)
    .set({ passwordHash, mustChangePassword: true, lockedUntil: null, updatedAt: now })
    .where(eq(accounts.id, accountId))
    .run();
  await endSessionsOf(db, accountId, now);
  await logAccount(db, {
    kind: 'passwordReset',
    at: now,
    accountId,
    username: row.username,
    by: by.account ?? by.tokenId,
  });
}

async function endSessionsOf(db: Db, accountId: string, now: string, except?: string) {
  await db.$port.run(
    'UPDATE sessions SET ended_at = ? WHERE account_id = ? AND ended_at IS NULL AND id IS DISTINCT FROM ?',
    [now, accountId, except ?? null],
  );
}

/** What GET /me and a sign-in answer. */
export function whoAmI(row: AccountRow, role: TokenRole, csrfToken?: string) {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    role,
    roles: rolesOf(row),
    ...(row.unit ? { unit: row.unit } : {}),
    ...(row.person ? { person: row.person } : {}),
    mustChangePassword: row.mustChangePassword,
    ...(csrfToken ? { csrfToken } : {}),
  };
}

/** The accounts (never their password hashes), for the bureau and auditors. */
export async function listAccounts(db: Db, f: { username?: string | undefined; unit?: string | undefined }) {
  const rows = await db.select().from(accounts).all();
  return {
    items: rows
      .filter(
        (a) => (f.username === undefined || a.username === f.username) && (f.unit === undefined || a.unit === f.unit),
      )
      .map((a) => ({
        id: a.id,
        username: a.username,
        name: a.name,
        roles: rolesOf(a),
        unit: a.unit,
        person: a.person,
        status: a.status,
        lockedUntil: a.lockedUntil,
        mustChangePassword: a.mustChangePassword,
        createdAt: a.createdAt,
      })),
  };
}
