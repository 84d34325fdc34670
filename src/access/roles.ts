/**
 * Who may send which event, and on which challenges: api.md's "who" column, as data. This one
 * table is the source of the engine's 403s (src/access/scopes.ts applies the scopes), of
 * `allowedEvents` in the challenge view, of the authorization matrix test and of the table in
 * docs/security.md (rendered from it; a test fails when the doc is stale).
 */
import type { StaffEventType } from '../../machines/challenge/events.js';
import { roles, type Scope, type TokenRole } from '../../machines/challenge/parties.js';
import type { ChallengeKind } from '../../machines/challenge/schemas.js';

export { roles, type Scope, type TokenRole };

type Senders = Partial<Record<TokenRole, Scope>>;

export const eventSenders: Record<StaffEventType, Senders> = {
  UPDATE: { issuer: 'issuerUnit' },
  ATTACH: { issuer: 'issuerUnit' },
  SUBMIT: { issuer: 'issuerUnit' },
  WITHDRAW: { issuer: 'issuerUnit' },
  RECOMMEND: { district: 'districtUnit' },
  RETURN: { district: 'districtUnit', bureau: 'any' },
  DECLINE: { district: 'districtUnit', bureau: 'any' },
  PASS_FORMAL_CHECK: { bureau: 'any' },
  APPROVE_DEMAND: { bureau: 'any' },
  PUBLISH: { bureau: 'any' },
  BID: { solver: 'bidLead' },
  WITHDRAW_BID: { solver: 'bidLead' },
  AGREE: { issuer: 'issuerUnit' },
  EXTEND_BIDDING: { bureau: 'any' },
  CLOSE_MATCHING: { bureau: 'any' },
  DECLARE_UNFILLED: { bureau: 'any' },
  ASSIGN_PANEL: { bureau: 'any' },
  SCORE: { expert: 'panel' },
  SELECT: { bureau: 'any' },
  OBJECT: { bureau: 'any' },
  RESOLVE_OBJECTION: { bureau: 'any' },
  REGISTER_CONTRACT: { bureau: 'any' },
  RECORD_PAYMENT: { issuer: 'issuerUnit', solver: 'trackHolder', finance: 'any' },
  DISBURSE: { finance: 'any' },
  START_IMPLEMENTATION: { bureau: 'any' },
  REPORT_PROGRESS: { solver: 'trackHolder' },
  MIDTERM_DECISION: { bureau: 'any' },
  APPROVE_CHANGE: { bureau: 'any' },
  TERMINATE: { bureau: 'any' },
  SUBMIT_FINAL_REPORT: { solver: 'trackHolder' },
  ACCEPTANCE_DECISION: { bureau: 'any' },
};

/**
 * Who may upload a file to a challenge (api.md: issuer, solver): the issuer its application
 * material, a solver holding a track its payment evidence and final report.
 */
export const uploadSenders: Partial<Record<TokenRole, Scope>> = { issuer: 'issuerUnit', solver: 'trackHolder' };

/**
 * Whether `role` may send `type` on a challenge of `kind` in `stage`. Two rows of api.md depend
 * on more than the event: in publication only the bureau declines (the district's part ended
 * with its recommendation), and the challenge money is recorded by the side that pays it — the
 * issuer for a technology breakthrough, the solver for an achievement transfer — or by finance.
 */
export function mayRoleSend(role: TokenRole, type: StaffEventType, kind: ChallengeKind, stage: string): boolean {
  if (eventSenders[type][role] === undefined) return false;
  if (type === 'DECLINE' && stage === 'publication') return role === 'bureau';
  if (type === 'RECORD_PAYMENT' && role !== 'finance')
    return role === (kind === 'techBreakthrough' ? 'issuer' : 'solver');
  return true;
}

export function rolesFor(type: StaffEventType): TokenRole[] {
  return roles.filter((r) => eventSenders[type][r] !== undefined);
}

/** The scope `role` acts in when it sends `type`; undefined when it may not send it at all. */
export function scopeOf(role: TokenRole, type: StaffEventType): Scope | undefined {
  return eventSenders[type][role];
}
