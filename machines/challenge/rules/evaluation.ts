/**
 * Project management and final evaluation (stages 8 and 9): extensions, the work period, the
 * acceptance application, one rectification, and when acceptance becomes overdue.
 */
import { addMonths, atOrBefore, endOfBeijingDay } from '../../calendar.js';
import { type Finding, finding, rule, when } from '../rule.js';
import { overdueAt } from '../selectors.js';

/** only an extension changes the planned end: asked 3 months ahead, once, by at most a year. */
export const X4_extension = rule('X-4', (ctx, e: { at: string; kind: string; newPlannedEnd?: string | undefined }) => {
  const plannedEnd = ctx.plannedEnd ?? '';
  if (e.kind !== 'extension')
    return when(e.newPlannedEnd !== undefined, () =>
      finding('Only an extension changes the planned end.', '只有延期申请可以变更计划结束日期。'),
    );
  const out: Finding[] = [];
  const askBy = endOfBeijingDay(addMonths(plannedEnd, -3));
  if (!atOrBefore(e.at, askBy))
    out.push(
      finding(
        `An extension is asked at least 3 months before the planned end (${plannedEnd}), by ${askBy}.`,
        `延期须在计划结束日期（${plannedEnd}）前至少3个月提出。`,
      ),
    );
  if (ctx.extensionUsed) out.push(finding('A project is extended at most once.', '项目只能延期一次。'));
  const latest = addMonths(plannedEnd, 12);
  if (e.newPlannedEnd === undefined || !(e.newPlannedEnd > plannedEnd && e.newPlannedEnd <= latest))
    out.push(
      finding(
        `An extension sets newPlannedEnd after ${plannedEnd} and no later than ${latest} (one year).`,
        `延期后的计划结束日期须晚于 ${plannedEnd} 且不晚于 ${latest}（不超过1年）。`,
      ),
    );
  return out;
});

/** the period timer ends only a work period that has really ended. */
export const X3_periodOver = rule('X-3', (ctx, e: { at: string }) =>
  when(ctx.plannedEnd === null || atOrBefore(e.at, endOfBeijingDay(ctx.plannedEnd)), () =>
    finding(`The work period runs until ${ctx.plannedEnd}.`, `项目实施期至 ${ctx.plannedEnd}。`),
  ),
);

/** acceptance is applied for within `applyWithinMonths` of the planned end. */
export const X3_reportInTime = rule('X-3', (ctx, e: { at: string }) => {
  if (ctx.plannedEnd === null) return [];
  const months = ctx.settings.acceptance.applyWithinMonths;
  const by = endOfBeijingDay(addMonths(ctx.plannedEnd, months));
  return when(!atOrBefore(e.at, by), () =>
    finding(
      `Acceptance is applied for within ${months} months of the planned end, by ${by}.`,
      `须在计划结束后 ${months} 个月内（${by} 前）申请验收。`,
    ),
  );
});

/** a project is given one rectification; the next decision is passed or failed. */
export const X3_rectifyOnce = rule('X-3', (ctx, e: { result: string }) =>
  when(e.result === 'rectify' && ctx.rectifyUsed, () =>
    finding(
      'A project is given one rectification; decide passed or failed now.',
      '项目只有一次整改机会，请作出通过或不通过的结论。',
    ),
  ),
);

/** acceptance is overdue only from `overdueDays` after the planned end. */
export const X9_overdue = rule('X-9', (ctx, e: { at: string }) => {
  const due = overdueAt(ctx);
  return when(due === null || !(Date.parse(e.at) >= Date.parse(due)), () =>
    finding(`Acceptance is overdue only from ${due}.`, `自 ${due} 起方属逾期未验收。`),
  );
});

/** the rectification timer fires only once the rectification period has really passed. */
export const X3_rectificationOverdue = rule(
  'X-3',
  (ctx, e: { at: string }) =>
    when(ctx.rectifyDueAt === undefined || atOrBefore(e.at, ctx.rectifyDueAt), () =>
      finding(
        `The rectification period runs until ${ctx.rectifyDueAt ?? '(none set)'}.`,
        `整改期至 ${ctx.rectifyDueAt ?? '（未设定）'}。`,
      ),
    ),
  { since: 2 },
);
