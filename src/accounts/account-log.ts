/**
 * The record of every sign-in, failed sign-in, lock-out, sign-out, password change or reset,
 * registration and decision (append-only: triggers in migrations/0011). Auditors read it.
 */
import type { Db } from '../db/client.js';
import { accountLog } from '../db/schema.js';

export type AccountLogKind =
  | 'signIn'
  | 'signInFailed'
  | 'signInRefusedLocked'
  | 'lockedOut'
  | 'signOut'
  | 'passwordChanged'
  | 'passwordReset'
  | 'accountCreated'
  | 'registered'
  | 'registrationApproved'
  | 'registrationRefused';

export interface AccountLogEntry {
  kind: AccountLogKind;
  at: string;
  accountId?: string | null | undefined;
  username?: string | null | undefined;
  by?: string | null | undefined;
  ip?: string | null | undefined;
  detail?: string | null | undefined;
}

export async function logAccount(db: Db, e: AccountLogEntry): Promise<void> {
  await db
    .insert(accountLog)
    .values({
      at: e.at,
      kind: e.kind,
      accountId: e.accountId ?? null,
      username: e.username ?? null,
      by: e.by ?? null,
      ip: e.ip ?? null,
      detail: e.detail ?? null,
    })
    .run();
}

/** The log, newest first, optionally of one account; `before` (an id) pages back. */
export async function readAccountLog(
  db: Db,
  f: { account?: string | undefined; before?: number | undefined; limit: number },
) {
  const rows = await db.$port.query<{
    id: number;
    at: string;
    kind: string;
    accountId: string | null;
    username: string | null;
    by: string | null;
    ip: string | null;
    detail: string | null;
  }>(
    `SELECT id, at, kind, account_id AS accountId, username, "by", ip, detail FROM account_log
       WHERE (CAST(@account AS TEXT) IS NULL OR account_id = @account)
         AND (CAST(@before AS BIGINT) IS NULL OR id < @before)
       ORDER BY id DESC LIMIT @limit`,
    { account: f.account ?? null, before: f.before ?? null, limit: f.limit + 1 },
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return { items: page, nextBefore: rows.length > f.limit && last ? last.id : null };
}
