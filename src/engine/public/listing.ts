/**
 * The public list (issue 12): a projection of each published challenge's snapshot into
 * `public_challenges` and its search index `public_challenges_fts`, with public fields only.
 * Written by the commit, inside its transaction, only when the public part changed; rebuilt
 * from the stored snapshots (themselves the fold of the log) when missing or on request.
 */
import type { ChallengeSnapshot } from '../../../machines/challenge/machine.js';
import { panelScore } from '../../../machines/challenge/selectors.js';
import { type Stage, stageHasTag, stageOf, stagesTagged, statePath } from '../../../machines/challenge/stage.js';
import type { Db } from '../../db/client.js';
import { type ReplayRow, replayEvents } from '../audit/replay.js';
import { canonicalJson } from '../canonical.js';
import { indexText, searchTerms } from './cjk-bigrams.js';

/** What the public may know of a selected bid: unit codes (names are read at answer time) and the panel's score. */
export interface PublicSelection {
  bidId: string;
  leadUnit: string;
  memberUnits: string[];
  panelScore: number | null;
}

/** The public part of a challenge, as stored (unit names resolved when written or read). */
export interface PublicFields {
  id: string;
  programmeId: string;
  kind: string;
  domain: string;
  title: string;
  summary: string;
  issuerUnit: string;
  districtUnit: string;
  indicators: string[];
  periodMonths: number;
  solverFundingCny: number;
  biddingClosesAt: string | null;
  stage: Stage;
  publishedAt: string;
  /** The state takes bids now (chart tag `biddingOpen`). */
  biddingOpen: boolean;
  /** The notice takes objections now (chart tag `noticeOpen`), until `noticeEndsAt`. */
  noticeOpen: boolean;
  detail: {
    horseRace: { routes: { name: string; investmentCny: number }[] } | null;
    notice: { selectedAt: string; noticeEndsAt: string | null; selected: PublicSelection[] } | null;
  };
}

/** The public fields of a challenge, or null when it is not a public call (never published, withdrawn …). */
export function publicFieldsOf(snapshot: ChallengeSnapshot): PublicFields | null {
  const { context } = snapshot;
  const stage = stageOf(snapshot.value);
  if (!stageHasTag(stage, 'published') || context.publishedAt === null) return null;
  const d = context.draft;
  const announced = context.selectedAt !== null && context.tracks.length > 0;
  return {
    id: context.id,
    programmeId: context.programmeId,
    kind: context.kind,
    domain: d.domain,
    title: d.title,
    summary: d.summary,
    issuerUnit: d.issuerUnit,
    districtUnit: d.districtUnit,
    indicators: d.indicators,
    periodMonths: d.periodMonths,
    solverFundingCny: d.investment.solverFundingCny,
    biddingClosesAt: context.biddingClosesAt,
    stage,
    publishedAt: context.publishedAt,
    biddingOpen: snapshot.hasTag('biddingOpen'),
    noticeOpen: snapshot.hasTag('noticeOpen'),
    detail: {
      horseRace: d.horseRace ? { routes: d.horseRace.routes.map((r) => ({ ...r })) } : null,
      notice: announced
        ? {
            selectedAt: context.selectedAt as string,
            noticeEndsAt: context.noticeEndsAt,
            selected: context.tracks.map((t) => {
              const bid = context.bids.find((b) => b.bidId === t.trackId);
              const members = bid?.members ?? [t.solverUnit];
              return {
                bidId: t.trackId,
                leadUnit: members[0] ?? t.solverUnit,
                memberUnits: members.slice(1),
                panelScore: panelScore(context, t.trackId),
              };
            }),
          }
        : null,
    },
  };
}

const UPSERT = `INSERT INTO public_challenges (id, programme_id, kind, domain, title, summary, issuer_name, district_unit,
     district_name, indicators, period_months, solver_funding_cny, bidding_closes_at, stage, bidding_open, notice_open, detail,
     published_at, notice_at, updated_at)
   VALUES (@id, @programmeId, @kind, @domain, @title, @summary, @issuerName, @districtUnit, @districtName,
     @indicators, @periodMonths, @solverFundingCny, @biddingClosesAt, @stage, @biddingOpen, @noticeOpen, @detail, @publishedAt, @noticeAt, @updatedAt)
   ON CONFLICT(id) DO UPDATE SET programme_id = excluded.programme_id, kind = excluded.kind,
     domain = excluded.domain, title = excluded.title, summary = excluded.summary,
     issuer_name = excluded.issuer_name, district_unit = excluded.district_unit,
     district_name = excluded.district_name, indicators = excluded.indicators,
     period_months = excluded.period_months, solver_funding_cny = excluded.solver_funding_cny,
     bidding_closes_at = excluded.bidding_closes_at, stage = excluded.stage, bidding_open = excluded.bidding_open,
     notice_open = excluded.notice_open, detail = excluded.detail,
     published_at = excluded.published_at, notice_at = excluded.notice_at, updated_at = excluded.updated_at`;

async function unitName(db: Db, code: string): Promise<string> {
  const [row] = await db.$port.query<{ name: string }>('SELECT name FROM units WHERE code = ?', [code]);
  return row?.name ?? code;
}

/**
 * The search text: SQLite's FTS5 table holds the bigram text (cjk-bigrams.ts); PostgreSQL's
 * table of the same name holds the text as written and its terms (bigrams and words) in a
 * GIN-indexed text[] (docs/decisions.md, issue 15).
 */
async function writeSearchText(db: Db, id: string, title: string, body: string): Promise<void> {
  if (db.$port.dialect === 'sqlite')
    await db.$port.run('INSERT INTO public_challenges_fts (id, title, body) VALUES (?, ?, ?)', [
      id,
      indexText(title),
      indexText(body),
    ]);
  else
    await db.$port.run('INSERT INTO public_challenges_fts (id, title, body, terms) VALUES (?, ?, ?, ?)', [
      id,
      title,
      body,
      searchTerms(`${title}\n${body}`),
    ]);
}

/** Writes (or removes) one challenge's public row and its search text. */
export async function writePublicFields(db: Db, id: string, fields: PublicFields | null, at: string): Promise<void> {
  await db.$port.run('DELETE FROM public_challenges_fts WHERE id = ?', [id]);
  if (fields === null) {
    await db.$port.run('DELETE FROM public_challenges WHERE id = ?', [id]);
    return;
  }
  const issuerName = await unitName(db, fields.issuerUnit);
  const districtName = await unitName(db, fields.districtUnit);
  await db.$port.run(UPSERT, {
    id,
    programmeId: fields.programmeId,
    kind: fields.kind,
    domain: fields.domain,
    title: fields.title,
    summary: fields.summary,
    issuerName,
    districtUnit: fields.districtUnit,
    districtName,
    indicators: JSON.stringify(fields.indicators),
    periodMonths: fields.periodMonths,
    solverFundingCny: fields.solverFundingCny,
    biddingClosesAt: fields.biddingClosesAt,
    stage: fields.stage,
    biddingOpen: fields.biddingOpen ? 1 : 0,
    noticeOpen: fields.noticeOpen ? 1 : 0,
    detail: JSON.stringify(fields.detail),
    publishedAt: fields.publishedAt,
    noticeAt: fields.detail.notice?.selectedAt ?? null,
    updatedAt: at,
  });
  await writeSearchText(
    db,
    id,
    fields.title,
    [fields.summary, ...fields.indicators, issuerName, fields.domain].join('\n'),
  );
}

/**
 * The search text of every public row, written anew from the rows themselves (`jiebang copy`:
 * the rows move table for table, the search table is each dialect's own). Returns how many.
 */
export async function reindexPublicSearch(db: Db): Promise<number> {
  const rows = await db.$port.query<{
    id: string;
    title: string;
    summary: string;
    indicators: string;
    issuerName: string;
    domain: string;
  }>('SELECT id, title, summary, indicators, issuer_name AS issuerName, domain FROM public_challenges ORDER BY id');
  await db.$port.withTransaction(async () => {
    await db.$port.run('DELETE FROM public_challenges_fts');
    for (const r of rows)
      await writeSearchText(
        db,
        r.id,
        r.title,
        [r.summary, ...(JSON.parse(r.indicators) as string[]), r.issuerName, r.domain].join('\n'),
      );
  });
  return rows.length;
}

/** In the commit's transaction: the public row := the new snapshot's; untouched when its public part did not change. */
export async function syncPublicListing(
  db: Db,
  previous: ChallengeSnapshot | null,
  next: ChallengeSnapshot,
  at: string,
): Promise<void> {
  if (previous !== null && samePublicInputs(previous, next)) return;
  const wanted = publicFieldsOf(next);
  const before = previous === null ? null : publicFieldsOf(previous);
  if (before === null && wanted === null) return;
  if (before !== null && wanted !== null && canonicalJson(before) === canonicalJson(wanted)) return;
  await writePublicFields(db, next.context.id, wanted, at);
}

/**
 * What `publicFieldsOf` reads, unchanged (the same objects, the same state): its fields are the
 * same, and neither snapshot is projected — an objection or a score leaves all of it alone.
 */
function samePublicInputs(previous: ChallengeSnapshot, next: ChallengeSnapshot): boolean {
  const a = previous.context;
  const b = next.context;
  return (
    statePath(previous.value) === statePath(next.value) &&
    a.draft === b.draft &&
    a.tracks === b.tracks &&
    a.bids === b.bids &&
    a.scores === b.scores &&
    a.panel === b.panel &&
    a.publishedAt === b.publishedAt &&
    a.selectedAt === b.selectedAt &&
    a.noticeEndsAt === b.noticeEndsAt &&
    a.biddingClosesAt === b.biddingClosesAt &&
    a.kind === b.kind &&
    a.id === b.id &&
    a.programmeId === b.programmeId
  );
}

/**
 * Rebuilds the whole projection from the log, in one transaction: each challenge's events are
 * folded through the machine versions they recorded (src/engine/audit/replay.ts) and the end
 * state projected (`jiebang rebuild-public`, at start when the table is empty while public
 * calls exist, and after `jiebang copy`). Returns how many public calls it wrote.
 */
export async function rebuildPublicListing(db: Db, at: string): Promise<number> {
  const ids = (await db.$port.query<{ id: string }>('SELECT id FROM challenges ORDER BY id')).map((r) => r.id);
  let written = 0;
  await db.$port.withTransaction(async () => {
    await db.$port.run('DELETE FROM public_challenges');
    await db.$port.run('DELETE FROM public_challenges_fts');
    // One challenge's events at a time: better-sqlite3 cannot write while a query is being iterated.
    for (const id of ids) {
      const rows = await db.$port.query<ReplayRow>(
        `SELECT challenge_id AS challengeId, seq, type, payload, facts, actor, at, machine_version AS machineVersion
         FROM events WHERE challenge_id = ? ORDER BY seq`,
        [id],
      );
      const end = replayEvents(rows, () => undefined);
      const fields = end === undefined ? null : publicFieldsOf(end);
      if (fields === null) continue;
      await writePublicFields(db, id, fields, at);
      written++;
    }
  });
  return written;
}

/**
 * At start: a database whose public calls predate the projection (or whose projection was
 * cleared) gets it rebuilt before the service answers. One indexed probe when nothing is missing.
 */
export async function rebuildPublicListingIfMissing(db: Db, at: string): Promise<number> {
  if ((await db.$port.query('SELECT 1 AS found FROM public_challenges LIMIT 1')).length > 0) return 0;
  const published = stagesTagged('published');
  const any = await db.$port.query(
    `SELECT 1 AS found FROM challenges WHERE stage IN (${published.map(() => '?').join(', ')}) LIMIT 1`,
    published,
  );
  return any.length === 0 ? 0 : rebuildPublicListing(db, at);
}
