/**
 * Signing in (issue 12): username and password against the argon2id hash; five failures within
 * 15 minutes lock the account for 15 minutes (429); every sign-in, failure and lock-out is in
 * the account log. A session is a random secret in an HttpOnly, SameSite=Strict cookie, stored
 * as its sha256 like a token, with a CSRF token that every write with the cookie must echo.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { TokenRole } from '../access/policy.js';
import type { Caller } from '../base/caller.js';
import { AppError, forbidden } from '../base/errors.js';
import type { Db } from '../db/client.js';
import { logAccount } from './account-log.js';
import { type AccountRow, accountById, accountByUsername, rolesOf } from './accounts.js';
import { decoyHash, passwordMatches } from './passwords.js';

export const SESSION_COOKIE = 'jb_session';
/** A working day and then some: a session ends 12 hours after sign-in, or at sign-out. */
export const SESSION_HOURS = 12;
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const wrongPair = () => new AppError('UNAUTHENTICATED', 'Wrong username or password.', '用户名或密码错误。');

const locked = (until: string) =>
  new AppError(
    'ACCOUNT_LOCKED',
    `Too many failed sign-ins: the account is locked until ${until}.`,
    `登录失败次数过多，账号已锁定至 ${beijing(until)}（北京时间）。`,
  );

const beijing = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

export interface SignedIn {
  account: AccountRow;
  secret: string;
  csrfToken: string;
  expiresAt: string;
}

/** Checks the pair and opens a session; refusals are recorded and say nothing about which half was wrong. */
export async function signIn(
  db: Db,
  input: { username: string; password: string },
  ip: string,
  now: Date,
): Promise<SignedIn> {
  const at = now.toISOString();
  const account = await accountByUsername(db, input.username);
  if (!account) {
    await passwordMatches(await decoyHash(), input.password);
    await logAccount(db, { kind: 'signInFailed', at, username: input.username, ip, detail: 'unknown username' });
    throw wrongPair();
  }
  const base = { accountId: account.id, username: account.username, ip };
  if (account.lockedUntil !== null && Date.parse(account.lockedUntil) > now.getTime()) {
    await logAccount(db, { kind: 'signInRefusedLocked', at, ...base });
    throw locked(account.lockedUntil);
  }
  const ok = await passwordMatches(account.passwordHash, input.password);
  if (!ok) {
    await logAccount(db, { kind: 'signInFailed', at, ...base });
    if ((await failuresSince(db, account, now)) >= LOCK_AFTER_FAILURES) {
      const until = new Date(now.getTime() + LOCK_MS).toISOString();
      await db.$port.run('UPDATE accounts SET locked_until = ?, updated_at = ? WHERE id = ?', [until, at, account.id]);
      await logAccount(db, { kind: 'lockedOut', at, ...base, detail: `until ${until}` });
      throw locked(until);
    }
    throw wrongPair();
  }
  if (account.status !== 'active') {
    await logAccount(db, { kind: 'signInFailed', at, ...base, detail: `account ${account.status}` });
    throw forbidden(
      account.status === 'pending'
        ? 'The registration of this account awaits the bureau’s approval.'
        : 'This account is not active.',
      account.status === 'pending' ? '该账号的注册申请尚待科技局审核。' : '该账号未启用。',
    );
  }
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString();
  await db.$port.run(
    'INSERT INTO sessions (id, secret_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    [randomUUID(), sha256(secret), account.id, csrfToken, at, expiresAt],
  );
  await logAccount(db, { kind: 'signIn', at, ...base });
  return { account, secret, csrfToken, expiresAt };
}

/** Failures since the window opened: the later of 15 minutes ago, the last sign-in and the last lock-out. */
async function failuresSince(db: Db, account: AccountRow, now: Date): Promise<number> {
  const windowStart = new Date(now.getTime() - LOCK_WINDOW_MS).toISOString();
  const [row] = await db.$port.query<{ n: number }>(
    `SELECT count(*) AS n FROM account_log WHERE account_id = @id AND kind = 'signInFailed' AND at > @from
         AND at > coalesce((SELECT max(at) FROM account_log WHERE account_id = @id AND kind IN ('signIn', 'lockedOut', 'passwordReset')), '')`,
    { id: account.id, from: windowStart },
  );
  return Number(row?.n ?? 0);
}

export interface SessionRow {
  id: string;
  account_id: string;
  csrf_token: string;
  expires_at: string;
  ended_at: string | null;
}

/** The open session a cookie's secret stands for, with its account, or undefined. */
export async function resolveSession(
  db: Db,
  secret: string,
  now: Date,
): Promise<{ session: SessionRow; account: AccountRow } | undefined> {
  const [session] = await db.$port.query<SessionRow>('SELECT * FROM sessions WHERE secret_hash = ?', [sha256(secret)]);
  if (!session || session.ended_at !== null || Date.parse(session.expires_at) <= now.getTime()) return undefined;
  const account = await accountById(db, session.account_id);
  if (account.status !== 'active') return undefined;
  return { session, account };
}

/** The caller a session acts as: the account's first role, or another of its roles the client names. */
export function callerOfSession(account: AccountRow, wanted: string | undefined): Caller | undefined {
  const roles = rolesOf(account);
  const role = (wanted ?? roles[0]) as TokenRole;
  if (!roles.includes(role)) return undefined;
  return {
    tokenId: `account:${account.id}`,
    account: account.id,
    role,
    ...(account.unit ? { unit: account.unit } : {}),
    ...(account.person ? { person: account.person } : {}),
  };
}

export function csrfMatches(session: SessionRow, sent: string | undefined): boolean {
  if (!sent) return false;
  const a = Buffer.from(session.csrf_token);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function signOut(db: Db, session: SessionRow, account: AccountRow, ip: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.$port.run('UPDATE sessions SET ended_at = ? WHERE id = ?', [at, session.id]);
  await logAccount(db, { kind: 'signOut', at, accountId: account.id, username: account.username, ip });
}
