/**
 * Solver matching (stage 4, 揭榜对接): what a bid states, agreements on bids, extending and
 * closing the bidding. Solver eligibility is in parties.ts and restrictions.ts.
 */
import { atOrBefore } from '../../calendar.js';
import { finding, rule, when, yuan } from '../rule.js';
import { agreedBids, isHorseRace, liveBid } from '../selectors.js';

type NewBid = { bidId: string; members: string[]; leader: string; team: string[]; plan: string; route?: string };

/** P-2: a new bid's id is not taken on this challenge. */
export const P2_newBidId = rule('P-2', (ctx, e: { bidId: string }) =>
  when(
    ctx.bids.some((b) => b.bidId === e.bidId),
    () => finding(`A bid "${e.bidId}" already exists on this challenge.`, `本榜单已存在编号为“${e.bidId}”的揭榜申请。`),
  ),
);

/** S-T3: a technology-breakthrough bid submits a feasible plan for the key technology. */
export const ST3_feasiblePlan = rule('S-T3', (ctx, e: NewBid) =>
  when(ctx.kind === 'techBreakthrough' && e.plan.trim() === '', () =>
    finding(
      'A solver submits a feasible plan for the key technology.',
      '揭榜方须对发榜项目需求提出攻克关键核心技术的可行方案。',
    ),
  ),
);

/** S-C2: an achievement-transfer bid submits a transformation plan with what it provides. */
export const SC2_transferPlan = rule('S-C2', (ctx, e: NewBid) =>
  when(ctx.kind === 'achievementTransfer' && e.plan.trim() === '', () =>
    finding(
      'A solver submits a transformation plan with the funds, site and market it provides.',
      '揭榜方须提出成果转化应用方案，并提供所需的资金、场地、市场等配套条件。',
    ),
  ),
);

/** P-6: a bid lists each consortium member once, and its team with the leader first. */
export const P6_bidShape = rule('P-6', (_ctx, e: NewBid) => [
  ...when(new Set(e.members).size !== e.members.length, () =>
    finding('Each consortium member is listed once.', '联合体成员不得重复列出。'),
  ),
  ...when(e.team[0] !== e.leader, () =>
    finding('List the bid team with the leader first.', '揭榜团队名单须将项目负责人列在首位。'),
  ),
]);

/** H-1: a horse-race bid names one of the challenge's routes; any other bid names none. */
export const H1_bidRoute = rule('H-1', (ctx, e: NewBid) => {
  const race = ctx.draft.horseRace;
  if (race === null)
    return when(e.route !== undefined, () =>
      finding(
        'This challenge is not a horse race; a bid names no route.',
        '本榜单不是“赛马制”项目，揭榜申请无需填写技术路线。',
      ),
    );
  return when(!race.routes.some((r) => r.name === e.route), () =>
    finding(
      `A horse-race bid names one of the challenge's routes (${race.routes.map((r) => r.name).join(', ')}).`,
      `“赛马制”揭榜申请须选择榜单所列技术路线之一（${race.routes.map((r) => r.name).join('、')}）。`,
    ),
  );
});

/** P-5: an agreement states the R&D funding the issuer pays. */
export const P5_agreedFunding = rule('P-5', (_ctx, e: { agreedFundingCny: number }) =>
  when(e.agreedFundingCny < 1, () =>
    finding('An agreement states the R&D funding the issuer pays.', '对接协议须明确发榜方拨付的研发经费。'),
  ),
);

/** P-5: the issuer agrees no more R&D funding than the bid asked for (an inflated agreement would inflate the fiscal support, H-4). */
export const P5_withinRequest = rule(
  'P-5',
  (ctx, e: { bidId: string; agreedFundingCny: number }) => {
    const bid = liveBid(ctx, e.bidId);
    return when(bid !== undefined && e.agreedFundingCny > bid.requestedFundingCny, () =>
      finding(
        `The agreed funding ${yuan(e.agreedFundingCny)} is more than bid "${e.bidId}" asked for (${yuan(bid?.requestedFundingCny ?? 0)}).`,
        `约定研发经费 ${e.agreedFundingCny} 元超过揭榜申请“${e.bidId}”申请的经费 ${bid?.requestedFundingCny ?? 0} 元。`,
      ),
    );
  },
  { since: 2 },
);

/** P-3: a new bidding deadline is later than the current one and than now. */
export const P3_laterDeadline = rule('P-3', (ctx, e: { at: string; biddingClosesAt: string }) =>
  when(
    !(Date.parse(e.biddingClosesAt) > Date.parse(ctx.biddingClosesAt ?? e.at) && !atOrBefore(e.biddingClosesAt, e.at)),
    () =>
      finding(
        `A new bidding deadline is later than the current one (${ctx.biddingClosesAt}) and than now.`,
        `新的揭榜截止时间须晚于当前截止时间（${ctx.biddingClosesAt}）及当前时间。`,
      ),
  ),
);

/** H-3: the bureau may not close a horse race with a single agreed team; no team is 流榜. */
export const H3_closeHorseRace = rule('H-3', (ctx) =>
  when(isHorseRace(ctx) && agreedBids(ctx).length === 1, () =>
    finding(
      'A horse race needs agreements with at least two teams before expert review; only one has agreed. Wait for another or declare it unfilled.',
      '“赛马制”项目须与两个及以上团队达成协议后方可进入专家评榜，目前仅一个团队达成协议；请继续对接或宣布流榜。',
    ),
  ),
);
