/**
 * Who may post a challenge and who may take it up (rules.md §2), read from the registry facts
 * the engine stored in the event: the issuer's kind and credit, every consortium member's kind,
 * credit and links to the issuer, and the bid team's accounts. Each rule answers in English and
 * Chinese.
 */
import { beijingDate } from '../../calendar.js';
import { type Finding, finding, rule } from '../rule.js';
import type { ChallengeContext } from '../types.js';
import {
  affiliationChainsOf,
  chainText,
  ids,
  lookbackStart,
  personFacts,
  unitFacts,
  type WithFacts,
  withinLookback,
} from './registry-facts.js';

const tech = (ctx: ChallengeContext) => ctx.kind === 'techBreakthrough';
/** A bid as the solver rules read it: its consortium, lead unit first, and its team. */
type BidParties = WithFacts & { members: string[]; leader: string; team: string[] };

const issuerTypes = new Set(['enterprise', 'university', 'institute', 'newRdInstitution', 'platform', 'other']);

/** T-1: a techBreakthrough issuer is an in-city unit with independent legal-person status (企事业单位). */
export const T1_issuer = rule('T-1', (ctx, e: WithFacts) => {
  const u = unitFacts(e, ctx.draft.issuerUnit);
  if (!tech(ctx) || !u.registered) return []; // Q-2/3 reports an unregistered issuer.
  const wrong: [string, string][] = [];
  if (!u.inCity) wrong.push(['not registered within Urumqi', '不在市域内']);
  if (!u.legalPerson) wrong.push(['without independent legal-person status', '不具有独立法人资格']);
  if (!issuerTypes.has(u.type ?? '')) wrong.push([`a ${u.type}, not an enterprise or institution`, '不是企事业单位']);
  return wrong.length === 0
    ? []
    : [
        finding(
          `A technology-breakthrough demand is posted by an in-city enterprise or institution with independent legal-person status; ${ctx.draft.issuerUnit} is ${wrong.map((w) => w[0]).join(', ')}.`,
          `技术攻关类需求的征集对象为市域内具有独立法人资格的企事业单位；${ctx.draft.issuerUnit} ${wrong.map((w) => w[1]).join('，')}。`,
        ),
      ];
});

/** T-2.2: a techBreakthrough issuer has no serious dishonesty or illegal record in the look-back. */
export const T22_issuerCredit = rule('T-2.2', (ctx, e: WithFacts) => {
  if (!tech(ctx)) return [];
  const start = lookbackStart(ctx, e.at);
  const found = withinLookback(unitFacts(e, ctx.draft.issuerUnit).dishonesty, start, beijingDate(e.at));
  return found.length === 0
    ? []
    : [
        finding(
          `The issuer ${ctx.draft.issuerUnit} has a serious dishonesty or illegal record since ${start} (records ${ids(found)}).`,
          `需求方 ${ctx.draft.issuerUnit} 自 ${start} 起（近${ctx.settings.restrictions.creditLookbackYears}年内）有严重失信记录或严重违法行为（记录 ${ids(found)}）。`,
        ),
      ];
});

const transferIssuerTypes = new Set(['university', 'institute', 'enterprise', 'newRdInstitution']);

/** C-1: an achievementTransfer issuer is a university, institute, enterprise or new R&D institution. */
export const C1_issuer = rule('C-1', (ctx, e: WithFacts) => {
  const u = unitFacts(e, ctx.draft.issuerUnit);
  if (tech(ctx) || !u.registered || transferIssuerTypes.has(u.type ?? '')) return [];
  return [
    finding(
      `An achievement-transfer demand is posted by a university, research institute, enterprise or new R&D institution; ${ctx.draft.issuerUnit} is registered as ${u.type}.`,
      `成果转化类需求的征集对象为高校、科研机构、企业、新型研发机构等；${ctx.draft.issuerUnit} 登记类型为 ${u.type}。`,
    ),
  ];
});

const solverTypes = new Set(['university', 'institute', 'enterprise', 'newRdInstitution', 'platform']);

/**
 * S-T1: universities, institutes, tech firms and innovation platforms, or consortia of them; a
 * unit of another kind (其他组织) takes part only as a non-lead member of a consortium.
 */
export const ST1_members = rule('S-T1', (ctx, e: BidParties) => {
  if (!tech(ctx)) return [];
  const out: Finding[] = [];
  e.members.forEach((code, i) => {
    const u = unitFacts(e, code);
    const consortiumMember = i > 0 && e.members.length > 1;
    if (!u.registered) out.push(finding(`Solver unit ${code} is not registered.`, `揭榜单位 ${code} 尚未注册。`));
    else if (!(solverTypes.has(u.type ?? '') || (u.type === 'other' && consortiumMember)))
      out.push(
        finding(
          `Solver unit ${code} (${u.type}) is not a university, institute, technology enterprise or innovation platform${u.type === 'other' ? ', and other organisations take part only as members of a consortium led by one' : ''}.`,
          `揭榜单位 ${code}（${u.type}）不是高校、科研机构、科技型企业或创新平台${u.type === 'other' ? '；其他组织只能作为联合体成员参与' : ''}。`,
        ),
      );
  });
  return out;
});

/** S-T2 for these units: no serious dishonesty, illegal or bad research-credit record in the look-back. */
function creditOf(ctx: ChallengeContext, e: WithFacts, members: string[]): Finding[] {
  const start = lookbackStart(ctx, e.at);
  const date = beijingDate(e.at);
  return members.flatMap((code) => {
    const u = unitFacts(e, code);
    const found = [...withinLookback(u.dishonesty, start, date), ...withinLookback(u.misconduct, start, date)];
    return found.length === 0
      ? []
      : [
          finding(
            `Solver unit ${code} has a serious dishonesty, illegal or bad research-credit record since ${start} (records ${ids(found)}).`,
            `揭榜单位 ${code} 自 ${start} 起（近${ctx.settings.restrictions.creditLookbackYears}年内）有严重失信记录、严重违法行为或不良科研信用记录（记录 ${ids(found)}）。`,
          ),
        ];
  });
}

/** S-T2: every member of a techBreakthrough bid has a clean credit record in the look-back. */
export const ST2_bidCredit = rule('S-T2', (ctx, e: BidParties) => (tech(ctx) ? creditOf(ctx, e, e.members) : []));

/** S-T2 again at the award: every member of each chosen bid, against the records of this moment. */
export const ST2_awardCredit = rule('S-T2', (ctx, e: WithFacts & { bidIds: string[] }) =>
  tech(ctx) ? ctx.bids.filter((b) => e.bidIds.includes(b.bidId)).flatMap((b) => creditOf(ctx, e, b.members)) : [],
);

/** S-C1: an achievementTransfer solver is an in-city enterprise with independent legal-person status. */
export const SC1_members = rule('S-C1', (ctx, e: BidParties) => {
  if (tech(ctx)) return [];
  const out: Finding[] = [];
  for (const code of e.members) {
    const u = unitFacts(e, code);
    if (u.registered && u.type === 'enterprise' && u.inCity && u.legalPerson) continue;
    out.push(
      finding(
        `Solver unit ${code} is ${u.registered ? 'not an in-city enterprise with independent legal-person status' : 'not registered'}; an achievement transfer is taken up by in-city enterprises only.`,
        `揭榜单位 ${code} ${u.registered ? '不是市域内具有独立法人资格的企业' : '尚未注册'}；成果转化类榜单须由市域内企业揭榜。`,
      ),
    );
  }
  return out;
});

/**
 * S-5: no subordination, equity or other relation (等关联关系) between any solver member and the
 * issuer: a link either way, a common parent, or a chain of links up to the programme's depth.
 * The refusal names the chain.
 */
export const S5_notAffiliated = rule('S-5', (ctx, e: BidParties) => {
  const date = beijingDate(e.at);
  const issuer = ctx.draft.issuerUnit;
  return e.members.flatMap((code) => {
    if (code === issuer)
      return [finding(`The issuer ${issuer} cannot take up its own challenge.`, `需求方 ${issuer} 不能揭自己的榜。`)];
    const chains = affiliationChainsOf(ctx, unitFacts(e, code), code, new Set([issuer]), date);
    return chains.map((chain) => {
      const text = chainText(chain);
      return finding(
        `Solver unit ${code} is related to the issuer ${issuer}: ${text.en}; related parties may not take up the challenge.`,
        `揭榜单位 ${code} 与需求方 ${issuer} 存在关联关系：${text.zh}，关联交易方不得揭榜。`,
      );
    });
  });
});

/** Q-2/3 for a bid: its leader and team have user accounts. */
export const Q23_bidTeam = rule('Q-2/3', (_ctx, e: BidParties) => {
  const missing = [...new Set([e.leader, ...e.team])].filter((id) => !personFacts(e, id).registered);
  return missing.length === 0
    ? []
    : [
        finding(
          `These bid team members have no user account: ${missing.join(', ')}.`,
          `以下揭榜团队成员尚未建立用户账号：${missing.join('、')}。`,
        ),
      ];
});

/** Registered persons among `people` whose unit is not one of `units` (Q-2/3 names the unregistered). */
const outsidersOf = (e: WithFacts, people: readonly string[], units: readonly string[]) =>
  [...new Set(people)].filter((id) => {
    const person = personFacts(e, id);
    return person.registered && (person.unit === undefined || !units.includes(person.unit));
  });

/**
 * a bid's leader and team are people of its member units. Naming another unit's person
 * would spend that person's L-2b quota and block their own unit's bid; their unit is not named
 * in the refusal (the registry is not the bidder's to read).
 */
export const X12_bidTeamOfMembers = rule('X-12', (_ctx, e: BidParties) => {
  const outsiders = outsidersOf(e, [e.leader, ...e.team], e.members);
  return outsiders.length === 0
    ? []
    : [
        finding(
          `The leader and team of a bid are people of its member units; these are not: ${outsiders.join(', ')}.`,
          `揭榜项目负责人和团队成员须为本揭榜联合体成员单位人员；以下人员不是：${outsiders.join('、')}。`,
        ),
      ];
});

/** a draft's leader and team are people of the issuing unit. */
export const X12_draftTeamOfIssuer = rule('X-12', (ctx, e: WithFacts) => {
  const outsiders = outsidersOf(
    e,
    [ctx.draft.leader, ...ctx.draft.team].filter((id) => id !== ''),
    [ctx.draft.issuerUnit],
  );
  return outsiders.length === 0
    ? []
    : [
        finding(
          `The leader and team of a demand are people of the issuing unit ${ctx.draft.issuerUnit}; these are not: ${outsiders.join(', ')}.`,
          `发榜项目负责人和团队成员须为发榜单位 ${ctx.draft.issuerUnit} 人员；以下人员不是：${outsiders.join('、')}。`,
        ),
      ];
});
