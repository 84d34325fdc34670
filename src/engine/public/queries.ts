/**
 * What anyone may read without signing in (api.md "The open call"): the public list with its
 * Chinese full-text search, one public challenge, its notice, and the Atom feed's entries. Every
 * answer is built from `public_challenges` alone, so nothing but public fields can reach it.
 */
import type { ProgrammeSettings } from '../../../machines/programme.js';
import { AppError, notFound } from '../../base/errors.js';
import type { Db } from '../../db/client.js';
import { matchExpression } from './cjk-bigrams.js';
import type { PublicFields } from './listing.js';

export interface PublicFilter {
  q?: string | undefined;
  domain?: string | undefined;
  kind?: string | undefined;
  /** The recommending unit's code (区县), as the list names it. */
  district?: string | undefined;
  /** Only calls still taking bids. */
  open?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

interface Row {
  id: string;
  programme_id: string;
  kind: string;
  domain: string;
  title: string;
  summary: string;
  issuer_name: string;
  district_unit: string;
  district_name: string;
  indicators: string;
  period_months: number;
  solver_funding_cny: number;
  bidding_closes_at: string | null;
  stage: string;
  bidding_open: number;
  notice_open: number;
  detail: string;
  published_at: string;
  notice_at: string | null;
  updated_at: string;
}

export interface PublicItem {
  id: string;
  title: string;
  kind: string;
  domain: string;
  summary: string;
  issuerName: string;
  districtName: string;
  indicators: string[];
  periodMonths: number;
  solverFundingCny: number;
  biddingClosesAt: string | null;
  stage: string;
}

const itemOf = (r: Row): PublicItem => ({
  id: r.id,
  title: r.title,
  kind: r.kind,
  domain: r.domain,
  summary: r.summary,
  issuerName: r.issuer_name,
  districtName: r.district_name,
  indicators: JSON.parse(r.indicators) as string[],
  periodMonths: r.period_months,
  solverFundingCny: r.solver_funding_cny,
  biddingClosesAt: r.bidding_closes_at,
  stage: r.stage,
});

const badCursor = () =>
  new AppError('VALIDATION_FAILED', 'The cursor is not one this API returned.', '分页游标无效。', {
    issues: [{ path: 'cursor', message: 'invalid cursor' }],
  });

/** Newest first by publication (then id); a search ranks by relevance, paged by offset. */
type Cursor = { p: string; i: string } | { o: number };
const encode = (c: Cursor) => Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
function decode(cursor: string, searching: boolean): Cursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (searching && Number.isInteger(c.o) && (c.o as number) > 0) return { o: c.o as number };
    if (!searching && typeof c.p === 'string' && typeof c.i === 'string') return { p: c.p, i: c.i };
  } catch {
    // falls through to the refusal
  }
  throw badCursor();
}

/** The published calls, filtered, searched and paginated. */
export function listPublicChallenges(db: Db, f: PublicFilter, now: Date) {
  const client = db.$client;
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: f.limit + 1 };
  if (f.domain) {
    where.push('p.domain = @domain');
    params.domain = f.domain;
  }
  if (f.kind) {
    where.push('p.kind = @kind');
    params.kind = f.kind;
  }
  if (f.district) {
    where.push('p.district_unit = @district');
    params.district = f.district;
  }
  if (f.open) {
    where.push('p.bidding_open = 1 AND (p.bidding_closes_at IS NULL OR p.bidding_closes_at > @now)');
    params.now = now.toISOString();
  }
  const match = f.q === undefined ? null : matchExpression(f.q);
  if (f.q !== undefined && f.q.trim() !== '' && match === null) return { items: [], nextCursor: null };
  let rows: Row[];
  if (match !== null) {
    const cursor = f.cursor ? decode(f.cursor, true) : { o: 0 };
    params.match = match;
    params.offset = 'o' in cursor ? cursor.o : 0;
    // Title matches weigh ten times the rest (bm25 column weights: id, title, body).
    rows = client
      .prepare(
        `SELECT p.* FROM public_challenges_fts f JOIN public_challenges p ON p.id = f.id
         WHERE public_challenges_fts MATCH @match ${where.map((w) => `AND ${w}`).join(' ')}
         ORDER BY bm25(public_challenges_fts, 0, 10, 1), p.published_at DESC, p.id
         LIMIT @limit OFFSET @offset`,
      )
      .all(params) as Row[];
    const more = rows.length > f.limit;
    const page = rows.slice(0, f.limit);
    return {
      items: page.map(itemOf),
      nextCursor: more ? encode({ o: (params.offset as number) + f.limit }) : null,
    };
  }
  if (f.cursor) {
    const c = decode(f.cursor, false);
    if ('p' in c) {
      where.push('(p.published_at < @cp OR (p.published_at = @cp AND p.id > @ci))');
      params.cp = c.p;
      params.ci = c.i;
    }
  }
  rows = client
    .prepare(
      `SELECT p.* FROM public_challenges p ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY p.published_at DESC, p.id LIMIT @limit`,
    )
    .all(params) as Row[];
  const more = rows.length > f.limit;
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return { items: page.map(itemOf), nextCursor: more && last ? encode({ p: last.published_at, i: last.id }) : null };
}

function rowOf(db: Db, id: string): Row {
  const row = db.$client.prepare('SELECT * FROM public_challenges WHERE id = ?').get(id) as Row | undefined;
  if (!row) throw notFound('challenge', id, '榜单');
  return row;
}

const unitNames = (db: Db) => {
  const byCode = db.$client.prepare<[string], { name: string }>('SELECT name FROM units WHERE code = ?');
  return (code: string) => byCode.get(code)?.name ?? code;
};

export interface PublicNotice {
  challengeId: string;
  title: string;
  selected: { bidId: string; leadUnitName: string; memberUnitNames: string[]; panelScore: number | null }[];
  noticeEndsAt: string | null;
  objectionsOpen: boolean;
}

function noticeOf(db: Db, row: Row, now: Date): PublicNotice | null {
  const detail = JSON.parse(row.detail) as PublicFields['detail'];
  if (detail.notice === null) return null;
  const name = unitNames(db);
  const endsAt = detail.notice.noticeEndsAt;
  return {
    challengeId: row.id,
    title: row.title,
    selected: detail.notice.selected.map((s) => ({
      bidId: s.bidId,
      leadUnitName: name(s.leadUnit),
      memberUnitNames: s.memberUnits.map(name),
      panelScore: s.panelScore,
    })),
    noticeEndsAt: endsAt,
    objectionsOpen: row.notice_open === 1 && endsAt !== null && now.getTime() <= Date.parse(endsAt),
  };
}

/** One public call: the list's fields, the programme's contact desks, the horse-race routes, the notice. */
export function readPublicChallenge(db: Db, id: string, now: Date) {
  const row = rowOf(db, id);
  const detail = JSON.parse(row.detail) as PublicFields['detail'];
  const programme = db.$client.prepare('SELECT settings FROM programmes WHERE id = ?').get(row.programme_id) as
    | { settings: string }
    | undefined;
  const settings = programme ? (JSON.parse(programme.settings) as ProgrammeSettings) : undefined;
  return {
    ...itemOf(row),
    programmeId: row.programme_id,
    publishedAt: row.published_at,
    biddingOpen: row.bidding_open === 1,
    contacts: settings?.contacts ?? [],
    horseRace: detail.horseRace,
    notice: noticeOf(db, row, now),
  };
}

/** The notice of the selection (开榜公告), once announced; 404 before. */
export function readPublicNotice(db: Db, id: string, now: Date): PublicNotice {
  const notice = noticeOf(db, rowOf(db, id), now);
  if (!notice) throw notFound('notice of challenge', id, '榜单的开榜公告');
  return notice;
}

export interface FeedEntry {
  id: string;
  kind: 'call' | 'notice';
  challengeId: string;
  title: string;
  summary: string;
  issuerName: string;
  at: string;
}

/** The feed's entries: each publication and each notice, newest first. */
export function feedEntries(db: Db, limit: number): FeedEntry[] {
  const rows = db.$client
    .prepare(
      `SELECT * FROM (
         SELECT id, title, summary, issuer_name, published_at AS at, 'call' AS kind FROM public_challenges
         UNION ALL
         SELECT id, title, summary, issuer_name, notice_at AS at, 'notice' AS kind FROM public_challenges WHERE notice_at IS NOT NULL
       ) ORDER BY at DESC, id LIMIT ?`,
    )
    .all(limit) as {
    id: string;
    title: string;
    summary: string;
    issuer_name: string;
    at: string;
    kind: 'call' | 'notice';
  }[];
  return rows.map((r) => ({
    id: `${r.id}/${r.kind}`,
    kind: r.kind,
    challengeId: r.id,
    title: r.title,
    summary: r.summary,
    issuerName: r.issuer_name,
    at: r.at,
  }));
}

/** What the printable notice needs besides the notice: the programme's name, the issuer, the contact desks. */
export function noticePrintout(db: Db, id: string, now: Date) {
  const notice = readPublicNotice(db, id, now);
  const row = rowOf(db, id);
  const programme = db.$client.prepare('SELECT settings FROM programmes WHERE id = ?').get(row.programme_id) as
    | { settings: string }
    | undefined;
  const settings = programme ? (JSON.parse(programme.settings) as ProgrammeSettings) : undefined;
  return {
    notice,
    programmeName: settings?.name ?? row.programme_id,
    issuerName: row.issuer_name,
    contacts: settings?.contacts ?? [],
  };
}
