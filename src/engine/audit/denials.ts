/**
 * Refused attempts on record (issue 5, design.md "Audit log"): one row per refusal of an event
 * — 401, 403, 404, 422 — written by itself after the refusal, never inside a challenge's
 * transaction, and read by auditors and the bureau with filters and a cursor.
 */
import { and, desc, eq, gte, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Caller } from '../../base/caller.js';
import { AppError } from '../../base/errors.js';
import type { Db } from '../../db/client.js';
import { denials } from '../../db/schema.js';

/** Statuses that put an attempt on record: the caller was refused, not the request malformed. */
export const recordedStatuses = new Set([401, 403, 404, 422]);

export interface DenialInput {
  at: string;
  caller: Caller | undefined;
  method: string;
  route: string;
  challengeId: string | undefined;
  eventType: string | undefined;
  status: number;
  code: string;
  clause: string | undefined;
  clauses: string[] | undefined;
  scope: string | undefined;
  message: string;
  messageZh: string | undefined;
  requestId: string;
  ip: string | undefined;
}

const placeholder = (name: string) => sql.placeholder(name);

export function createDenialRecorder(db: Db) {
  const insert = db
    .insert(denials)
    .values({
      at: placeholder('at'),
      tokenId: placeholder('tokenId'),
      role: placeholder('role'),
      unit: placeholder('unit'),
      person: placeholder('person'),
      method: placeholder('method'),
      route: placeholder('route'),
      challengeId: placeholder('challengeId'),
      eventType: placeholder('eventType'),
      status: placeholder('status'),
      code: placeholder('code'),
      clause: placeholder('clause'),
      clauses: placeholder('clauses'),
      scope: placeholder('scope'),
      message: placeholder('message'),
      messageZh: placeholder('messageZh'),
      requestId: placeholder('requestId'),
      ip: placeholder('ip'),
    })
    .prepare();
  return async (d: DenialInput): Promise<void> => {
    await insert.run({
      at: d.at,
      tokenId: d.caller?.tokenId ?? null,
      role: d.caller?.role ?? null,
      unit: d.caller?.unit ?? null,
      person: d.caller?.person ?? null,
      method: d.method,
      route: d.route,
      challengeId: d.challengeId ?? null,
      eventType: d.eventType ?? null,
      status: d.status,
      code: d.code,
      clause: d.clause ?? null,
      clauses: d.clauses ? JSON.stringify(d.clauses) : null,
      scope: d.scope ?? null,
      message: d.message,
      messageZh: d.messageZh ?? null,
      requestId: d.requestId,
      ip: d.ip ?? null,
    });
  };
}

export interface DenialFilter {
  challenge?: string | undefined;
  token?: string | undefined;
  role?: string | undefined;
  code?: string | undefined;
  eventType?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Newest first; the cursor is the id of the last row of the previous page. */
export async function listDenials(db: Db, f: DenialFilter) {
  const where: SQL[] = [];
  if (f.challenge) where.push(eq(denials.challengeId, f.challenge));
  if (f.token) where.push(eq(denials.tokenId, f.token));
  if (f.role) where.push(eq(denials.role, f.role));
  if (f.code) where.push(eq(denials.code, f.code));
  if (f.eventType) where.push(eq(denials.eventType, f.eventType));
  if (f.from) where.push(gte(denials.at, new Date(f.from).toISOString()));
  if (f.to) where.push(lte(denials.at, new Date(f.to).toISOString()));
  if (f.cursor) where.push(lt(denials.id, decodeCursor(f.cursor)));
  const rows = await db
    .select()
    .from(denials)
    .where(and(...where))
    .orderBy(desc(denials.id))
    .limit(f.limit + 1)
    .all();
  const page = rows.slice(0, f.limit).map(({ clauses, ...row }) => ({
    ...row,
    clauses: clauses === null ? null : (JSON.parse(clauses) as string[]),
  }));
  const last = page[page.length - 1];
  return { items: page, nextCursor: rows.length > f.limit && last ? String(last.id) : null };
}

function decodeCursor(cursor: string): number {
  if (!/^[1-9]\d{0,15}$/.test(cursor))
    throw new AppError('VALIDATION_FAILED', 'The cursor is not one this API returned.', '分页游标无效。', {
      issues: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  return Number(cursor);
}
