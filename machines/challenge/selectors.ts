/**
 * Questions about a challenge's data, asked by the rules, the chart's branch guards, the
 * reducers and the engine's views: which bids are agreed, which tracks still run, what the
 * panel scored, when acceptance becomes overdue. Pure functions of the context.
 */
import { addMonths, beijingDate, endOfBeijingDay } from '../calendar.js';
import type { AttachmentKind } from './schemas.js';
import type { Bid, ChallengeContext, Track } from './types.js';

export const isHorseRace = (ctx: ChallengeContext): boolean => ctx.draft.horseRace !== null;

/** The bid `bidId` if it exists and was not withdrawn. */
export const liveBid = (ctx: ChallengeContext, bidId: string): Bid | undefined =>
  ctx.bids.find((b) => b.bidId === bidId && !b.withdrawn);

/** Bids still live on which the issuer has agreed funding: the bids under expert review. */
export const agreedBids = (ctx: ChallengeContext): Bid[] =>
  ctx.bids.filter((b) => !b.withdrawn && b.agreedFundingCny !== null);

/** The bids a SELECT needs: one, or at least two in a horse race (H-3). */
export const requiredBids = (ctx: ChallengeContext): number => (isHorseRace(ctx) ? 2 : 1);

export const trackOf = (ctx: ChallengeContext, trackId: string): Track | undefined =>
  ctx.tracks.find((t) => t.trackId === trackId);

/** The member units of the bid a track came from (lead first): who may receive its fiscal support. */
export const trackMembers = (ctx: ChallengeContext, trackId: string): string[] =>
  ctx.bids.find((b) => b.bidId === trackId)?.members ?? [];

/** Tracks not stopped by a midterm evaluation (H-5). */
export const activeTracks = (ctx: ChallengeContext): Track[] => ctx.tracks.filter((t) => t.status !== 'stopped');

export const hasAttachment = (ctx: ChallengeContext, kind: AttachmentKind): boolean =>
  ctx.attachments.some((a) => a.kind === kind);

/** The panel's score of a bid: the mean after dropping the highest and lowest when ≥ 5. */
export function panelScore(ctx: ChallengeContext, bidId: string): number | null {
  const scores = ctx.scores
    .filter((s) => s.bidId === bidId && ctx.panel.includes(s.expert))
    .map((s) => s.score)
    .sort((a, b) => a - b);
  if (scores.length === 0) return null;
  const counted = scores.length >= 5 ? scores.slice(1, -1) : scores;
  return counted.reduce((a, b) => a + b, 0) / counted.length;
}

/** Panel members and agreed bids still without a score (`expert→bid`), as SELECT needs them (P-4). */
export const missingScores = (ctx: ChallengeContext): string[] =>
  ctx.panel.flatMap((expert) =>
    agreedBids(ctx)
      .filter((b) => !ctx.scores.some((s) => s.expert === expert && s.bidId === b.bidId))
      .map((b) => `${expert}→${b.bidId}`),
  );

/** The challenge's total fiscal support (H-4): min(share × agreed funding of the tracks, cap). */
export function fiscalSupportTotal(ctx: ChallengeContext): number {
  const { fiscalSharePercent, fiscalCapCny } = ctx.settings.amounts;
  const agreed = ctx.tracks.reduce((sum, t) => sum + t.agreedFundingCny, 0);
  return Math.min(Math.floor((agreed * fiscalSharePercent) / 100), fiscalCapCny);
}

/** The instant a project planned to end on `plannedEnd` becomes overdue for acceptance (X-9, L-1). */
export function overdueFrom(plannedEnd: string, overdueDays: number): string {
  return new Date(Date.parse(endOfBeijingDay(plannedEnd)) + 1 + overdueDays * 86_400_000).toISOString();
}

/** The instant this project becomes overdue for acceptance (X-9, L-1): `overdueDays` after its planned end. */
export function overdueAt(ctx: ChallengeContext): string | null {
  return ctx.plannedEnd === null ? null : overdueFrom(ctx.plannedEnd, ctx.settings.restrictions.overdueDays);
}

/** The last instant of a rectification decided at `at`: `rectifyMonths` later, that day included. */
export const rectifyDue = (ctx: ChallengeContext, at: string): string =>
  endOfBeijingDay(addMonths(beijingDate(at), ctx.settings.acceptance.rectifyMonths));
