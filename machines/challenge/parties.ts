/**
 * The parties of the guide as the service names them: the roles a token holds (api.md "who"),
 * and the scopes a role acts in when it sends an event. Data only: src/access/policy.ts gives
 * each scope its predicate and refusal, and the stage files name the senders of each event.
 */

export const roles = ['admin', 'bureau', 'district', 'issuer', 'solver', 'expert', 'finance', 'auditor'] as const;
export type TokenRole = (typeof roles)[number];
/**
 * Who sent an event: a token's role, the scheduler (`system`), or a member of the public
 * objecting to a notice without an account (`public`, issue 12); no token holds the last two.
 */
export type ActorRole = TokenRole | 'system' | 'public';

/**
 * Which challenges a role acts on, for an event it may send:
 * - `any`: every challenge (the bureau, finance);
 * - `issuerUnit`: the challenge's issuing unit is the token's unit;
 * - `districtUnit`: the challenge's recommending unit is the token's unit;
 * - `bidLead`: the bid named in the event is led by the token's unit (its first member);
 * - `trackHolder`: the track named in the event is held by the token's unit;
 * - `panel`: the token's person sits on the challenge's expert panel.
 */
export const scopes = ['any', 'issuerUnit', 'districtUnit', 'bidLead', 'trackHolder', 'panel'] as const;
export type Scope = (typeof scopes)[number];
