/**
 * The guide's rules as pure functions. Each check names its clause (rules.md, or a P-n process
 * rule from api.md's event table, listed in docs/rules.md) and returns the violations it finds,
 * in English and Chinese. The machine's guard for an event is "its checks found nothing"; the
 * engine calls the same checks to explain a refusal, so there is one source of truth.
 * Time is read only from `event.at`; facts from outside the challenge only from `event.facts`.
 */
import { addMonths, atOrBefore, endOfBeijingDay } from '../calendar.js';
import {
  C1_issuer,
  L1_noOverdue,
  L2a_unitOngoing,
  L2b_personLoad,
  L3_noPenalty,
  overdueFrom,
  Q23_bidTeam,
  S5_notAffiliated,
  SC1_members,
  ST1_members,
  ST2_credit,
  T1_issuer,
  T22_issuerCredit,
  X7_panelConflicts,
} from './eligibility.js';
import type { AttachmentKind, ChallengeEvent, EventFacts, EventOf } from './events.js';
import type { Bid, ChallengeContext, Track, Violation } from './types.js';

type Check<T extends ChallengeEvent['type']> = (ctx: ChallengeContext, event: EventOf<T>) => Violation[];

const v = (clause: string, message: string, message_zh: string): Violation => ({
  clause,
  message,
  message_zh,
});
const when = (failed: boolean, violation: () => Violation): Violation[] => (failed ? [violation()] : []);

const yuan = (n: number) => `${n.toLocaleString('en-US')} CNY`;
const isHorseRace = (ctx: ChallengeContext) => ctx.draft.horseRace !== null;
const liveBid = (ctx: ChallengeContext, bidId: string): Bid | undefined =>
  ctx.bids.find((b) => b.bidId === bidId && !b.withdrawn);
export const agreedBids = (ctx: ChallengeContext): Bid[] =>
  ctx.bids.filter((b) => !b.withdrawn && b.agreedFundingCny !== null);
const trackOf = (ctx: ChallengeContext, trackId: string): Track | undefined =>
  ctx.tracks.find((t) => t.trackId === trackId);
export const activeTracks = (ctx: ChallengeContext): Track[] => ctx.tracks.filter((t) => t.status !== 'stopped');
/** The bids a SELECT needs: one, or at least two in a horse race (H-3). */
export const requiredBids = (ctx: ChallengeContext): number => (isHorseRace(ctx) ? 2 : 1);

// ---------------------------------------------------------------------------------------------
// Shared checks

/** P-1: the bid, track or objection an event names exists (and is still live). */
function p1Exists(found: unknown, what: string, id: string, whatZh: string): Violation[] {
  return when(!found, () =>
    v('P-1', `No ${what} "${id}" is open on this challenge.`, `本榜单没有处于有效状态的${whatZh}“${id}”。`),
  );
}

/**
 * P-7: a file an event names by its SHA-256 was uploaded to this challenge. The engine looks the
 * uploads up before the transition (`facts.uploads`); events recorded before uploads existed
 * carry no such fact and replay as they were decided.
 */
function p7Uploaded(e: { facts?: EventFacts }, sha256: string): Violation[] {
  const uploads = e.facts?.uploads;
  return when(uploads !== undefined && uploads[sha256] !== true, () =>
    v(
      'P-7',
      `No file with SHA-256 ${sha256} was uploaded to this challenge; upload it first (POST …/attachments).`,
      `本榜单未上传 SHA-256 为 ${sha256} 的文件，请先上传（POST …/attachments）。`,
    ),
  );
}

function liveTrack(ctx: ChallengeContext, trackId: string): Violation[] {
  const track = trackOf(ctx, trackId);
  if (!track) return p1Exists(undefined, 'track', trackId, '攻关项目');
  return when(track.status === 'stopped', () =>
    v(
      'H-5',
      `Track "${trackId}" was stopped after its evaluation and takes no further steps.`,
      `攻关项目“${trackId}”已经评估终止，不再继续实施。`,
    ),
  );
}

/** classified projects never go through the online system. */
export function q10NotClassified(classified: boolean): Violation[] {
  return when(classified, () =>
    v(
      'Q-10',
      'Projects found to contain classified content may not be submitted online; send the application materials directly to the municipal S&T bureau (市科技局).',
      '经过相关程序认定有涉密内容的项目不得通过网上申报，请将申报材料直接报送至市科技局。',
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Submission (stage 1)

const W1_submissionWindow: Check<'SUBMIT'> = (ctx, e) => {
  const { opensAt, closesAt } = ctx.settings.submission;
  return when(!(atOrBefore(opensAt, e.at) && atOrBefore(e.at, closesAt)), () =>
    v(
      'W-1',
      `Online submission is open from ${opensAt} to ${closesAt} (both ends included); this request came at ${e.at}.`,
      `网上填报时间为 ${opensAt} 至 ${closesAt}（含两端）；本次提交时间为 ${e.at}，不在填报时间内。`,
    ),
  );
};

/** Q-2/3: registered units and persons, details confirmed by the applicant. */
const Q23_registeredAndConfirmed: Check<'SUBMIT'> = (ctx, e) => {
  const out: Violation[] = [];
  const d = ctx.draft;
  if (!e.confirmDetails)
    out.push(
      v(
        'Q-2/3',
        'Confirm the unit name, recommending unit and applicant details before submitting (confirmDetails: true).',
        '提交前请核实并确认单位名称、推荐单位名称和申报人信息（confirmDetails: true）。',
      ),
    );
  const units = e.facts?.units ?? {};
  const persons = e.facts?.persons ?? {};
  if (!units[d.issuerUnit]?.registered)
    out.push(
      v(
        'Q-2/3',
        `The issuing unit ${d.issuerUnit} is not registered; register the unit first.`,
        `发榜单位 ${d.issuerUnit} 尚未注册，请先进行单位注册。`,
      ),
    );
  const district = units[d.districtUnit];
  if (!district?.registered || district.type !== 'districtDept')
    out.push(
      v(
        'Q-2/3',
        `The recommending unit ${d.districtUnit} is not a registered district S&T department.`,
        `推荐单位 ${d.districtUnit} 不是已注册的区（县）科技部门。`,
      ),
    );
  if (d.leader === '' || d.team[0] !== d.leader)
    out.push(
      v(
        'Q-2/3',
        'Name the project leader and list the team with the leader first.',
        '请填写项目负责人，并在团队名单中将负责人列在首位。',
      ),
    );
  const unregistered = d.team.filter((p) => !persons[p]?.registered);
  if (unregistered.length > 0)
    out.push(
      v(
        'Q-2/3',
        `These team members have no user account: ${unregistered.join(', ')}.`,
        `以下团队成员尚未建立用户账号：${unregistered.join('、')}。`,
      ),
    );
  return out;
};

const T24_demandStated: Check<'SUBMIT'> = (ctx) => {
  const d = ctx.draft;
  const missing: [string, string][] = [];
  if (d.indicators.length === 0) missing.push(['indicators', '指标参数']);
  if (d.periodMonths < 1) missing.push(['periodMonths', '时限要求']);
  if (d.ipOwnership.trim() === '') missing.push(['ipOwnership', '产权归属']);
  if (d.investment.solverFundingCny < 1) missing.push(['investment.solverFundingCny', '资金投入']);
  if (d.solverConditions.trim() === '') missing.push(['solverConditions', '对揭榜方的条件要求']);
  return when(missing.length > 0, () =>
    v(
      'T-2.4',
      `State the demand in full; missing: ${missing.map((m) => m[0]).join(', ')}.`,
      `应明确需求内容，缺少：${missing.map((m) => m[1]).join('、')}。`,
    ),
  );
};

const T25_endUser: Check<'SUBMIT'> = (ctx) =>
  when(!ctx.draft.endUserAttested, () =>
    v(
      'T-2.5',
      'The issuer must be the end user of the technology or a user representative (endUserAttested: true); demands from other units are not supported.',
      '需求方应为技术的最终用户或用户代表，不是最终用户的单位提出的技术需求不予支持。',
    ),
  );

const C22_ipAndMarket: Check<'SUBMIT'> = (ctx) => {
  const d = ctx.draft;
  const missing: [string, string][] = [];
  if (d.ipOwnership.trim() === '') missing.push(['ipOwnership', '知识产权归属']);
  if (d.solverConditions.trim() === '') missing.push(['solverConditions', '市场用户和应用范围']);
  if (d.indicators.length === 0) missing.push(['indicators', '技术指标']);
  return when(missing.length > 0, () =>
    v(
      'C-2.2',
      `The achievement needs clear IP ownership and a defined market and users; missing: ${missing.map((m) => m[0]).join(', ')}.`,
      `拟转化成果应知识产权明晰、市场用户和应用范围明确，缺少：${missing.map((m) => m[1]).join('、')}。`,
    ),
  );
};

const C23_supportTeam: Check<'SUBMIT'> = (ctx) =>
  when(ctx.draft.team.length < 2, () =>
    v(
      'C-2.3',
      'Name the team that supports the transfer: the leader and at least one member.',
      '应拥有成果转化的支撑队伍：除负责人外至少列明一名团队成员。',
    ),
  );

const Q1a_totalInvestment: Check<'SUBMIT'> = (ctx) => {
  const { ownPilotCny, solverFundingCny } = ctx.draft.investment;
  const total = ownPilotCny + solverFundingCny;
  const min = ctx.settings.amounts.minTotalInvestmentCny;
  return when(total < min, () =>
    v(
      'Q-1a',
      `Total investment (own pilot spend + R&D funds for the solver) is ${yuan(total)}; at least ${yuan(min)} is required.`,
      `项目投入总额（自主投入的小试、中试资金与拨付揭榜单位的研发资金之和）为 ${total} 元，不得低于 ${min} 元。`,
    ),
  );
};

const Q1d_period: Check<'SUBMIT'> = (ctx) => {
  const max = ctx.settings.amounts.maxPeriodMonths;
  return when(ctx.draft.periodMonths > max, () =>
    v(
      'Q-1d',
      `The implementation period is ${ctx.draft.periodMonths} months; at most ${max} months.`,
      `项目实施周期为 ${ctx.draft.periodMonths} 个月，原则上不超过 ${max} 个月。`,
    ),
  );
};

const hasAttachment = (ctx: ChallengeContext, kind: AttachmentKind) => ctx.attachments.some((a) => a.kind === kind);
function missingAttachments(
  ctx: ChallengeContext,
  clause: string,
  kinds: readonly AttachmentKind[],
  what: string,
  whatZh: string,
): Violation[] {
  const missing = kinds.filter((k) => !hasAttachment(ctx, k));
  return when(missing.length > 0, () =>
    v(clause, `${what}; missing: ${missing.join(', ')}.`, `${whatZh}，缺少：${missing.join('、')}。`),
  );
}

const Q4_formAndPledges: Check<'SUBMIT'> = (ctx) =>
  missingAttachments(
    ctx,
    'Q-4',
    ['applicationForm', 'unitPledge', 'leaderPledge'],
    'Attach the application form and the integrity pledges signed by the unit and by the project leader (附件3); without them the application is not accepted',
    '须上传需求申请表及单位和负责人分别签署的科研诚信承诺书（附件3），未上传承诺书的项目不予受理',
  );

const Q5T_evidence: Check<'SUBMIT'> = (ctx) =>
  missingAttachments(
    ctx,
    'Q-5T',
    ['auditReport2024', 'auditReport2025', 'capacityEvidence', 'teamEvidence'],
    'A technology-breakthrough demand needs the 2024 and 2025 audit reports and evidence of support capacity and of its own R&D team',
    '技术攻关类需求须提供2024、2025年度审计报告及支持配套条件、自身研发团队等佐证材料',
  );

const Q5C_evidence: Check<'SUBMIT'> = (ctx) =>
  missingAttachments(
    ctx,
    'Q-5C',
    ['priorTasks', 'indicatorTests', 'ipDocuments', 'supportTeam'],
    'An achievement-transfer demand needs prior tasks and success cases, indicator test reports, IP documents and the support team',
    '成果转化类需求须提供承担科研任务的基础条件和成功案例、技术指标检测资料、知识产权及支撑队伍情况',
  );

const Q9_ethics: Check<'SUBMIT'> = (ctx) =>
  ctx.draft.ethicsSensitive
    ? missingAttachments(
        ctx,
        'Q-9',
        ['ethicsReview'],
        'Work in life sciences, medicine or AI involving humans or lab animals needs an ethics review report',
        '生命科学、医学、人工智能等领域涉及人和实验动物的科技活动，须提交科技伦理审查报告',
      )
    : [];

const Q10_submit: Check<'SUBMIT'> = (ctx) => q10NotClassified(ctx.draft.classified);

const H1_horseRaceShape: Check<'SUBMIT'> = (ctx) => {
  const race = ctx.draft.horseRace;
  if (race === null) return [];
  const out: Violation[] = [];
  if (ctx.kind !== 'techBreakthrough')
    out.push(
      v(
        'H-1',
        'A horse race is posted by an enterprise for a technology breakthrough, not for an achievement transfer.',
        '“赛马制”项目由企业就技术问题提出，不适用于成果转化类需求。',
      ),
    );
  const names = race.routes.map((r) => r.name);
  if (names.length < 2 || new Set(names).size !== names.length)
    out.push(
      v(
        'H-1',
        'A horse race names at least two different technical routes.',
        '“赛马制”项目须明确两条及以上不同的技术路线。',
      ),
    );
  return out;
};

const H2_routeInvestment: Check<'SUBMIT'> = (ctx) => {
  const race = ctx.draft.horseRace;
  if (race === null) return [];
  const unstated = race.routes.filter((r) => r.investmentCny < 1).map((r) => r.name);
  return when(unstated.length > 0, () =>
    v(
      'H-2',
      `State the R&D investment of every route; missing for: ${unstated.join(', ')}.`,
      `须分别明确每个技术路线的研发投入总额，缺少：${unstated.join('、')}。`,
    ),
  );
};

const submitChecks: Check<'SUBMIT'>[] = [
  W1_submissionWindow,
  Q23_registeredAndConfirmed,
  Q10_submit,
  (ctx, e) => (ctx.kind === 'techBreakthrough' ? [...T24_demandStated(ctx, e), ...T25_endUser(ctx, e)] : []),
  (ctx, e) => (ctx.kind === 'achievementTransfer' ? [...C22_ipAndMarket(ctx, e), ...C23_supportTeam(ctx, e)] : []),
  Q1a_totalInvestment,
  Q1d_period,
  Q4_formAndPledges,
  (ctx, e) => (ctx.kind === 'techBreakthrough' ? Q5T_evidence(ctx, e) : Q5C_evidence(ctx, e)),
  Q9_ethics,
  H1_horseRaceShape,
  H2_routeInvestment,
  (ctx, e) =>
    ctx.kind === 'techBreakthrough' ? [...T1_issuer(ctx, e), ...T22_issuerCredit(ctx, e)] : C1_issuer(ctx, e),
  // §4 restrictions for the applying unit and its team.
  (ctx, e) => [
    ...L1_noOverdue(ctx, e, ctx.draft.issuerUnit),
    ...L2a_unitOngoing(ctx, e, ctx.draft.issuerUnit),
    ...L2b_personLoad(ctx, e, ctx.draft.team),
    ...L3_noPenalty(e, ctx.draft.issuerUnit, ctx.draft.team),
  ],
];

// ---------------------------------------------------------------------------------------------
// Review (stage 2) and publication (stage 3)

const W2_recommendationDeadline: Check<'RECOMMEND'> = (ctx, e) => {
  const closes = ctx.settings.recommendationClosesAt;
  return when(!atOrBefore(e.at, closes), () =>
    v(
      'W-2',
      `Recommendations close at ${closes} (included); this one came at ${e.at}.`,
      `推荐截止时间为 ${closes}（含），本次推荐时间为 ${e.at}，已超过截止时间。`,
    ),
  );
};

const W1_returnWhileOpen: Check<'RETURN'> = (ctx, e) => {
  const closes = ctx.settings.submission.closesAt;
  return when(!atOrBefore(e.at, closes), () =>
    v(
      'W-1',
      `The submission window closed at ${closes}; a returned application could no longer be resubmitted, so it cannot be returned now. Decline it instead.`,
      `网上填报已于 ${closes} 截止，退回后无法再次提交，故不能退回；如不予推荐请选择不予推荐。`,
    ),
  );
};

const Q12_publishAfterApproval: Check<'PUBLISH'> = (ctx, e) => [
  ...when(ctx.demandApprovedAt === null, () =>
    v(
      'Q-12',
      'The bureau publishes a demand only after its demand review passed (APPROVE_DEMAND).',
      '需求须经市科技局评榜通过（APPROVE_DEMAND）后方可发布榜单。',
    ),
  ),
  ...when(atOrBefore(e.biddingClosesAt, e.at), () =>
    v(
      'Q-12',
      `Bidding must close after the publication (${e.biddingClosesAt} is not after ${e.at}).`,
      `揭榜截止时间须晚于发布时间（${e.biddingClosesAt} 不晚于 ${e.at}）。`,
    ),
  ),
];

// ---------------------------------------------------------------------------------------------
// Matching (stage 4)

/** W-0: bidding is open until `biddingClosesAt`, that instant included; a bid or an extension comes in time. */
function W0_biddingOpen(ctx: ChallengeContext, e: EventOf<'BID'> | EventOf<'EXTEND_BIDDING'>): Violation[] {
  const closes = ctx.biddingClosesAt ?? e.at;
  return when(!atOrBefore(e.at, closes), () =>
    v(
      'W-0',
      `Bidding closed at ${closes} (included); this ${e.type === 'BID' ? 'bid' : 'extension'} came at ${e.at}.`,
      `揭榜截止时间为 ${closes}（含），本次${e.type === 'BID' ? '揭榜' : '延期'}时间为 ${e.at}，已超过截止时间。`,
    ),
  );
}

const P2_newBidId: Check<'BID'> = (ctx, e) =>
  when(
    ctx.bids.some((b) => b.bidId === e.bidId),
    () =>
      v('P-2', `A bid "${e.bidId}" already exists on this challenge.`, `本榜单已存在编号为“${e.bidId}”的揭榜申请。`),
  );

const ST3_plan: Check<'BID'> = (ctx, e) =>
  when(e.plan.trim() === '', () =>
    ctx.kind === 'techBreakthrough'
      ? v(
          'S-T3',
          'A solver submits a feasible plan for the key technology.',
          '揭榜方须对发榜项目需求提出攻克关键核心技术的可行方案。',
        )
      : v(
          'S-C2',
          'A solver submits a transformation plan with the funds, site and market it provides.',
          '揭榜方须提出成果转化应用方案，并提供所需的资金、场地、市场等配套条件。',
        ),
  );

const BID_team: Check<'BID'> = (_ctx, e) => [
  ...when(new Set(e.members).size !== e.members.length, () =>
    v('P-6', 'Each consortium member is listed once.', '联合体成员不得重复列出。'),
  ),
  ...when(e.team[0] !== e.leader, () =>
    v('P-6', 'List the bid team with the leader first.', '揭榜团队名单须将项目负责人列在首位。'),
  ),
];

const H1_routeExists: Check<'BID'> = (ctx, e) => {
  const race = ctx.draft.horseRace;
  if (race === null)
    return when(e.route !== undefined, () =>
      v(
        'H-1',
        'This challenge is not a horse race; a bid names no route.',
        '本榜单不是“赛马制”项目，揭榜申请无需填写技术路线。',
      ),
    );
  return when(!race.routes.some((r) => r.name === e.route), () =>
    v(
      'H-1',
      `A horse-race bid names one of the challenge's routes (${race.routes.map((r) => r.name).join(', ')}).`,
      `“赛马制”揭榜申请须选择榜单所列技术路线之一（${race.routes.map((r) => r.name).join('、')}）。`,
    ),
  );
};

/** Who may take the challenge up (S-T1/S-T2 or S-C1, S-5 for every member) and the §4 restrictions of the lead and team. */
const BID_parties: Check<'BID'> = (ctx, e) => {
  const lead = e.members[0] ?? '';
  return [
    ...(ctx.kind === 'techBreakthrough'
      ? [...ST1_members(ctx, e), ...ST2_credit(ctx, e, e.members)]
      : SC1_members(ctx, e)),
    ...S5_notAffiliated(ctx, e),
    ...Q23_bidTeam(ctx, e),
    ...L1_noOverdue(ctx, e, lead),
    ...L2a_unitOngoing(ctx, e, lead),
    ...L2b_personLoad(ctx, e, e.team),
    ...L3_noPenalty(e, lead, [e.leader, ...e.team]),
  ];
};

const P3_laterDeadline: Check<'EXTEND_BIDDING'> = (ctx, e) =>
  when(
    !(Date.parse(e.biddingClosesAt) > Date.parse(ctx.biddingClosesAt ?? e.at) && !atOrBefore(e.biddingClosesAt, e.at)),
    () =>
      v(
        'P-3',
        `A new bidding deadline is later than the current one (${ctx.biddingClosesAt}) and than now.`,
        `新的揭榜截止时间须晚于当前截止时间（${ctx.biddingClosesAt}）及当前时间。`,
      ),
  );

/** H-3: the bureau may not close a horse race with a single agreed team; no team is 流榜. */
const H3_closeHorseRace: Check<'CLOSE_MATCHING'> = (ctx) => {
  const n = agreedBids(ctx).length;
  return when(isHorseRace(ctx) && n === 1, () =>
    v(
      'H-3',
      'A horse race needs agreements with at least two teams before expert review; only one has agreed. Wait for another or declare it unfilled.',
      '“赛马制”项目须与两个及以上团队达成协议后方可进入专家评榜，目前仅一个团队达成协议；请继续对接或宣布流榜。',
    ),
  );
};

const biddingPassed: Check<'BIDDING_CLOSED'> = (ctx, e) =>
  when(ctx.biddingClosesAt === null || atOrBefore(e.at, ctx.biddingClosesAt), () =>
    v(
      'W-0',
      `Bidding is open until ${ctx.biddingClosesAt} (included).`,
      `揭榜截止时间为 ${ctx.biddingClosesAt}（含），尚未截止。`,
    ),
  );

// ---------------------------------------------------------------------------------------------
// Expert review (stage 5)

const X6_panel: Check<'ASSIGN_PANEL'> = (ctx, e) => {
  const min = ctx.settings.review.panelMin;
  const n = e.experts.length;
  return [
    ...when(n < min || n % 2 === 0, () =>
      v(
        'X-6',
        `An expert panel has at least ${min} members, an odd number; this one has ${n}.`,
        `专家组人数须不少于 ${min} 人且为单数，本次为 ${n} 人。`,
      ),
    ),
    ...when(new Set(e.experts).size !== n, () =>
      v('X-6', 'Each expert sits on the panel once.', '专家组成员不得重复。'),
    ),
  ];
};

const P4_scoreByPanel: Check<'SCORE'> = (ctx, e) => {
  const expert = e.actor.person;
  return [
    ...when(expert === undefined || !ctx.panel.includes(expert), () =>
      v('X-6', "Only a member of this challenge's expert panel scores its bids.", '只有本榜单专家组成员可以评分。'),
    ),
    ...when(!agreedBids(ctx).some((b) => b.bidId === e.bidId), () =>
      v(
        'P-1',
        `Bid "${e.bidId}" is not among the agreed bids under review.`,
        `揭榜申请“${e.bidId}”不在本次评榜范围内。`,
      ),
    ),
    ...when(!e.noConflictDeclared, () =>
      v(
        'X-7',
        'An expert scores only after declaring no conflict of interest (noConflictDeclared: true).',
        '专家须声明无利益冲突（noConflictDeclared: true）后方可评分。',
      ),
    ),
  ];
};

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

const SELECT_checks: Check<'SELECT'> = (ctx, e) => {
  const out: Violation[] = [];
  const agreed = agreedBids(ctx);
  const missing = ctx.panel.flatMap((expert) =>
    agreed
      .filter((b) => !ctx.scores.some((s) => s.expert === expert && s.bidId === b.bidId))
      .map((b) => `${expert}→${b.bidId}`),
  );
  if (ctx.panel.length === 0 || missing.length > 0)
    out.push(
      v(
        'P-4',
        ctx.panel.length === 0
          ? 'Assign the expert panel first.'
          : `Every panel member scores every agreed bid before selection; missing: ${missing.join(', ')}.`,
        ctx.panel.length === 0
          ? '请先组建专家组。'
          : `专家组每位成员须对每个揭榜方案评分后方可选定，缺少：${missing.join('、')}。`,
      ),
    );
  const unknown = e.bidIds.filter((id) => !agreed.some((b) => b.bidId === id));
  if (unknown.length > 0)
    out.push(
      v(
        'P-1',
        `Not agreed bids under review: ${unknown.join(', ')}.`,
        `以下揭榜申请不在评榜范围内：${unknown.join('、')}。`,
      ),
    );
  if (new Set(e.bidIds).size !== e.bidIds.length)
    out.push(v('P-1', 'Each bid is selected once.', '同一揭榜申请不得重复选定。'));
  const need = requiredBids(ctx);
  if (isHorseRace(ctx) ? e.bidIds.length < 2 : e.bidIds.length !== 1)
    out.push(
      v(
        'H-3',
        isHorseRace(ctx)
          ? `A horse race supports at least two teams in parallel; ${e.bidIds.length} selected.`
          : `Select exactly one bid; ${e.bidIds.length} selected.`,
        isHorseRace(ctx)
          ? `“赛马制”项目须同时支持两个及以上团队，本次选定 ${e.bidIds.length} 个。`
          : `须选定一个揭榜方，本次选定 ${e.bidIds.length} 个。`,
      ),
    );
  if (isHorseRace(ctx) && e.bidIds.length >= need) {
    const routes = e.bidIds.map((id) => agreed.find((b) => b.bidId === id)?.route);
    if (new Set(routes).size !== routes.length)
      out.push(
        v('H-1', 'Parallel teams of a horse race follow different routes.', '“赛马制”平行攻关团队须采取不同技术路线。'),
      );
  }
  if (missing.length === 0 && ctx.panel.length > 0) {
    const passMark = ctx.settings.review.passMark;
    for (const id of e.bidIds) {
      const score = panelScore(ctx, id);
      if (score !== null && score < passMark)
        out.push(
          v(
            'X-11',
            `Bid "${id}" has a panel score of ${score.toFixed(2)}, below the pass mark ${passMark}.`,
            `揭榜申请“${id}”的专家组评分为 ${score.toFixed(2)}，低于合格线 ${passMark} 分。`,
          ),
        );
    }
  }
  return out;
};

/**
 * The re-check before award: records change between submission and award, so SELECT checks the
 * issuer's credit (T-2.2) and misconduct penalties (L-3), and each chosen bid's members' credit
 * (S-T2) and its lead's and team's penalties (L-3), against the facts of this moment.
 */
const SELECT_recheck: Check<'SELECT'> = (ctx, e) => {
  const tech = ctx.kind === 'techBreakthrough';
  const chosen = ctx.bids.filter((b) => e.bidIds.includes(b.bidId));
  return [
    ...(tech ? T22_issuerCredit(ctx, e) : []),
    ...L3_noPenalty(e, ctx.draft.issuerUnit, ctx.draft.team),
    ...chosen.flatMap((bid) => [
      ...(tech ? ST2_credit(ctx, e, bid.members) : []),
      ...L3_noPenalty(e, bid.members[0] ?? '', bid.team),
    ]),
  ];
};

// ---------------------------------------------------------------------------------------------
// Announcement (stage 6)

const X2_objection: Check<'OBJECT'> = (ctx, e) => {
  const o = e.objector;
  const named = o !== undefined && ('name' in o ? o.name.trim() !== '' : o.unit.trim() !== '');
  const late = ctx.noticeEnded || ctx.noticeEndsAt === null || !atOrBefore(e.at, ctx.noticeEndsAt);
  return [
    ...when(!named, () =>
      v(
        'X-2',
        'An objection gives a real name or a unit; anonymous objections are not accepted.',
        '异议须署真实姓名或单位名称，匿名异议不予受理。',
      ),
    ),
    ...when(late, () =>
      v(
        'X-2',
        `The notice period ended at ${ctx.noticeEndsAt}; late objections are not accepted.`,
        `公示期已于 ${ctx.noticeEndsAt} 结束，逾期异议不予受理。`,
      ),
    ),
  ];
};

const P1_openObjection: Check<'RESOLVE_OBJECTION'> = (ctx, e) =>
  p1Exists(
    ctx.objections.find((o) => o.objectionId === e.objectionId && o.status === 'open'),
    'open objection',
    e.objectionId,
    '待处理异议',
  );

const X1_noticeOver: Check<'NOTICE_PERIOD_ENDED'> = (ctx, e) =>
  when(ctx.noticeEndsAt === null || atOrBefore(e.at, ctx.noticeEndsAt), () =>
    v('X-1', `The public notice runs until ${ctx.noticeEndsAt}.`, `公示期至 ${ctx.noticeEndsAt} 结束。`),
  );

// ---------------------------------------------------------------------------------------------
// Disbursement (stage 7)

const Q6_registerOnce: Check<'REGISTER_CONTRACT'> = (ctx, e) => {
  const track = trackOf(ctx, e.trackId);
  if (!track) return p1Exists(undefined, 'track', e.trackId, '攻关项目');
  return when(track.contract !== null, () =>
    v(
      'Q-6',
      `Track "${e.trackId}" already has a registered contract (${track.contract?.contractNo}).`,
      `攻关项目“${e.trackId}”已完成技术合同登记（${track.contract?.contractNo}）。`,
    ),
  );
};

const paymentTrack: Check<'RECORD_PAYMENT'> = (ctx, e) => liveTrack(ctx, e.trackId);

/** The challenge's total fiscal support (H-4): min(share × agreed funding of the tracks, cap). */
export function fiscalSupportTotal(ctx: ChallengeContext): number {
  const { fiscalSharePercent, fiscalCapCny } = ctx.settings.amounts;
  const agreed = ctx.tracks.reduce((sum, t) => sum + t.agreedFundingCny, 0);
  return Math.min(Math.floor((agreed * fiscalSharePercent) / 100), fiscalCapCny);
}

const DISBURSE_checks: Check<'DISBURSE'> = (ctx, e) => {
  const track = trackOf(ctx, e.trackId);
  if (!track) return p1Exists(undefined, 'track', e.trackId, '攻关项目');
  const out: Violation[] = [...liveTrack(ctx, e.trackId)];
  const { fiscalSharePercent, fiscalCapCny, horseRaceFirstPhasePercent } = ctx.settings.amounts;
  if (track.contract === null)
    out.push(
      v(
        'Q-6',
        `Register the technology contract of track "${e.trackId}" before any fiscal support is paid.`,
        `攻关项目“${e.trackId}”须完成技术合同登记后方可拨付财政资金。`,
      ),
    );
  if (track.paidCny === 0)
    out.push(
      v(
        'X-5',
        `Fiscal support is paid in tranches against challenge money already paid; none is recorded for track "${e.trackId}".`,
        `财政资金按已拨付的揭榜经费分批拨付，攻关项目“${e.trackId}”尚无已拨付记录。`,
      ),
    );
  const after = track.disbursedCny + e.amountCny;
  // Integer arithmetic: after ≤ share% × paid  ⇔  after × 100 ≤ share × paid.
  if (after * 100 > fiscalSharePercent * track.paidCny)
    out.push(
      v(
        'Q-1b',
        `Fiscal support to track "${e.trackId}" would reach ${yuan(after)}, over ${fiscalSharePercent}% of the ${yuan(track.paidCny)} paid to the solver.`,
        `攻关项目“${e.trackId}”财政支持累计将达 ${after} 元，超过已拨付揭榜经费 ${track.paidCny} 元的 ${fiscalSharePercent}%。`,
      ),
    );
  const challengeTotal = ctx.tracks.reduce((s, t) => s + t.disbursedCny, 0) + e.amountCny;
  if (challengeTotal > fiscalCapCny)
    out.push(
      v(
        'Q-1c',
        `Fiscal support to this challenge would reach ${yuan(challengeTotal)}, over the cap of ${yuan(fiscalCapCny)}.`,
        `本榜单财政支持累计将达 ${challengeTotal} 元，超过最高 ${fiscalCapCny} 元的上限。`,
      ),
    );
  if (isHorseRace(ctx)) {
    if (e.phase === 'first') {
      const limit = Math.floor((fiscalSupportTotal(ctx) * horseRaceFirstPhasePercent) / 100);
      const firstAfter = track.firstPhaseCny + e.amountCny;
      if (firstAfter > limit)
        out.push(
          v(
            'H-4',
            `First-phase funding of track "${e.trackId}" would reach ${yuan(firstAfter)}, over ${horseRaceFirstPhasePercent}% of the challenge's fiscal support (${yuan(limit)}).`,
            `“赛马制”项目“${e.trackId}”首期资助将达 ${firstAfter} 元，超过财政资助总额度的 ${horseRaceFirstPhasePercent}%（${limit} 元）。`,
          ),
        );
    } else if (track.midterm !== 'continue')
      out.push(
        v(
          'H-5',
          `Later funding of horse-race track "${e.trackId}" follows an evaluation that decided to continue it.`,
          `“赛马制”项目“${e.trackId}”须经评估决定继续支持后，方可拨付后续资金。`,
        ),
      );
  }
  return out;
};

const Q6_allRegistered: Check<'START_IMPLEMENTATION'> = (ctx) => {
  const unregistered = activeTracks(ctx)
    .filter((t) => t.contract === null)
    .map((t) => t.trackId);
  return when(unregistered.length > 0, () =>
    v(
      'Q-6',
      `Register the technology contracts first; missing for: ${unregistered.join(', ')}.`,
      `请先完成技术合同登记，缺少：${unregistered.join('、')}。`,
    ),
  );
};

// ---------------------------------------------------------------------------------------------
// Management (stage 8) and evaluation (stage 9)

const H5_midterm: Check<'MIDTERM_DECISION'> = (ctx, e) => liveTrack(ctx, e.trackId);

const X4_extension: Check<'APPROVE_CHANGE'> = (ctx, e) => {
  const plannedEnd = ctx.plannedEnd ?? '';
  if (e.kind !== 'extension')
    return when(e.newPlannedEnd !== undefined, () =>
      v('X-4', 'Only an extension changes the planned end.', '只有延期申请可以变更计划结束日期。'),
    );
  const out: Violation[] = [];
  const askBy = endOfBeijingDay(addMonths(plannedEnd, -3));
  if (!atOrBefore(e.at, askBy))
    out.push(
      v(
        'X-4',
        `An extension is asked at least 3 months before the planned end (${plannedEnd}), by ${askBy}.`,
        `延期须在计划结束日期（${plannedEnd}）前至少3个月提出。`,
      ),
    );
  if (ctx.extensionUsed) out.push(v('X-4', 'A project is extended at most once.', '项目只能延期一次。'));
  const latest = addMonths(plannedEnd, 12);
  if (e.newPlannedEnd === undefined || !(e.newPlannedEnd > plannedEnd && e.newPlannedEnd <= latest))
    out.push(
      v(
        'X-4',
        `An extension sets newPlannedEnd after ${plannedEnd} and no later than ${latest} (one year).`,
        `延期后的计划结束日期须晚于 ${plannedEnd} 且不晚于 ${latest}（不超过1年）。`,
      ),
    );
  return out;
};

const periodOver: Check<'PERIOD_ENDED'> = (ctx, e) =>
  when(ctx.plannedEnd === null || atOrBefore(e.at, endOfBeijingDay(ctx.plannedEnd)), () =>
    v('X-3', `The work period runs until ${ctx.plannedEnd}.`, `项目实施期至 ${ctx.plannedEnd}。`),
  );

const X3_reportInTime: Check<'SUBMIT_FINAL_REPORT'> = (ctx, e) => {
  const out = liveTrack(ctx, e.trackId);
  if (ctx.plannedEnd === null) return out;
  const by = endOfBeijingDay(addMonths(ctx.plannedEnd, ctx.settings.acceptance.applyWithinMonths));
  if (!atOrBefore(e.at, by))
    out.push(
      v(
        'X-3',
        `Acceptance is applied for within ${ctx.settings.acceptance.applyWithinMonths} months of the planned end, by ${by}.`,
        `须在计划结束后 ${ctx.settings.acceptance.applyWithinMonths} 个月内（${by} 前）申请验收。`,
      ),
    );
  return out;
};

const X3_rectifyOnce: Check<'ACCEPTANCE_DECISION'> = (ctx, e) =>
  when(e.result === 'rectify' && ctx.rectifyUsed, () =>
    v(
      'X-3',
      'A project is given one rectification; decide passed or failed now.',
      '项目只有一次整改机会，请作出通过或不通过的结论。',
    ),
  );

const X9_overdue: Check<'ACCEPTANCE_OVERDUE'> = (ctx, e) => {
  const due = overdueAt(ctx);
  return when(due === null || !(Date.parse(e.at) >= Date.parse(due)), () =>
    v('X-9', `Acceptance is overdue only from ${due}.`, `自 ${due} 起方属逾期未验收。`),
  );
};

/** The instant a project becomes overdue for acceptance (X-9, L-1): `overdueDays` after its planned end. */
export function overdueAt(ctx: ChallengeContext): string | null {
  return ctx.plannedEnd === null ? null : overdueFrom(ctx.plannedEnd, ctx.settings.restrictions.overdueDays);
}

// ---------------------------------------------------------------------------------------------
// Small checks named for the events that use them

const Q10_update: Check<'UPDATE'> = (_ctx, e) => q10NotClassified(e.classified === true);

/** W-3: the submission timer closes only a window that has really closed. */
const W3_submissionClosed: Check<'SUBMISSION_WINDOW_CLOSED'> = (ctx, e) =>
  when(atOrBefore(e.at, ctx.settings.submission.closesAt), () =>
    v(
      'W-3',
      `Submission is open until ${ctx.settings.submission.closesAt} (included).`,
      `网上填报截止时间为 ${ctx.settings.submission.closesAt}（含）。`,
    ),
  );

/** W-3: the recommendation timer ends only a recommendation period that has really ended. */
const W3_recommendationClosed: Check<'RECOMMENDATION_DEADLINE_PASSED'> = (ctx, e) =>
  when(atOrBefore(e.at, ctx.settings.recommendationClosesAt), () =>
    v(
      'W-3',
      `Recommendation is open until ${ctx.settings.recommendationClosesAt} (included).`,
      `推荐截止时间为 ${ctx.settings.recommendationClosesAt}（含）。`,
    ),
  );

const P1_liveBid = (ctx: ChallengeContext, e: EventOf<'AGREE'> | EventOf<'WITHDRAW_BID'>): Violation[] =>
  p1Exists(liveBid(ctx, e.bidId), 'bid', e.bidId, '揭榜申请');

const P5_agreedFunding: Check<'AGREE'> = (_ctx, e) =>
  when(e.agreedFundingCny < 1, () =>
    v('P-5', 'An agreement states the R&D funding the issuer pays.', '对接协议须明确发榜方拨付的研发经费。'),
  );

/** Every event's checks. An event with no entry here has no rule beyond its state. */
const checks: { [K in ChallengeEvent['type']]: Check<K>[] } = {
  UPDATE: [Q10_update],
  ATTACH: [(_ctx, e) => p7Uploaded(e, e.sha256)],
  SUBMIT: submitChecks,
  WITHDRAW: [],
  SUBMISSION_WINDOW_CLOSED: [W3_submissionClosed],
  RECOMMEND: [W2_recommendationDeadline],
  RETURN: [W1_returnWhileOpen],
  DECLINE: [],
  RECOMMENDATION_DEADLINE_PASSED: [W3_recommendationClosed],
  PASS_FORMAL_CHECK: [],
  APPROVE_DEMAND: [],
  PUBLISH: [Q12_publishAfterApproval],
  BID: [W0_biddingOpen, P2_newBidId, ST3_plan, BID_team, H1_routeExists, BID_parties],
  WITHDRAW_BID: [P1_liveBid],
  AGREE: [P1_liveBid, P5_agreedFunding],
  EXTEND_BIDDING: [W0_biddingOpen, P3_laterDeadline],
  CLOSE_MATCHING: [H3_closeHorseRace],
  BIDDING_CLOSED: [biddingPassed],
  DECLARE_UNFILLED: [],
  ASSIGN_PANEL: [X6_panel, X7_panelConflicts],
  SCORE: [P4_scoreByPanel],
  SELECT: [SELECT_checks, SELECT_recheck],
  OBJECT: [X2_objection],
  RESOLVE_OBJECTION: [P1_openObjection],
  NOTICE_PERIOD_ENDED: [X1_noticeOver],
  REGISTER_CONTRACT: [Q6_registerOnce],
  RECORD_PAYMENT: [paymentTrack, (_ctx, e) => p7Uploaded(e, e.evidenceSha256)],
  DISBURSE: [DISBURSE_checks],
  START_IMPLEMENTATION: [Q6_allRegistered],
  REPORT_PROGRESS: [(ctx, e) => liveTrack(ctx, e.trackId)],
  MIDTERM_DECISION: [H5_midterm],
  APPROVE_CHANGE: [X4_extension],
  TERMINATE: [],
  PERIOD_ENDED: [periodOver],
  SUBMIT_FINAL_REPORT: [X3_reportInTime, (_ctx, e) => p7Uploaded(e, e.reportSha256)],
  ACCEPTANCE_DECISION: [X3_rectifyOnce],
  ACCEPTANCE_OVERDUE: [X9_overdue],
};

/** All violations an event meets in this context; empty means the guide allows it. */
export function violationsOf(ctx: ChallengeContext, event: ChallengeEvent): Violation[] {
  const list = checks[event.type] as Check<typeof event.type>[];
  return list.flatMap((check) => check(ctx, event as never));
}
