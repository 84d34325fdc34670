/** Solver matching (stage 4): what a bid states, agreements, extending and closing the bidding. */
import { justAfter } from '../../../machines/calendar.js';
import {
  H1_bidRoute,
  H3_closeHorseRace,
  P2_newBidId,
  P3_laterDeadline,
  P5_agreedFunding,
  P5_withinRequest,
  P6_bidShape,
  SC2_transferPlan,
  ST3_feasiblePlan,
} from '../../../machines/challenge/rules/matching.js';
import { describeRule } from './describe-rule.js';
import { AT, agreedBid, bid, bidPayload, givenChallenge, givenHorseRace, givenTransfer, UNITS, when } from './given.js';

const challenge = givenChallenge();
const bidding = (changes: Parameters<typeof bidPayload>[0]) => when('BID', bidPayload(changes));

describeRule(P2_newBidId, ({ passes, violates }) => {
  passes('bids under other ids', givenChallenge({ bids: [bid('bid-0')] }), bidding({ bidId: 'bid-1' }));
  violates(
    'a withdrawn bid under the same id',
    givenChallenge({ bids: [bid('bid-1', { withdrawn: true })] }),
    bidding({ bidId: 'bid-1' }),
    ['bid-1'],
  );
});

describeRule(ST3_feasiblePlan, ({ passes, violates }) => {
  passes('a technology breakthrough and a one-word plan', challenge, bidding({ plan: '方案' }));
  violates('a technology breakthrough and a blank plan', challenge, bidding({ plan: '  ' }));
  passes('an achievement transfer and an empty plan (S-C2 asks that)', givenTransfer(), bidding({ plan: '' }));
});

describeRule(SC2_transferPlan, ({ passes, violates }) => {
  passes('an achievement transfer and a plan', givenTransfer(), bidding({ plan: '转化方案' }));
  violates('an achievement transfer and a blank plan', givenTransfer(), bidding({ plan: ' ' }));
  passes('a technology breakthrough and an empty plan (S-T3 asks that)', challenge, bidding({ plan: '' }));
});

describeRule(P6_bidShape, ({ passes, violates }) => {
  passes('two distinct members and the leader first', challenge, bidding({ members: [UNITS.solverA, UNITS.solverB] }));
  violates('a member listed twice', challenge, bidding({ members: [UNITS.solverA, UNITS.solverA] }), ['once']);
  violates('a team with the leader second', challenge, bidding({ team: ['a-m1', 'a-lead'] }), ['leader first']);
});

describeRule(H1_bidRoute, ({ passes, violates }) => {
  passes('a horse race and a bid on one of its routes', givenHorseRace(), bidding({ route: 'route-b' }));
  violates('a horse race and a bid on another route', givenHorseRace(), bidding({ route: 'route-c' }), [
    'route-a, route-b',
  ]);
  violates('a horse race and a bid naming no route', givenHorseRace(), bidding({}));
  passes('a single-track challenge and a bid naming no route', challenge, bidding({}));
  violates('a single-track challenge and a bid naming a route', challenge, bidding({ route: 'route-a' }), [
    'not a horse race',
  ]);
});

describeRule(P5_agreedFunding, ({ passes, violates }) => {
  const ctx = givenChallenge({ bids: [bid('bid-1')] });
  passes('an agreement of 1 CNY', ctx, when('AGREE', { bidId: 'bid-1', agreedFundingCny: 1 }));
  violates('an agreement of 0 CNY', ctx, when('AGREE', { bidId: 'bid-1', agreedFundingCny: 0 }));
});

describeRule(P3_laterDeadline, ({ passes, violates }) => {
  const current = '2026-08-31T17:00:00+08:00';
  const ctx = givenChallenge({ biddingClosesAt: current });
  const extendTo = (biddingClosesAt: string) => when('EXTEND_BIDDING', { biddingClosesAt });
  passes('a new deadline 1 ms after the current one', ctx, extendTo(justAfter(current)));
  violates('a new deadline equal to the current one', ctx, extendTo(current), [current]);
  violates('a new deadline before the current one', ctx, extendTo('2026-08-30T17:00:00+08:00'));
  violates('no deadline yet and a new one at this very moment', challenge, extendTo(AT));
});

describeRule(H3_closeHorseRace, ({ passes, violates }) => {
  const close = when('CLOSE_MATCHING', {});
  passes(
    'a horse race with two agreed teams',
    givenHorseRace({ bids: [agreedBid('bid-1'), agreedBid('bid-2')] }),
    close,
  );
  violates(
    'a horse race with one agreed team and one not agreed',
    givenHorseRace({ bids: [agreedBid('bid-1'), bid('bid-2')] }),
    close,
    ['at least two'],
  );
  violates(
    'a horse race with one agreed team, the other withdrawn',
    givenHorseRace({ bids: [agreedBid('bid-1'), agreedBid('bid-2', { withdrawn: true })] }),
    close,
  );
  passes('a horse race with no agreed team (it ends unfilled)', givenHorseRace({ bids: [bid('bid-1')] }), close);
  passes('a single-track challenge with one agreed bid', givenChallenge({ bids: [agreedBid('bid-1')] }), close);
});

describeRule(P5_withinRequest, ({ passes, violates }) => {
  const asked = givenChallenge({ bids: [bid('bid-1', { requestedFundingCny: 1_000_000 })] });
  const agree = (agreedFundingCny: number) => when('AGREE', { bidId: 'bid-1', agreedFundingCny });
  passes('an agreement on exactly what the bid asked for', asked, agree(1_000_000));
  violates('an agreement 1 yuan above the request', asked, agree(1_000_001), ['1,000,001', '1000000']);
  violates('an agreement of 999,999,999 on a bid asking 1,000,000', asked, agree(999_999_999));
  passes('an unknown bid (P-1 reports it)', asked, when('AGREE', { bidId: 'nope', agreedFundingCny: 5 }));
});
