/**
 * Stage 8, 项目管理 (project management): solvers report progress, the bureau takes midterm
 * decisions on horse-race tracks, approves changes or terminates; the work period's end moves
 * the challenge to evaluation.
 */
import { z } from 'zod';
import { endOfBeijingDay, justAfter } from '../../calendar.js';
import { isoDate } from '../../programme.js';
import { updateTrack, withOpinion } from '../context.js';
import { staffEvent, systemEvent } from '../event.js';
import { X3_periodOver, X4_extension } from '../rules/evaluation.js';
import { H5_trackActive, Q1a_fundingChange } from '../rules/money.js';
import { P1_trackExists } from '../rules/process.js';
import { cny, id, text } from '../schemas.js';

export const REPORT_PROGRESS = staffEvent({
  type: 'REPORT_PROGRESS',
  payload: z.strictObject({ trackId: id, milestone: z.string().trim().min(1).max(500), text }),
  senders: { solver: 'trackHolder' },
  rules: [P1_trackExists, H5_trackActive],
  apply: (ctx, e) => ({
    tracks: updateTrack(ctx, e.trackId, (t) => ({
      progress: [...t.progress, { milestone: e.milestone, text: e.text, at: e.at }],
    })),
  }),
});

export const MIDTERM_DECISION = staffEvent({
  type: 'MIDTERM_DECISION',
  payload: z.strictObject({ trackId: id, decision: z.enum(['continue', 'stop']), opinion: text }),
  senders: { bureau: 'any' },
  rules: [P1_trackExists, H5_trackActive],
  apply: (ctx, e) => ({
    tracks: updateTrack(ctx, e.trackId, () => ({
      midterm: e.decision,
      ...(e.decision === 'stop' ? { status: 'stopped' as const } : {}),
    })),
    ...withOpinion(ctx, e, e.opinion),
  }),
});

export const APPROVE_CHANGE = staffEvent({
  type: 'APPROVE_CHANGE',
  payload: z.strictObject({
    kind: z.enum(['leader', 'schedule', 'indicators', 'extension', 'funding']),
    detail: text,
    newPlannedEnd: isoDate.optional(),
    trackId: id.optional().describe('a funding change: the track whose agreed funding it raises'),
    agreedFundingCny: cny.optional().describe('a funding change: the new agreed R&D funding of the track'),
  }),
  senders: { bureau: 'any' },
  rules: [X4_extension, Q1a_fundingChange],
  apply: (ctx, e) => ({
    changes: [...ctx.changes, { kind: e.kind, detail: e.detail, at: e.at }],
    ...(e.kind === 'extension' && e.newPlannedEnd ? { plannedEnd: e.newPlannedEnd, extensionUsed: true } : {}),
    // Only version 2 accepts a funding change, so version 1's histories never reach this.
    ...(e.kind === 'funding' && e.trackId !== undefined && e.agreedFundingCny !== undefined
      ? { tracks: updateTrack(ctx, e.trackId, () => ({ agreedFundingCny: e.agreedFundingCny as number })) }
      : {}),
  }),
});

/** The bureau terminates the project: an outcome, set by the chart. */
export const TERMINATE = staffEvent({
  type: 'TERMINATE',
  payload: z.strictObject({ reason: text }),
  senders: { bureau: 'any' },
  rules: [],
});

export const PERIOD_ENDED = systemEvent({
  type: 'PERIOD_ENDED',
  due: (ctx) => (ctx.plannedEnd === null ? null : justAfter(endOfBeijingDay(ctx.plannedEnd))),
  rules: [X3_periodOver],
});

export const managementEvents = [REPORT_PROGRESS, MIDTERM_DECISION, APPROVE_CHANGE, TERMINATE, PERIOD_ENDED] as const;
