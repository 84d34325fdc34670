/**
 * Stage 4, 揭榜对接 (solver matching): solvers bid while bidding is open, the issuer agrees the
 * funding with the bids it wants reviewed, and the bureau extends, closes or declares it unfilled.
 */
import { z } from 'zod';
import { justAfter } from '../../calendar.js';
import { instant } from '../../programme.js';
import { staffEvent, systemEvent } from '../event.js';
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
} from '../rules/matching.js';
import * as money from '../rules/money.js';
import * as parties from '../rules/parties.js';
import { P1_liveBid } from '../rules/process.js';
import { affiliationDepth } from '../rules/registry-facts.js';
import * as restrictions from '../rules/restrictions.js';
import { W0_biddingClosed, W0_bidInTime, W0_extensionInTime } from '../rules/windows.js';
import { cny, id, text } from '../schemas.js';

export const BID = staffEvent({
  type: 'BID',
  payload: z.strictObject({
    bidId: id,
    members: z.array(id).min(1).max(20).describe('unit codes of the solver side, lead unit first'),
    leader: id,
    team: z.array(id).max(100).describe('person ids, leader first'),
    plan: z.string().max(50_000),
    route: z.string().max(200).optional(),
    requestedFundingCny: cny,
  }),
  senders: { solver: 'bidLead' },
  // S-T1/S-C1, S-T2, S-5 for every member; L-1, L-2a for the lead; L-2b, L-3 for the team, and
  // the leader for L-3 (P-6 lists it first).
  facts: (ctx, body) => [
    ...body.members.map((member, i) => ({
      unit: member,
      credit: true,
      projects: i === 0,
      affiliatedWith: [ctx.draft.issuerUnit],
      affiliationDepth: affiliationDepth(ctx),
    })),
    { team: body.team, top: ctx.settings.restrictions.countedTeamMembers },
    { person: body.leader, misconduct: true },
  ],
  rules: [
    W0_bidInTime,
    P2_newBidId,
    ST3_feasiblePlan,
    SC2_transferPlan,
    P6_bidShape,
    H1_bidRoute,
    parties.ST1_members,
    parties.ST2_bidCredit,
    parties.SC1_members,
    parties.S5_notAffiliated,
    parties.Q23_bidTeam,
    parties.X12_bidTeamOfMembers,
    restrictions.L1_bidLeadNoOverdue,
    restrictions.L2a_bidLeadOngoing,
    restrictions.L2b_bidTeamLoad,
    restrictions.L3_bidNoPenalty,
  ],
  apply: (ctx, e) => ({
    bids: [
      ...ctx.bids,
      {
        bidId: e.bidId,
        members: e.members,
        leader: e.leader,
        team: e.team,
        plan: e.plan,
        route: e.route ?? null,
        requestedFundingCny: e.requestedFundingCny,
        submittedAt: e.at,
        submittedBy: e.actor.id,
        withdrawn: false,
        agreedFundingCny: null,
      },
    ],
  }),
});

export const WITHDRAW_BID = staffEvent({
  type: 'WITHDRAW_BID',
  payload: z.strictObject({ bidId: id }),
  senders: { solver: 'bidLead' },
  rules: [P1_liveBid],
  apply: (ctx, e) => ({ bids: ctx.bids.map((b) => (b.bidId === e.bidId ? { ...b, withdrawn: true } : b)) }),
});

export const AGREE = staffEvent({
  type: 'AGREE',
  payload: z.strictObject({ bidId: id, agreedFundingCny: cny }),
  senders: { issuer: 'issuerUnit' },
  rules: [P1_liveBid, P5_agreedFunding, P5_withinRequest, money.Q1a_agreedInvestment],
  apply: (ctx, e) => ({
    bids: ctx.bids.map((b) => (b.bidId === e.bidId ? { ...b, agreedFundingCny: e.agreedFundingCny } : b)),
  }),
});

export const EXTEND_BIDDING = staffEvent({
  type: 'EXTEND_BIDDING',
  payload: z.strictObject({ biddingClosesAt: instant }),
  senders: { bureau: 'any' },
  rules: [W0_extensionInTime, P3_laterDeadline],
  apply: (_ctx, e) => ({ biddingClosesAt: e.biddingClosesAt }),
});

/** The bureau closes matching: on to expert review with enough agreed bids, else unfilled (chart). */
export const CLOSE_MATCHING = staffEvent({
  type: 'CLOSE_MATCHING',
  payload: z.strictObject({}),
  senders: { bureau: 'any' },
  rules: [H3_closeHorseRace],
});

/** 流榜: no solver found (matching or expert review); an outcome, set by the chart. */
export const DECLARE_UNFILLED = staffEvent({
  type: 'DECLARE_UNFILLED',
  payload: z.strictObject({ reason: text }),
  senders: { bureau: 'any' },
  rules: [],
});

export const BIDDING_CLOSED = systemEvent({
  type: 'BIDDING_CLOSED',
  due: (ctx) => (ctx.biddingClosesAt === null ? null : justAfter(ctx.biddingClosesAt)),
  rules: [W0_biddingClosed],
});

export const matchingEvents = [
  BID,
  WITHDRAW_BID,
  AGREE,
  EXTEND_BIDDING,
  CLOSE_MATCHING,
  DECLARE_UNFILLED,
  BIDDING_CLOSED,
] as const;
