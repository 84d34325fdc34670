/** The public notice (stage 6): objections are named and in time; the notice ends when it has. */
import { justAfter } from '../../../machines/calendar.js';
import { X1_noticeOver, X2_objection } from '../../../machines/challenge/rules/announcement.js';
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
