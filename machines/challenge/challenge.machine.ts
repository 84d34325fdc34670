/**
 * The nine stages of the guide (rules.md §3) as one statechart, readable top to bottom.
 * Every transition an event can take is guarded by `rulesAllow` — the event's checks in
 * rules.ts found nothing — so a refusal can always be explained with clause IDs. Outcomes are
 * final states: nothing leaves them. Pure: no clock, no I/O; time comes in `event.at`.
 */
import { and, assign, setup } from 'xstate';
import { applyEvent, initialContext, outcome } from './actions.js';
import type { ChallengeEvent } from './events.js';
import { activeTracks, agreedBids, requiredBids, violationsOf } from './rules.js';
import type { ChallengeContext, CreateInput, OutcomeKind } from './types.js';

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

export const challengeMachine = setup({
  types: {
    context: {} as ChallengeContext,
    events: {} as ChallengeEvent,
    input: {} as CreateInput,
  },
  guards: {
    /** The event's clause checks (rules.ts) found no violation. */
    rulesAllow: ({ context, event }) => violationsOf(context, event).length === 0,
    /** Enough agreed bids for expert review: one, or two in a horse race (H-3). */
    enoughAgreedBids: ({ context }) => agreedBids(context).length >= requiredBids(context),
    /** A horse race (赛马制): its unfilled ending cites H-3 (fewer than two teams). */
    isHorseRace: ({ context }) => context.draft.horseRace !== null,
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
}).createMachine({
  id: 'challenge',
  context: ({ input }) => initialContext(input),
  initial: 'collection',
  states: {
    // 1 榜单征集
    collection: {
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
    // 2 审核推荐
    review: {
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
    // 3 榜单发布
    publication: {
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
    // 4 揭榜对接
    matching: {
      initial: 'bidding',
      states: {
        bidding: {
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
    // 5 专家评榜
    expertReview: {
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
    // 6 开榜公告
    announcement: {
      initial: 'notice',
      states: {
        notice: {
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
    // 7 资金拨付
    disbursement: {
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
    // 8 项目管理
    management: {
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
    // 9 总结评价
    evaluation: {
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
        /** One rectification; the next decision is passed or failed. */
        rectifying: {
          on: { ACCEPTANCE_DECISION: end('closed', 'X-3') },
        },
      },
    },
    // Outcomes: final, every one keeps its full history.
    withdrawn: { type: 'final' },
    notAccepted: { type: 'final' },
    rejected: { type: 'final' },
    unfilled: { type: 'final' },
    terminated: { type: 'final' },
    closed: { type: 'final' },
  },
});

export type ChallengeMachine = typeof challengeMachine;
export type ChallengeSnapshot = ReturnType<ChallengeMachine['resolveState']>;
