/**
 * The bureau's dashboard numbers (api.md "What the console reads", `GET /stats`): challenges by
 * stage, domain, district and kind; the money agreed, paid and disbursed (and the fiscal support
 * the caps allow, H-4); the deadlines of the coming week; and what is overdue — L-1 (no
 * acceptance a year after the planned end, X-9), acceptance (a track's final report not filed
 * within `applyWithinMonths` of the planned end, X-3) and rectification. Only roles that
 * see every challenge whole read it, so every number is computed from what the reader may see.
 */
import { and, asc, eq, type SQL } from 'drizzle-orm';
import { addMonths, endOfBeijingDay, justAfter } from '../../../machines/calendar.js';
import { deadlinesOf } from '../../../machines/challenge/deadlines.js';
import { reconcile } from '../../../machines/challenge/reconciliation.js';
import { fiscalSupportTotal, overdueAt } from '../../../machines/challenge/selectors.js';
import { stageHasTag, stageOf } from '../../../machines/challenge/stage.js';
import type { ChallengeContext } from '../../../machines/challenge/types.js';
import type { Db } from '../../db/client.js';
import { challenges } from '../../db/schema.js';
import type { EngineDeps } from '../engine.js';
import { loadChallenge } from '../load-challenge.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export type OverdueKind = 'L-1' | 'acceptance' | 'rectification';

export interface Stats {
  byStage: Record<string, number>;
  byDomain: Record<string, number>;
  byDistrict: Record<string, number>;
  byKind: Record<string, number>;
  money: { agreedCny: number; paidByIssuerCny: number; disbursedCny: number; fiscalSupportCapCny: number };
  dueWithin7Days: { challengeId: string; kind: string; at: string }[];
  overdue: { challengeId: string; kind: OverdueKind; since: string }[];
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** When a track's final report was due, for a live project past its planned end; null otherwise. */
function acceptanceOverdueSince(ctx: ChallengeContext, now: string): string | null {
  if (ctx.plannedEnd === null || ctx.acceptanceResult !== null) return null;
  const since = justAfter(endOfBeijingDay(addMonths(ctx.plannedEnd, ctx.settings.acceptance.applyWithinMonths)));
  const unreported = ctx.tracks.some((t) => t.status === 'active');
  return unreported && Date.parse(since) <= Date.parse(now) ? since : null;
}

export async function readStats(
  deps: Pick<EngineDeps, 'store' | 'cache' | 'clock'>,
  db: Db,
  filter: { programme?: string | undefined },
): Promise<Stats> {
  const now = deps.clock.now();
  const weekAhead = now.getTime() + WEEK_MS;
  const where: SQL[] = [];
  if (filter.programme) where.push(eq(challenges.programmeId, filter.programme));
  const ids = await db
    .select({ id: challenges.id })
    .from(challenges)
    .where(and(...where))
    .orderBy(asc(challenges.id))
    .all();
  const stats: Stats = {
    byStage: {},
    byDomain: {},
    byDistrict: {},
    byKind: {},
    money: { agreedCny: 0, paidByIssuerCny: 0, disbursedCny: 0, fiscalSupportCapCny: 0 },
    dueWithin7Days: [],
    overdue: [],
  };
  for (const { id } of ids) {
    const loaded = await loadChallenge(deps, id);
    if (!loaded) continue;
    const { snapshot } = loaded;
    const ctx = snapshot.context;
    const stage = stageOf(snapshot.value);
    bump(stats.byStage, stage);
    bump(stats.byDomain, ctx.draft.domain);
    bump(stats.byDistrict, ctx.draft.districtUnit);
    bump(stats.byKind, ctx.kind);
    for (const track of reconcile(ctx)) {
      stats.money.agreedCny += track.agreedCny;
      stats.money.paidByIssuerCny += track.paidByIssuerCny;
      stats.money.disbursedCny += track.disbursedCny;
    }
    if (ctx.tracks.length > 0) stats.money.fiscalSupportCapCny += fiscalSupportTotal(ctx);
    for (const d of deadlinesOf(snapshot.value, ctx)) {
      const at = Date.parse(d.dueAt);
      if (at >= now.getTime() && at <= weekAhead)
        stats.dueWithin7Days.push({ challengeId: id, kind: d.type, at: d.dueAt });
    }
    if (stageHasTag(stage, 'outcome')) continue;
    const l1 = ctx.overdue ? overdueAt(ctx) : null;
    if (l1 !== null) stats.overdue.push({ challengeId: id, kind: 'L-1', since: l1 });
    const acceptance = acceptanceOverdueSince(ctx, now.toISOString());
    if (acceptance !== null) stats.overdue.push({ challengeId: id, kind: 'acceptance', since: acceptance });
    if (ctx.rectifyOverdueSince !== undefined)
      stats.overdue.push({ challengeId: id, kind: 'rectification', since: ctx.rectifyOverdueSince });
  }
  stats.dueWithin7Days.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  stats.overdue.sort((a, b) => Date.parse(a.since) - Date.parse(b.since));
  return stats;
}
