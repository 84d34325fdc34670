/**
 * The restrictions on applying (§4) for the issuer at SUBMIT, a bid's lead unit and team at BID,
 * and everyone again at SELECT. Events come on 2026-05-06 (Beijing) unless a case moves them.
 */

import type { EventFacts, ProjectFact } from '../../../machines/challenge/facts.js';
import {
  L1_applicantNoOverdue,
  L1_bidLeadNoOverdue,
  L2a_applicantOngoing,
  L2a_bidLeadOngoing,
  L2b_applicantTeamLoad,
  L2b_bidTeamLoad,
  L3_applicantNoPenalty,
  L3_awardNoPenalty,
  L3_bidNoPenalty,
} from '../../../machines/challenge/rules/restrictions.js';
import { overdueFrom } from '../../../machines/challenge/selectors.js';
import { describeRule } from './describe-rule.js';
import {
  agreedBid,
  bidFacts,
  bidPayload,
  givenChallenge,
  justBefore,
  person,
  project,
  projects,
  record,
  UNITS,
  unit,
  when,
} from './given.js';

const challenge = givenChallenge();
const submitWith = (facts: EventFacts, at?: string) => when('SUBMIT', { confirmDetails: true }, { facts, at });
const issuerWith = (projectFacts: ProjectFact[], at?: string) =>
  submitWith({ units: { [UNITS.issuer]: unit({ projects: projectFacts }) } }, at);

const payload = bidPayload();
/** A BID by solver A's team; `changes` replace units or persons in its facts. */
const bidWith = (changes: EventFacts, at?: string) => {
  const facts = bidFacts(payload.members, payload.team, changes);
  return when('BID', payload, { facts, at });
};
const leadWith = (projectFacts: ProjectFact[], at?: string) =>
  bidWith({ units: { [UNITS.solverA]: unit({ type: 'university', projects: projectFacts }) } }, at);

/** A registry project planned to end on 2025-05-05 is overdue from this instant. */
const endedOn = '2025-05-05';
const overdueInstant = overdueFrom(endedOn, 365);
const justBeforeOverdue = justBefore(overdueInstant);

describeRule(L1_applicantNoOverdue, ({ passes, violates }) => {
  const ended = [project('P-old', { plannedEnd: endedOn })];
  passes('a project 365 days past its planned end, less 1 ms', challenge, issuerWith(ended, justBeforeOverdue));
  violates('a project exactly 365 days past its planned end', challenge, issuerWith(ended, overdueInstant), ['P-old']);
  violates(
    'a project of this service marked overdue',
    challenge,
    issuerWith([project('c-9', { source: 'service', status: 'overdue' })]),
    ['c-9'],
  );
  passes(
    'a project of this service still ongoing, its planned end long past',
    challenge,
    issuerWith([project('c-9', { source: 'service', plannedEnd: '2024-01-01' })]),
  );
});

describeRule(L1_bidLeadNoOverdue, ({ passes, violates }) => {
  const ended = [project('P-old', { plannedEnd: endedOn })];
  passes('a lead whose project is 365 days overdue less 1 ms', challenge, leadWith(ended, justBeforeOverdue));
  violates('a lead whose project is 365 days overdue', challenge, leadWith(ended, overdueInstant), [UNITS.solverA]);
});

describeRule(L2a_applicantOngoing, ({ passes, violates }) => {
  passes('an issuer with 3 ongoing projects', challenge, issuerWith(projects(3)));
  violates('an issuer with 4 ongoing projects', challenge, issuerWith(projects(4)), ['4 ongoing']);
  passes(
    'an issuer with 3 ongoing projects and an application',
    challenge,
    issuerWith([...projects(3), project('c-2', { source: 'service', status: 'application' })]),
  );
});

describeRule(L2a_bidLeadOngoing, ({ passes, violates }) => {
  passes('a lead with 3 ongoing projects', challenge, leadWith(projects(3)));
  violates('a lead with 4 ongoing projects', challenge, leadWith(projects(4)), [UNITS.solverA]);
});

const thisYear = (ref: string) => project(ref, { source: 'service', status: 'application', programmeId: 'wlmq-2026' });
const loaded = (id: string, load: ProjectFact[]) => ({ persons: { [id]: person({ projects: load }) } });

describeRule(L2b_applicantTeamLoad, ({ passes, violates }) => {
  passes('the leader on one other application this year', challenge, submitWith(loaded('p-lead', [thisYear('c-2')])));
  violates(
    'the leader on two other applications this year',
    challenge,
    submitWith(loaded('p-lead', [thisYear('c-2'), thisYear('c-3')])),
    ['c-2', 'c-3'],
  );
  violates(
    'the third member with one ongoing project and one application',
    challenge,
    submitWith(loaded('p-m2', [project('P-1'), thisYear('c-2')])),
    ['p-m2'],
  );
  passes(
    'the leader on two applications of another year',
    challenge,
    submitWith(
      loaded('p-lead', [
        project('c-2', { source: 'service', status: 'application', programmeId: 'wlmq-2025' }),
        project('c-3', { source: 'service', status: 'application', programmeId: 'wlmq-2025' }),
      ]),
    ),
  );
  const fourMembers = givenChallenge({ draft: { team: ['p-lead', 'p-m1', 'p-m2', 'p-m3'] } });
  passes(
    'the fourth member on two other applications (only three count)',
    fourMembers,
    submitWith(loaded('p-m3', [thisYear('c-2'), thisYear('c-3')])),
  );
});

describeRule(L2b_bidTeamLoad, ({ passes, violates }) => {
  passes('the bid leader on one other bid this year', challenge, bidWith(loaded('a-lead', [thisYear('c-2/bid-1')])));
  violates(
    'the bid leader on two other bids this year',
    challenge,
    bidWith(loaded('a-lead', [thisYear('c-2/bid-1'), thisYear('c-3/bid-1')])),
    ['a-lead'],
  );
});

/** Person `id` inside a misconduct penalty (record #9) from `from` to `to` (null: open-ended). */
const personPenalised = (id: string, from: string, to: string | null = null): EventFacts => ({
  persons: { [id]: person({ misconduct: [record(9, from, to)] }) },
});
const unitPenalised = (code: string, from: string, to: string | null = null): EventFacts => ({
  units: { [code]: unit({ misconduct: [record(9, from, to)] }) },
});

describeRule(L3_applicantNoPenalty, ({ passes, violates }) => {
  passes(
    'a member whose penalty ended yesterday',
    challenge,
    submitWith(personPenalised('p-m1', '2025-01-01', '2026-05-05')),
  );
  passes('a member whose penalty starts tomorrow', challenge, submitWith(personPenalised('p-m1', '2026-05-07')));
  violates(
    'a member whose penalty ends today',
    challenge,
    submitWith(personPenalised('p-m1', '2025-01-01', '2026-05-06')),
    ['p-m1', '#9'],
  );
  violates(
    'an issuing unit whose open-ended penalty started today',
    challenge,
    submitWith(unitPenalised(UNITS.issuer, '2026-05-06')),
    [UNITS.issuer],
  );
});

describeRule(L3_bidNoPenalty, ({ passes, violates }) => {
  passes(
    'a bid team member whose penalty ended yesterday',
    challenge,
    bidWith(personPenalised('a-m1', '2025-01-01', '2026-05-05')),
  );
  violates('a bid team member inside a penalty', challenge, bidWith(personPenalised('a-m1', '2025-01-01')), ['a-m1']);
  violates(
    'a bid leader inside a one-day penalty today',
    challenge,
    bidWith(personPenalised('a-lead', '2026-05-06', '2026-05-06')),
    ['a-lead'],
  );
  violates('a lead unit inside a penalty', challenge, bidWith(unitPenalised(UNITS.solverA, '2026-01-01')), [
    UNITS.solverA,
  ]);
});

describeRule(L3_awardNoPenalty, ({ passes, violates }) => {
  const ctx = givenChallenge({ bids: [agreedBid('bid-1'), agreedBid('bid-2', { team: ['b-lead'] })] });
  const selectWith = (bidIds: string[], facts: EventFacts) => when('SELECT', { bidIds }, { facts });
  passes(
    'a penalty on a bid that is not selected',
    ctx,
    selectWith(['bid-1'], personPenalised('b-lead', '2026-05-01')),
  );
  passes('a penalty that starts tomorrow', ctx, selectWith(['bid-1'], personPenalised('a-m1', '2026-05-07')));
  violates(
    'a penalty started since bidding on a selected bid’s team',
    ctx,
    selectWith(['bid-2'], personPenalised('b-lead', '2026-05-01')),
    ['b-lead'],
  );
  violates(
    'a penalty started since submission on the issuer’s team',
    ctx,
    selectWith(['bid-1'], personPenalised('p-m2', '2026-05-01')),
    ['p-m2'],
  );
  violates(
    'a penalty started since bidding on a selected bid’s lead unit',
    ctx,
    selectWith(['bid-1'], unitPenalised(UNITS.solverA, '2026-05-01')),
    [UNITS.solverA],
  );
});
