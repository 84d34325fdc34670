/** Expert review (stage 5): the panel and its conflicts, the scores, and the selection. */
import type { EventFacts } from '../../../machines/challenge/facts.js';
import {
  H1_distinctRoutes,
  H3_selectCount,
  P1_scoredBidUnderReview,
  P1_selectedAgreed,
  P4_allScored,
  X6_panelSize,
  X6_scorerOnPanel,
  X7_noConflictDeclared,
  X7_panelConflicts,
  X11_passMark,
} from '../../../machines/challenge/rules/review.js';
import type { Score } from '../../../machines/challenge/types.js';
import { describeRule } from './describe-rule.js';
import { affiliation, agreedBid, bid, givenChallenge, givenHorseRace, person, UNITS, unit, when } from './given.js';

const PANEL = ['e1', 'e2', 'e3', 'e4', 'e5'];
const challenge = givenChallenge();

/** The panel's scores of `bidId`, one per expert in panel order. */
const scored = (bidId: string, values: readonly number[]): Score[] =>
  values.map((score, i) => ({
    expert: PANEL[i] ?? `e${i + 1}`,
    bidId,
    score,
    comment: '',
    at: '2026-07-10T10:00:00+08:00',
  }));

describeRule(X6_panelSize, ({ passes, violates }) => {
  const assign = (experts: string[]) => when('ASSIGN_PANEL', { experts });
  passes('a panel of 5', challenge, assign(PANEL));
  violates('a panel of 4', challenge, assign(PANEL.slice(0, 4)), ['4']);
  violates('a panel of 6', challenge, assign([...PANEL, 'e6']), ['6']);
  violates('a panel of 5 naming one expert twice', challenge, assign([...PANEL.slice(0, 4), 'e1']), ['once']);
});

describeRule(X7_panelConflicts, ({ passes, violates }) => {
  const ctx = givenChallenge({ bids: [bid('bid-1'), bid('bid-2', { members: [UNITS.solverB], withdrawn: true })] });
  /** Every expert of the panel from `expertUnit`, whose facts are `unitFacts`. */
  const panelFrom = (expertUnit: string, units: EventFacts['units'] = {}) =>
    when(
      'ASSIGN_PANEL',
      { experts: PANEL },
      {
        facts: { persons: Object.fromEntries(PANEL.map((e) => [e, person({ unit: expertUnit })])), units },
      },
    );
  passes('experts from an unrelated unit', ctx, panelFrom(UNITS.neutral, { [UNITS.neutral]: unit() }));
  violates('experts from the issuer', ctx, panelFrom(UNITS.issuer), ['works for the issuer']);
  violates('experts from the bidding unit', ctx, panelFrom(UNITS.solverA), ['bidding unit']);
  passes('experts from a unit whose bid was withdrawn', ctx, panelFrom(UNITS.solverB));
  violates(
    'experts from the issuer’s parent company',
    ctx,
    panelFrom(UNITS.neutral, { [UNITS.neutral]: unit({ affiliations: [affiliation(4, UNITS.issuer)] }) }),
    ['#4'],
  );
  violates(
    'experts from a company the bidding unit holds equity in',
    ctx,
    panelFrom(UNITS.neutral, {
      [UNITS.neutral]: unit({ affiliations: [affiliation(5, UNITS.solverA, { direction: 'ownedBy' })] }),
    }),
    [UNITS.solverA],
  );
  passes(
    'experts from a unit whose link to the issuer ended yesterday',
    ctx,
    panelFrom(UNITS.neutral, {
      [UNITS.neutral]: unit({ affiliations: [affiliation(6, UNITS.issuer, { to: '2026-05-05' })] }),
    }),
  );
  violates(
    'experts from a sister company of the bidding unit (a common parent, version 2 facts)',
    ctx,
    panelFrom(UNITS.neutral, {
      [UNITS.neutral]: unit({
        affiliationChains: [
          {
            target: UNITS.solverA,
            links: [
              { id: 11, subject: 'U-PARENT', object: UNITS.neutral, relation: 'equity', from: '2020-01-01', to: null },
              {
                id: 12,
                subject: 'U-PARENT',
                object: UNITS.solverA,
                relation: 'subordination',
                from: '2020-01-01',
                to: null,
              },
            ],
          },
        ],
      }),
    }),
    [`U-PARENT 持股 ${UNITS.neutral}，${UNITS.solverA} 隶属 U-PARENT`],
  );
  violates('an expert the registry does not know', ctx, when('ASSIGN_PANEL', { experts: ['e9'] }, { facts: {} }), [
    'e9',
  ]);
});

const underReview = givenChallenge({
  panel: PANEL,
  bids: [agreedBid('bid-1'), bid('bid-2'), agreedBid('bid-3', { withdrawn: true })],
});
const scoreBy = (expert: string | undefined, bidId = 'bid-1', noConflictDeclared = true) =>
  when(
    'SCORE',
    { bidId, score: 80, comment: '良好', noConflictDeclared },
    {
      actor: { id: 'expert-token', role: 'expert', ...(expert === undefined ? {} : { person: expert }) },
    },
  );

describeRule(X6_scorerOnPanel, ({ passes, violates }) => {
  passes('a score by a panel member', underReview, scoreBy('e5'));
  violates('a score by an expert not on the panel', underReview, scoreBy('e6'));
  violates('a score by a token without a person', underReview, scoreBy(undefined));
});

describeRule(P1_scoredBidUnderReview, ({ passes, violates }) => {
  passes('a score of an agreed bid', underReview, scoreBy('e1', 'bid-1'));
  violates('a score of a bid not agreed', underReview, scoreBy('e1', 'bid-2'), ['bid-2']);
  violates('a score of an agreed bid since withdrawn', underReview, scoreBy('e1', 'bid-3'));
});

describeRule(X7_noConflictDeclared, ({ passes, violates }) => {
  passes('an expert declaring no conflict', underReview, scoreBy('e1', 'bid-1', true));
  violates('an expert not declaring it', underReview, scoreBy('e1', 'bid-1', false), ['noConflictDeclared']);
});

const select = (...bidIds: string[]) => when('SELECT', { bidIds });

describeRule(P4_allScored, ({ passes, violates }) => {
  const twoAgreed = { panel: PANEL, bids: [agreedBid('bid-1'), agreedBid('bid-2')] };
  const allScores = [...scored('bid-1', [70, 70, 70, 70, 70]), ...scored('bid-2', [70, 70, 70, 70, 70])];
  passes('every expert scored every agreed bid', givenChallenge({ ...twoAgreed, scores: allScores }), select('bid-1'));
  violates(
    'one expert has not scored the bid not selected',
    givenChallenge({ ...twoAgreed, scores: allScores.slice(0, -1) }),
    select('bid-1'),
    ['e5→bid-2'],
  );
  violates('no panel yet', givenChallenge({ bids: [agreedBid('bid-1')] }), select('bid-1'), ['panel']);
});

describeRule(P1_selectedAgreed, ({ passes, violates }) => {
  passes('an agreed bid', underReview, select('bid-1'));
  violates('a bid not agreed', underReview, select('bid-2'), ['bid-2']);
  violates('an agreed bid named twice', underReview, select('bid-1', 'bid-1'), ['once']);
});

describeRule(H3_selectCount, ({ passes, violates }) => {
  passes('a single-track challenge and one bid', challenge, select('bid-1'));
  violates('a single-track challenge and two bids', challenge, select('bid-1', 'bid-2'), ['exactly one']);
  passes('a horse race and two bids', givenHorseRace(), select('bid-1', 'bid-2'));
  violates('a horse race and one bid', givenHorseRace(), select('bid-1'), ['at least two']);
});

describeRule(H1_distinctRoutes, ({ passes, violates }) => {
  const onRoutes = (second: string) =>
    givenHorseRace({ bids: [agreedBid('bid-1', { route: 'route-a' }), agreedBid('bid-2', { route: second })] });
  passes('a horse race and two teams on different routes', onRoutes('route-b'), select('bid-1', 'bid-2'));
  violates('a horse race and two teams on one route', onRoutes('route-a'), select('bid-1', 'bid-2'), [
    'different routes',
  ]);
  passes('a horse race and one team (H-3 reports it)', onRoutes('route-a'), select('bid-1'));
});

describeRule(X11_passMark, ({ passes, violates }) => {
  const scoring = (values: number[]) =>
    givenChallenge({ panel: PANEL, bids: [agreedBid('bid-1')], scores: scored('bid-1', values) });
  passes('scores trimming to a mean of exactly 60', scoring([50, 60, 60, 60, 70]), select('bid-1'));
  violates('scores trimming to 59.67', scoring([50, 59, 60, 60, 70]), select('bid-1'), ['59.67']);
  violates('a plain mean of 67.2 that trims to 59', scoring([59, 59, 59, 59, 100]), select('bid-1'), ['59.00']);
  passes('low scores with one still missing (P-4 reports it)', scoring([10, 10, 10, 10]), select('bid-1'));
});
