/**
 * Contracts and money (stages 7 and 8), in integer yuan: the contract before support, support in
 * tranches within 40 % of what was paid and within the 3,000,000 cap, the horse race's phases.
 */
import {
  H4_firstPhase,
  H5_laterAfterContinue,
  H5_trackActive,
  P9_payeeInBid,
  Q1a_agreedInvestment,
  Q1a_fundingChange,
  Q1a_paidWithinAgreed,
  Q1a_selectedInvestment,
  Q1b_shareOfPaid,
  Q1c_challengeCap,
  Q6_allRegistered,
  Q6_contractBeforeSupport,
  Q6_registerOnce,
  X5_paidFirst,
} from '../../../machines/challenge/rules/money.js';
import type { Track } from '../../../machines/challenge/types.js';
import { describeRule } from './describe-rule.js';
import { agreedBid, bid, givenChallenge, givenHorseRace, registeredContract, track, UNITS, when } from './given.js';

/** A challenge whose one track `t-1` is `changes`. */
const withTrack = (changes: Partial<Track>) => givenChallenge({ tracks: [track('t-1', changes)] });
const disburse = (amountCny: number, phase: 'first' | 'later' = 'first', trackId = 't-1') =>
  when('DISBURSE', { trackId, amountCny, phase }, { actor: { id: 'finance-token', role: 'finance' } });
const registered = { contract: registeredContract };

describeRule(H5_trackActive, ({ passes, violates }) => {
  const progress = when('REPORT_PROGRESS', { trackId: 't-1', milestone: '中期', text: '进展顺利' });
  passes('an active track', withTrack({}), progress);
  passes('a track that has filed its final report', withTrack({ status: 'reported' }), progress);
  violates('a track stopped at its midterm evaluation', withTrack({ status: 'stopped', midterm: 'stop' }), progress, [
    't-1',
  ]);
  violates(
    'a payment to a stopped track',
    withTrack({ status: 'stopped' }),
    when('RECORD_PAYMENT', { trackId: 't-1', amountCny: 1, paidOn: '2026-09-01', evidenceSha256: 'a'.repeat(64) }),
  );
  passes(
    'an unknown track (P-1 reports it)',
    withTrack({ status: 'stopped' }),
    when('MIDTERM_DECISION', { trackId: 't-9', decision: 'stop', opinion: '终止' }),
  );
});

describeRule(Q6_registerOnce, ({ passes, violates }) => {
  const register = when('REGISTER_CONTRACT', { trackId: 't-1', contractNo: 'HT-2026-002', registeredOn: '2026-08-02' });
  passes('a track without a contract', withTrack({}), register);
  violates('a track with its contract registered', withTrack(registered), register, [registeredContract.contractNo]);
});

describeRule(Q6_contractBeforeSupport, ({ passes, violates }) => {
  passes('a registered contract', withTrack({ ...registered, paidCny: 1_000_000 }), disburse(1));
  violates('no registered contract', withTrack({ paidCny: 1_000_000 }), disburse(1), ['t-1']);
  passes('an unknown track (P-1 reports it)', withTrack({}), disburse(1, 'first', 't-9'));
});

describeRule(Q6_allRegistered, ({ passes, violates }) => {
  const start = when('START_IMPLEMENTATION', { startedOn: '2026-09-01' });
  passes(
    'every track registered',
    givenHorseRace({ tracks: [track('t-1', registered), track('t-2', registered)] }),
    start,
  );
  passes(
    'a stopped track without a contract',
    givenHorseRace({ tracks: [track('t-1', registered), track('t-2', { status: 'stopped' })] }),
    start,
  );
  violates(
    'one running track without a contract',
    givenHorseRace({ tracks: [track('t-1', registered), track('t-2')] }),
    start,
    ['t-2'],
  );
});

describeRule(X5_paidFirst, ({ passes, violates }) => {
  passes('1 CNY paid for the track', withTrack({ ...registered, paidCny: 1 }), disburse(1));
  violates('nothing paid for the track yet', withTrack(registered), disburse(1), ['t-1']);
});

describeRule(Q1b_shareOfPaid, ({ passes, violates }) => {
  const paidMillion = (disbursedCny: number) => withTrack({ ...registered, paidCny: 1_000_000, disbursedCny });
  passes('1,000,000 paid and 400,000 disbursed at once', paidMillion(0), disburse(400_000));
  violates('1,000,000 paid and 400,001 disbursed at once', paidMillion(0), disburse(400_001), ['400,001 CNY', '40%']);
  passes('1,000,000 paid, 250,000 disbursed before, 150,000 now', paidMillion(250_000), disburse(150_000));
  violates('1,000,000 paid, 250,000 disbursed before, 150,001 now', paidMillion(250_000), disburse(150_001));
  passes('an unknown track (P-1 reports it)', paidMillion(0), disburse(400_001, 'first', 't-9'));
});

describeRule(Q1c_challengeCap, ({ passes, violates }) => {
  const plenty = { ...registered, paidCny: 10_000_000 };
  const oneTrack = withTrack({ ...plenty, disbursedCny: 2_600_000 });
  passes('2,600,000 disbursed and 400,000 more: exactly 3,000,000', oneTrack, disburse(400_000));
  violates('2,600,000 disbursed and 400,001 more', oneTrack, disburse(400_001), ['3,000,001 CNY']);
  const twoTracks = givenHorseRace({
    tracks: [
      track('t-1', { ...plenty, disbursedCny: 1_500_000 }),
      track('t-2', { ...plenty, disbursedCny: 1_000_000 }),
    ],
  });
  passes('two tracks with 2,500,000 between them and 500,000 more', twoTracks, disburse(500_000, 'later', 't-2'));
  violates('two tracks with 2,500,000 between them and 500,001 more', twoTracks, disburse(500_001, 'later', 't-2'));
});

describeRule(H4_firstPhase, ({ passes, violates }) => {
  /** Two tracks agreed at `agreed` each; fiscal support in all is min(40 % × 2 × agreed, 3,000,000). */
  const race = (agreed: number) =>
    givenHorseRace({
      tracks: ['t-1', 't-2'].map((id) => track(id, { ...registered, agreedFundingCny: agreed, paidCny: agreed })),
    });
  passes(
    '3,000,000 agreed per track and 480,000 in the first phase (20 % of 2,400,000)',
    race(3_000_000),
    disburse(480_000),
  );
  violates('3,000,000 agreed per track and 480,001 in the first phase', race(3_000_000), disburse(480_001), [
    '480,000 CNY',
  ]);
  passes('4,000,000 agreed per track and 600,000 (20 % of the 3,000,000 cap)', race(4_000_000), disburse(600_000));
  violates('4,000,000 agreed per track and 600,001', race(4_000_000), disburse(600_001));
  passes('a later phase beyond the first phase limit', race(3_000_000), disburse(480_001, 'later'));
  passes('a single-track challenge (no phases)', withTrack({ ...registered, paidCny: 3_000_000 }), disburse(480_001));
});

describeRule(H5_laterAfterContinue, ({ passes, violates }) => {
  const raceTrack = (midterm: Track['midterm']) =>
    givenHorseRace({ tracks: [track('t-1', { ...registered, paidCny: 1_000_000, midterm })] });
  passes('a horse-race track decided to continue', raceTrack('continue'), disburse(1, 'later'));
  violates('a horse-race track without a midterm decision', raceTrack(null), disburse(1, 'later'), ['t-1']);
  passes('a horse-race track without a decision, first phase', raceTrack(null), disburse(1, 'first'));
  passes(
    'a single-track challenge, later phase without a decision',
    withTrack({ ...registered, paidCny: 1_000_000 }),
    disburse(1, 'later'),
  );
});

/** Own pilot spend 2,000,000: an agreement of 3,000,000 just reaches the 5,000,000 of Q-1a. */
const ownTwoMillion = { draft: { investment: { ownPilotCny: 2_000_000, solverFundingCny: 3_000_000 } } };

describeRule(Q1a_agreedInvestment, ({ passes, violates }) => {
  const agree = (agreedFundingCny: number) => when('AGREE', { bidId: 'bid-1', agreedFundingCny });
  const single = givenChallenge({ ...ownTwoMillion, bids: [bid('bid-1')] });
  passes('own 2,000,000 + agreed 3,000,000 = 5,000,000', single, agree(3_000_000));
  violates('own 2,000,000 + agreed 2,999,999', single, agree(2_999_999), ['4,999,999', '5000000']);
  violates('an agreement of 1 yuan', single, agree(1));
  passes(
    'one agreement of a horse race (the selected tracks together are checked at SELECT)',
    givenHorseRace({ ...ownTwoMillion, bids: [bid('bid-1')] }),
    agree(1_000_000),
  );
});

describeRule(Q1a_selectedInvestment, ({ passes, violates }) => {
  const race = (a: number, b: number) =>
    givenHorseRace({
      ...ownTwoMillion,
      bids: [agreedBid('race-a', { agreedFundingCny: a }), agreedBid('race-b', { agreedFundingCny: b })],
    });
  const select = when('SELECT', { bidIds: ['race-a', 'race-b'] });
  passes('own 2,000,000 + two tracks agreed at 1,500,000 each', race(1_500_000, 1_500_000), select);
  violates('own 2,000,000 + 1,500,000 + 1,499,999', race(1_500_000, 1_499_999), select, ['4,999,999']);
  violates(
    'a single track agreed at 1 yuan',
    givenChallenge({ ...ownTwoMillion, bids: [agreedBid('bid-1', { agreedFundingCny: 1 })] }),
    when('SELECT', { bidIds: ['bid-1'] }),
  );
});

describeRule(Q1a_paidWithinAgreed, ({ passes, violates }) => {
  const pay = (amountCny: number, trackId = 't-1') =>
    when(
      'RECORD_PAYMENT',
      { trackId, amountCny, paidOn: '2026-09-01', evidenceSha256: 'a'.repeat(64) },
      { actor: { id: 'issuer-token', role: 'issuer', unit: UNITS.issuer } },
    );
  const paid = withTrack({ agreedFundingCny: 3_000_000, paidCny: 2_000_000 });
  passes('payments reaching the agreed 3,000,000 exactly', paid, pay(1_000_000));
  violates('payments 1 yuan over the agreed funding', paid, pay(1_000_001), ['3,000,001', '3000000']);
  violates('a payment of 10,000,000 against an agreement of 3,000,000', withTrack({}), pay(10_000_000));
  passes(
    'payments within a funding raised by an approved change',
    withTrack({ agreedFundingCny: 12_000_000 }),
    pay(10_000_000),
  );
  passes('an unknown track (P-1 reports it)', paid, pay(5_000_000, 't-9'));
});

describeRule(Q1a_fundingChange, ({ passes, violates }) => {
  const change = (payload: { kind: 'funding' | 'schedule'; trackId?: string; agreedFundingCny?: number }) =>
    when('APPROVE_CHANGE', { detail: '追加研发经费', ...payload });
  const agreed = withTrack({ agreedFundingCny: 3_000_000 });
  passes('a raise of 1 yuan', agreed, change({ kind: 'funding', trackId: 't-1', agreedFundingCny: 3_000_001 }));
  violates('the same funding again', agreed, change({ kind: 'funding', trackId: 't-1', agreedFundingCny: 3_000_000 }), [
    '3,000,000',
  ]);
  violates('a funding change naming no track', agreed, change({ kind: 'funding', agreedFundingCny: 4_000_000 }));
  violates(
    'a funding change on an unknown track',
    agreed,
    change({ kind: 'funding', trackId: 't-9', agreedFundingCny: 4_000_000 }),
  );
  passes('a schedule change', agreed, change({ kind: 'schedule' }));
  violates('a schedule change naming a funding', agreed, change({ kind: 'schedule', agreedFundingCny: 4_000_000 }));
});

describeRule(P9_payeeInBid, ({ passes, violates }) => {
  const consortium = givenChallenge({
    bids: [agreedBid('t-1', { members: [UNITS.solverA, UNITS.solverB] })],
    tracks: [track('t-1', { ...registered, paidCny: 3_000_000 })],
  });
  const pay = (payeeUnit?: string) =>
    when(
      'DISBURSE',
      { trackId: 't-1', amountCny: 1, phase: 'first', ...(payeeUnit === undefined ? {} : { payeeUnit }) },
      { actor: { id: 'finance-token', role: 'finance' } },
    );
  passes('no payee named: the lead unit receives it', consortium, pay());
  passes('the consortium member receives it', consortium, pay(UNITS.solverB));
  violates('a unit outside the bid', consortium, pay(UNITS.neutral), [UNITS.neutral, '收款单位']);
  violates('the issuer', consortium, pay(UNITS.issuer));
});
