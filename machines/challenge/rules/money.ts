/**
 * Contracts and money (stages 7 and 8): the technology contract before fiscal support, fiscal
 * support in tranches against challenge money paid, its share and cap, the horse race's first
 * phase and later funding, and the tracks a step may act on. Integer yuan throughout.
 */
import { finding, rule, when, yuan } from '../rule.js';
import { activeTracks, fiscalSupportTotal, isHorseRace, trackMembers, trackOf } from '../selectors.js';
import type { ChallengeContext } from '../types.js';

type OnTrack = { trackId: string };
type Disbursal = OnTrack & { amountCny: number; phase: 'first' | 'later' };
/** The track an event names; rules about a track find nothing when P-1 reports it missing. */
const track = (ctx: ChallengeContext, e: OnTrack) => trackOf(ctx, e.trackId);

/** H-5: a track stopped after its midterm evaluation takes no further steps. */
export const H5_trackActive = rule('H-5', (ctx, e: OnTrack) =>
  when(track(ctx, e)?.status === 'stopped', () =>
    finding(
      `Track "${e.trackId}" was stopped after its evaluation and takes no further steps.`,
      `攻关项目“${e.trackId}”已经评估终止，不再继续实施。`,
    ),
  ),
);

/** Q-6: a track's technology contract is registered once. */
export const Q6_registerOnce = rule('Q-6', (ctx, e: OnTrack) => {
  const contract = track(ctx, e)?.contract ?? null;
  return when(contract !== null, () =>
    finding(
      `Track "${e.trackId}" already has a registered contract (${contract?.contractNo}).`,
      `攻关项目“${e.trackId}”已完成技术合同登记（${contract?.contractNo}）。`,
    ),
  );
});

/** Q-6: fiscal support is paid only to a track whose technology contract is registered. */
export const Q6_contractBeforeSupport = rule('Q-6', (ctx, e: OnTrack) =>
  when(track(ctx, e)?.contract === null, () =>
    finding(
      `Register the technology contract of track "${e.trackId}" before any fiscal support is paid.`,
      `攻关项目“${e.trackId}”须完成技术合同登记后方可拨付财政资金。`,
    ),
  ),
);

/** Q-6: implementation starts once every running track's contract is registered. */
export const Q6_allRegistered = rule('Q-6', (ctx) => {
  const unregistered = activeTracks(ctx)
    .filter((t) => t.contract === null)
    .map((t) => t.trackId);
  return when(unregistered.length > 0, () =>
    finding(
      `Register the technology contracts first; missing for: ${unregistered.join(', ')}.`,
      `请先完成技术合同登记，缺少：${unregistered.join('、')}。`,
    ),
  );
});

/** X-5: fiscal support follows challenge money already paid for the track. */
export const X5_paidFirst = rule('X-5', (ctx, e: OnTrack) =>
  when(track(ctx, e)?.paidCny === 0, () =>
    finding(
      `Fiscal support is paid in tranches against challenge money already paid; none is recorded for track "${e.trackId}".`,
      `财政资金按已拨付的揭榜经费分批拨付，攻关项目“${e.trackId}”尚无已拨付记录。`,
    ),
  ),
);

/** Q-1b: a track's fiscal support stays within the programme's share of the money paid to it. */
export const Q1b_shareOfPaid = rule('Q-1b', (ctx, e: Disbursal) => {
  const t = track(ctx, e);
  if (!t) return [];
  const { fiscalSharePercent } = ctx.settings.amounts;
  const after = t.disbursedCny + e.amountCny;
  // Integer arithmetic: after ≤ share% × paid  ⇔  after × 100 ≤ share × paid.
  return when(after * 100 > fiscalSharePercent * t.paidCny, () =>
    finding(
      `Fiscal support to track "${e.trackId}" would reach ${yuan(after)}, over ${fiscalSharePercent}% of the ${yuan(t.paidCny)} paid to the solver.`,
      `攻关项目“${e.trackId}”财政支持累计将达 ${after} 元，超过已拨付揭榜经费 ${t.paidCny} 元的 ${fiscalSharePercent}%。`,
    ),
  );
});

/** Q-1c: the challenge's fiscal support stays within the programme's cap. */
export const Q1c_challengeCap = rule('Q-1c', (ctx, e: Disbursal) => {
  if (!track(ctx, e)) return [];
  const { fiscalCapCny } = ctx.settings.amounts;
  const total = ctx.tracks.reduce((s, t) => s + t.disbursedCny, 0) + e.amountCny;
  return when(total > fiscalCapCny, () =>
    finding(
      `Fiscal support to this challenge would reach ${yuan(total)}, over the cap of ${yuan(fiscalCapCny)}.`,
      `本榜单财政支持累计将达 ${total} 元，超过最高 ${fiscalCapCny} 元的上限。`,
    ),
  );
});

/** H-4: a horse-race track's first phase stays within its share of the challenge's fiscal support. */
export const H4_firstPhase = rule('H-4', (ctx, e: Disbursal) => {
  const t = track(ctx, e);
  if (!t || !isHorseRace(ctx) || e.phase !== 'first') return [];
  const percent = ctx.settings.amounts.horseRaceFirstPhasePercent;
  const limit = Math.floor((fiscalSupportTotal(ctx) * percent) / 100);
  const firstAfter = t.firstPhaseCny + e.amountCny;
  return when(firstAfter > limit, () =>
    finding(
      `First-phase funding of track "${e.trackId}" would reach ${yuan(firstAfter)}, over ${percent}% of the challenge's fiscal support (${yuan(limit)}).`,
      `“赛马制”项目“${e.trackId}”首期资助将达 ${firstAfter} 元，超过财政资助总额度的 ${percent}%（${limit} 元）。`,
    ),
  );
});

/** H-5: later funding of a horse-race track follows an evaluation that decided to continue it. */
export const H5_laterAfterContinue = rule('H-5', (ctx, e: Disbursal) => {
  const t = track(ctx, e);
  return when(t !== undefined && isHorseRace(ctx) && e.phase !== 'first' && t.midterm !== 'continue', () =>
    finding(
      `Later funding of horse-race track "${e.trackId}" follows an evaluation that decided to continue it.`,
      `“赛马制”项目“${e.trackId}”须经评估决定继续支持后，方可拨付后续资金。`,
    ),
  );
});

/** The least total investment of Q-1a, and the issuer's own pilot spend that counts towards it. */
const investmentFloor = (ctx: ChallengeContext) => ({
  min: ctx.settings.amounts.minTotalInvestmentCny,
  own: ctx.draft.investment.ownPilotCny,
});

/** Q-1a on what is agreed: a single-track agreement brings own spend + agreed funding to the minimum. */
export const Q1a_agreedInvestment = rule(
  'Q-1a',
  (ctx, e: { agreedFundingCny: number }) => {
    const { min, own } = investmentFloor(ctx);
    const total = own + e.agreedFundingCny;
    return when(!isHorseRace(ctx) && total < min, () =>
      finding(
        `Total investment on this agreement (own pilot spend ${yuan(own)} + agreed R&D funding ${yuan(e.agreedFundingCny)}) is ${yuan(total)}; at least ${yuan(min)} is required.`,
        `按本协议计算的项目投入总额（自主投入 ${own} 元 + 约定研发经费 ${e.agreedFundingCny} 元）为 ${total} 元，不得低于 ${min} 元。`,
      ),
    );
  },
  { since: 2 },
);

/** Q-1a at the award: own spend + the agreed funding of the selected bids together reach the minimum. */
export const Q1a_selectedInvestment = rule(
  'Q-1a',
  (ctx, e: { bidIds: string[] }) => {
    const { min, own } = investmentFloor(ctx);
    const agreed = ctx.bids
      .filter((b) => e.bidIds.includes(b.bidId))
      .reduce((sum, b) => sum + (b.agreedFundingCny ?? 0), 0);
    const total = own + agreed;
    return when(total < min, () =>
      finding(
        `Total investment of the selected bids (own pilot spend ${yuan(own)} + agreed R&D funding ${yuan(agreed)}) is ${yuan(total)}; at least ${yuan(min)} is required.`,
        `入选揭榜方的项目投入总额（自主投入 ${own} 元 + 约定研发经费合计 ${agreed} 元）为 ${total} 元，不得低于 ${min} 元。`,
      ),
    );
  },
  { since: 2 },
);

/** Q-1a after the award: the money recorded as paid to a track stays within its agreed funding (raised only by an approved change). */
export const Q1a_paidWithinAgreed = rule(
  'Q-1a',
  (ctx, e: OnTrack & { amountCny: number }) => {
    const t = track(ctx, e);
    if (!t) return [];
    const after = t.paidCny + e.amountCny;
    return when(after > t.agreedFundingCny, () =>
      finding(
        `Payments to track "${e.trackId}" would reach ${yuan(after)}, over its agreed funding of ${yuan(t.agreedFundingCny)}; the bureau approves a funding change first.`,
        `攻关项目“${e.trackId}”已拨付揭榜经费累计将达 ${after} 元，超过约定研发经费 ${t.agreedFundingCny} 元；须先经市科技局批准经费变更。`,
      ),
    );
  },
  { since: 2 },
);

/** Q-1a: an approved funding change names a running track and raises its agreed funding; other changes name no funding. */
export const Q1a_fundingChange = rule(
  'Q-1a',
  (ctx, e: { kind: string; trackId?: string | undefined; agreedFundingCny?: number | undefined }) => {
    if (e.kind !== 'funding')
      return when(e.trackId !== undefined || e.agreedFundingCny !== undefined, () =>
        finding(
          'Only a funding change names a track and a new agreed funding.',
          '只有经费变更需要填写攻关项目及变更后的约定研发经费。',
        ),
      );
    const t = e.trackId === undefined ? undefined : trackOf(ctx, e.trackId);
    return when(t === undefined || e.agreedFundingCny === undefined || e.agreedFundingCny <= t.agreedFundingCny, () =>
      finding(
        `A funding change names a track of this challenge and raises its agreed funding${t ? ` above ${yuan(t.agreedFundingCny)}` : ''}.`,
        `经费变更须指明本榜单的攻关项目，并将其约定研发经费调增${t ? `至 ${t.agreedFundingCny} 元以上` : ''}。`,
      ),
    );
  },
  { since: 2 },
);

/** P-9: the city's money goes to a member of the track's bid (its lead unit unless another is named). */
export const P9_payeeInBid = rule(
  'P-9',
  (ctx, e: OnTrack & { payeeUnit?: string | undefined }) => {
    if (!track(ctx, e) || e.payeeUnit === undefined) return [];
    const members = trackMembers(ctx, e.trackId);
    return when(!members.includes(e.payeeUnit), () =>
      finding(
        `The payee ${e.payeeUnit} is not a member of track "${e.trackId}" (${members.join(', ')}); fiscal support is paid to one of them.`,
        `收款单位 ${e.payeeUnit} 不是攻关项目“${e.trackId}”的揭榜单位（${members.join('、')}），财政资金只能拨付给其中之一。`,
      ),
    );
  },
  { since: 2 },
);
