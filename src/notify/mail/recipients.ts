/**
 * Who receives mail, and which kinds each has turned off. Until accounts exist (issue 12) an
 * address is registered by staff for a unit (issuer, solver, finance desk) or a person (an
 * expert); the unit's or person's own token may turn kinds of mail off and on again.
 */
import type { Caller } from '../../base/caller.js';
import { AppError } from '../../base/errors.js';
import type { Db } from '../../db/client.js';
import type { MailKind } from './templates.js';

export const recipientRoles = ['issuer', 'district', 'solver', 'expert', 'bureau', 'finance'] as const;

export interface Recipient {
  address: string;
  name: string;
  role: (typeof recipientRoles)[number];
  unit: string | null;
  person: string | null;
  optOuts: MailKind[];
  updatedAt: string;
}

type Row = Omit<Recipient, 'optOuts'> & { optOuts: string };
const columns = 'address, name, role, unit, person, opt_outs AS optOuts, updated_at AS updatedAt';
const view = (row: Row): Recipient => ({ ...row, optOuts: JSON.parse(row.optOuts) as MailKind[] });

export async function putRecipient(
  db: Db,
  input: Omit<Recipient, 'updatedAt' | 'optOuts'>,
  at: string,
): Promise<Recipient> {
  if (
    (input.role === 'expert') !== (input.person !== null) ||
    (input.role !== 'expert' && input.role !== 'finance' && input.role !== 'bureau' && input.unit === null)
  )
    throw new AppError(
      'VALIDATION_FAILED',
      'An expert names a person; an issuer or solver names a unit.',
      '专家须填写人员编号；发榜方、揭榜方须填写单位代码。',
    );
  await db.$port.run(
    `INSERT INTO mail_recipients (address, name, role, unit, person, opt_outs, updated_at)
       VALUES (@address, @name, @role, @unit, @person, '[]', @at)
       ON CONFLICT (address) DO UPDATE SET name = @name, role = @role, unit = @unit, person = @person, updated_at = @at`,
    { ...input, at },
  );
  return getRecipient(db, input.address);
}

export async function getRecipient(db: Db, address: string): Promise<Recipient> {
  const [row] = await db.$port.query<Row>(`SELECT ${columns} FROM mail_recipients WHERE address = ?`, [address]);
  if (!row) throw new AppError('NOT_FOUND', `No mail recipient ${address}.`, `找不到邮件接收人 ${address}。`);
  return view(row);
}

export async function listRecipients(db: Db): Promise<Recipient[]> {
  return (await db.$port.query<Row>(`SELECT ${columns} FROM mail_recipients ORDER BY address`)).map(view);
}

/** Staff, or the unit's or person's own token. */
export function mayManageOptOuts(caller: Caller, recipient: Recipient, staff: boolean): boolean {
  if (staff) return true;
  if (recipient.person !== null) return caller.person === recipient.person;
  return recipient.unit !== null && caller.unit === recipient.unit && caller.role === recipient.role;
}

export async function setOptOuts(db: Db, address: string, kinds: MailKind[], at: string): Promise<Recipient> {
  await db.$port.run('UPDATE mail_recipients SET opt_outs = ?, updated_at = ? WHERE address = ?', [
    JSON.stringify([...new Set(kinds)].sort()),
    at,
    address,
  ]);
  return getRecipient(db, address);
}

export interface OutboxMail {
  deliveryId: string;
  to: string;
  kind: MailKind;
  subject: string;
  challengeId: string;
  seq: number;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  settledAt: string | null;
}

/** The mail outbox, newest first: what was sent, what waits (no SMTP, or retrying), what died. */
export async function listMail(db: Db, status: OutboxMail['status'] | undefined, limit: number): Promise<OutboxMail[]> {
  const rows = await db.$port.query<Omit<OutboxMail, 'kind' | 'subject'> & { body: string }>(
    `SELECT delivery_id AS deliveryId, target AS "to", body, challenge_id AS challengeId, seq, status, attempts,
              last_error AS lastError, created_at AS createdAt, settled_at AS settledAt
         FROM outbox WHERE channel = 'mail' AND (CAST(? AS TEXT) IS NULL OR status = ?) ORDER BY id DESC LIMIT ?`,
    [status ?? null, status ?? null, limit],
  );
  return rows.map(({ body, ...row }) => {
    const { kind, subject } = JSON.parse(body) as { kind: MailKind; subject: string };
    return { ...row, kind, subject };
  });
}
