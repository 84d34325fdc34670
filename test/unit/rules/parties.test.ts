/**
 * Who may post and who may take up a challenge (§2), from the registry facts in the event. The
 * events come on 2026-05-06 (Beijing), so the 3-year look-back starts on 2023-05-06.
 */

import type { AffiliationLink, EventFacts, UnitFacts } from '../../../machines/challenge/facts.js';
import {
  C1_issuer,
  Q23_bidTeam,
  S5_notAffiliated,
  SC1_members,
  ST1_members,
  ST2_awardCredit,
  ST2_bidCredit,
  T1_issuer,
  T22_issuerCredit,
  X12_bidTeamOfMembers,
  X12_draftTeamOfIssuer,
} from '../../../machines/challenge/rules/parties.js';
import { describeRule } from './describe-rule.js';
import {
  affiliation,
  agreedBid,
  bidFacts,
  bidPayload,
  givenChallenge,
  givenTransfer,
  person,
  record,
  submissionFacts,
  UNITS,
  unit,
  when,
} from './given.js';

const challenge = givenChallenge();
const transfer = givenTransfer();
const issuerIs = (issuer: string, facts: UnitFacts) =>
  when('SUBMIT', { confirmDetails: true }, { facts: { units: { [issuer]: facts } } });

/** A BID by `members` (lead first), with every member a registered university unless `facts` say otherwise. */
const bidBy = (members: string[], units: EventFacts['units'] = {}) => {
  const payload = bidPayload({ members });
  return when('BID', payload, { facts: bidFacts(members, payload.team, { units }) });
};

describeRule(T1_issuer, ({ passes, violates }) => {
  passes('an in-city enterprise with legal-person status', challenge, issuerIs(UNITS.issuer, unit()));
  passes(
    'an in-city institute with legal-person status',
    challenge,
    issuerIs(UNITS.issuer, unit({ type: 'institute' })),
  );
  violates('an issuer outside the city', challenge, issuerIs(UNITS.issuer, unit({ inCity: false })), ['Urumqi']);
  violates('an issuer without legal-person status', challenge, issuerIs(UNITS.issuer, unit({ legalPerson: false })));
  violates('a district department as issuer', challenge, issuerIs(UNITS.issuer, unit({ type: 'districtDept' })), [
    'districtDept',
  ]);
  passes('an unregistered issuer (Q-2/3 reports it)', challenge, issuerIs(UNITS.issuer, { registered: false }));
  passes('an achievement holder outside the city', transfer, issuerIs(UNITS.holder, unit({ inCity: false })));
});

describeRule(T22_issuerCredit, ({ passes, violates }) => {
  const withDishonesty = (from: string, to: string | null) =>
    when(
      'SUBMIT',
      { confirmDetails: true },
      { facts: { units: { [UNITS.issuer]: unit({ dishonesty: [record(7, from, to)] }) } } },
    );
  passes(
    'a dishonesty record that ended on 2023-05-05, the day before the look-back',
    challenge,
    withDishonesty('2021-03-01', '2023-05-05'),
  );
  violates(
    'a record that ended on 2023-05-06, the look-back’s first day',
    challenge,
    withDishonesty('2021-03-01', '2023-05-06'),
    ['2023-05-06', '#7'],
  );
  violates('a record still in force', challenge, withDishonesty('2019-01-01', null));
  passes('a record that starts tomorrow', challenge, withDishonesty('2026-05-07', null));
  passes(
    'an achievement holder with a record in force',
    givenTransfer({ draft: { issuerUnit: UNITS.issuer } }),
    withDishonesty('2025-01-01', null),
  );
  violates(
    'an issuer who gained a record before the award',
    givenChallenge({ bids: [agreedBid('bid-1')] }),
    when(
      'SELECT',
      { bidIds: ['bid-1'] },
      { facts: { units: { [UNITS.issuer]: unit({ dishonesty: [record(8, '2026-05-01')] }) } } },
    ),
  );
});

describeRule(C1_issuer, ({ passes, violates }) => {
  passes(
    'a new R&D institution outside the city',
    transfer,
    issuerIs(UNITS.holder, unit({ type: 'newRdInstitution', inCity: false })),
  );
  violates('an innovation platform', transfer, issuerIs(UNITS.holder, unit({ type: 'platform' })), ['platform']);
  violates('an "other" unit', transfer, issuerIs(UNITS.holder, unit({ type: 'other' })));
  passes(
    'a technology-breakthrough platform issuer (T-1 decides)',
    challenge,
    issuerIs(UNITS.issuer, unit({ type: 'platform' })),
  );
});

describeRule(ST1_members, ({ passes, violates }) => {
  const { solverA: lead, solverB: member } = UNITS;
  passes('an innovation platform as lead', challenge, bidBy([lead], { [lead]: unit({ type: 'platform' }) }));
  passes(
    'an "other" organisation as a consortium member',
    challenge,
    bidBy([lead, member], { [member]: unit({ type: 'other' }) }),
  );
  violates('an "other" organisation as lead', challenge, bidBy([lead], { [lead]: unit({ type: 'other' }) }), [
    'consortium',
  ]);
  violates('a district department as lead', challenge, bidBy([lead], { [lead]: unit({ type: 'districtDept' }) }));
  violates('an unregistered consortium member', challenge, bidBy([lead, member], { [member]: { registered: false } }), [
    member,
  ]);
  passes(
    'an achievement transfer taken up by a district department (S-C1 decides)',
    transfer,
    bidBy([lead], { [lead]: unit({ type: 'districtDept' }) }),
  );
});

describeRule(ST2_bidCredit, ({ passes, violates }) => {
  const { solverA: lead, solverB: member } = UNITS;
  const memberRecord = (to: string | null) =>
    bidBy([lead, member], { [member]: unit({ type: 'institute', misconduct: [record(3, '2021-01-01', to)] }) });
  passes('a member whose misconduct record ended on 2023-05-05', challenge, memberRecord('2023-05-05'));
  violates('a member whose record ended on 2023-05-06', challenge, memberRecord('2023-05-06'), [member, '#3']);
  violates(
    'a lead with a dishonesty record in force',
    challenge,
    bidBy([lead], { [lead]: unit({ dishonesty: [record(4, '2025-01-01')] }) }),
  );
  passes(
    'an achievement-transfer solver with a record in force',
    transfer,
    bidBy([lead], { [lead]: unit({ dishonesty: [record(4, '2025-01-01')] }) }),
  );
});

describeRule(ST2_awardCredit, ({ passes, violates }) => {
  const ctx = givenChallenge({
    bids: [agreedBid('bid-1'), agreedBid('bid-2', { members: [UNITS.solverB], leader: 'b-lead', team: ['b-lead'] })],
  });
  const selectWith = (bidIds: string[]) =>
    when(
      'SELECT',
      { bidIds },
      { facts: { units: { [UNITS.solverB]: unit({ misconduct: [record(5, '2026-05-01')] }) } } },
    );
  passes('a record on a bid that is not selected', ctx, selectWith(['bid-1']));
  violates('a record gained since bidding by a selected bid’s member', ctx, selectWith(['bid-2']), [UNITS.solverB]);
});

describeRule(SC1_members, ({ passes, violates }) => {
  const { solverA: lead, solverB: member } = UNITS;
  passes('an in-city enterprise with legal-person status', transfer, bidBy([lead], { [lead]: unit() }));
  violates('an enterprise outside the city', transfer, bidBy([lead], { [lead]: unit({ inCity: false }) }), [lead]);
  violates(
    'an enterprise without legal-person status',
    transfer,
    bidBy([lead], { [lead]: unit({ legalPerson: false }) }),
  );
  violates('a university as consortium member', transfer, bidBy([lead, member], { [lead]: unit() }), [member]);
  violates('an unregistered solver', transfer, bidBy([lead], { [lead]: { registered: false } }), ['not registered']);
  passes('a technology breakthrough taken up by a university', challenge, bidBy([lead]));
});

describeRule(S5_notAffiliated, ({ passes, violates }) => {
  const { solverA: lead, solverB: member, issuer } = UNITS;
  const linked = (links: ReturnType<typeof affiliation>[]) => unit({ type: 'university', affiliations: links });
  passes('a solver with no link to the issuer', challenge, bidBy([lead]));
  passes(
    'a link to the issuer that ended yesterday',
    challenge,
    bidBy([lead], { [lead]: linked([affiliation(1, issuer, { to: '2026-05-05' })]) }),
  );
  passes('a link to another unit', challenge, bidBy([lead], { [lead]: linked([affiliation(1, UNITS.neutral)]) }));
  violates(
    'a solver the issuer owns',
    challenge,
    bidBy([lead], { [lead]: linked([affiliation(1, issuer, { direction: 'ownedBy', relation: 'subordination' })]) }),
    [`${lead} is subordinate to ${issuer}`, `${lead} 隶属 ${issuer}`, '#1'],
  );
  violates(
    'a solver that holds equity in the issuer',
    challenge,
    bidBy([lead], { [lead]: linked([affiliation(2, issuer)]) }),
    [`${lead} 持股 ${issuer}`],
  );
  violates(
    'a consortium whose second member is linked to the issuer',
    challenge,
    bidBy([lead, member], { [member]: linked([affiliation(3, issuer)]) }),
    [member],
  );
  violates('the issuer bidding on its own challenge', challenge, bidBy([issuer]), ['its own']);

  // Chains of links (machine version 2 facts): "等关联关系" through a common parent or further.
  const { neutral: parent } = UNITS;
  const equity = (id: number, subject: string, object: string, changes: Partial<AffiliationLink> = {}) => ({
    id,
    subject,
    object,
    relation: 'equity' as const,
    from: '2020-01-01',
    to: null,
    ...changes,
  });
  const chained = (...links: AffiliationLink[]) =>
    bidBy([lead], {
      [lead]: unit({ type: 'university', affiliations: [], affiliationChains: [{ target: issuer, links }] }),
    });
  violates(
    'a solver sharing a parent company with the issuer',
    challenge,
    chained(equity(7, parent, lead), equity(8, parent, issuer)),
    [`${parent} 持股 ${lead}，${parent} 持股 ${issuer}`, '#7, #8'],
  );
  violates(
    'a chain of 3 links (the default depth)',
    challenge,
    chained(equity(7, lead, 'U-X'), equity(8, 'U-Y', 'U-X'), equity(9, 'U-Y', issuer, { relation: 'subordination' })),
    [`${issuer} 隶属 U-Y`],
  );
  passes(
    'a chain of 4 links (beyond the default depth of 3)',
    challenge,
    chained(equity(7, lead, 'U-X'), equity(8, 'U-X', 'U-Y'), equity(9, 'U-Y', 'U-Z'), equity(10, 'U-Z', issuer)),
  );
  violates(
    'a chain of 4 links where the programme sets a depth of 4',
    givenChallenge({
      settings: { ...challenge.settings, restrictions: { ...challenge.settings.restrictions, affiliationDepth: 4 } },
    }),
    chained(equity(7, lead, 'U-X'), equity(8, 'U-X', 'U-Y'), equity(9, 'U-Y', 'U-Z'), equity(10, 'U-Z', issuer)),
  );
  passes(
    'a common parent whose stake in the issuer ended yesterday',
    challenge,
    chained(equity(7, parent, lead), equity(8, parent, issuer, { to: '2026-05-05' })),
  );
});

describeRule(Q23_bidTeam, ({ passes, violates }) => {
  const payload = bidPayload();
  passes(
    'a leader and team with accounts',
    challenge,
    when('BID', payload, { facts: bidFacts(payload.members, payload.team) }),
  );
  violates(
    'a team member without an account',
    challenge,
    when('BID', payload, {
      facts: bidFacts(payload.members, payload.team, { persons: { 'a-m1': { registered: false } } }),
    }),
    ['a-m1'],
  );
  violates(
    'a leader not on the team and without an account',
    challenge,
    when('BID', bidPayload({ leader: 'x-lead' }), { facts: bidFacts(payload.members, payload.team) }),
    ['x-lead'],
  );
});

describeRule(X12_bidTeamOfMembers, ({ passes, violates }) => {
  const { solverA: lead, solverB: member, neutral: rival } = UNITS;
  const payload = bidPayload({ members: [lead, member], leader: 'a-lead', team: ['a-lead', 'a-m1', 'b-m1'] });
  const bidWith = (persons: EventFacts['persons']) =>
    when('BID', payload, { facts: bidFacts(payload.members, payload.team, { persons }) });
  passes('a team drawn from the lead and a member unit', challenge, bidWith({ 'b-m1': person({ unit: member }) }));
  violates("a rival unit's project leader in the team", challenge, bidWith({ 'b-m1': person({ unit: rival }) }), [
    'b-m1',
  ]);
  violates('a leader of another unit', challenge, bidWith({ 'a-lead': person({ unit: rival }) }), ['a-lead']);
  passes('a person without an account (Q-2/3 names them)', challenge, bidWith({ 'b-m1': { registered: false } }));
});

describeRule(X12_draftTeamOfIssuer, ({ passes, violates }) => {
  const submitWith = (persons: EventFacts['persons']) =>
    when('SUBMIT', { confirmDetails: true }, { facts: submissionFacts(challenge, { persons }) });
  const [leader, member] = challenge.draft.team as [string, string];
  passes("the issuing unit's own people", challenge, submitWith({}));
  violates("another unit's person in the team", challenge, submitWith({ [member]: person({ unit: UNITS.solverA }) }), [
    member,
  ]);
  violates('a leader of another unit', challenge, submitWith({ [leader]: person({ unit: UNITS.solverA }) }), [leader]);
});
