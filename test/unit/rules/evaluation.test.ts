/**
 * Management and evaluation (stages 8 and 9) of a project planned to end on 2028-08-01 (Beijing):
 * the extension, the end of the work period, the acceptance application and rectification, and
 * the instant acceptance becomes overdue.
 */
import { justAfter } from '../../../machines/calendar.js';
import {
  X3_periodOver,
  X3_rectificationOverdue,
  X3_rectifyOnce,
  X3_reportInTime,
  X4_extension,
  X9_overdue,
} from '../../../machines/challenge/rules/evaluation.js';
import { describeRule } from './describe-rule.js';
import { givenChallenge, justBefore, track, when } from './given.js';

const plannedEnd = '2028-08-01';
const running = givenChallenge({ startedOn: '2026-08-01', plannedEnd, tracks: [track('t-1')] });
const notStarted = givenChallenge();
/** The last instant of the planned end day, Beijing time. */
const endOfPlannedEnd = '2028-08-01T23:59:59.999+08:00';

describeRule(X4_extension, ({ passes, violates }) => {
  /** The last instant an extension may be asked: the end of the day 3 months before the planned end. */
  const askBy = '2028-05-01T23:59:59.999+08:00';
  const extend = (newPlannedEnd: string | undefined, at = askBy) =>
    when(
      'APPROVE_CHANGE',
      { kind: 'extension', detail: '延期一年', ...(newPlannedEnd ? { newPlannedEnd } : {}) },
      { at },
    );
  passes('an extension by exactly one year, asked at the last instant', running, extend('2029-08-01'));
  violates('an extension asked 1 ms too late', running, extend('2029-08-01', justAfter(askBy)), ['3 months']);
  violates('an extension by a year and a day', running, extend('2029-08-02'), ['2029-08-01']);
  violates('an extension to the planned end itself', running, extend(plannedEnd));
  violates('an extension with no new planned end', running, extend(undefined));
  violates('a second extension', givenChallenge({ plannedEnd, extensionUsed: true }), extend('2029-02-01'), ['once']);
  passes(
    'a change of leader without a new planned end',
    running,
    when('APPROVE_CHANGE', { kind: 'leader', detail: '更换负责人' }),
  );
  violates(
    'a change of schedule that moves the planned end',
    running,
    when('APPROVE_CHANGE', { kind: 'schedule', detail: '调整', newPlannedEnd: '2028-09-01' }),
    ['Only an extension'],
  );
});

describeRule(X3_periodOver, ({ passes, violates }) => {
  passes('the planned end day ended 1 ms ago', running, when('PERIOD_ENDED', {}, { at: justAfter(endOfPlannedEnd) }));
  violates('the last instant of the planned end day', running, when('PERIOD_ENDED', {}, { at: endOfPlannedEnd }), [
    plannedEnd,
  ]);
  violates('no implementation started', notStarted, when('PERIOD_ENDED', {}, { at: justAfter(endOfPlannedEnd) }));
});

describeRule(X3_reportInTime, ({ passes, violates }) => {
  /** The last instant to apply: the end of the day 6 months after the planned end. */
  const applyBy = '2029-02-01T23:59:59.999+08:00';
  const report = (at: string) => when('SUBMIT_FINAL_REPORT', { trackId: 't-1', reportSha256: 'b'.repeat(64) }, { at });
  passes('a final report at the last instant of the 6 months', running, report(applyBy));
  violates('a final report 1 ms after the 6 months', running, report(justAfter(applyBy)), ['6 months']);
  passes('a final report before implementation started (nothing to measure from)', notStarted, report(applyBy));
});

describeRule(X3_rectifyOnce, ({ passes, violates }) => {
  const decide = (result: 'passed' | 'rectify' | 'failed') => when('ACCEPTANCE_DECISION', { result, opinion: '结论' });
  passes('a first rectification', running, decide('rectify'));
  violates('a second rectification', givenChallenge({ plannedEnd, rectifyUsed: true }), decide('rectify'), [
    'one rectification',
  ]);
  passes('a rectification used and now passed', givenChallenge({ plannedEnd, rectifyUsed: true }), decide('passed'));
});

describeRule(X9_overdue, ({ passes, violates }) => {
  /** 365 days after the start of the day after the planned end, Beijing time. */
  const overdueAt = '2029-08-02T00:00:00+08:00';
  passes('exactly 365 days after the planned end day', running, when('ACCEPTANCE_OVERDUE', {}, { at: overdueAt }));
  violates('1 ms before that', running, when('ACCEPTANCE_OVERDUE', {}, { at: justBefore(overdueAt) }), [
    '2029-08-01T16:00:00.000Z',
  ]);
  violates('no implementation started', notStarted, when('ACCEPTANCE_OVERDUE', {}, { at: overdueAt }));
});

describeRule(X3_rectificationOverdue, ({ passes, violates }) => {
  const dueAt = '2026-08-06T15:59:59.999Z';
  const rectifying = givenChallenge({ rectifyUsed: true, rectifyDueAt: dueAt });
  const fire = (at: string) => when('RECTIFICATION_OVERDUE', {}, { at, actor: { id: 'system', role: 'system' } });
  passes('the rectification period ended 1 ms ago', rectifying, fire(justAfter(dueAt)));
  violates('the rectification period ends now', rectifying, fire(dueAt), [dueAt]);
  violates('no rectification period set', givenChallenge(), fire(justAfter(dueAt)));
});
