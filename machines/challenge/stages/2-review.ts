/**
 * Stage 2, 审核推荐 (review and recommendation): the district recommends or returns the demand,
 * the bureau checks its form; a demand not recommended by the deadline is not accepted.
 */
import { z } from 'zod';
import { justAfter } from '../../calendar.js';
import { withOpinion } from '../context.js';
import { staffEvent, systemEvent } from '../event.js';
import { W1_returnWhileOpen, W2_recommendationDeadline, W3_recommendationClosed } from '../rules/windows.js';
import { text } from '../schemas.js';

export const RECOMMEND = staffEvent({
  type: 'RECOMMEND',
  payload: z.strictObject({ opinion: text }),
  senders: { district: 'districtUnit' },
  rules: [W2_recommendationDeadline],
  apply: (ctx, e) => ({ recommendedAt: e.at, ...withOpinion(ctx, e, e.opinion) }),
});

export const RETURN = staffEvent({
  type: 'RETURN',
  payload: z.strictObject({ reason: text }),
  senders: { district: 'districtUnit', bureau: 'any' },
  rules: [W1_returnWhileOpen],
  apply: (ctx, e) => ({ submittedAt: null, recommendedAt: null, ...withOpinion(ctx, e, e.reason) }),
});

/**
 * Declined in review or at publication: an outcome, set by the chart. The district's part ends
 * with its recommendation: once the bureau reviews the demand for publication, only the bureau
 * declines it.
 */
export const DECLINE = staffEvent({
  type: 'DECLINE',
  payload: z.strictObject({ reason: text }),
  senders: { district: { scope: 'districtUnit', exceptWhileTagged: 'bureauReview' }, bureau: 'any' },
  rules: [],
});

export const PASS_FORMAL_CHECK = staffEvent({
  type: 'PASS_FORMAL_CHECK',
  payload: z.strictObject({ opinion: text }),
  senders: { bureau: 'any' },
  rules: [],
  apply: (ctx, e) => withOpinion(ctx, e, e.opinion),
});

export const RECOMMENDATION_DEADLINE_PASSED = systemEvent({
  type: 'RECOMMENDATION_DEADLINE_PASSED',
  due: (ctx) => justAfter(ctx.settings.recommendationClosesAt),
  rules: [W3_recommendationClosed],
});

export const reviewEvents = [RECOMMEND, RETURN, DECLINE, PASS_FORMAL_CHECK, RECOMMENDATION_DEADLINE_PASSED] as const;
