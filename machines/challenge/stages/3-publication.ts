/** Stage 3, 榜单发布 (publication): the bureau reviews the demand and publishes it with a bidding deadline. */
import { z } from 'zod';
import { instant } from '../../programme.js';
import { withOpinion } from '../context.js';
import { staffEvent } from '../event.js';
import { Q12_publishAfterApproval } from '../rules/demand.js';
import { W4_publishAfterCollection } from '../rules/windows.js';
import { text } from '../schemas.js';

export const APPROVE_DEMAND = staffEvent({
  type: 'APPROVE_DEMAND',
  payload: z.strictObject({ opinion: text }),
  senders: { bureau: 'any' },
  rules: [],
  apply: (ctx, e) => ({ demandApprovedAt: e.at, ...withOpinion(ctx, e, e.opinion) }),
});

export const PUBLISH = staffEvent({
  type: 'PUBLISH',
  payload: z.strictObject({ biddingClosesAt: instant }),
  senders: { bureau: 'any' },
  // W-4: the programme's submission window as it stands now.
  facts: (ctx) => [{ programme: ctx.programmeId }],
  rules: [Q12_publishAfterApproval, W4_publishAfterCollection],
  apply: (_ctx, e) => ({ publishedAt: e.at, biddingClosesAt: e.biddingClosesAt }),
});

export const publicationEvents = [APPROVE_DEMAND, PUBLISH] as const;
