/**
 * The one access policy (design.md "Access", api.md "who"): what each role may do outside
 * challenges, which challenges it sees in full, whose scores it reads, whose history, where it
 * uploads — one table, `rolePolicies` — and what each scope means — one predicate per scope,
 * with the refusal derived from it, `scopePolicies`. Who may send each event is in the event's
 * definition (machines/challenge/stages/); this module applies it. The engine, the routes, the
 * authorization matrix test and docs/security.md (rendered by access-table.ts) all read these.
 * Pure functions of the caller, the challenge and the event: nothing here reads the database.
 */
import type { Sender } from '../../machines/challenge/event.js';
import { type StaffEventType, staffDefinitionOf } from '../../machines/challenge/events.js';
import type { ChallengeSnapshot } from '../../machines/challenge/machine.js';
import { roles, type Scope, type TokenRole } from '../../machines/challenge/parties.js';
import { type Stage, stageHasTag, stagesTagged } from '../../machines/challenge/stage.js';
import type { ChallengeContext } from '../../machines/challenge/types.js';
import type { Caller } from '../base/caller.js';

export { roles, type Scope, type TokenRole };

/** What a role may do that is not an event on a challenge: each names the routes that need it. */
export type Operation =
  | 'createChallenge'
  | 'readChallenges'
  | 'readReconciliation'
  | 'readPointInTime'
  | 'verify'
  | 'readDenials'
  | 'writeRegistry'
  | 'readRecords'
  | 'managePrograms'
  | 'manageTokens'
  | 'useTestClock'
  | 'migrateMachine'
  | 'manageNotifications'
  /** Issue 12: a unit's account registers the people of its own unit. */
  | 'writeOwnPeople'
  /** Issue 12: decide units' self-registrations. */
  | 'decideRegistrations'
  /** Issue 12: create staff and expert accounts, reset passwords. */
  | 'manageAccounts'
  /** Issue 12: read the accounts and their log of sign-ins, failures, lock-outs and changes. */
  | 'readAccounts'
  /** Issue 13: the console's inbox, the challenges the caller can act on now (`GET /inbox`). */
  | 'readInbox'
  /** Issue 13: the bureau's dashboard numbers over every challenge (`GET /stats`). */
  | 'readStats';

export interface RolePolicy {
  /** Whom a token of the role acts for: a unit (its code), a person (an expert), or nobody in particular. */
  actsFor: 'unit' | 'person' | 'office';
  /** Operations outside challenge events (a route declares the one it needs). */
  operations: readonly Operation[];
  /**
   * Which challenges the role sees whole: `every` one, or those where its unit holds this scope
   * (`issuerUnit`, `districtUnit`); any other published call it sees as the public does, and an
   * unpublished one not at all (404: its existence is not disclosed).
   */
  seesInFull: 'every' | 'issuerUnit' | 'districtUnit' | 'none';
  /** Individual expert scores: all of them, only its own (on its panel), or none. */
  scores: 'all' | 'own' | 'none';
  /** Which challenges' full history (every event, hash-chained) it reads. */
  history: 'every' | 'issuerUnit' | 'none';
  /** Where it may upload files (`POST …/attachments`), if anywhere. */
  uploads?: Scope;
  /**
   * Issue 16: personal data (names, ID numbers, phones, e-mail addresses, objectors' contacts)
   * wherever the role reads it: in `full`, or `masked` (张*, 138****5678, 110101********1234).
   */
  personalData: 'full' | 'masked';
}

const staffReads: readonly Operation[] = ['readChallenges', 'readPointInTime', 'readDenials', 'readRecords'];

export const rolePolicies: Record<TokenRole, RolePolicy> = {
  // The operator: it runs the service (tokens, registry, programmes, machine versions) and reads
  // no challenge — business secrets and expert scores are read under a named staff token, whose
  // issue is on record, never under the bootstrap account (docs/decisions.md, issue 11).
  admin: {
    actsFor: 'office',
    operations: [
      'writeRegistry',
      'readRecords',
      'readInbox',
      'managePrograms',
      'manageTokens',
      'useTestClock',
      'migrateMachine',
      'manageNotifications',
      'manageAccounts',
    ],
    seesInFull: 'none',
    scores: 'none',
    history: 'none',
    personalData: 'full',
  },
  bureau: {
    actsFor: 'office',
    operations: [
      ...staffReads,
      'readReconciliation',
      'writeRegistry',
      'manageNotifications',
      'decideRegistrations',
      'manageAccounts',
      'readAccounts',
      'readInbox',
      'readStats',
    ],
    seesInFull: 'every',
    scores: 'all',
    history: 'every',
    personalData: 'full',
  },
  district: {
    actsFor: 'unit',
    operations: ['readChallenges', 'readInbox'],
    seesInFull: 'districtUnit',
    scores: 'none',
    history: 'none',
    personalData: 'masked',
  },
  issuer: {
    actsFor: 'unit',
    operations: ['createChallenge', 'readChallenges', 'readReconciliation', 'writeOwnPeople', 'readInbox'],
    seesInFull: 'issuerUnit',
    scores: 'none',
    history: 'issuerUnit',
    uploads: 'issuerUnit',
    personalData: 'masked',
  },
  solver: {
    actsFor: 'unit',
    operations: ['readChallenges', 'writeOwnPeople', 'readInbox'],
    seesInFull: 'none',
    scores: 'none',
    history: 'none',
    uploads: 'trackHolder',
    personalData: 'masked',
  },
  expert: {
    actsFor: 'person',
    operations: ['readChallenges', 'readInbox'],
    seesInFull: 'none',
    scores: 'own',
    history: 'none',
    personalData: 'masked',
  },
  finance: {
    actsFor: 'office',
    operations: ['readChallenges', 'readReconciliation', 'readInbox'],
    seesInFull: 'every',
    scores: 'none',
    history: 'none',
    personalData: 'masked',
  },
  auditor: {
    actsFor: 'office',
    operations: [...staffReads, 'readReconciliation', 'verify', 'readAccounts', 'readStats'],
    seesInFull: 'every',
    scores: 'all',
    history: 'every',
    personalData: 'full',
  },
};

/** Issue 16: whether the caller reads personal data in full (else masked); no caller (public): masked. */
export const readsPersonalDataInFull = (role: TokenRole | undefined): boolean =>
  role !== undefined && rolePolicies[role].personalData === 'full';

/** The roles a route needing `operation` admits. */
export const rolesFor = (operation: Operation): TokenRole[] =>
  roles.filter((role) => rolePolicies[role].operations.includes(operation));

/** The roles that may upload files to a challenge (each within its `uploads` scope). */
export const uploaderRoles = (): TokenRole[] => roles.filter((role) => rolePolicies[role].uploads !== undefined);

/** The roles that read some challenge's full history. */
export const historyReaderRoles = (): TokenRole[] => roles.filter((role) => rolePolicies[role].history !== 'none');

// ---------------------------------------------------------------------------------------------
// Scopes: one predicate each, and the refusal derived from it

/** An event's body as the scope predicates read it: the bid, track or unit it names. */
export type ScopedBody = { type: StaffEventType } & Record<string, unknown>;

export interface ScopeRefusal {
  scope: Scope;
  /** The guide clause the scope rests on, where there is one. */
  clause?: string;
  message: string;
  message_zh: string;
}

interface ScopePolicy {
  /** How docs/security.md names it. */
  label: string;
  /** The guide clause it rests on, where there is one. */
  clause?: string;
  /**
   * Whether the caller is within the scope for this body. A bid or track the body names that
   * does not exist is left to the rules (422 with its clause), which say so more precisely.
   */
  holds(caller: Caller, ctx: ChallengeContext, body: ScopedBody): boolean;
  /**
   * Whether the caller could be within the scope for some body of `type` on this challenge:
   * what `allowedEvents` shows before the caller names a bid or track, and where it may upload.
   */
  reachable(caller: Caller, ctx: ChallengeContext, type?: StaffEventType): boolean;
  refusal(caller: Caller, ctx: ChallengeContext, body: ScopedBody): { message: string; message_zh: string };
}

/** A scope held by the unit the challenge names in this field (the issuing or recommending unit). */
const unitScope = (
  unitOf: (ctx: ChallengeContext) => string,
): Pick<ScopePolicy, 'reachable'> & { unitOf: (ctx: ChallengeContext) => string } => ({
  unitOf,
  reachable: (caller, ctx) => unitOf(ctx) === caller.unit,
});
const issuerUnit = unitScope((ctx) => ctx.draft.issuerUnit);
const districtUnit = unitScope((ctx) => ctx.draft.districtUnit);

const leadUnit = (members: readonly string[]) => members[0];
/** The members of the bid a body names: its own (a new bid), or the existing bid's. */
const bidMembers = (ctx: ChallengeContext, body: ScopedBody): readonly string[] | undefined =>
  Array.isArray(body.members) ? (body.members as string[]) : ctx.bids.find((b) => b.bidId === body.bidId)?.members;
const trackNamed = (ctx: ChallengeContext, body: ScopedBody) => ctx.tracks.find((t) => t.trackId === body.trackId);
/** An event whose payload brings its own consortium (a new bid) may be sent by any solver. */
const bringsOwnBid = (type: StaffEventType | undefined) =>
  type !== undefined && 'members' in staffDefinitionOf(type).payload.shape;

export const scopePolicies: Record<Scope, ScopePolicy> = {
  any: {
    label: 'any challenge',
    holds: () => true,
    reachable: () => true,
    refusal: () => ({ message: '', message_zh: '' }),
  },
  issuerUnit: {
    label: 'its unit issues it',
    // An issuer cannot hand its draft to another unit: a body naming an issuing unit names its own.
    holds: (caller, ctx, body) =>
      issuerUnit.unitOf(ctx) === caller.unit && (body.issuerUnit === undefined || body.issuerUnit === caller.unit),
    reachable: issuerUnit.reachable,
    refusal: (caller, ctx) =>
      ctx.draft.issuerUnit !== caller.unit
        ? {
            message: `Challenge ${ctx.id} is issued by unit ${ctx.draft.issuerUnit}; this token acts for ${caller.unit}.`,
            message_zh: `榜单 ${ctx.id} 的发榜单位为 ${ctx.draft.issuerUnit}，本令牌所属单位为 ${caller.unit}。`,
          }
        : {
            message: `An issuer keeps its challenges under its own unit ${caller.unit}.`,
            message_zh: `发榜方只能以本单位 ${caller.unit} 名义发榜。`,
          },
  },
  districtUnit: {
    label: 'its unit recommends it',
    holds: (caller, ctx) => districtUnit.unitOf(ctx) === caller.unit,
    reachable: districtUnit.reachable,
    refusal: (caller, ctx) => ({
      message: `Challenge ${ctx.id} is recommended by unit ${ctx.draft.districtUnit}; this token acts for ${caller.unit}.`,
      message_zh: `榜单 ${ctx.id} 的推荐单位为 ${ctx.draft.districtUnit}，本令牌所属单位为 ${caller.unit}。`,
    }),
  },
  bidLead: {
    label: 'its unit leads the bid',
    holds: (caller, ctx, body) => {
      const members = bidMembers(ctx, body);
      return members === undefined || leadUnit(members) === caller.unit;
    },
    reachable: (caller, ctx, type) =>
      bringsOwnBid(type) || ctx.bids.some((b) => leadUnit(b.members) === caller.unit && !b.withdrawn),
    refusal: (caller, ctx, body) => {
      const lead = leadUnit(bidMembers(ctx, body) ?? []);
      return {
        message: `A solver acts only for bids its unit ${caller.unit} leads; this bid is led by ${lead}.`,
        message_zh: `揭榜方只能以本单位 ${caller.unit} 为牵头单位揭榜；该揭榜申请的牵头单位为 ${lead}。`,
      };
    },
  },
  trackHolder: {
    label: 'its unit holds the track',
    holds: (caller, ctx, body) => {
      const track = trackNamed(ctx, body);
      return track === undefined || track.solverUnit === caller.unit;
    },
    reachable: (caller, ctx) => ctx.tracks.some((t) => t.solverUnit === caller.unit),
    refusal: (caller, ctx, body) => {
      const track = trackNamed(ctx, body);
      return {
        message: `Track ${track?.trackId} is held by unit ${track?.solverUnit}; this token acts for ${caller.unit}.`,
        message_zh: `任务 ${track?.trackId} 的承担单位为 ${track?.solverUnit}，本令牌所属单位为 ${caller.unit}。`,
      };
    },
  },
  panel: {
    label: 'sits on the panel',
    clause: 'X-6',
    holds: (caller, ctx) => caller.person !== undefined && ctx.panel.includes(caller.person),
    reachable: (caller, ctx) => caller.person !== undefined && ctx.panel.includes(caller.person),
    refusal: (caller) => ({
      message: `Only a member of this challenge's expert panel scores its bids; ${caller.person} is not on it.`,
      message_zh: `只有本榜单专家组成员可以评分；${caller.person} 不在专家组中。`,
    }),
  },
};

// ---------------------------------------------------------------------------------------------
// Senders: the event definitions' `senders`, applied

const normalised = (sender: Scope | Sender | undefined): Sender | undefined =>
  typeof sender === 'string' ? { scope: sender } : sender;

/** How `role` may send `type` at all (its scope and conditions); undefined when it never may. */
export function senderOf(role: TokenRole, type: StaffEventType): Sender | undefined {
  return normalised(staffDefinitionOf(type).senders[role]);
}

/** The roles an event's definition names as senders. */
export const sendersOf = (type: StaffEventType): TokenRole[] =>
  roles.filter((role) => senderOf(role, type) !== undefined);

/**
 * Whether `role` may send `type` on this challenge as it stands: its definition names the role,
 * for this kind of challenge, and the state carries no tag that excludes the sender.
 */
export function mayRoleSend(role: TokenRole, type: StaffEventType, snapshot: ChallengeSnapshot): boolean {
  const sender = senderOf(role, type);
  if (sender === undefined) return false;
  if (sender.kinds !== undefined && !sender.kinds.includes(snapshot.context.kind)) return false;
  return sender.exceptWhileTagged === undefined || !snapshot.hasTag(sender.exceptWhileTagged);
}

/** Why `caller` may not send `body` here although its role may send the type; null when in scope. */
export function scopeRefusal(caller: Caller, ctx: ChallengeContext, body: ScopedBody): ScopeRefusal | null {
  const sender = senderOf(caller.role, body.type);
  if (sender === undefined) return null;
  const policy = scopePolicies[sender.scope];
  if (policy.holds(caller, ctx, body)) return null;
  return {
    scope: sender.scope,
    ...(policy.clause ? { clause: policy.clause } : {}),
    ...policy.refusal(caller, ctx, body),
  };
}

/** Whether `caller` could send `type` to this challenge as far as its scope goes (`allowedEvents`). */
export function mayActOn(caller: Caller, ctx: ChallengeContext, type: StaffEventType): boolean {
  const sender = senderOf(caller.role, type);
  return sender !== undefined && scopePolicies[sender.scope].reachable(caller, ctx, type);
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * How much of a challenge a caller sees:
 * - `full`: the role sees every challenge whole, or its unit holds the role's scope on this one;
 * - `public`: a published call, to anyone else who may read (solvers find calls to answer);
 * - `none`: an unpublished challenge of another unit (answered 404, as if it did not exist).
 */
export type Visibility = 'full' | 'public' | 'none';

const unitScopes = { issuerUnit, districtUnit };

export function visibility(caller: Caller, ctx: ChallengeContext, stage: Stage): Visibility {
  const sees = rolePolicies[caller.role].seesInFull;
  if (sees === 'every' || (sees !== 'none' && unitScopes[sees].unitOf(ctx) === caller.unit)) return 'full';
  return stageHasTag(stage, 'published') ? 'public' : 'none';
}

/**
 * The part of a context a caller may see. Individual expert scores are seen by the roles whose
 * policy reads them all, and by an expert on the panel its own; bids only by the challenge's own
 * parties, the panel (the agreed bids it reviews) and the solver whose unit is among a bid's
 * members. Tracks and the draft (the published demand) stay visible; the panel's aggregate scores
 * once announced (src/engine/read/view.ts). Returns `ctx` itself exactly when the caller sees everything.
 */
export function scopedContext(caller: Caller, ctx: ChallengeContext, seen: Visibility): ChallengeContext {
  const scores = rolePolicies[caller.role].scores;
  if (scores === 'all') return ctx;
  const onPanel = onPanelOf(caller, ctx);
  const ownScores = ctx.scores.filter((s) => onPanel && s.expert === caller.person);
  if (seen === 'full') return { ...ctx, scores: [] };
  const bids = scopedBids(caller, ctx, seen);
  return {
    ...ctx,
    // The issuer's people are named by person id (often a national ID number): a public call
    // shows its demand, not who works on it (the public routes never carry them either).
    draft: { ...ctx.draft, leader: '', team: [] },
    attachments: [],
    bids,
    scores: ownScores,
    panel: onPanel ? ctx.panel : [],
    opinions: [],
    objections: ctx.objections.map((o) => ({ ...o, objector: { name: '' } })),
  };
}

const onPanelOf = (caller: Caller, ctx: ChallengeContext) =>
  rolePolicies[caller.role].scores === 'own' && caller.person !== undefined && ctx.panel.includes(caller.person);

/** The bids of `scopedContext`, alone: what a challenge's summary needs, without the rest of the copy. */
export function scopedBids(caller: Caller, ctx: ChallengeContext, seen: Visibility): ChallengeContext['bids'] {
  if (rolePolicies[caller.role].scores === 'all' || seen === 'full') return ctx.bids;
  const onPanel = onPanelOf(caller, ctx);
  return ctx.bids.filter((b) =>
    onPanel ? b.agreedFundingCny !== null : caller.unit !== undefined && b.members.includes(caller.unit),
  );
}

/**
 * Which rows of the challenge list a caller sees, as data for the query: everything, or the
 * published calls plus the challenges its unit holds the role's scope on. The same rule as
 * `visibility`, on the list's indexed columns.
 */
export type ListScope = { all: true } | { all: false; issuerUnit?: string; districtUnit?: string };

export function listScope(caller: Caller): ListScope {
  const sees = rolePolicies[caller.role].seesInFull;
  if (sees === 'every') return { all: true };
  if (sees === 'none' || caller.unit === undefined) return { all: false };
  return { all: false, [sees]: caller.unit };
}

/** The stages whose challenges are public calls: what the list shows to anyone who reads. */
export const publishedStages: readonly Stage[] = stagesTagged('published');

/** Whether the caller reads this challenge's full history. */
export function mayReadHistory(caller: Caller, issuerUnit: string): boolean {
  const history = rolePolicies[caller.role].history;
  return history === 'every' || (history === 'issuerUnit' && caller.unit === issuerUnit);
}
