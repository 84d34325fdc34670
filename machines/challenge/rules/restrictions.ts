/**
 * The restrictions on applying (rules.md §4), for the applying side of each event: the issuer
 * and its team when a demand is submitted, the lead unit and team of a bid, and at the award the
 * issuer and every chosen bid again. Each clause is one finder applied to those parties by a
 * rule per event; all read only the facts stored in the event.
 */
import { atOrBefore, beijingDate } from '../../calendar.js';
import { type Finding, finding, rule } from '../rule.js';
import { overdueFrom } from '../selectors.js';
import type { ChallengeContext } from '../types.js';
import { ids, inForce, isProject, personFacts, projectsOf, unitFacts, type WithFacts } from './registry-facts.js';

type Bid = WithFacts & { members: string[]; leader: string; team: string[] };
const leadOf = (members: readonly string[]) => members[0] ?? '';

/** L-1 for `unit`: no city project overdue for acceptance by `overdueDays` or more. */
function overdueProjects(ctx: ChallengeContext, e: WithFacts, unit: string): Finding[] {
  const days = ctx.settings.restrictions.overdueDays;
  const overdue = projectsOf(unitFacts(e, unit)).filter((p) =>
    p.source === 'service'
      ? p.status === 'overdue'
      : p.plannedEnd !== null && atOrBefore(overdueFrom(p.plannedEnd, days), e.at),
  );
  return overdue.length === 0
    ? []
    : [
        finding(
          `Unit ${unit} has a city S&T project overdue for acceptance by ${days} days or more: ${overdue.map((p) => p.ref).join(', ')}.`,
          `单位 ${unit} 有逾期${days}天以上（含）未验收的市级科技计划项目：${overdue.map((p) => p.ref).join('、')}。`,
        ),
      ];
}

/** L-2a for `unit`: at most `maxOngoingPerUnit` ongoing city projects. */
function ongoingProjects(ctx: ChallengeContext, e: WithFacts, unit: string): Finding[] {
  const max = ctx.settings.restrictions.maxOngoingPerUnit;
  const ongoing = projectsOf(unitFacts(e, unit)).filter(isProject);
  return ongoing.length <= max
    ? []
    : [
        finding(
          `Unit ${unit} has ${ongoing.length} ongoing city S&T projects, more than ${max}: ${ongoing.map((p) => p.ref).join(', ')}.`,
          `承担单位 ${unit} 有市级在研项目 ${ongoing.length} 项，累计超过 ${max} 项：${ongoing.map((p) => p.ref).join('、')}。`,
        ),
      ];
}

/**
 * L-2b for `team`: each of the top `countedTeamMembers` people (leader included) has at most
 * `maxPerPerson` ongoing city projects and applications of this programme, this one counted.
 */
function personLoad(ctx: ChallengeContext, e: WithFacts, team: string[]): Finding[] {
  const { maxPerPerson, countedTeamMembers } = ctx.settings.restrictions;
  return [...new Set(team.slice(0, countedTeamMembers))].flatMap((id) => {
    const load = projectsOf(personFacts(e, id)).filter(
      (p) => isProject(p) || (p.status === 'application' && p.programmeId === ctx.programmeId),
    );
    const total = load.length + 1;
    return total <= maxPerPerson
      ? []
      : [
          finding(
            `${id}, among the first ${countedTeamMembers} of the team, would have ${total} ongoing projects and applications this year (this one included), more than ${maxPerPerson}: ${load.map((p) => p.ref).join(', ')}.`,
            `项目主要承担人 ${id}（项目组成员前${countedTeamMembers}名）的市级在研项目和当年申报项目累计将达 ${total} 项（含本项），超过 ${maxPerPerson} 项：${load.map((p) => p.ref).join('、')}。`,
          ),
        ];
  });
}

/** L-3 for `unit` and `team`: nobody inside a research-misconduct penalty period. */
function penalties(e: WithFacts, unit: string, team: string[]): Finding[] {
  const date = beijingDate(e.at);
  const inPenalty = (records: { id: number; from: string; to: string | null }[] | undefined) =>
    (records ?? []).filter((r) => inForce(r, date));
  const out: Finding[] = [];
  const unitRecords = inPenalty(unitFacts(e, unit).misconduct);
  if (unitRecords.length > 0)
    out.push(
      finding(
        `Unit ${unit} is inside a research-misconduct penalty period on ${date} (records ${ids(unitRecords)}).`,
        `单位 ${unit} 于 ${date} 处于科研失信行为惩戒执行期内（记录 ${ids(unitRecords)}）。`,
      ),
    );
  for (const id of new Set(team)) {
    const found = inPenalty(personFacts(e, id).misconduct);
    if (found.length > 0)
      out.push(
        finding(
          `Team member ${id} is inside a research-misconduct penalty period on ${date} (records ${ids(found)}).`,
          `团队成员 ${id} 于 ${date} 处于科研失信行为惩戒执行期内（记录 ${ids(found)}）。`,
        ),
      );
  }
  return out;
}

// The applicant of a demand: the issuing unit and the draft's team.

/** L-1: the issuing unit has no city project overdue for acceptance. */
export const L1_applicantNoOverdue = rule('L-1', (ctx, e: WithFacts) => overdueProjects(ctx, e, ctx.draft.issuerUnit));
/** L-2a: the issuing unit has at most the allowed number of ongoing city projects. */
export const L2a_applicantOngoing = rule('L-2a', (ctx, e: WithFacts) => ongoingProjects(ctx, e, ctx.draft.issuerUnit));
/** L-2b: the draft team's first members are within their load. */
export const L2b_applicantTeamLoad = rule('L-2b', (ctx, e: WithFacts) => personLoad(ctx, e, ctx.draft.team));
/** L-3: neither the issuing unit nor anyone of its team is inside a penalty period. */
export const L3_applicantNoPenalty = rule('L-3', (ctx, e: WithFacts) =>
  penalties(e, ctx.draft.issuerUnit, ctx.draft.team),
);

// A bid: its lead unit (first member) and its team.

/** L-1: the bid's lead unit has no city project overdue for acceptance. */
export const L1_bidLeadNoOverdue = rule('L-1', (ctx, e: Bid) => overdueProjects(ctx, e, leadOf(e.members)));
/** L-2a: the bid's lead unit has at most the allowed number of ongoing city projects. */
export const L2a_bidLeadOngoing = rule('L-2a', (ctx, e: Bid) => ongoingProjects(ctx, e, leadOf(e.members)));
/** L-2b: the bid team's first members are within their load. */
export const L2b_bidTeamLoad = rule('L-2b', (ctx, e: Bid) => personLoad(ctx, e, e.team));
/** L-3: neither the lead unit nor the leader nor anyone of the team is inside a penalty period. */
export const L3_bidNoPenalty = rule('L-3', (_ctx, e: Bid) => penalties(e, leadOf(e.members), [e.leader, ...e.team]));

/**
 * L-3 again at the award: records change between submission and award, so the issuer and its
 * team, and each chosen bid's lead unit and team, are checked against the facts of this moment.
 */
export const L3_awardNoPenalty = rule('L-3', (ctx, e: WithFacts & { bidIds: string[] }) => [
  ...penalties(e, ctx.draft.issuerUnit, ctx.draft.team),
  ...ctx.bids.filter((b) => e.bidIds.includes(b.bidId)).flatMap((b) => penalties(e, leadOf(b.members), b.team)),
]);
