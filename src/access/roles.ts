/**
 * Who may send which event: api.md's "who" column, as data. The HTTP layer refuses any other
 * role with 403 before the machine is asked; `allowedEvents` in the challenge view reads the
 * same table. (Scoping a role to its own unit or panel is a later issue.)
 */
import type { ChallengeKind, StaffEventType } from '../../machines/challenge/events.js';

export const roles = ['admin', 'bureau', 'district', 'issuer', 'solver', 'expert', 'finance', 'auditor'] as const;
export type TokenRole = (typeof roles)[number];

const eventRoles: Record<StaffEventType, readonly TokenRole[]> = {
  UPDATE: ['issuer'],
  ATTACH: ['issuer'],
  SUBMIT: ['issuer'],
  WITHDRAW: ['issuer'],
  RECOMMEND: ['district'],
  RETURN: ['district', 'bureau'],
  DECLINE: ['district', 'bureau'],
  PASS_FORMAL_CHECK: ['bureau'],
  APPROVE_DEMAND: ['bureau'],
  PUBLISH: ['bureau'],
  BID: ['solver'],
  WITHDRAW_BID: ['solver'],
  AGREE: ['issuer'],
  EXTEND_BIDDING: ['bureau'],
  CLOSE_MATCHING: ['bureau'],
  DECLARE_UNFILLED: ['bureau'],
  ASSIGN_PANEL: ['bureau'],
  SCORE: ['expert'],
  SELECT: ['bureau'],
  OBJECT: ['bureau'],
  RESOLVE_OBJECTION: ['bureau'],
  REGISTER_CONTRACT: ['bureau'],
  RECORD_PAYMENT: ['issuer', 'solver', 'finance'],
  DISBURSE: ['finance'],
  START_IMPLEMENTATION: ['bureau'],
  REPORT_PROGRESS: ['solver'],
  MIDTERM_DECISION: ['bureau'],
  APPROVE_CHANGE: ['bureau'],
  TERMINATE: ['bureau'],
  SUBMIT_FINAL_REPORT: ['solver'],
  ACCEPTANCE_DECISION: ['bureau'],
};

/**
 * Whether `role` may send `type` on a challenge of `kind` in `stage`. Two rows of api.md depend
 * on more than the event: in publication only the bureau declines (the district's part ended
 * with its recommendation), and the challenge money is recorded by the side that pays it — the
 * issuer for a technology breakthrough, the solver for an achievement transfer — or by finance.
 */
export function mayRoleSend(role: TokenRole, type: StaffEventType, kind: ChallengeKind, stage: string): boolean {
  if (!eventRoles[type].includes(role)) return false;
  if (type === 'DECLINE' && stage === 'publication') return role === 'bureau';
  if (type === 'RECORD_PAYMENT' && role !== 'finance')
    return role === (kind === 'techBreakthrough' ? 'issuer' : 'solver');
  return true;
}

export function rolesFor(type: StaffEventType): readonly TokenRole[] {
  return eventRoles[type];
}
