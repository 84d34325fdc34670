/**
 * Stage 9, 总结评价 (final evaluation): every running track files its final report, the bureau
 * decides the acceptance (one rectification allowed), and a project not accepted in time is
 * marked overdue, which counts against its units (L-1).
 */
import { z } from 'zod';
import { justAfter } from '../../calendar.js';
import { updateTrack, withOpinion } from '../context.js';
import { staffEvent, systemEvent } from '../event.js';
import { X3_rectificationOverdue, X3_rectifyOnce, X3_reportInTime, X9_overdue } from '../rules/evaluation.js';
import { H5_trackActive } from '../rules/money.js';
import { P1_trackExists, P7_filesUploaded } from '../rules/process.js';
import { id, sha256, text } from '../schemas.js';
import { overdueAt, rectifyDue } from '../selectors.js';

/** Filed in management (early) or evaluation; the last running track's report starts the review (chart). */
export const SUBMIT_FINAL_REPORT = staffEvent({
  type: 'SUBMIT_FINAL_REPORT',
  payload: z.strictObject({ trackId: id, reportSha256: sha256 }),
  senders: { solver: 'trackHolder' },
  files: (body) => [body.reportSha256],
  rules: [P1_trackExists, H5_trackActive, X3_reportInTime, P7_filesUploaded],
  apply: (ctx, e) => ({
    tracks: updateTrack(ctx, e.trackId, () => ({ status: 'reported' as const, finalReportSha256: e.reportSha256 })),
  }),
});

export const ACCEPTANCE_DECISION = staffEvent({
  type: 'ACCEPTANCE_DECISION',
  payload: z.strictObject({ result: z.enum(['passed', 'rectify', 'failed']), opinion: text }),
  senders: { bureau: 'any' },
  rules: [X3_rectifyOnce],
  apply: (ctx, e, version) => ({
    ...(e.result === 'rectify' ? { rectifyUsed: true } : { acceptanceResult: e.result }),
    // Version 2 on: the rectification period runs on a durable timer (RECTIFICATION_OVERDUE).
    ...(e.result === 'rectify' && version >= 2 ? { rectifyDueAt: rectifyDue(ctx, e.at) } : {}),
    ...withOpinion(ctx, e, e.opinion),
  }),
});

/**
 * the rectification period (`rectifyMonths`) has passed without a decision. The challenge
 * does not pass or fail by itself: it keeps waiting for the bureau's decision and is listed as
 * overdue from now on. Due once: after it, the period has no deadline left.
 */
export const RECTIFICATION_OVERDUE = systemEvent({
  type: 'RECTIFICATION_OVERDUE',
  due: (ctx) =>
    ctx.rectifyDueAt === undefined || ctx.rectifyOverdueSince !== undefined ? null : justAfter(ctx.rectifyDueAt),
  rules: [X3_rectificationOverdue],
  apply: (_ctx, e) => ({ rectifyOverdueSince: e.at }),
});

/** Due a year after the planned end, so always after PERIOD_ENDED; once overdue, no longer due. */
export const ACCEPTANCE_OVERDUE = systemEvent({
  type: 'ACCEPTANCE_OVERDUE',
  due: (ctx) => (ctx.overdue ? null : overdueAt(ctx)),
  rules: [X9_overdue],
  apply: () => ({ overdue: true }),
});

export const evaluationEvents = [
  SUBMIT_FINAL_REPORT,
  ACCEPTANCE_DECISION,
  RECTIFICATION_OVERDUE,
  ACCEPTANCE_OVERDUE,
] as const;
