/**
 * The money of a challenge, track by track, against each cap (Q-1a, Q-1b, Q-1c, H-4): what the
 * issuer declared for the solver, what the bid asked, what was agreed (raised only by an approved
 * funding change), what the paying side recorded as paid and what the city disbursed, to whom.
 * Read by `GET /challenges/:id/reconciliation` and `jiebang export --reconciliation`. Pure.
 */
import { fiscalSupportTotal, isHorseRace } from './selectors.js';
import type { ChallengeContext, Track } from './types.js';

export interface TrackReconciliation {
  trackId: string;
  /** Who receives the city's money: the payee of the last disbursement, else the lead unit. */
  payeeUnit: string;
  /** What the draft declared for the solver: the route's investment in a horse race (H-2). */
  declaredCny: number;
  /** What the bid asked for. */
  requestedCny: number;
  agreedCny: number;
  paidByIssuerCny: number;
  disbursedCny: number;
  caps: {
    /** Q-1b: the share of what was paid to this track (cumulative). */
    shareCny: number;
    /** Q-1c: the challenge's cap, all tracks together. */
    capCny: number;
    /** H-4: a horse-race track's first-phase limit. */
    firstPhaseCny?: number;
  };
  /** What may still be disbursed to this track now: within its share and within what the cap leaves. */
  remainingCny: number;
}

const declaredFor = (ctx: ChallengeContext, t: Track): number =>
  isHorseRace(ctx)
    ? (ctx.draft.horseRace?.routes.find((r) => r.name === t.route)?.investmentCny ?? 0)
    : ctx.draft.investment.solverFundingCny;

export function reconcile(ctx: ChallengeContext): TrackReconciliation[] {
  const { fiscalSharePercent, fiscalCapCny, horseRaceFirstPhasePercent } = ctx.settings.amounts;
  const disbursedAll = ctx.tracks.reduce((sum, t) => sum + t.disbursedCny, 0);
  const firstPhaseCny = isHorseRace(ctx)
    ? Math.floor((fiscalSupportTotal(ctx) * horseRaceFirstPhasePercent) / 100)
    : undefined;
  return ctx.tracks.map((t) => {
    const shareCny = Math.floor((t.paidCny * fiscalSharePercent) / 100);
    const remainingCny = Math.max(0, Math.min(shareCny - t.disbursedCny, fiscalCapCny - disbursedAll));
    return {
      trackId: t.trackId,
      payeeUnit: t.disbursements?.at(-1)?.payeeUnit ?? t.solverUnit,
      declaredCny: declaredFor(ctx, t),
      requestedCny: ctx.bids.find((b) => b.bidId === t.trackId)?.requestedFundingCny ?? 0,
      agreedCny: t.agreedFundingCny,
      paidByIssuerCny: t.paidCny,
      disbursedCny: t.disbursedCny,
      caps: { shareCny, capCny: fiscalCapCny, ...(firstPhaseCny === undefined ? {} : { firstPhaseCny }) },
      remainingCny,
    };
  });
}
