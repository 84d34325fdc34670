/** The public notice (stage 6, 开榜公告): objections and the notice's end. */
import { atOrBefore } from '../../calendar.js';
import { finding, rule, when } from '../rule.js';

/** an objection gives a real name or a unit, and comes within the notice period. */
export const X2_objection = rule(
  'X-2',
  (ctx, e: { at: string; objector?: { name: string } | { unit: string } | undefined }) => {
    const o = e.objector;
    const named = o !== undefined && ('name' in o ? o.name.trim() !== '' : o.unit.trim() !== '');
    const late = ctx.noticeEnded || ctx.noticeEndsAt === null || !atOrBefore(e.at, ctx.noticeEndsAt);
    return [
      ...when(!named, () =>
        finding(
          'An objection gives a real name or a unit; anonymous objections are not accepted.',
          '异议须署真实姓名或单位名称，匿名异议不予受理。',
        ),
      ),
      ...when(late, () =>
        finding(
          `The notice period ended at ${ctx.noticeEndsAt}; late objections are not accepted.`,
          `公示期已于 ${ctx.noticeEndsAt} 结束，逾期异议不予受理。`,
        ),
      ),
    ];
  },
);

/** the notice timer ends only a notice period that has really ended. */
export const X1_noticeOver = rule('X-1', (ctx, e: { at: string }) =>
  when(ctx.noticeEndsAt === null || atOrBefore(e.at, ctx.noticeEndsAt), () =>
    finding(`The public notice runs until ${ctx.noticeEndsAt}.`, `公示期至 ${ctx.noticeEndsAt} 结束。`),
  ),
);
