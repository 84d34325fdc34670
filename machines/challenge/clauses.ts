/**
 * The clauses each event's checks (rules.ts `checks`) can cite, in one place: the diagram
 * (docs/process.md) labels every transition with them. Declared, not computed, so the machine
 * package stays free of source parsing; `test/unit/clauses.test.ts` reads rules.ts with the
 * TypeScript compiler and fails when this table and the clauses the checks can return differ.
 * The `rulesAllow` guard of an event is exactly "none of these was found".
 */
import type { ChallengeEvent } from './events.js';

export const eventClauses = {
  UPDATE: ['Q-10'],
  ATTACH: [],
  SUBMIT: [
    'W-1',
    'Q-2/3',
    'Q-10',
    'T-2.4',
    'T-2.5',
    'C-2.2',
    'C-2.3',
    'Q-1a',
    'Q-1d',
    'Q-4',
    'Q-5T',
    'Q-5C',
    'Q-9',
    'H-1',
    'H-2',
  ],
  WITHDRAW: [],
  SUBMISSION_WINDOW_CLOSED: ['W-3'],
  RECOMMEND: ['W-2'],
  RETURN: ['W-1'],
  DECLINE: [],
  RECOMMENDATION_DEADLINE_PASSED: ['W-3'],
  PASS_FORMAL_CHECK: [],
  APPROVE_DEMAND: [],
  PUBLISH: ['Q-12'],
  BID: ['W-0', 'P-2', 'S-T3', 'S-C2', 'P-6', 'H-1'],
  WITHDRAW_BID: ['P-1'],
  AGREE: ['P-1', 'P-5'],
  EXTEND_BIDDING: ['W-0', 'P-3'],
  CLOSE_MATCHING: ['H-3'],
  BIDDING_CLOSED: ['W-0'],
  DECLARE_UNFILLED: [],
  ASSIGN_PANEL: ['X-6'],
  SCORE: ['X-6', 'P-1', 'X-7'],
  SELECT: ['P-4', 'P-1', 'H-3', 'H-1', 'X-11'],
  OBJECT: ['X-2'],
  RESOLVE_OBJECTION: ['P-1'],
  NOTICE_PERIOD_ENDED: ['X-1'],
  REGISTER_CONTRACT: ['P-1', 'Q-6'],
  RECORD_PAYMENT: ['P-1', 'H-5'],
  DISBURSE: ['P-1', 'H-5', 'Q-6', 'X-5', 'Q-1b', 'Q-1c', 'H-4'],
  START_IMPLEMENTATION: ['Q-6'],
  REPORT_PROGRESS: ['P-1', 'H-5'],
  MIDTERM_DECISION: ['P-1', 'H-5'],
  APPROVE_CHANGE: ['X-4'],
  TERMINATE: [],
  PERIOD_ENDED: ['X-3'],
  SUBMIT_FINAL_REPORT: ['P-1', 'H-5', 'X-3'],
  ACCEPTANCE_DECISION: ['X-3'],
  ACCEPTANCE_OVERDUE: ['X-9'],
} as const satisfies { [K in ChallengeEvent['type']]: readonly string[] };

/** The clause IDs an event's `rulesAllow` guard stands for. */
export const clausesOf = (type: ChallengeEvent['type']): readonly string[] => eventClauses[type];
