/**
 * Who may post, take up and judge a challenge (rules.md §2, §4 and X-7), read from the registry
 * facts the engine stored in the event (facts.ts). Each check names its clause and answers in
 * English and Chinese. Dates are Beijing calendar dates; a record's period includes both ends.
 */
import { addMonths, atOrBefore, beijingDate, endOfBeijingDay } from '../calendar.js';
import type { EventOf } from './events.js';
import type { PersonFacts, ProjectFact, RecordFact, UnitFacts } from './facts.js';
import type { ChallengeContext, Violation } from './types.js';

const v = (clause: string, message: string, message_zh: string): Violation => ({ clause, message, message_zh });

type WithFacts = { at: string; facts?: EventOf<'SUBMIT'>['facts'] };
const unitFacts = (e: WithFacts, code: string): UnitFacts => e.facts?.units?.[code] ?? { registered: false };
const personFacts = (e: WithFacts, id: string): PersonFacts => e.facts?.persons?.[id] ?? { registered: false };

/** A record in force on `date`. */
const inForce = (r: { from: string; to: string | null }, date: string) =>
  r.from <= date && (r.to === null || date <= r.to);

/** The first day of the credit look-back: `years` before the event's date, that day included. */
export const lookbackStart = (ctx: ChallengeContext, at: string) =>
  addMonths(beijingDate(at), -12 * ctx.settings.restrictions.creditLookbackYears);

/** Records that touch the look-back window [start, date]. */
const withinLookback = (records: RecordFact[] | undefined, start: string, date: string) =>
  (records ?? []).filter((r) => r.from <= date && (r.to === null || r.to >= start));

const ids = (records: { id: number }[]) => records.map((r) => `#${r.id}`).join(', ');

/** The instant a project planned to end on `plannedEnd` becomes overdue for acceptance (X-9, L-1). */
export function overdueFrom(plannedEnd: string, overdueDays: number): string {
  return new Date(Date.parse(endOfBeijingDay(plannedEnd)) + 1 + overdueDays * 86_400_000).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Issuers (§2(一), §2(二))

const issuerTypes = new Set(['enterprise', 'university', 'institute', 'newRdInstitution', 'platform', 'other']);

/** T-1: a techBreakthrough issuer is an in-city unit with independent legal-person status (企事业单位). */
export function T1_issuer(ctx: ChallengeContext, e: WithFacts): Violation[] {
  const u = unitFacts(e, ctx.draft.issuerUnit);
  if (!u.registered) return []; // Q-2/3 reports an unregistered issuer.
  const wrong: [string, string][] = [];
  if (!u.inCity) wrong.push(['not registered within Urumqi', '不在市域内']);
  if (!u.legalPerson) wrong.push(['without independent legal-person status', '不具有独立法人资格']);
  if (!issuerTypes.has(u.type ?? '')) wrong.push([`a ${u.type}, not an enterprise or institution`, '不是企事业单位']);
  return wrong.length === 0
    ? []
    : [
        v(
          'T-1',
          `A technology-breakthrough demand is posted by an in-city enterprise or institution with independent legal-person status; ${ctx.draft.issuerUnit} is ${wrong.map((w) => w[0]).join(', ')}.`,
          `技术攻关类需求的征集对象为市域内具有独立法人资格的企事业单位；${ctx.draft.issuerUnit} ${wrong.map((w) => w[1]).join('，')}。`,
        ),
      ];
}

const transferIssuerTypes = new Set(['university', 'institute', 'enterprise', 'newRdInstitution']);

/** C-1: an achievementTransfer issuer is a university, institute, enterprise or new R&D institution. */
export function C1_issuer(ctx: ChallengeContext, e: WithFacts): Violation[] {
  const u = unitFacts(e, ctx.draft.issuerUnit);
  if (!u.registered || transferIssuerTypes.has(u.type ?? '')) return [];
  return [
    v(
      'C-1',
      `An achievement-transfer demand is posted by a university, research institute, enterprise or new R&D institution; ${ctx.draft.issuerUnit} is registered as ${u.type}.`,
      `成果转化类需求的征集对象为高校、科研机构、企业、新型研发机构等；${ctx.draft.issuerUnit} 登记类型为 ${u.type}。`,
    ),
  ];
}

/** T-2.2: no serious dishonesty or serious illegal record in the look-back before the event. */
export function T22_issuerCredit(ctx: ChallengeContext, e: WithFacts): Violation[] {
  const start = lookbackStart(ctx, e.at);
  const found = withinLookback(unitFacts(e, ctx.draft.issuerUnit).dishonesty, start, beijingDate(e.at));
  return found.length === 0
    ? []
    : [
        v(
          'T-2.2',
          `The issuer ${ctx.draft.issuerUnit} has a serious dishonesty or illegal record since ${start} (records ${ids(found)}).`,
          `需求方 ${ctx.draft.issuerUnit} 自 ${start} 起（近${ctx.settings.restrictions.creditLookbackYears}年内）有严重失信记录或严重违法行为（记录 ${ids(found)}）。`,
        ),
      ];
}

// ---------------------------------------------------------------------------------------------
// Solvers (§2(三), §2(四)), every consortium member

const solverTypes = new Set(['university', 'institute', 'enterprise', 'newRdInstitution', 'platform']);

/**
 * S-T1: universities, institutes, tech firms and innovation platforms, or consortia of them; a
 * unit of another kind (其他组织) takes part only as a non-lead member of a consortium.
 */
export function ST1_members(_ctx: ChallengeContext, e: EventOf<'BID'>): Violation[] {
  const out: Violation[] = [];
  e.members.forEach((code, i) => {
    const u = unitFacts(e, code);
    const consortiumMember = i > 0 && e.members.length > 1;
    if (!u.registered) out.push(v('S-T1', `Solver unit ${code} is not registered.`, `揭榜单位 ${code} 尚未注册。`));
    else if (!(solverTypes.has(u.type ?? '') || (u.type === 'other' && consortiumMember)))
      out.push(
        v(
          'S-T1',
          `Solver unit ${code} (${u.type}) is not a university, institute, technology enterprise or innovation platform${u.type === 'other' ? ', and other organisations take part only as members of a consortium led by one' : ''}.`,
          `揭榜单位 ${code}（${u.type}）不是高校、科研机构、科技型企业或创新平台${u.type === 'other' ? '；其他组织只能作为联合体成员参与' : ''}。`,
        ),
      );
  });
  return out;
}

/** S-C1: an achievementTransfer solver is an in-city enterprise with independent legal-person status. */
export function SC1_members(_ctx: ChallengeContext, e: EventOf<'BID'>): Violation[] {
  const out: Violation[] = [];
  for (const code of e.members) {
    const u = unitFacts(e, code);
    if (u.registered && u.type === 'enterprise' && u.inCity && u.legalPerson) continue;
    out.push(
      v(
        'S-C1',
        `Solver unit ${code} is ${u.registered ? 'not an in-city enterprise with independent legal-person status' : 'not registered'}; an achievement transfer is taken up by in-city enterprises only.`,
        `揭榜单位 ${code} ${u.registered ? '不是市域内具有独立法人资格的企业' : '尚未注册'}；成果转化类榜单须由市域内企业揭榜。`,
      ),
    );
  }
  return out;
}

/** S-T2: no serious dishonesty, illegal or bad research-credit record in the look-back, every member. */
export function ST2_credit(ctx: ChallengeContext, e: WithFacts, members: string[]): Violation[] {
  const start = lookbackStart(ctx, e.at);
  const date = beijingDate(e.at);
  return members.flatMap((code) => {
    const u = unitFacts(e, code);
    const found = [...withinLookback(u.dishonesty, start, date), ...withinLookback(u.misconduct, start, date)];
    return found.length === 0
      ? []
      : [
          v(
            'S-T2',
            `Solver unit ${code} has a serious dishonesty, illegal or bad research-credit record since ${start} (records ${ids(found)}).`,
            `揭榜单位 ${code} 自 ${start} 起（近${ctx.settings.restrictions.creditLookbackYears}年内）有严重失信记录、严重违法行为或不良科研信用记录（记录 ${ids(found)}）。`,
          ),
        ];
  });
}

/** S-5: no subordination or equity link between any solver member and the issuer, either way. */
export function S5_notAffiliated(ctx: ChallengeContext, e: EventOf<'BID'>): Violation[] {
  const date = beijingDate(e.at);
  const issuer = ctx.draft.issuerUnit;
  return e.members.flatMap((code) => {
    if (code === issuer)
      return [v('S-5', `The issuer ${issuer} cannot take up its own challenge.`, `需求方 ${issuer} 不能揭自己的榜。`)];
    const links = (unitFacts(e, code).affiliations ?? []).filter((a) => a.unit === issuer && inForce(a, date));
    return links.length === 0
      ? []
      : [
          v(
            'S-5',
            `Solver unit ${code} has a ${links.map((l) => l.relation).join('/')} relation with the issuer ${issuer} (records ${ids(links)}); related parties may not take up the challenge.`,
            `揭榜单位 ${code} 与需求方 ${issuer} 存在${links.map((l) => (l.relation === 'equity' ? '股权' : '隶属')).join('、')}关系（记录 ${ids(links)}），关联交易方不得揭榜。`,
          ),
        ];
  });
}

// ---------------------------------------------------------------------------------------------
// Restrictions on applying (§4): the applying unit and its team

const projectsOf = (f: UnitFacts | PersonFacts): ProjectFact[] => f.projects ?? [];
const isProject = (p: ProjectFact) => p.status === 'ongoing' || p.status === 'overdue';

/** L-1: the unit has no city project overdue for acceptance by `overdueDays` or more. */
export function L1_noOverdue(ctx: ChallengeContext, e: WithFacts, unit: string): Violation[] {
  const days = ctx.settings.restrictions.overdueDays;
  const overdue = projectsOf(unitFacts(e, unit)).filter((p) =>
    p.source === 'service'
      ? p.status === 'overdue'
      : p.plannedEnd !== null && atOrBefore(overdueFrom(p.plannedEnd, days), e.at),
  );
  return overdue.length === 0
    ? []
    : [
        v(
          'L-1',
          `Unit ${unit} has a city S&T project overdue for acceptance by ${days} days or more: ${overdue.map((p) => p.ref).join(', ')}.`,
          `单位 ${unit} 有逾期${days}天以上（含）未验收的市级科技计划项目：${overdue.map((p) => p.ref).join('、')}。`,
        ),
      ];
}

/** L-2a: the undertaking unit has at most `maxOngoingPerUnit` ongoing city projects. */
export function L2a_unitOngoing(ctx: ChallengeContext, e: WithFacts, unit: string): Violation[] {
  const max = ctx.settings.restrictions.maxOngoingPerUnit;
  const ongoing = projectsOf(unitFacts(e, unit)).filter(isProject);
  return ongoing.length <= max
    ? []
    : [
        v(
          'L-2a',
          `Unit ${unit} has ${ongoing.length} ongoing city S&T projects, more than ${max}: ${ongoing.map((p) => p.ref).join(', ')}.`,
          `承担单位 ${unit} 有市级在研项目 ${ongoing.length} 项，累计超过 ${max} 项：${ongoing.map((p) => p.ref).join('、')}。`,
        ),
      ];
}

/**
 * L-2b: each of the top `countedTeamMembers` people (leader included) has at most `maxPerPerson`
 * ongoing city projects and applications of this programme, this application counted.
 */
export function L2b_personLoad(ctx: ChallengeContext, e: WithFacts, team: string[]): Violation[] {
  const { maxPerPerson, countedTeamMembers } = ctx.settings.restrictions;
  return [...new Set(team.slice(0, countedTeamMembers))].flatMap((id) => {
    const load = projectsOf(personFacts(e, id)).filter(
      (p) => isProject(p) || (p.status === 'application' && p.programmeId === ctx.programmeId),
    );
    const total = load.length + 1;
    return total <= maxPerPerson
      ? []
      : [
          v(
            'L-2b',
            `${id}, among the first ${countedTeamMembers} of the team, would have ${total} ongoing projects and applications this year (this one included), more than ${maxPerPerson}: ${load.map((p) => p.ref).join(', ')}.`,
            `项目主要承担人 ${id}（项目组成员前${countedTeamMembers}名）的市级在研项目和当年申报项目累计将达 ${total} 项（含本项），超过 ${maxPerPerson} 项：${load.map((p) => p.ref).join('、')}。`,
          ),
        ];
  });
}

/** L-3: neither the unit nor any team member is inside a research-misconduct penalty period. */
export function L3_noPenalty(e: WithFacts, unit: string, team: string[]): Violation[] {
  const date = beijingDate(e.at);
  const inPenalty = (records: RecordFact[] | undefined) => (records ?? []).filter((r) => inForce(r, date));
  const out: Violation[] = [];
  const unitRecords = inPenalty(unitFacts(e, unit).misconduct);
  if (unitRecords.length > 0)
    out.push(
      v(
        'L-3',
        `Unit ${unit} is inside a research-misconduct penalty period on ${date} (records ${ids(unitRecords)}).`,
        `单位 ${unit} 于 ${date} 处于科研失信行为惩戒执行期内（记录 ${ids(unitRecords)}）。`,
      ),
    );
  for (const id of new Set(team)) {
    const found = inPenalty(personFacts(e, id).misconduct);
    if (found.length > 0)
      out.push(
        v(
          'L-3',
          `Team member ${id} is inside a research-misconduct penalty period on ${date} (records ${ids(found)}).`,
          `团队成员 ${id} 于 ${date} 处于科研失信行为惩戒执行期内（记录 ${ids(found)}）。`,
        ),
      );
  }
  return out;
}

/** Q-2/3 for a bid: its leader and team have user accounts. */
export function Q23_bidTeam(_ctx: ChallengeContext, e: EventOf<'BID'>): Violation[] {
  const missing = [...new Set([e.leader, ...e.team])].filter((id) => !personFacts(e, id).registered);
  return missing.length === 0
    ? []
    : [
        v(
          'Q-2/3',
          `These bid team members have no user account: ${missing.join(', ')}.`,
          `以下揭榜团队成员尚未建立用户账号：${missing.join('、')}。`,
        ),
      ];
}

// ---------------------------------------------------------------------------------------------
// Experts

/** no expert from the issuer, a bidding unit, or a unit affiliated with either (回避). */
export function X7_panelConflicts(ctx: ChallengeContext, e: EventOf<'ASSIGN_PANEL'>): Violation[] {
  const date = beijingDate(e.at);
  const issuer = ctx.draft.issuerUnit;
  const bidders = new Set(ctx.bids.filter((b) => !b.withdrawn).flatMap((b) => b.members));
  const out: Violation[] = [];
  for (const expert of new Set(e.experts)) {
    const unit = personFacts(e, expert).unit;
    if (unit === undefined) {
      out.push(
        v(
          'X-7',
          `Expert ${expert} is not registered, so conflicts of interest cannot be checked.`,
          `专家 ${expert} 尚未登记，无法核查回避情形。`,
        ),
      );
      continue;
    }
    const links = (unitFacts(e, unit).affiliations ?? []).filter(
      (a) => (a.unit === issuer || bidders.has(a.unit)) && inForce(a, date),
    );
    const why =
      unit === issuer
        ? ['works for the issuer', '来自需求方']
        : bidders.has(unit)
          ? ['works for a bidding unit', '来自揭榜单位']
          : links.length > 0
            ? [
                `works for ${unit}, affiliated with ${[...new Set(links.map((l) => l.unit))].join(', ')} (records ${ids(links)})`,
                `所在单位 ${unit} 与 ${[...new Set(links.map((l) => l.unit))].join('、')} 存在隶属或股权关系（记录 ${ids(links)}）`,
              ]
            : null;
    if (why)
      out.push(
        v('X-7', `Expert ${expert} ${why[0]} and must stand aside (回避).`, `专家 ${expert} ${why[1]}，应当回避。`),
      );
  }
  return out;
}
