/**
 * The deadlines a state has, derived from the snapshot alone. The engine writes them as timer
 * rows in the transaction that enters the state and cancels the ones a state no longer has, so
 * deadlines survive restarts (XState's `after` would not) and replay needs no clock.
 * A deadline fires one millisecond after the instant it closes (W-0: windows include both ends).
 */
import { endOfBeijingDay, justAfter } from '../calendar.js';
import type { SystemEventType } from './events.js';
import { overdueAt } from './rules.js';
import type { ChallengeContext } from './types.js';

export interface Deadline {
  type: SystemEventType;
  dueAt: string;
}

type StateValue = string | { [key: string]: StateValue };

/** `collection.draft`-style path of the active leaf. */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0] ?? ['', ''];
  const rest = statePath(child);
  return rest === '' ? key : `${key}.${rest}`;
}

export function stageOf(value: StateValue): string {
  return statePath(value).split('.')[0] ?? '';
}

export function deadlinesOf(value: StateValue, ctx: ChallengeContext): Deadline[] {
  const path = statePath(value);
  const out: Deadline[] = [];
  const add = (type: SystemEventType, at: string | null) => {
    if (at !== null) out.push({ type, dueAt: new Date(Date.parse(at)).toISOString() });
  };
  if (path === 'collection.draft') add('SUBMISSION_WINDOW_CLOSED', justAfter(ctx.settings.submission.closesAt));
  if (path === 'review.awaitingRecommendation')
    add('RECOMMENDATION_DEADLINE_PASSED', justAfter(ctx.settings.recommendationClosesAt));
  if (path === 'matching.bidding' && ctx.biddingClosesAt) add('BIDDING_CLOSED', justAfter(ctx.biddingClosesAt));
  if (path === 'announcement.notice' && ctx.noticeEndsAt) add('NOTICE_PERIOD_ENDED', justAfter(ctx.noticeEndsAt));
  if (path.startsWith('management.') && ctx.plannedEnd) add('PERIOD_ENDED', justAfter(endOfBeijingDay(ctx.plannedEnd)));
  // Due a year after the planned end, so always after PERIOD_ENDED: only evaluation waits for it.
  if (path.startsWith('evaluation.') && !ctx.overdue) add('ACCEPTANCE_OVERDUE', overdueAt(ctx));
  return out;
}
