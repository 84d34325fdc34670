/**
 * The windows of the guide (rules.md §5, W-n): when a demand is submitted, recommended and
 * returned, when bidding is open, and the timers that close each window only once it has
 * really closed. Windows include both ends.
 */
import { atOrBefore } from '../../calendar.js';
import type { EventFacts } from '../facts.js';
import { finding, rule, when } from '../rule.js';

type At = { at: string };

/** W-1: a demand is submitted inside the online submission window. */
export const W1_submissionWindow = rule('W-1', (ctx, e: At) => {
  const { opensAt, closesAt } = ctx.settings.submission;
  return when(!(atOrBefore(opensAt, e.at) && atOrBefore(e.at, closesAt)), () =>
    finding(
      `Online submission is open from ${opensAt} to ${closesAt} (both ends included); this request came at ${e.at}.`,
      `网上填报时间为 ${opensAt} 至 ${closesAt}（含两端）；本次提交时间为 ${e.at}，不在填报时间内。`,
    ),
  );
});

/** W-1: an application is returned only while it could still be resubmitted. */
export const W1_returnWhileOpen = rule('W-1', (ctx, e: At) => {
  const closes = ctx.settings.submission.closesAt;
  return when(!atOrBefore(e.at, closes), () =>
    finding(
      `The submission window closed at ${closes}; a returned application could no longer be resubmitted, so it cannot be returned now. Decline it instead.`,
      `网上填报已于 ${closes} 截止，退回后无法再次提交，故不能退回；如不予推荐请选择不予推荐。`,
    ),
  );
});

/** W-2: the district recommends by the recommendation deadline. */
export const W2_recommendationDeadline = rule('W-2', (ctx, e: At) => {
  const closes = ctx.settings.recommendationClosesAt;
  return when(!atOrBefore(e.at, closes), () =>
    finding(
      `Recommendations close at ${closes} (included); this one came at ${e.at}.`,
      `推荐截止时间为 ${closes}（含），本次推荐时间为 ${e.at}，已超过截止时间。`,
    ),
  );
});

/** W-3: the submission timer closes only a window that has really closed. */
export const W3_submissionClosed = rule('W-3', (ctx, e: At) =>
  when(atOrBefore(e.at, ctx.settings.submission.closesAt), () =>
    finding(
      `Submission is open until ${ctx.settings.submission.closesAt} (included).`,
      `网上填报截止时间为 ${ctx.settings.submission.closesAt}（含）。`,
    ),
  ),
);

/** W-3: the recommendation timer ends only a recommendation period that has really ended. */
export const W3_recommendationClosed = rule('W-3', (ctx, e: At) =>
  when(atOrBefore(e.at, ctx.settings.recommendationClosesAt), () =>
    finding(
      `Recommendation is open until ${ctx.settings.recommendationClosesAt} (included).`,
      `推荐截止时间为 ${ctx.settings.recommendationClosesAt}（含）。`,
    ),
  ),
);

/**
 * W-0: bidding is open until `biddingClosesAt`, that instant included; a bid or an extension
 * comes in time. `what` names the event in the message.
 */
const biddingOpen = (what: { en: string; zh: string }) =>
  rule('W-0', (ctx, e: At) => {
    const closes = ctx.biddingClosesAt ?? e.at;
    return when(!atOrBefore(e.at, closes), () =>
      finding(
        `Bidding closed at ${closes} (included); this ${what.en} came at ${e.at}.`,
        `揭榜截止时间为 ${closes}（含），本次${what.zh}时间为 ${e.at}，已超过截止时间。`,
      ),
    );
  });

/** W-0: a bid comes while bidding is open. */
export const W0_bidInTime = biddingOpen({ en: 'bid', zh: '揭榜' });
/** W-0: bidding is extended while it is still open. */
export const W0_extensionInTime = biddingOpen({ en: 'extension', zh: '延期' });

/** W-0: the bidding timer closes only bidding that has really closed. */
export const W0_biddingClosed = rule('W-0', (ctx, e: At) =>
  when(ctx.biddingClosesAt === null || atOrBefore(e.at, ctx.biddingClosesAt), () =>
    finding(
      `Bidding is open until ${ctx.biddingClosesAt} (included).`,
      `揭榜截止时间为 ${ctx.biddingClosesAt}（含），尚未截止。`,
    ),
  ),
);

/**
 * W-4: the list is published only after the demand collection has ended: the programme's
 * submission window as it stands at publication (the bureau may close it early), recorded in the
 * event; the challenge's own copy when the event carries no such fact.
 */
export const W4_publishAfterCollection = rule(
  'W-4',
  (ctx, e: At & { facts?: EventFacts }) => {
    const closes = e.facts?.programme?.submissionClosesAt ?? ctx.settings.submission.closesAt;
    return when(atOrBefore(e.at, closes), () =>
      finding(
        `The list is reviewed and published after the demand collection has ended; the submission window of ${ctx.programmeId} is open until ${closes}.`,
        `需求申报结束后方可组织评榜并发布榜单；${ctx.programmeId} 网上填报至 ${closes} 截止，尚未结束。`,
      ),
    );
  },
  { since: 2 },
);
