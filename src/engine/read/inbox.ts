/**
 * The caller's inbox (api.md "What the console reads"): every challenge on which it can act now,
 * with what it can do (the challenge's `allowedEvents` for it), the deadline that runs there and
 * the working days left on the programme's calendar, most urgent first; and how many challenges
 * offer each kind of task. Only challenges the caller may read are looked at, through the same
 * policy as `GET /challenges` (src/access/policy.ts), so nothing outside its sight is counted.
 */
import { and, asc, eq, inArray, notInArray, or, type SQL } from 'drizzle-orm';
import { workingDaysLeft } from '../../../machines/calendar.js';
import { deadlinesOf } from '../../../machines/challenge/deadlines.js';
import type { StaffEventType } from '../../../machines/challenge/events.js';
import { type Stage, stageOf, stagesTagged } from '../../../machines/challenge/stage.js';
import { listScope, publishedStages } from '../../access/policy.js';
import type { Caller } from '../../base/caller.js';
import type { Db } from '../../db/client.js';
import { challenges } from '../../db/schema.js';
import type { EngineDeps } from '../engine.js';
import { loadChallenge } from '../load-challenge.js';
import { allowedEventsFor, visibilityOf } from './view.js';

export interface InboxDeadline {
  /** The system event that fires when it passes (`BIDDING_CLOSED`, `NOTICE_PERIOD_ENDED` …). */
  kind: string;
  at: string;
  workingDaysLeft: number;
}

export interface InboxItem {
  challengeId: string;
  title: string;
  stage: Stage;
  allowedEvents: StaffEventType[];
  deadline?: InboxDeadline;
}

const outcomeStages: readonly Stage[] = stagesTagged('outcome');

/** The ids of the live challenges the caller may read (the list's rule, outcomes left out: they take no event). */
async function candidateIds(db: Db, caller: Caller): Promise<string[]> {
  const where: SQL[] = [notInArray(challenges.stage, [...outcomeStages])];
  const scope = listScope(caller);
  if (!scope.all) {
    const own = [
      scope.issuerUnit !== undefined ? eq(challenges.issuerUnit, scope.issuerUnit) : undefined,
      scope.districtUnit !== undefined ? eq(challenges.districtUnit, scope.districtUnit) : undefined,
    ];
    where.push(or(inArray(challenges.stage, [...publishedStages]), ...own) as SQL);
  }
  const rows = await db
    .select({ id: challenges.id })
    .from(challenges)
    .where(and(...where))
    .orderBy(asc(challenges.id))
    .all();
  return rows.map((r) => r.id);
}

/** Earlier deadlines first, then those without one; ties in id order (stable for the reader). */
function byUrgency(a: InboxItem, b: InboxItem): number {
  if (a.deadline && b.deadline) return Date.parse(a.deadline.at) - Date.parse(b.deadline.at);
  if (a.deadline) return -1;
  if (b.deadline) return 1;
  return 0;
}

export async function readInbox(
  deps: Pick<EngineDeps, 'store' | 'cache' | 'clock'>,
  db: Db,
  caller: Caller,
): Promise<{ items: InboxItem[]; counts: Record<string, number> }> {
  const now = deps.clock.now().toISOString();
  const items: InboxItem[] = [];
  for (const id of await candidateIds(db, caller)) {
    const loaded = await loadChallenge(deps, id);
    if (!loaded || visibilityOf(loaded.snapshot, caller) === 'none') continue;
    const { snapshot } = loaded;
    const allowedEvents = allowedEventsFor(snapshot, caller);
    if (allowedEvents.length === 0) continue;
    const ctx = snapshot.context;
    const next = deadlinesOf(snapshot.value, ctx).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
    items.push({
      challengeId: ctx.id,
      title: ctx.draft.title,
      stage: stageOf(snapshot.value),
      allowedEvents,
      ...(next
        ? {
            deadline: {
              kind: next.type,
              at: next.dueAt,
              workingDaysLeft: workingDaysLeft(now, next.dueAt, ctx.settings.calendar),
            },
          }
        : {}),
    });
  }
  items.sort(byUrgency);
  const counts: Record<string, number> = {};
  for (const item of items) for (const type of item.allowedEvents) counts[type] = (counts[type] ?? 0) + 1;
  return { items, counts };
}
