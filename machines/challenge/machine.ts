/**
 * The nine stages of the guide (rules.md §3) as one statechart, readable top to bottom. Each
 * stage says what it is: its Chinese name and number (`meta`), and `tags` the rest of the
 * service asks instead of comparing stage names — `application` (a live application of this
 * year), `project` (an awarded project, 市级在研), `published` (the call is public),
 * `bidsUnderReview` / `tracksAwarded` (which of its parties count in §4), `bureauReview`
 * (the bureau alone decides on the demand), `outcome` (final). The deadline that runs in a state is the system
 * event it takes (its due time is in the event's definition).
 *
 * Every transition an event can take is guarded by `rulesAllow` — the event's rules (stages/)
 * found nothing — so a refusal can always be explained with clause IDs. Outcomes are final
 * states: nothing leaves them. Pure: no clock, no I/O; time comes in `event.at`.
 */
import { and, assign, setup } from 'xstate';
import { initialContext, outcome } from './context.js';
import { applyEvent, type ChallengeEvent, violationsOf } from './events.js';
import { activeTracks, agreedBids, isHorseRace, requiredBids } from './selectors.js';
import type { ChallengeContext, CreateInput } from './types.js';

/** The outcomes: the chart's final states (below), each keeping its full history. */
export type OutcomeKind = 'withdrawn' | 'notAccepted' | 'rejected' | 'unfilled' | 'terminated' | 'closed';

const accept = <T extends string | undefined>(target?: T) => ({
  guard: 'rulesAllow' as const,
  target,
  actions: 'apply' as const,
});
type BranchGuard =
  | 'enoughAgreedBids'
  | 'objectionUpheld'
  | 'noOpenObjection'
  | 'lastObjectionDismissed'
  | 'completesReports'
  | 'isRectify';
const acceptIf = <T extends string>(guard: BranchGuard, target: T) => ({
  guard: and(['rulesAllow', guard]),
  target,
  actions: 'apply' as const,
});
const end = (kind: OutcomeKind, clause: string | null = null) => ({
  guard: 'rulesAllow' as const,
  target: `#challenge.${kind}`,
  actions: ['apply' as const, { type: 'setOutcome' as const, params: { kind, clause } }],
});

/** What the chart's stages carry for the rest of the service (`meta`). */
export interface StageMeta {
  /** The stage's Chinese name, as the guide and every page show it. */
  zh: string;
  /** Its number among the nine stages of §3; outcomes have none. */
  order?: number;
}

const machineSetup = setup({
  types: {
    context: {} as ChallengeContext,
    events: {} as ChallengeEvent,
    input: {} as CreateInput,
    tags: {} as
      | 'application'
      | 'project'
      | 'published'
      | 'bidsUnderReview'
      | 'biddingOpen'
      | 'noticeOpen'
      | 'tracksAwarded'
      | 'bureauReview'
      | 'outcome',
    meta: {} as StageMeta,
  },
  guards: {
    /** The event's rules (its definition in stages/) found no violation. */
    rulesAllow: ({ context, event }) => violationsOf(context, event).length === 0,
    /** Enough agreed bids for expert review: one, or two in a horse race (H-3). */
    enoughAgreedBids: ({ context }) => agreedBids(context).length >= requiredBids(context),
    /** A horse race (赛马制): its unfilled ending cites H-3 (fewer than two teams). */
    isHorseRace: ({ context }) => isHorseRace(context),
    objectionUpheld: ({ event }) => event.type === 'RESOLVE_OBJECTION' && event.upheld,
    noOpenObjection: ({ context }) => !context.objections.some((o) => o.status === 'open'),
    /** This dismissal closes the last open objection of a notice that has ended. */
    lastObjectionDismissed: ({ context, event }) =>
      event.type === 'RESOLVE_OBJECTION' &&
      !event.upheld &&
      !context.objections.some((o) => o.status === 'open' && o.objectionId !== event.objectionId),
    /** This decision stops the last track still running (H-5): the project terminates. */
    stopsLastTrack: ({ context, event }) =>
      event.type === 'MIDTERM_DECISION' &&
      event.decision === 'stop' &&
      activeTracks(context).every((t) => t.trackId === event.trackId),
    /** After this report every running track has reported: the acceptance review starts. */
    completesReports: ({ context, event }) =>
      event.type === 'SUBMIT_FINAL_REPORT' &&
      activeTracks(context).every((t) => t.status === 'reported' || t.trackId === event.trackId),
    isRectify: ({ event }) => event.type === 'ACCEPTANCE_DECISION' && event.result === 'rectify',
  },
  actions: {
    apply: assign(({ context, event }) => applyEvent(context, event)),
    setOutcome: assign(({ event }, params: { kind: OutcomeKind; clause: string | null }) =>
      outcome(event, params.kind, params.clause),
    ),
  },
});

const stages = {
  collection: {
    description: 'The issuer drafts its demand and submits it inside the window.',
    meta: { zh: '榜单征集', order: 1 },
    initial: 'draft',
    states: {
      draft: {
        on: {
          UPDATE: accept(),
          ATTACH: accept(),
          SUBMIT: accept('#challenge.review'),
          WITHDRAW: end('withdrawn'),
          SUBMISSION_WINDOW_CLOSED: end('notAccepted', 'W-3'),
        },
      },
    },
  },
  review: {
    description: 'The district recommends the demand; the bureau checks its form.',
    meta: { zh: '审核推荐', order: 2 },
    tags: ['application'],
    initial: 'awaitingRecommendation',
    on: {
      WITHDRAW: end('withdrawn'),
      RETURN: accept('#challenge.collection'),
      DECLINE: end('rejected'),
    },
    states: {
      awaitingRecommendation: {
        on: {
          RECOMMEND: accept('formalCheck'),
          RECOMMENDATION_DEADLINE_PASSED: end('notAccepted', 'W-3'),
        },
      },
      formalCheck: {
        on: { PASS_FORMAL_CHECK: accept('#challenge.publication') },
      },
    },
  },
  publication: {
    description: 'The bureau reviews the demand and publishes the call.',
    meta: { zh: '榜单发布', order: 3 },
    tags: ['application', 'bureauReview'],
    initial: 'demandReview',
    on: {
      DECLINE: end('rejected'),
      PUBLISH: accept('#challenge.matching'),
    },
    states: {
      demandReview: { on: { APPROVE_DEMAND: accept('approved') } },
      approved: {},
    },
  },
  matching: {
    description: 'Solvers bid; the issuer agrees funding with the bids to be reviewed.',
    meta: { zh: '揭榜对接', order: 4 },
    tags: ['application', 'published', 'bidsUnderReview'],
    initial: 'bidding',
    states: {
      /** The public list's "open" filter (issue 12) reads this tag. */
      bidding: {
        tags: ['biddingOpen'],
        on: {
          BID: accept(),
          WITHDRAW_BID: accept(),
          AGREE: accept(),
          EXTEND_BIDDING: accept(),
          CLOSE_MATCHING: [acceptIf('enoughAgreedBids', '#challenge.expertReview'), end('unfilled')],
          BIDDING_CLOSED: [
            acceptIf('enoughAgreedBids', '#challenge.expertReview'),
            {
              guard: and(['rulesAllow', 'isHorseRace']),
              target: '#challenge.unfilled',
              actions: ['apply', { type: 'setOutcome', params: { kind: 'unfilled', clause: 'H-3' } }],
            },
            end('unfilled'),
          ],
          DECLARE_UNFILLED: end('unfilled'),
        },
      },
    },
  },
  expertReview: {
    description: 'A panel free of conflicts scores the agreed bids; the bureau selects.',
    meta: { zh: '专家评榜', order: 5 },
    tags: ['application', 'published', 'bidsUnderReview'],
    initial: 'panelPending',
    on: { DECLARE_UNFILLED: end('unfilled') },
    states: {
      panelPending: { on: { ASSIGN_PANEL: accept('scoring') } },
      scoring: {
        on: {
          ASSIGN_PANEL: accept(),
          SCORE: accept(),
          SELECT: accept('#challenge.announcement'),
        },
      },
    },
  },
  announcement: {
    description: 'The selection is on public notice; objections are lodged and resolved.',
    meta: { zh: '开榜公告', order: 6 },
    tags: ['application', 'published', 'tracksAwarded'],
    initial: 'notice',
    states: {
      /** The public notice takes objections from anyone while this tag holds (issue 12). */
      notice: {
        tags: ['noticeOpen'],
        on: {
          OBJECT: accept(),
          RESOLVE_OBJECTION: [acceptIf('objectionUpheld', '#challenge.expertReview.scoring'), accept()],
          NOTICE_PERIOD_ENDED: [acceptIf('noOpenObjection', '#challenge.disbursement'), accept('objectionsPending')],
        },
      },
      /** The notice is over but objections are still open: the bureau resolves them first. */
      objectionsPending: {
        on: {
          RESOLVE_OBJECTION: [
            acceptIf('objectionUpheld', '#challenge.expertReview.scoring'),
            acceptIf('lastObjectionDismissed', '#challenge.disbursement'),
            accept(),
          ],
        },
      },
    },
  },
  disbursement: {
    description: 'Contracts are registered; challenge money is paid and the city disburses against it.',
    meta: { zh: '资金拨付', order: 7 },
    tags: ['project', 'published', 'tracksAwarded'],
    initial: 'funding',
    states: {
      funding: {
        on: {
          REGISTER_CONTRACT: accept(),
          RECORD_PAYMENT: accept(),
          DISBURSE: accept(),
          START_IMPLEMENTATION: accept('#challenge.management'),
        },
      },
    },
  },
  management: {
    description: 'The work runs: progress, midterm decisions, changes, until the period ends.',
    meta: { zh: '项目管理', order: 8 },
    tags: ['project', 'published', 'tracksAwarded'],
    initial: 'implementing',
    states: {
      implementing: {
        on: {
          RECORD_PAYMENT: accept(),
          DISBURSE: accept(),
          REPORT_PROGRESS: accept(),
          MIDTERM_DECISION: [
            {
              guard: and(['rulesAllow', 'stopsLastTrack']),
              target: '#challenge.terminated',
              actions: ['apply', { type: 'setOutcome', params: { kind: 'terminated', clause: 'H-5' } }],
            },
            accept(),
          ],
          APPROVE_CHANGE: accept(),
          TERMINATE: end('terminated'),
          SUBMIT_FINAL_REPORT: [acceptIf('completesReports', '#challenge.evaluation.underReview'), accept()],
          PERIOD_ENDED: accept('#challenge.evaluation'),
        },
      },
    },
  },
  evaluation: {
    description: 'Final reports, the acceptance decision (one rectification), or overdue.',
    meta: { zh: '总结评价', order: 9 },
    tags: ['project', 'published', 'tracksAwarded'],
    initial: 'awaitingReport',
    on: { ACCEPTANCE_OVERDUE: accept() },
    states: {
      awaitingReport: {
        on: {
          SUBMIT_FINAL_REPORT: [acceptIf('completesReports', 'underReview'), accept()],
        },
      },
      underReview: {
        on: {
          ACCEPTANCE_DECISION: [acceptIf('isRectify', 'rectifying'), end('closed', 'X-3')],
        },
      },
      /**
       * One rectification; the next decision is passed or failed. When `rectifyMonths` pass
       * first, the challenge stays here, listed as overdue, until the bureau decides.
       */
      rectifying: {
        on: { ACCEPTANCE_DECISION: end('closed', 'X-3'), RECTIFICATION_OVERDUE: accept() },
      },
    },
  },
  // Outcomes: final, every one keeps its full history.
  withdrawn: { type: 'final', meta: { zh: '撤回' }, tags: ['outcome'] },
  notAccepted: { type: 'final', meta: { zh: '不予受理' }, tags: ['outcome'] },
  rejected: { type: 'final', meta: { zh: '未通过' }, tags: ['outcome'] },
  unfilled: { type: 'final', meta: { zh: '流榜' }, tags: ['outcome', 'published'] },
  terminated: { type: 'final', meta: { zh: '终止' }, tags: ['outcome', 'published'] },
  closed: { type: 'final', meta: { zh: '结题归档' }, tags: ['outcome', 'published'] },
} satisfies NonNullable<Parameters<typeof machineSetup.createMachine>[0]['states']>;

export const challengeMachine = machineSetup.createMachine({
  id: 'challenge',
  context: ({ input }) => initialContext(input),
  initial: 'collection',
  states: stages,
});

/** A stage: one of the nine of §3, or an outcome. The compiler checks every use. */
export type Stage = keyof typeof stages;
/** A tag a stage carries (see the top of this file). */
export type StageTag = (typeof stages)[Stage] extends infer S
  ? S extends { tags: readonly (infer T)[] }
    ? T
    : never
  : never;

export type ChallengeMachine = typeof challengeMachine;

/**
 * The chart under the rules and reducers of an older machine `version`: the rules added later
 * (`since`) are not checked and the reducers record what that version recorded, so a history
 * recorded under it replays exactly (versions.ts registers it).
 */
export function challengeMachineAt(version: number): ChallengeMachine {
  return challengeMachine.provide({
    guards: { rulesAllow: ({ context, event }) => violationsOf(context, event, version).length === 0 },
    actions: { apply: assign(({ context, event }) => applyEvent(context, event, version)) },
  }) as ChallengeMachine;
}
export type ChallengeSnapshot = ReturnType<ChallengeMachine['resolveState']>;
