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

export function logAccount(db: Db, e: AccountLogEntry): void {
  db.insert(accountLog)
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
