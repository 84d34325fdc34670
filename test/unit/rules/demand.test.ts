/**
 * What a demand states (§2, §5): content, amounts, attachments, the horse race's shape, and the
 * approval before publication. A rule of one kind of challenge passes the other kind.
 */
import { justAfter } from '../../../machines/calendar.js';
import {
  C22_ipAndMarket,
  C23_supportTeam,
  H1_enterpriseIssuer,
  H1_horseRaceShape,
  H2_routeInvestment,
  Q1a_totalInvestment,
  Q1d_period,
  Q4_formAndPledges,
  Q5C_evidence,
  Q5T_evidence,
  Q9_ethics,
  Q10_notClassified,
  Q10_notMarkedClassified,
  Q12_publishAfterApproval,
  Q23_registeredAndConfirmed,
  T24_demandStated,
  T25_endUser,
} from '../../../machines/challenge/rules/demand.js';
import type { AttachmentKind } from '../../../machines/challenge/schemas.js';
import { TECH_ATTACHMENTS, TRANSFER_ATTACHMENTS } from '../../helpers/drafts.js';
import { describeRule } from './describe-rule.js';
import {
  AT,
  attached,
  givenChallenge,
  givenHorseRace,
  givenTransfer,
  person,
  submissionFacts,
  twoRoutes,
  UNITS,
  unit,
  when,
} from './given.js';

const submit = when('SUBMIT', { confirmDetails: true });
const without = (kinds: readonly AttachmentKind[], missing: AttachmentKind) => kinds.filter((k) => k !== missing);

describeRule(Q23_registeredAndConfirmed, ({ passes, violates }) => {
  const ctx = givenChallenge();
  const submitWith = (facts = submissionFacts(ctx), confirmDetails = true) =>
    when('SUBMIT', { confirmDetails }, { facts });
  passes('registered units and persons, leader first', ctx, submitWith());
  violates('the applicant has not confirmed the details', ctx, submitWith(submissionFacts(ctx), false), [
    'confirmDetails',
  ]);
  violates(
    'an unregistered issuing unit',
    ctx,
    submitWith(submissionFacts(ctx, { units: { [UNITS.issuer]: { registered: false } } })),
    [UNITS.issuer],
  );
  violates(
    'a recommending unit that is not a district S&T department',
    ctx,
    submitWith(submissionFacts(ctx, { units: { [UNITS.district]: unit() } })),
    [UNITS.district],
  );
  violates(
    'a team member without an account',
    ctx,
    submitWith(submissionFacts(ctx, { persons: { 'p-m2': { registered: false } } })),
    ['p-m2'],
  );
  const leaderSecond = givenChallenge({ draft: { team: ['p-m1', 'p-lead'] } });
  violates('a team that lists the leader second', leaderSecond, submitWith(submissionFacts(leaderSecond)));
  passes(
    'a team whose members all have accounts, one of them of another unit',
    ctx,
    submitWith(submissionFacts(ctx, { persons: { 'p-m2': person({ unit: UNITS.neutral }) } })),
  );
});

describeRule(Q10_notClassified, ({ passes, violates }) => {
  passes('a draft not marked classified', givenChallenge(), submit);
  violates('a draft marked classified', givenChallenge({ draft: { classified: true } }), submit, ['市科技局']);
});

describeRule(Q10_notMarkedClassified, ({ passes, violates }) => {
  passes('an update that marks the draft not classified', givenChallenge(), when('UPDATE', { classified: false }));
  passes('an update that leaves the flag alone', givenChallenge(), when('UPDATE', { title: '新标题' }));
  violates('an update that marks the draft classified', givenChallenge(), when('UPDATE', { classified: true }));
});

describeRule(T24_demandStated, ({ passes, violates }) => {
  const smallest = { indicators: ['一项指标'], periodMonths: 1, investment: { ownPilotCny: 0, solverFundingCny: 1 } };
  passes('the smallest full statement: 1 indicator, 1 month, 1 CNY', givenChallenge({ draft: smallest }), submit);
  violates('no indicators', givenChallenge({ draft: { indicators: [] } }), submit, ['indicators']);
  violates('a period of 0 months', givenChallenge({ draft: { periodMonths: 0 } }), submit, ['periodMonths']);
  violates('a blank IP ownership', givenChallenge({ draft: { ipOwnership: '   ' } }), submit, ['ipOwnership']);
  violates(
    'no R&D funds for the solver',
    givenChallenge({ draft: { investment: { ownPilotCny: 5_000_000, solverFundingCny: 0 } } }),
    submit,
    ['investment.solverFundingCny'],
  );
  violates('no conditions for solvers', givenChallenge({ draft: { solverConditions: '' } }), submit, [
    'solverConditions',
  ]);
  passes(
    'an achievement transfer with no indicators (C-2.2 asks that)',
    givenTransfer({ draft: { indicators: [] } }),
    submit,
  );
});

describeRule(T25_endUser, ({ passes, violates }) => {
  passes('an issuer attesting it is the end user', givenChallenge(), submit);
  violates('an issuer that is not the end user', givenChallenge({ draft: { endUserAttested: false } }), submit);
  passes(
    'an achievement holder that is not the end user',
    givenTransfer({ draft: { endUserAttested: false } }),
    submit,
  );
});

describeRule(C22_ipAndMarket, ({ passes, violates }) => {
  passes('an achievement with IP, market and indicators', givenTransfer(), submit);
  violates('an achievement without IP ownership', givenTransfer({ draft: { ipOwnership: ' ' } }), submit, [
    'ipOwnership',
  ]);
  violates('an achievement without a market', givenTransfer({ draft: { solverConditions: '' } }), submit, [
    'solverConditions',
  ]);
  violates('an achievement without indicators', givenTransfer({ draft: { indicators: [] } }), submit, ['indicators']);
  passes(
    'a technology breakthrough with a blank IP ownership (T-2.4 asks that)',
    givenChallenge({ draft: { ipOwnership: '' } }),
    submit,
  );
});

describeRule(C23_supportTeam, ({ passes, violates }) => {
  passes('an achievement transfer with the leader and one member', givenTransfer(), submit);
  violates('an achievement transfer with the leader alone', givenTransfer({ draft: { team: ['t-lead'] } }), submit);
  passes('a technology breakthrough with the leader alone', givenChallenge({ draft: { team: ['p-lead'] } }), submit);
});

describeRule(Q1a_totalInvestment, ({ passes, violates }) => {
  const investing = (ownPilotCny: number, solverFundingCny: number) => ({
    investment: { ownPilotCny, solverFundingCny },
  });
  passes(
    '2,000,000 own spend + 3,000,000 to the solver: exactly 5,000,000',
    givenChallenge({ draft: investing(2_000_000, 3_000_000) }),
    submit,
  );
  violates('1,999,999 + 3,000,000: 4,999,999', givenChallenge({ draft: investing(1_999_999, 3_000_000) }), submit, [
    '4,999,999 CNY',
    '5,000,000 CNY',
  ]);
  violates(
    'an achievement transfer investing 4,999,999',
    givenTransfer({ draft: investing(999_999, 4_000_000) }),
    submit,
  );
});

describeRule(Q1d_period, ({ passes, violates }) => {
  passes('a period of 36 months', givenChallenge({ draft: { periodMonths: 36 } }), submit);
  violates('a period of 37 months', givenChallenge({ draft: { periodMonths: 37 } }), submit, ['37 months']);
  violates('an achievement transfer of 37 months', givenTransfer({ draft: { periodMonths: 37 } }), submit);
});

describeRule(Q4_formAndPledges, ({ passes, violates }) => {
  passes('the form and both pledges attached', givenChallenge({ attachments: attached(TECH_ATTACHMENTS) }), submit);
  for (const missing of ['applicationForm', 'unitPledge', 'leaderPledge'] as const)
    violates(
      `every attachment but ${missing}`,
      givenChallenge({ attachments: attached(without(TECH_ATTACHMENTS, missing)) }),
      submit,
      [missing],
    );
  violates('an achievement transfer with no attachments', givenTransfer(), submit, ['unitPledge', 'leaderPledge']);
});

describeRule(Q5T_evidence, ({ passes, violates }) => {
  passes(
    'audit reports, capacity and team evidence attached',
    givenChallenge({ attachments: attached(TECH_ATTACHMENTS) }),
    submit,
  );
  for (const missing of ['auditReport2024', 'auditReport2025', 'capacityEvidence', 'teamEvidence'] as const)
    violates(
      `every attachment but ${missing}`,
      givenChallenge({ attachments: attached(without(TECH_ATTACHMENTS, missing)) }),
      submit,
      [missing],
    );
  passes(
    'an achievement transfer without audit reports',
    givenTransfer({ attachments: attached(TRANSFER_ATTACHMENTS) }),
    submit,
  );
});

describeRule(Q5C_evidence, ({ passes, violates }) => {
  passes(
    'prior tasks, tests, IP documents and support team attached',
    givenTransfer({ attachments: attached(TRANSFER_ATTACHMENTS) }),
    submit,
  );
  for (const missing of ['priorTasks', 'indicatorTests', 'ipDocuments', 'supportTeam'] as const)
    violates(
      `every attachment but ${missing}`,
      givenTransfer({ attachments: attached(without(TRANSFER_ATTACHMENTS, missing)) }),
      submit,
      [missing],
    );
  passes(
    'a technology breakthrough without IP documents',
    givenChallenge({ attachments: attached(TECH_ATTACHMENTS) }),
    submit,
  );
});

describeRule(Q9_ethics, ({ passes, violates }) => {
  const sensitive = { ethicsSensitive: true };
  passes(
    'ethics-sensitive work with its ethics review',
    givenChallenge({ draft: sensitive, attachments: attached(['ethicsReview']) }),
    submit,
  );
  violates('ethics-sensitive work without an ethics review', givenChallenge({ draft: sensitive }), submit, [
    'ethicsReview',
  ]);
  violates('an ethics-sensitive achievement transfer without one', givenTransfer({ draft: sensitive }), submit);
  passes('work not flagged ethics-sensitive, without one', givenChallenge(), submit);
});

describeRule(H1_horseRaceShape, ({ passes, violates }) => {
  const routes = (...names: string[]) => ({ horseRace: { routes: names.map((name) => ({ name, investmentCny: 1 })) } });
  passes('a technology breakthrough racing on two routes', givenHorseRace(), submit);
  violates('a horse race on one route', givenChallenge({ draft: routes('route-a') }), submit, ['two different']);
  violates('a horse race naming one route twice', givenChallenge({ draft: routes('route-a', 'route-a') }), submit);
  violates(
    'an achievement transfer posted as a horse race',
    givenTransfer({ draft: { horseRace: twoRoutes } }),
    submit,
    ['achievement transfer'],
  );
  passes('a challenge that is not a horse race', givenChallenge(), submit);
});

describeRule(H2_routeInvestment, ({ passes, violates }) => {
  const investing = (second: number) => ({
    horseRace: {
      routes: [
        { name: 'route-a', investmentCny: 1 },
        { name: 'route-b', investmentCny: second },
      ],
    },
  });
  passes('every route with 1 CNY or more', givenChallenge({ draft: investing(1) }), submit);
  violates('a route with no investment stated', givenChallenge({ draft: investing(0) }), submit, ['route-b']);
});

describeRule(Q12_publishAfterApproval, ({ passes, violates }) => {
  const approved = givenChallenge({ demandApprovedAt: '2026-06-20T10:00:00+08:00' });
  const publishClosing = (biddingClosesAt: string) => when('PUBLISH', { biddingClosesAt });
  passes('an approved demand, bidding closing 1 ms from now', approved, publishClosing(justAfter(AT)));
  violates('a demand not yet approved', givenChallenge(), publishClosing('2026-08-31T17:00:00+08:00'), [
    'APPROVE_DEMAND',
  ]);
  violates('an approved demand, bidding closing now', approved, publishClosing(AT));
});

describeRule(H1_enterpriseIssuer, ({ passes, violates }) => {
  const submitBy = (type: string) =>
    when('SUBMIT', { confirmDetails: true }, { facts: { units: { [UNITS.issuer]: unit({ type }) } } });
  passes('a horse race posted by an enterprise', givenHorseRace(), submitBy('enterprise'));
  violates('a horse race posted by a research institute', givenHorseRace(), submitBy('institute'), [
    'institute',
    '企业',
  ]);
  passes('a single-track demand posted by a research institute', givenChallenge(), submitBy('institute'));
  passes(
    'an unregistered issuer (Q-2/3 reports it)',
    givenHorseRace(),
    when('SUBMIT', { confirmDetails: true }, { facts: { units: { [UNITS.issuer]: { registered: false } } } }),
  );
});
