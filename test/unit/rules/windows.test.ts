/**
 * The windows (W-0 … W-3) at their edges: an event at the closing instant is in time, one a
 * millisecond later is not (W-0), and a timer closes a window only once it has really closed.
 */
import { justAfter } from '../../../machines/calendar.js';
import {
  W0_biddingClosed,
  W0_bidInTime,
  W0_extensionInTime,
  W1_returnWhileOpen,
  W1_submissionWindow,
  W2_recommendationDeadline,
  W3_recommendationClosed,
  W3_submissionClosed,
  W4_publishAfterCollection,
} from '../../../machines/challenge/rules/windows.js';
import { wlmq2026 } from '../../../machines/programme.js';
import { describeRule } from './describe-rule.js';
import { bidPayload, givenChallenge, justBefore, when } from './given.js';

const { opensAt, closesAt } = wlmq2026.submission;
const recommendationClosesAt = wlmq2026.recommendationClosesAt;
const biddingClosesAt = '2026-08-31T17:00:00+08:00';
const challenge = givenChallenge();
const bidding = givenChallenge({ biddingClosesAt });

describeRule(W1_submissionWindow, ({ passes, violates }) => {
  const submitAt = (at: string) => when('SUBMIT', { confirmDetails: true }, { at });
  passes('the window opens at 10:00 on 25 April', challenge, submitAt(opensAt));
  passes('the window closes at 19:30 on 10 June', challenge, submitAt(closesAt));
  violates('the window opens in 1 ms', challenge, submitAt(justBefore(opensAt)), [closesAt]);
  violates('the window closed 1 ms ago', challenge, submitAt(justAfter(closesAt)));
});

describeRule(W1_returnWhileOpen, ({ passes, violates }) => {
  const returnAt = (at: string) => when('RETURN', { reason: '材料不全' }, { at });
  passes('the submission window closes now', challenge, returnAt(closesAt));
  violates('the submission window closed 1 ms ago', challenge, returnAt(justAfter(closesAt)), [closesAt]);
});

describeRule(W2_recommendationDeadline, ({ passes, violates }) => {
  const recommendAt = (at: string) => when('RECOMMEND', { opinion: '同意推荐' }, { at });
  passes('recommendations close now', challenge, recommendAt(recommendationClosesAt));
  violates('recommendations closed 1 ms ago', challenge, recommendAt(justAfter(recommendationClosesAt)));
});

describeRule(W3_submissionClosed, ({ passes, violates }) => {
  passes('the window closed 1 ms ago', challenge, when('SUBMISSION_WINDOW_CLOSED', {}, { at: justAfter(closesAt) }));
  violates('the window closes now', challenge, when('SUBMISSION_WINDOW_CLOSED', {}, { at: closesAt }));
});

describeRule(W3_recommendationClosed, ({ passes, violates }) => {
  const firedAt = (at: string) => when('RECOMMENDATION_DEADLINE_PASSED', {}, { at });
  passes('recommendations closed 1 ms ago', challenge, firedAt(justAfter(recommendationClosesAt)));
  violates('recommendations close now', challenge, firedAt(recommendationClosesAt));
});

describeRule(W0_bidInTime, ({ passes, violates }) => {
  passes('bidding closes now', bidding, when('BID', bidPayload(), { at: biddingClosesAt }));
  violates('bidding closed 1 ms ago', bidding, when('BID', bidPayload(), { at: justAfter(biddingClosesAt) }), [
    biddingClosesAt,
  ]);
});

describeRule(W0_extensionInTime, ({ passes, violates }) => {
  const extendAt = (at: string) => when('EXTEND_BIDDING', { biddingClosesAt: '2026-09-30T17:00:00+08:00' }, { at });
  passes('bidding closes now', bidding, extendAt(biddingClosesAt));
  violates('bidding closed 1 ms ago', bidding, extendAt(justAfter(biddingClosesAt)), ['extension']);
});

describeRule(W0_biddingClosed, ({ passes, violates }) => {
  passes('bidding closed 1 ms ago', bidding, when('BIDDING_CLOSED', {}, { at: justAfter(biddingClosesAt) }));
  violates('bidding closes now', bidding, when('BIDDING_CLOSED', {}, { at: biddingClosesAt }));
  violates('no bidding deadline was ever set', challenge, when('BIDDING_CLOSED', {}, { at: biddingClosesAt }));
});

describeRule(W4_publishAfterCollection, ({ passes, violates }) => {
  const approved = givenChallenge({ demandApprovedAt: '2026-06-11T10:00:00+08:00' });
  const publish = (at: string, programmeClosesAt?: string) =>
    when(
      'PUBLISH',
      { biddingClosesAt: '2026-08-31T17:00:00+08:00' },
      {
        at,
        ...(programmeClosesAt === undefined
          ? {}
          : { facts: { programme: { id: 'wlmq-2026', submissionClosesAt: programmeClosesAt } } }),
      },
    );
  passes('the submission window closed 1 ms ago', approved, publish(justAfter(closesAt), closesAt));
  violates('the submission window closes now', approved, publish(closesAt, closesAt), [closesAt, '尚未结束']);
  violates('ten days of the window still to run', approved, publish('2026-05-31T19:30:00+08:00', closesAt));
  passes(
    'a collection the bureau closed early, 1 ms before',
    approved,
    publish('2026-05-31T19:30:00+08:00', '2026-05-31T11:29:59.999Z'),
  );
  violates('no programme fact: the challenge’s own window, still open', approved, publish('2026-05-31T19:30:00+08:00'));
});
