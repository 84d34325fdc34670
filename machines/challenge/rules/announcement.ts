/** The public notice (stage 6, 开榜公告): objections and the notice's end. */
import { atOrBefore, unknownYearWithin } from '../../calendar.js';
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

/**
 * the notice period is counted only on years whose holidays and make-up days the calendar
 * knows; beyond them the selection is refused, naming the missing year, rather than counting
 * every weekday as a working day.
 */
export const X1_calendarKnowsNotice = rule(
  'X-1',
  (ctx, e: { at: string }) => {
    const n = ctx.settings.review.noticeWorkingDays;
    const year = unknownYearWithin(e.at, n, ctx.settings.calendar);
    return when(year !== null, () =>
      finding(
        `The ${n}-working-day notice would run into ${year}, whose public holidays and make-up working days the calendar does not hold yet; add ${year}'s schedule to the programme's calendar (calendar.holidays, calendar.workdays and calendar.years) first.`,
        `${n} 个工作日的公示期将跨入 ${year} 年，工作日历尚无该年的法定节假日及调休安排；请先在申报批次的工作日历中补充 ${year} 年安排（calendar.holidays、calendar.workdays、calendar.years）。`,
      ),
    );
  },
  { since: 2 },
);
