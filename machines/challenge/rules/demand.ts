/**
 * What a demand states before it is submitted and published (rules.md §2, §5): its content, its
 * amounts, its attachments, the horse race's shape, and the bureau's approval before publication.
 * Rules of one kind of challenge find nothing on the other kind.
 */
import { atOrBefore } from '../../calendar.js';
import { type Finding, finding, rule, when, yuan } from '../rule.js';
import type { AttachmentKind } from '../schemas.js';
import { hasAttachment } from '../selectors.js';
import type { ChallengeContext } from '../types.js';
import { unitFacts, type WithFacts } from './registry-facts.js';

type At = { at: string };
const tech = (ctx: ChallengeContext) => ctx.kind === 'techBreakthrough';

/** Q-2/3: registered units and persons, details confirmed by the applicant. */
export const Q23_registeredAndConfirmed = rule('Q-2/3', (ctx, e: WithFacts & { confirmDetails: boolean }) => {
  const out: Finding[] = [];
  const d = ctx.draft;
  if (!e.confirmDetails)
    out.push(
      finding(
        'Confirm the unit name, recommending unit and applicant details before submitting (confirmDetails: true).',
        '提交前请核实并确认单位名称、推荐单位名称和申报人信息（confirmDetails: true）。',
      ),
    );
  const units = e.facts?.units ?? {};
  const persons = e.facts?.persons ?? {};
  if (!units[d.issuerUnit]?.registered)
    out.push(
      finding(
        `The issuing unit ${d.issuerUnit} is not registered; register the unit first.`,
        `发榜单位 ${d.issuerUnit} 尚未注册，请先进行单位注册。`,
      ),
    );
  const district = units[d.districtUnit];
  if (!district?.registered || district.type !== 'districtDept')
    out.push(
      finding(
        `The recommending unit ${d.districtUnit} is not a registered district S&T department.`,
        `推荐单位 ${d.districtUnit} 不是已注册的区（县）科技部门。`,
      ),
    );
  if (d.leader === '' || d.team[0] !== d.leader)
    out.push(
      finding(
        'Name the project leader and list the team with the leader first.',
        '请填写项目负责人，并在团队名单中将负责人列在首位。',
      ),
    );
  const unregistered = d.team.filter((p) => !persons[p]?.registered);
  if (unregistered.length > 0)
    out.push(
      finding(
        `These team members have no user account: ${unregistered.join(', ')}.`,
        `以下团队成员尚未建立用户账号：${unregistered.join('、')}。`,
      ),
    );
  return out;
});

const classifiedFinding = () =>
  finding(
    'Projects found to contain classified content may not be submitted online; send the application materials directly to the municipal S&T bureau (市科技局).',
    '经过相关程序认定有涉密内容的项目不得通过网上申报，请将申报材料直接报送至市科技局。',
  );

/** a draft marked classified is never submitted online. */
export const Q10_notClassified = rule('Q-10', (ctx) => when(ctx.draft.classified, classifiedFinding));

/** a draft is never marked classified online (the bureau takes classified projects offline). */
export const Q10_notMarkedClassified = rule('Q-10', (_ctx, e: { classified?: boolean }) =>
  when(e.classified === true, classifiedFinding),
);

/** T-2.4: a technology-breakthrough demand states indicators, period, IP, funding and solver conditions. */
export const T24_demandStated = rule('T-2.4', (ctx) => {
  if (!tech(ctx)) return [];
  const d = ctx.draft;
  const missing: [string, string][] = [];
  if (d.indicators.length === 0) missing.push(['indicators', '指标参数']);
  if (d.periodMonths < 1) missing.push(['periodMonths', '时限要求']);
  if (d.ipOwnership.trim() === '') missing.push(['ipOwnership', '产权归属']);
  if (d.investment.solverFundingCny < 1) missing.push(['investment.solverFundingCny', '资金投入']);
  if (d.solverConditions.trim() === '') missing.push(['solverConditions', '对揭榜方的条件要求']);
  return when(missing.length > 0, () =>
    finding(
      `State the demand in full; missing: ${missing.map((m) => m[0]).join(', ')}.`,
      `应明确需求内容，缺少：${missing.map((m) => m[1]).join('、')}。`,
    ),
  );
});

/** T-2.5: a technology-breakthrough issuer is the end user or its representative. */
export const T25_endUser = rule('T-2.5', (ctx) =>
  when(tech(ctx) && !ctx.draft.endUserAttested, () =>
    finding(
      'The issuer must be the end user of the technology or a user representative (endUserAttested: true); demands from other units are not supported.',
      '需求方应为技术的最终用户或用户代表，不是最终用户的单位提出的技术需求不予支持。',
    ),
  ),
);

/** C-2.2: an achievement to transfer has clear IP, a defined market and users, and indicators. */
export const C22_ipAndMarket = rule('C-2.2', (ctx) => {
  if (tech(ctx)) return [];
  const d = ctx.draft;
  const missing: [string, string][] = [];
  if (d.ipOwnership.trim() === '') missing.push(['ipOwnership', '知识产权归属']);
  if (d.solverConditions.trim() === '') missing.push(['solverConditions', '市场用户和应用范围']);
  if (d.indicators.length === 0) missing.push(['indicators', '技术指标']);
  return when(missing.length > 0, () =>
    finding(
      `The achievement needs clear IP ownership and a defined market and users; missing: ${missing.map((m) => m[0]).join(', ')}.`,
      `拟转化成果应知识产权明晰、市场用户和应用范围明确，缺少：${missing.map((m) => m[1]).join('、')}。`,
    ),
  );
});

/** C-2.3: an achievement transfer names its support team: the leader and at least one member. */
export const C23_supportTeam = rule('C-2.3', (ctx) =>
  when(!tech(ctx) && ctx.draft.team.length < 2, () =>
    finding(
      'Name the team that supports the transfer: the leader and at least one member.',
      '应拥有成果转化的支撑队伍：除负责人外至少列明一名团队成员。',
    ),
  ),
);

/** Q-1a: own pilot spend plus R&D funds for the solver reach the programme's minimum. */
export const Q1a_totalInvestment = rule('Q-1a', (ctx) => {
  const { ownPilotCny, solverFundingCny } = ctx.draft.investment;
  const total = ownPilotCny + solverFundingCny;
  const min = ctx.settings.amounts.minTotalInvestmentCny;
  return when(total < min, () =>
    finding(
      `Total investment (own pilot spend + R&D funds for the solver) is ${yuan(total)}; at least ${yuan(min)} is required.`,
      `项目投入总额（自主投入的小试、中试资金与拨付揭榜单位的研发资金之和）为 ${total} 元，不得低于 ${min} 元。`,
    ),
  );
});

/** Q-1d: the implementation period is at most the programme's maximum. */
export const Q1d_period = rule('Q-1d', (ctx) => {
  const max = ctx.settings.amounts.maxPeriodMonths;
  return when(ctx.draft.periodMonths > max, () =>
    finding(
      `The implementation period is ${ctx.draft.periodMonths} months; at most ${max} months.`,
      `项目实施周期为 ${ctx.draft.periodMonths} 个月，原则上不超过 ${max} 个月。`,
    ),
  );
});

function missingAttachments(
  ctx: ChallengeContext,
  kinds: readonly AttachmentKind[],
  what: string,
  whatZh: string,
): Finding[] {
  const missing = kinds.filter((k) => !hasAttachment(ctx, k));
  return when(missing.length > 0, () =>
    finding(`${what}; missing: ${missing.join(', ')}.`, `${whatZh}，缺少：${missing.join('、')}。`),
  );
}

/** the application form and the integrity pledges of the unit and the leader are attached. */
export const Q4_formAndPledges = rule('Q-4', (ctx) =>
  missingAttachments(
    ctx,
    ['applicationForm', 'unitPledge', 'leaderPledge'],
    'Attach the application form and the integrity pledges signed by the unit and by the project leader (附件3); without them the application is not accepted',
    '须上传需求申请表及单位和负责人分别签署的科研诚信承诺书（附件3），未上传承诺书的项目不予受理',
  ),
);

/** Q-5T: a technology-breakthrough demand attaches its audit reports and capacity evidence. */
export const Q5T_evidence = rule('Q-5T', (ctx) =>
  tech(ctx)
    ? missingAttachments(
        ctx,
        ['auditReport2024', 'auditReport2025', 'capacityEvidence', 'teamEvidence'],
        'A technology-breakthrough demand needs the 2024 and 2025 audit reports and evidence of support capacity and of its own R&D team',
        '技术攻关类需求须提供2024、2025年度审计报告及支持配套条件、自身研发团队等佐证材料',
      )
    : [],
);

/** Q-5C: an achievement-transfer demand attaches its prior tasks, tests, IP and support team. */
export const Q5C_evidence = rule('Q-5C', (ctx) =>
  tech(ctx)
    ? []
    : missingAttachments(
        ctx,
        ['priorTasks', 'indicatorTests', 'ipDocuments', 'supportTeam'],
        'An achievement-transfer demand needs prior tasks and success cases, indicator test reports, IP documents and the support team',
        '成果转化类需求须提供承担科研任务的基础条件和成功案例、技术指标检测资料、知识产权及支撑队伍情况',
      ),
);

/** ethically sensitive work attaches an ethics review report. */
export const Q9_ethics = rule('Q-9', (ctx) =>
  ctx.draft.ethicsSensitive
    ? missingAttachments(
        ctx,
        ['ethicsReview'],
        'Work in life sciences, medicine or AI involving humans or lab animals needs an ethics review report',
        '生命科学、医学、人工智能等领域涉及人和实验动物的科技活动，须提交科技伦理审查报告',
      )
    : [],
);

/** H-1: a horse race is a technology breakthrough with at least two different routes. */
export const H1_horseRaceShape = rule('H-1', (ctx) => {
  const race = ctx.draft.horseRace;
  if (race === null) return [];
  const out: Finding[] = [];
  if (!tech(ctx))
    out.push(
      finding(
        'A horse race is posted by an enterprise for a technology breakthrough, not for an achievement transfer.',
        '“赛马制”项目由企业就技术问题提出，不适用于成果转化类需求。',
      ),
    );
  const names = race.routes.map((r) => r.name);
  if (names.length < 2 || new Set(names).size !== names.length)
    out.push(
      finding(
        'A horse race names at least two different technical routes.',
        '“赛马制”项目须明确两条及以上不同的技术路线。',
      ),
    );
  return out;
});

/** H-1: a horse race is posted by an enterprise (由同一企业提出), as the registry records the issuer. */
export const H1_enterpriseIssuer = rule(
  'H-1',
  (ctx, e: WithFacts) => {
    const issuer = unitFacts(e, ctx.draft.issuerUnit);
    const type = issuer.type;
    // An unregistered issuer is reported by Q-2/3.
    return when(ctx.draft.horseRace !== null && issuer.registered && type !== 'enterprise', () =>
      finding(
        `A horse race is posted by an enterprise; the issuer ${ctx.draft.issuerUnit} is registered as ${type}.`,
        `“赛马制”项目须由企业提出；需求方 ${ctx.draft.issuerUnit} 登记类型为 ${type}，不是企业。`,
      ),
    );
  },
  { since: 2 },
);

/** H-2: a horse race states the R&D investment of every route. */
export const H2_routeInvestment = rule('H-2', (ctx) => {
  const race = ctx.draft.horseRace;
  if (race === null) return [];
  const unstated = race.routes.filter((r) => r.investmentCny < 1).map((r) => r.name);
  return when(unstated.length > 0, () =>
    finding(
      `State the R&D investment of every route; missing for: ${unstated.join(', ')}.`,
      `须分别明确每个技术路线的研发投入总额，缺少：${unstated.join('、')}。`,
    ),
  );
});

/** the bureau publishes only an approved demand, with a bidding deadline after now. */
export const Q12_publishAfterApproval = rule('Q-12', (ctx, e: At & { biddingClosesAt: string }) => [
  ...when(ctx.demandApprovedAt === null, () =>
    finding(
      'The bureau publishes a demand only after its demand review passed (APPROVE_DEMAND).',
      '需求须经市科技局评榜通过（APPROVE_DEMAND）后方可发布榜单。',
    ),
  ),
  ...when(atOrBefore(e.biddingClosesAt, e.at), () =>
    finding(
      `Bidding must close after the publication (${e.biddingClosesAt} is not after ${e.at}).`,
      `揭榜截止时间须晚于发布时间（${e.biddingClosesAt} 不晚于 ${e.at}）。`,
    ),
  ),
]);
