/**
 * Stage 5, 专家评榜 (expert review): the bureau assigns a panel free of conflicts, each expert
 * scores every agreed bid, and the bureau selects the winners; the public notice starts.
 */

import { z } from 'zod';
import { endOfBeijingDay, nthWorkingDayAfter } from '../../calendar.js';
import { staffEvent } from '../event.js';
import { X1_calendarKnowsNotice } from '../rules/announcement.js';
import { Q1a_selectedInvestment } from '../rules/money.js';
import { ST2_awardCredit, T22_issuerCredit } from '../rules/parties.js';
import { affiliationDepth } from '../rules/registry-facts.js';
import { L3_awardNoPenalty } from '../rules/restrictions.js';
import * as review from '../rules/review.js';
import { id } from '../schemas.js';
import { agreedBids } from '../selectors.js';

export const ASSIGN_PANEL = staffEvent({
  type: 'ASSIGN_PANEL',
  payload: z.strictObject({ experts: z.array(id).min(1).max(99) }),
  senders: { bureau: 'any' },
  // each expert's unit, and its links with the issuer and every bidding unit.
  facts: (ctx, body) => [
    {
      experts: body.experts,
      affiliatedWith: [ctx.draft.issuerUnit, ...ctx.bids.filter((b) => !b.withdrawn).flatMap((b) => b.members)],
      affiliationDepth: affiliationDepth(ctx),
    },
  ],
  rules: [review.X6_panelSize, review.X7_panelConflicts],
  apply: (ctx, e) => ({
    panel: e.experts,
    // A replaced expert's scores no longer count.
    scores: ctx.scores.filter((s) => e.experts.includes(s.expert)),
  }),
});

export const SCORE = staffEvent({
  type: 'SCORE',
  payload: z.strictObject({
    bidId: id,
    score: z.number().min(0).max(100),
    comment: z.string().max(20_000),
    noConflictDeclared: z.boolean(),
  }),
  senders: { expert: 'panel' },
  // No party reads an expert's own score or comment (docs/security.md); the bureau and auditors do.
  confidential: ['score', 'comment'],
  rules: [review.X6_scorerOnPanel, review.P1_scoredBidUnderReview, review.X7_noConflictDeclared],
  apply: (ctx, e) => {
    const expert = e.actor.person ?? '';
    const others = ctx.scores.filter((s) => !(s.expert === expert && s.bidId === e.bidId));
    return { scores: [...others, { expert, bidId: e.bidId, score: e.score, comment: e.comment, at: e.at }] };
  },
});

export const SELECT = staffEvent({
  type: 'SELECT',
  payload: z.strictObject({ bidIds: z.array(id).min(1).max(20) }),
  senders: { bureau: 'any' },
  // The re-check before award: T-2.2/S-T2 and L-3 against the records of this moment.
  facts: (ctx, body) => [
    { unit: ctx.draft.issuerUnit, credit: true },
    { team: ctx.draft.team, top: 0 },
    ...ctx.bids
      .filter((b) => body.bidIds.includes(b.bidId))
      .flatMap((b) => [...b.members.map((member) => ({ unit: member, credit: true })), { team: b.team, top: 0 }]),
  ],
  rules: [
    review.P4_allScored,
    review.P1_selectedAgreed,
    review.H3_selectCount,
    review.H1_distinctRoutes,
    review.X11_passMark,
    Q1a_selectedInvestment,
    X1_calendarKnowsNotice,
    T22_issuerCredit,
    ST2_awardCredit,
    L3_awardNoPenalty,
  ],
  apply: (ctx, e) => {
    const bids = agreedBids(ctx).filter((b) => e.bidIds.includes(b.bidId));
    const n = ctx.settings.review.noticeWorkingDays;
    return {
      selectedAt: e.at,
      tracks: bids.map((b) => ({
        trackId: b.bidId,
        solverUnit: b.members[0] ?? '',
        route: b.route,
        agreedFundingCny: b.agreedFundingCny ?? 0,
        status: 'active' as const,
        contract: null,
        paidCny: 0,
        disbursedCny: 0,
        firstPhaseCny: 0,
        midterm: null,
        progress: [],
        finalReportSha256: null,
      })),
      objections: [],
      noticeEnded: false,
      noticeEndsAt: endOfBeijingDay(nthWorkingDayAfter(e.at, n, ctx.settings.calendar)),
    };
  },
});

export const expertReviewEvents = [ASSIGN_PANEL, SCORE, SELECT] as const;
