/** Reads that change nothing: the challenge list (cursor-paginated) and a challenge's history. */
import { and, asc, eq, gt, inArray, or, type SQL, sql } from 'drizzle-orm';
import { confidentialFieldsOf } from '../../../machines/challenge/events.js';
import { listScope, mayReadHistory, publishedStages, rolePolicies } from '../../access/policy.js';
import type { Caller } from '../../base/caller.js';
import { AppError, forbidden, notFound } from '../../base/errors.js';
import type { Db } from '../../db/client.js';
import { challenges, events } from '../../db/schema.js';

export interface ChallengeFilter {
  programme?: string | undefined;
  stage?: string | undefined;
  kind?: string | undefined;
  domain?: string | undefined;
  issuer?: string | undefined;
  district?: string | undefined;
  /** `rectification`: live challenges whose rectification period passed without a decision. */
  overdue?: 'rectification' | undefined;
  cursor?: string | undefined;
  limit: number;
}

const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (id === '' || encodeCursor(id) !== cursor)
    throw new AppError('VALIDATION_FAILED', 'The cursor is not one this API returned.', '分页游标无效。', {
      issues: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  return id;
}

/** The challenges the caller may see (src/access/policy.ts), filtered and cursor-paginated. */
export async function listChallenges(db: Db, caller: Caller, f: ChallengeFilter) {
  const where: SQL[] = [];
  const scope = listScope(caller);
  if (!scope.all) {
    const own = [
      scope.issuerUnit !== undefined ? eq(challenges.issuerUnit, scope.issuerUnit) : undefined,
      scope.districtUnit !== undefined ? eq(challenges.districtUnit, scope.districtUnit) : undefined,
    ];
    where.push(or(inArray(challenges.stage, [...publishedStages]), ...own) as SQL);
  }
  if (f.programme) where.push(eq(challenges.programmeId, f.programme));
  if (f.stage) where.push(eq(challenges.stage, f.stage));
  if (f.kind) where.push(eq(challenges.kind, f.kind));
  if (f.domain) where.push(eq(challenges.domain, f.domain));
  if (f.issuer) where.push(eq(challenges.issuerUnit, f.issuer));
  if (f.district) where.push(eq(challenges.districtUnit, f.district));
  // Set by RECTIFICATION_OVERDUE; the bureau's decision ends the challenge (an outcome), which ends the listing.
  if (f.overdue === 'rectification')
    where.push(
      db.$port.dialect === 'sqlite'
        ? sql`json_extract(${challenges.snapshot}, '$.context.rectifyOverdueSince') IS NOT NULL AND json_extract(${challenges.snapshot}, '$.context.outcome') IS NULL`
        : sql`(${challenges.snapshot}::jsonb #>> '{context,rectifyOverdueSince}') IS NOT NULL AND (${challenges.snapshot}::jsonb #>> '{context,outcome}') IS NULL`,
    );
  if (f.cursor) where.push(gt(challenges.id, decodeCursor(f.cursor)));
  const rows = await db
    .select({
      id: challenges.id,
      programmeId: challenges.programmeId,
      kind: challenges.kind,
      domain: challenges.domain,
      title: challenges.title,
      issuerUnit: challenges.issuerUnit,
      districtUnit: challenges.districtUnit,
      stage: challenges.stage,
      version: challenges.version,
      updatedAt: challenges.updatedAt,
    })
    .from(challenges)
    .where(and(...where))
    .orderBy(asc(challenges.id))
    .limit(f.limit + 1)
    .all();
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return { items: page, nextCursor: rows.length > f.limit && last ? encodeCursor(last.id) : null };
}

export async function challengeHistory(db: Db, caller: Caller, id: string) {
  const head = await db
    .select({ issuerUnit: challenges.issuerUnit, stage: challenges.stage })
    .from(challenges)
    .where(eq(challenges.id, id))
    .get();
  if (!head) throw notFound('challenge', id, '榜单');
  if (!mayReadHistory(caller, head.issuerUnit)) {
    // Another unit's unpublished challenge reads as absent, as it does for GET /challenges/:id.
    if (!(publishedStages as readonly string[]).includes(head.stage)) throw notFound('challenge', id, '榜单');
    throw forbidden(
      `The history of ${id} is for the bureau, auditors and its issuing unit.`,
      `榜单 ${id} 的完整记录仅向市科技局、审计人员和发榜单位开放。`,
      { scope: 'issuerUnit' },
    );
  }
  // A party reading its own challenge's history (not the bureau or auditors) gets it withheld.
  const withhold = rolePolicies[caller.role].history !== 'every';
  const rows = await db.select().from(events).where(eq(events.challengeId, id)).orderBy(asc(events.seq)).all();
  const entries = rows.map((e) => {
    const actor = JSON.parse(e.actor) as { unit?: string };
    const entry = {
      seq: e.seq,
      globalSeq: e.globalSeq,
      type: e.type,
      payload: JSON.parse(e.payload) as Record<string, unknown>,
      facts: e.facts === null ? null : (JSON.parse(e.facts) as unknown),
      actor: actor as unknown,
      at: e.at,
      machineVersion: e.machineVersion,
      stateAfter: JSON.parse(e.stateAfter) as unknown,
      prevHash: e.prevHash,
      hash: e.hash,
    };
    return withhold ? withheldForIssuer(entry, actor.unit === caller.unit) : entry;
  });
  return withhold ? withoutHashesOfWithheld(entries) : entries;
}

/**
 * A reader who is not shown a field gets nothing computed from it. An entry's hash covers its
 * whole row, and every later hash covers the one before it: with 101 possible scores and a short
 * comment, any of them lets the withheld score be found by trying each (issue 11). So from the
 * first entry with something withheld on, `hash` and the next entry's `prevHash` are null; the
 * entries before it keep theirs, and the bureau and auditors read and verify every hash
 * (docs/audit.md "What the issuer's history shows").
 */
function withoutHashesOfWithheld<T extends { prevHash: string; hash: string; withheld?: string[] }>(
  entries: T[],
): (Omit<T, 'prevHash' | 'hash'> & { prevHash: string | null; hash: string | null })[] {
  const firstWithheld = entries.findIndex((e) => e.withheld !== undefined);
  if (firstWithheld === -1) return entries;
  return entries.map((e, i) =>
    i < firstWithheld ? e : { ...e, hash: null, prevHash: i === firstWithheld ? e.prevHash : null },
  );
}

/**
 * The issuing unit reads its challenge's history, but not other parties' personal data: the
 * registry facts of events its unit did not send (solvers' credit and misconduct records,
 * experts' units) and the payload fields an event's definition marks confidential (the experts'
 * individual scores and comments, which no party sees: docs/security.md). What is withheld is
 * named, so the entry is never silently incomplete; the bureau and auditors read every entry
 * whole and can check its hash.
 */
function withheldForIssuer<T extends { type: string; payload: Record<string, unknown>; facts: unknown }>(
  entry: T,
  sentByItsUnit: boolean,
): T & { withheld?: string[] } {
  const withheld: string[] = [];
  let { payload, facts } = entry;
  if (facts !== null && !sentByItsUnit) {
    facts = null;
    withheld.push('facts');
  }
  const confidential = confidentialFieldsOf(entry.type);
  if (confidential.some((field) => field in payload)) {
    payload = Object.fromEntries(Object.entries(payload).filter(([field]) => !confidential.includes(field)));
    withheld.push(...confidential.filter((field) => field in entry.payload).map((field) => `payload.${field}`));
  }
  return withheld.length === 0 ? entry : { ...entry, payload, facts, withheld };
}
