/**
 * A well-formed payload for each staff event type (without `type`): its fields name bid-1, track
 * bid-1, panel member e1. The authorization matrix sends them; the OpenAPI document shows them
 * as request examples (scripts/openapi-examples.ts).
 */
import type { StaffEventType } from '../../machines/challenge/events.js';
import { bidBody, EXPERTS, sha } from './fixtures.js';

export const eventPayloads: Record<StaffEventType, Record<string, unknown>> = {
  UPDATE: { title: '矩阵测试' },
  ATTACH: { kind: 'applicationForm', sha256: sha('matrix') },
  SUBMIT: { confirmDetails: true },
  WITHDRAW: { reason: '撤回' },
  RECOMMEND: { opinion: '同意推荐' },
  RETURN: { reason: '退回' },
  DECLINE: { reason: '不予推荐' },
  PASS_FORMAL_CHECK: { opinion: '通过' },
  APPROVE_DEMAND: { opinion: '通过' },
  PUBLISH: { biddingClosesAt: '2026-06-30T18:00:00+08:00' },
  BID: (({ type: _t, ...rest }) => ({ ...rest, bidId: 'bid-m' }))(bidBody('bid-m')),
  WITHDRAW_BID: { bidId: 'bid-1' },
  AGREE: { bidId: 'bid-1', agreedFundingCny: 3_000_000 },
  EXTEND_BIDDING: { biddingClosesAt: '2026-07-30T18:00:00+08:00' },
  CLOSE_MATCHING: {},
  DECLARE_UNFILLED: { reason: '流榜' },
  ASSIGN_PANEL: { experts: [...EXPERTS] },
  SCORE: { bidId: 'bid-1', score: 80, comment: '可行', noConflictDeclared: true },
  SELECT: { bidIds: ['bid-1'] },
  OBJECT: { objector: { name: '张三' }, text: '有异议' },
  RESOLVE_OBJECTION: { objectionId: 'obj-1', upheld: false, opinion: '不成立' },
  REGISTER_CONTRACT: { trackId: 'bid-1', contractNo: 'HT-M', registeredOn: '2026-07-20' },
  RECORD_PAYMENT: { trackId: 'bid-1', amountCny: 100, paidOn: '2026-07-21', evidenceSha256: sha('matrix pay') },
  DISBURSE: { trackId: 'bid-1', amountCny: 40, phase: 'first' },
  START_IMPLEMENTATION: { startedOn: '2026-08-01' },
  REPORT_PROGRESS: { trackId: 'bid-1', milestone: 'M1', text: '进展' },
  MIDTERM_DECISION: { trackId: 'bid-1', decision: 'continue', opinion: '继续' },
  APPROVE_CHANGE: { kind: 'schedule', detail: '调整进度' },
  TERMINATE: { reason: '终止' },
  SUBMIT_FINAL_REPORT: { trackId: 'bid-1', reportSha256: sha('matrix report') },
  ACCEPTANCE_DECISION: { result: 'passed', opinion: '通过' },
};
