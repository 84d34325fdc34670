/**
 * What anyone may read without signing in (api.md "The open call"): the public list with its
 * Chinese full-text search, one public challenge, its notice, and the Atom feed's entries. Every
 * answer is built from `public_challenges` alone, so nothing but public fields can reach it.
 */
import { beijingDate } from '../../../machines/calendar.js';
import type { ProgrammeSettings } from '../../../machines/programme.js';
import { AppError, notFound } from '../../base/errors.js';
import type { Db } from '../../db/client.js';
import type { SignedCheckpoint } from '../audit/checkpoint-signatures.js';
import { matchExpression, searchQuery } from './cjk-bigrams.js';
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
export async function listPublicChallenges(db: Db, f: PublicFilter, now: Date) {
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
  if (match !== null && f.q !== undefined) {
    const cursor = f.cursor ? decode(f.cursor, true) : { o: 0 };
    params.offset = 'o' in cursor ? cursor.o : 0;
    if (db.$port.dialect === 'sqlite') {
      params.match = match;
      // Title matches weigh ten times the rest (bm25 column weights: id, title, body).
      rows = await db.$port.query<Row>(
        `SELECT p.* FROM public_challenges_fts f JOIN public_challenges p ON p.id = f.id
         WHERE public_challenges_fts MATCH @match ${where.map((w) => `AND ${w}`).join(' ')}
         ORDER BY bm25(public_challenges_fts, 0, 10, 1), p.published_at DESC, p.id
         LIMIT @limit OFFSET @offset`,
        params,
      );
    } else rows = await searchOnPostgres(db, f.q, where, params);
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
  rows = await db.$port.query<Row>(
    `SELECT p.* FROM public_challenges p ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY p.published_at DESC, p.id LIMIT @limit`,
    params,
  );
  const more = rows.length > f.limit;
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return { items: page.map(itemOf), nextCursor: more && last ? encode({ p: last.published_at, i: last.id }) : null };
}

/**
 * PostgreSQL's search (no FTS5 there): the GIN-indexed terms narrow the rows, every word typed
 * must then occur as written (ILIKE); titles holding every word rank first (docs/decisions.md).
 * Positional parameters: `@>` is an operator here, not a name.
 */
async function searchOnPostgres(db: Db, q: string, where: string[], params: Record<string, unknown>): Promise<Row[]> {
  const query = searchQuery(q);
  if (query === null) return [];
  const values: unknown[] = [];
  const add = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const escaped = query.words.map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const inText = escaped.map((w) => `(f.title || ' ' || f.body) ILIKE ${add(w)}`).join(' AND ');
  const inTitle = escaped.map((w) => `f.title ILIKE ${add(w)}`).join(' AND ');
  const filters = where.map((w) => w.replace(/@(\w+)/g, (_m, name: string) => add(params[name])));
  const terms = query.terms.length > 0 ? `AND f.terms @> ${add(query.terms)}::text[]` : '';
  return db.$port.query<Row>(
    `SELECT p.* FROM public_challenges_fts f JOIN public_challenges p ON p.id = f.id
     WHERE ${inText} ${terms} ${filters.map((w) => `AND ${w}`).join(' ')}
     ORDER BY CASE WHEN ${inTitle} THEN 0 ELSE 1 END, p.published_at DESC, p.id
     LIMIT ${add(params.limit)} OFFSET ${add(params.offset)}`,
    values,
  );
}

async function rowOf(db: Db, id: string): Promise<Row> {
  const [row] = await db.$port.query<Row>('SELECT * FROM public_challenges WHERE id = ?', [id]);
  if (!row) throw notFound('challenge', id, '榜单');
  return row;
}

async function unitNames(db: Db, codes: string[]): Promise<(code: string) => string> {
  const names = new Map<string, string>();
  for (const code of new Set(codes)) {
    const [row] = await db.$port.query<{ name: string }>('SELECT name FROM units WHERE code = ?', [code]);
    if (row) names.set(code, row.name);
  }
  return (code: string) => names.get(code) ?? code;
}

async function settingsOf(db: Db, programmeId: string): Promise<ProgrammeSettings | undefined> {
  const [programme] = await db.$port.query<{ settings: string }>('SELECT settings FROM programmes WHERE id = ?', [
    programmeId,
  ]);
  return programme ? (JSON.parse(programme.settings) as ProgrammeSettings) : undefined;
}

export interface PublicNotice {
  challengeId: string;
  title: string;
  selected: { bidId: string; leadUnitName: string; memberUnitNames: string[]; panelScore: number | null }[];
  noticeEndsAt: string | null;
  objectionsOpen: boolean;
  /**
   * Issue 16: the first signed daily checkpoint that covers the notice (of the Beijing day it was
   * announced, or a later one); null until that day's checkpoint is recorded, with the first
   * event of a later day.
   */
  checkpoint: SignedCheckpoint | null;
}

/** The first signed checkpoint of `day` or later: it covers every event recorded up to the end of `day`. */
async function checkpointCovering(db: Db, day: string): Promise<SignedCheckpoint | null> {
  const [row] = await db.$port.query<SignedCheckpoint>(
    `SELECT c.day, c.global_seq AS globalSeq, c.global_hash AS globalHash, c.hash_algorithm AS hashAlgorithm, s.signature
     FROM checkpoints c JOIN checkpoint_signatures s ON s.day = c.day WHERE c.day >= ? ORDER BY c.day LIMIT 1`,
    [day],
  );
  return row ? { ...row, globalSeq: Number(row.globalSeq) } : null;
}

async function noticeOf(db: Db, row: Row, now: Date): Promise<PublicNotice | null> {
  const detail = JSON.parse(row.detail) as PublicFields['detail'];
  if (detail.notice === null) return null;
  const name = await unitNames(
    db,
    detail.notice.selected.flatMap((s) => [s.leadUnit, ...s.memberUnits]),
  );
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
    checkpoint: row.notice_at === null ? null : await checkpointCovering(db, beijingDate(row.notice_at)),
  };
}

/** One public call: the list's fields, the programme's contact desks, the horse-race routes, the notice. */
export async function readPublicChallenge(db: Db, id: string, now: Date) {
  const row = await rowOf(db, id);
  const detail = JSON.parse(row.detail) as PublicFields['detail'];
  const settings = await settingsOf(db, row.programme_id);
  return {
    ...itemOf(row),
    programmeId: row.programme_id,
    publishedAt: row.published_at,
    biddingOpen: row.bidding_open === 1,
    contacts: settings?.contacts ?? [],
    horseRace: detail.horseRace,
    notice: await noticeOf(db, row, now),
  };
}

/** The notice of the selection (开榜公告), once announced; 404 before. */
export async function readPublicNotice(db: Db, id: string, now: Date): Promise<PublicNotice> {
  const notice = await noticeOf(db, await rowOf(db, id), now);
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
export async function feedEntries(db: Db, limit: number): Promise<FeedEntry[]> {
  const rows = await db.$port.query<{
    id: string;
    title: string;
    summary: string;
    issuer_name: string;
    at: string;
    kind: 'call' | 'notice';
  }>(
    `SELECT * FROM (
       SELECT id, title, summary, issuer_name, published_at AS at, 'call' AS kind FROM public_challenges
       UNION ALL
       SELECT id, title, summary, issuer_name, notice_at AS at, 'notice' AS kind FROM public_challenges WHERE notice_at IS NOT NULL
     ) AS entries ORDER BY at DESC, id LIMIT ?`,
    [limit],
  );
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
export async function noticePrintout(db: Db, id: string, now: Date) {
  const notice = await readPublicNotice(db, id, now);
  const row = await rowOf(db, id);
  const settings = await settingsOf(db, row.programme_id);
  return {
    notice,
    programmeName: settings?.name ?? row.programme_id,
    issuerName: row.issuer_name,
    contacts: settings?.contacts ?? [],
  };
}
