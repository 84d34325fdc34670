/** The process rules (P-n) many events share: what an event names exists, and its files were uploaded. */
import {
  P1_liveBid,
  P1_openObjection,
  P1_trackExists,
  P7_filesUploaded,
} from '../../../machines/challenge/rules/process.js';
import type { Objection } from '../../../machines/challenge/types.js';
import { describeRule } from './describe-rule.js';
import { bid, givenChallenge, track, when } from './given.js';

describeRule(P1_liveBid, ({ passes, violates }) => {
  const ctx = givenChallenge({ bids: [bid('bid-1'), bid('bid-2', { withdrawn: true })] });
  passes('a live bid', ctx, when('WITHDRAW_BID', { bidId: 'bid-1' }));
  violates('a withdrawn bid', ctx, when('AGREE', { bidId: 'bid-2', agreedFundingCny: 1 }), ['bid-2']);
  violates('no such bid', ctx, when('WITHDRAW_BID', { bidId: 'bid-9' }), ['bid-9']);
});

describeRule(P1_trackExists, ({ passes, violates }) => {
  const ctx = givenChallenge({ tracks: [track('t-1', { status: 'stopped' })] });
  const register = (trackId: string) =>
    when('REGISTER_CONTRACT', { trackId, contractNo: 'HT-1', registeredOn: '2026-08-01' });
  passes('a track that exists, even stopped (H-5 decides)', ctx, register('t-1'));
  violates('no such track', ctx, register('t-9'), ['t-9']);
});

describeRule(P1_openObjection, ({ passes, violates }) => {
  const objection = (objectionId: string, status: Objection['status']): Objection => ({
    objectionId,
    objector: { name: '张三' },
    text: '评分不公',
    at: '2026-07-13T10:00:00+08:00',
    status,
    opinion: null,
  });
  const ctx = givenChallenge({ objections: [objection('obj-1', 'open'), objection('obj-2', 'dismissed')] });
  const resolve = (objectionId: string) => when('RESOLVE_OBJECTION', { objectionId, upheld: false, opinion: '驳回' });
  passes('an open objection', ctx, resolve('obj-1'));
  violates('an objection already dismissed', ctx, resolve('obj-2'), ['obj-2']);
  violates('no such objection', ctx, resolve('obj-9'));
});

describeRule(P7_filesUploaded, ({ passes, violates }) => {
  const sha = 'c'.repeat(64);
  const attach = (uploads: Record<string, boolean> | undefined) =>
    when('ATTACH', { kind: 'unitPledge', sha256: sha }, uploads === undefined ? {} : { facts: { uploads } });
  passes('the file was uploaded to this challenge', givenChallenge(), attach({ [sha]: true }));
  violates('the file was not uploaded to this challenge', givenChallenge(), attach({ [sha]: false }), [sha]);
  passes('an event recorded before uploads were looked up', givenChallenge(), attach(undefined));
});
