/** The public notice (stage 6): objections are named and in time; the notice ends when it has. */
import { justAfter } from '../../../machines/calendar.js';
import { X1_calendarKnowsNotice, X1_noticeOver, X2_objection } from '../../../machines/challenge/rules/announcement.js';
import { describeRule } from './describe-rule.js';
import { givenChallenge, when } from './given.js';

/** The last instant of a five-working-day notice that started on Thursday 2026-07-09. */
const noticeEndsAt = '2026-07-16T23:59:59.999+08:00';
const onNotice = givenChallenge({ noticeEndsAt, noticeEnded: false });

describeRule(X2_objection, ({ passes, violates }) => {
  const objection = (objector: { name: string } | { unit: string } | undefined, at = noticeEndsAt) =>
    when('OBJECT', { text: '评分不公', ...(objector === undefined ? {} : { objector }) }, { at });
  passes('a named objector at the notice’s last instant', onNotice, objection({ name: '张三' }));
  passes('an objecting unit during the notice', onNotice, objection({ unit: '某公司' }, '2026-07-13T10:00:00+08:00'));
  violates('an anonymous objection', onNotice, objection(undefined), ['anonymous']);
  violates('an objection signed with a blank name', onNotice, objection({ name: '  ' }));
  violates('a named objection 1 ms after the notice', onNotice, objection({ name: '张三' }, justAfter(noticeEndsAt)), [
    'late',
  ]);
  violates(
    'a notice that has already ended',
    givenChallenge({ noticeEndsAt, noticeEnded: true }),
    objection({ name: '张三' }, '2026-07-13T10:00:00+08:00'),
  );
});

describeRule(X1_noticeOver, ({ passes, violates }) => {
  passes('the notice ended 1 ms ago', onNotice, when('NOTICE_PERIOD_ENDED', {}, { at: justAfter(noticeEndsAt) }));
  violates('the notice ends now', onNotice, when('NOTICE_PERIOD_ENDED', {}, { at: noticeEndsAt }), [noticeEndsAt]);
  violates('no notice was started', givenChallenge(), when('NOTICE_PERIOD_ENDED', {}, { at: justAfter(noticeEndsAt) }));
});

describeRule(X1_calendarKnowsNotice, ({ passes, violates }) => {
  const base = givenChallenge();
  /** A challenge whose calendar knows the national schedule of 2026 only (as chinese-days 1.5.7 does). */
  const known2026 = givenChallenge({
    settings: { ...base.settings, calendar: { ...base.settings.calendar, years: [2026] } },
  });
  const select = (at: string) => when('SELECT', { bidIds: ['bid-1'] }, { at });
  // Wed 2026-12-23: Thu 24, Fri 25, Mon 28, Tue 29, Wed 30 — all in 2026.
  passes('a notice that ends on Wed 2026-12-30', known2026, select('2026-12-23T10:00:00+08:00'));
  // Fri 2026-12-25: Mon 28, Tue 29, Wed 30, Thu 31, and the fifth would be in 2027.
  violates('a notice that would run into 2027', known2026, select('2026-12-25T10:00:00+08:00'), ['2027', '2027 年']);
  passes(
    'a calendar that knows 2027 too',
    givenChallenge({
      settings: { ...base.settings, calendar: { ...base.settings.calendar, years: [2026, 2027] } },
    }),
    select('2026-12-25T10:00:00+08:00'),
  );
  passes('a calendar recorded before machine version 2 (no years)', base, select('2026-12-25T10:00:00+08:00'));
});
