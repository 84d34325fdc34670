/**
 * Expert review (stage 5, 专家评榜): the panel and its conflicts of interest, the scores, and
 * the selection of the winning bids against the pass mark and the horse race's shape.
 */
import { beijingDate } from '../../calendar.js';
import { type Finding, finding, rule, when } from '../rule.js';
import { agreedBids, isHorseRace, missingScores, panelScore, requiredBids } from '../selectors.js';
import { affiliationChainsOf, chainText, personFacts, unitFacts, type WithFacts } from './registry-facts.js';

type Selection = { bidIds: string[] };

/** a panel has at least `panelMin` members, an odd number, each once. */
export const X6_panelSize = rule('X-6', (ctx, e: { experts: string[] }) => {
  const min = ctx.settings.review.panelMin;
  const n = e.experts.length;
  return [
    ...when(n < min || n % 2 === 0, () =>
      finding(
        `An expert panel has at least ${min} members, an odd number; this one has ${n}.`,
        `专家组人数须不少于 ${min} 人且为单数，本次为 ${n} 人。`,
      ),
    ),
    ...when(new Set(e.experts).size !== n, () =>
      finding('Each expert sits on the panel once.', '专家组成员不得重复。'),
    ),
  ];
});

/** no expert from the issuer, a bidding unit, or a unit affiliated with either (回避). */
export const X7_panelConflicts = rule('X-7', (ctx, e: WithFacts & { experts: string[] }) => {
  const date = beijingDate(e.at);
  const issuer = ctx.draft.issuerUnit;
  const bidders = new Set(ctx.bids.filter((b) => !b.withdrawn).flatMap((b) => b.members));
  const out: Finding[] = [];
  for (const expert of new Set(e.experts)) {
    const unit = personFacts(e, expert).unit;
    if (unit === undefined) {
      out.push(
        finding(
          `Expert ${expert} is not registered, so conflicts of interest cannot be checked.`,
          `专家 ${expert} 尚未登记，无法核查回避情形。`,
        ),
      );
      continue;
    }
    const chains = affiliationChainsOf(ctx, unitFacts(e, unit), unit, new Set([issuer, ...bidders]), date);
    const texts = chains.map(chainText);
    const why =
      unit === issuer
        ? ['works for the issuer', '来自需求方']
        : bidders.has(unit)
          ? ['works for a bidding unit', '来自揭榜单位']
          : chains.length > 0
            ? [
                `works for ${unit}, related to ${[...new Set(chains.map((c) => c.target))].join(', ')}: ${texts.map((t) => t.en).join('; ')}`,
                `所在单位 ${unit} 与 ${[...new Set(chains.map((c) => c.target))].join('、')} 存在关联关系：${texts.map((t) => t.zh).join('；')}`,
              ]
            : null;
    if (why)
      out.push(
        finding(`Expert ${expert} ${why[0]} and must stand aside (回避).`, `专家 ${expert} ${why[1]}，应当回避。`),
      );
  }
  return out;
});

/** only a member of the challenge's panel scores its bids. */
export const X6_scorerOnPanel = rule('X-6', (ctx, e: { actor: { person?: string } }) =>
  when(e.actor.person === undefined || !ctx.panel.includes(e.actor.person), () =>
    finding("Only a member of this challenge's expert panel scores its bids.", '只有本榜单专家组成员可以评分。'),
  ),
);

/** P-1: the bid scored is among the agreed bids under review. */
export const P1_scoredBidUnderReview = rule('P-1', (ctx, e: { bidId: string }) =>
  when(!agreedBids(ctx).some((b) => b.bidId === e.bidId), () =>
    finding(`Bid "${e.bidId}" is not among the agreed bids under review.`, `揭榜申请“${e.bidId}”不在本次评榜范围内。`),
  ),
);

/** an expert scores only after declaring no conflict of interest. */
export const X7_noConflictDeclared = rule('X-7', (_ctx, e: { noConflictDeclared: boolean }) =>
  when(!e.noConflictDeclared, () =>
    finding(
      'An expert scores only after declaring no conflict of interest (noConflictDeclared: true).',
      '专家须声明无利益冲突（noConflictDeclared: true）后方可评分。',
    ),
  ),
);

/** P-4: every panel member has scored every agreed bid before the selection. */
export const P4_allScored = rule('P-4', (ctx) => {
  const missing = missingScores(ctx);
  return when(ctx.panel.length === 0 || missing.length > 0, () =>
    ctx.panel.length === 0
      ? finding('Assign the expert panel first.', '请先组建专家组。')
      : finding(
          `Every panel member scores every agreed bid before selection; missing: ${missing.join(', ')}.`,
          `专家组每位成员须对每个揭榜方案评分后方可选定，缺少：${missing.join('、')}。`,
        ),
  );
});

/** P-1: the bids selected are agreed bids under review, each named once. */
export const P1_selectedAgreed = rule('P-1', (ctx, e: Selection) => {
  const agreed = agreedBids(ctx);
  const unknown = e.bidIds.filter((id) => !agreed.some((b) => b.bidId === id));
  return [
    ...when(unknown.length > 0, () =>
      finding(
        `Not agreed bids under review: ${unknown.join(', ')}.`,
        `以下揭榜申请不在评榜范围内：${unknown.join('、')}。`,
      ),
    ),
    ...when(new Set(e.bidIds).size !== e.bidIds.length, () =>
      finding('Each bid is selected once.', '同一揭榜申请不得重复选定。'),
    ),
  ];
});

/** H-3: exactly one bid is selected, or at least two in a horse race. */
export const H3_selectCount = rule('H-3', (ctx, e: Selection) => {
  const race = isHorseRace(ctx);
  const n = e.bidIds.length;
  return when(race ? n < 2 : n !== 1, () =>
    race
      ? finding(
          `A horse race supports at least two teams in parallel; ${n} selected.`,
          `“赛马制”项目须同时支持两个及以上团队，本次选定 ${n} 个。`,
        )
      : finding(`Select exactly one bid; ${n} selected.`, `须选定一个揭榜方，本次选定 ${n} 个。`),
  );
});

/** H-1: the parallel teams of a horse race follow different routes. */
export const H1_distinctRoutes = rule('H-1', (ctx, e: Selection) => {
  if (!isHorseRace(ctx) || e.bidIds.length < requiredBids(ctx)) return [];
  const agreed = agreedBids(ctx);
  const routes = e.bidIds.map((id) => agreed.find((b) => b.bidId === id)?.route);
  return when(new Set(routes).size !== routes.length, () =>
    finding('Parallel teams of a horse race follow different routes.', '“赛马制”平行攻关团队须采取不同技术路线。'),
  );
});

/** each selected bid's panel score reaches the pass mark (checked once every score is in). */
export const X11_passMark = rule('X-11', (ctx, e: Selection) => {
  if (ctx.panel.length === 0 || missingScores(ctx).length > 0) return [];
  const passMark = ctx.settings.review.passMark;
  return e.bidIds.flatMap((id) => {
    const score = panelScore(ctx, id);
    return when(score !== null && score < passMark, () =>
      finding(
        `Bid "${id}" has a panel score of ${score?.toFixed(2)}, below the pass mark ${passMark}.`,
        `揭榜申请“${id}”的专家组评分为 ${score?.toFixed(2)}，低于合格线 ${passMark} 分。`,
      ),
    );
  });
});
