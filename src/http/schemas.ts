/** Response schemas shared by routes and the OpenAPI document. */
import { z } from 'zod';
import { staffEventTypes, systemEventTypes } from '../../machines/challenge/events.js';
import { stages } from '../../machines/challenge/stage.js';

/** Issue 14: enums, so a generated client knows the values (the machine defines them). */
const stageEnum = z.enum(stages as [string, ...string[]]);
const staffEventEnum = z.enum(staffEventTypes as [string, ...string[]]);

export const violationSchema = z.object({
  clause: z.string().describe('rule ID from rules.md (or a P-n process rule)'),
  message: z.string(),
  message_zh: z.string(),
});

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum([
        'VALIDATION_FAILED',
        'UNAUTHENTICATED',
        'FORBIDDEN',
        'NOT_FOUND',
        'VERSION_CONFLICT',
        'RULE_VIOLATION',
        'EVENT_NOT_ALLOWED',
        'IDEMPOTENCY_MISMATCH',
        'PAYLOAD_TOO_LARGE',
        'REQUEST_TIMEOUT',
        'RATE_LIMITED',
        'ALREADY_EXISTS',
        'ACCOUNT_LOCKED',
        'INTERNAL',
      ]),
      clause: z.string().optional(),
      message: z.string(),
      message_zh: z.string(),
      violations: z.array(violationSchema).optional(),
      allowedEvents: z.array(staffEventEnum).optional(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      scope: z.string().optional().describe('for a 403: the scope of docs/security.md the caller is outside of'),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });

const e = errorSchema;
/** The error responses of a route, for the OpenAPI document. */
export const errors = {
  read: { 401: e, 403: e, 404: e, 429: e },
  write: { 400: e, 401: e, 403: e, 404: e, 408: e, 413: e, 429: e },
  event: { 400: e, 401: e, 403: e, 404: e, 408: e, 409: e, 413: e, 422: e, 429: e },
};

export const trackSchema = z
  .object({
    trackId: z.string().describe("the selected bid's bidId"),
    solverUnit: z.string(),
    route: z.string().nullable(),
    agreedFundingCny: z.number(),
    status: z.enum(['active', 'stopped', 'reported']),
    contract: z.object({ contractNo: z.string(), registeredOn: z.string() }).nullable(),
    paidCny: z.number().describe('challenge money recorded as paid for this track (base of Q-1b)'),
    disbursedCny: z.number().describe('fiscal support disbursed, all phases'),
    firstPhaseCny: z.number().describe('fiscal support disbursed in the first phase (H-4)'),
    midterm: z.enum(['continue', 'stop']).nullable(),
    progress: z.array(z.object({ milestone: z.string(), text: z.string(), at: z.string() })),
    finalReportSha256: z.string().nullable(),
  })
  .meta({ id: 'Track' });

const challengeSummaryShape = {
  id: z.string(),
  programmeId: z.string(),
  kind: z.enum(['techBreakthrough', 'achievementTransfer']),
  domain: z.string(),
  title: z.string(),
  issuerUnit: z.string(),
  districtUnit: z.string(),
  machineVersion: z.string(),
  version: z.number().int().describe('send as If-Match: "<version>" to guard against lost updates'),
  stage: stageEnum.describe('one of the nine stage ids, or an outcome'),
  state: z.unknown().describe('the full state value, e.g. {"review":"formalCheck"}'),
  outcome: z.object({ kind: z.string(), clause: z.string().nullable(), reason: z.string(), at: z.string() }).optional(),
  tracks: z.array(trackSchema),
  deadlines: z.array(z.object({ type: z.enum(systemEventTypes as [string, ...string[]]), dueAt: z.string() })),
  allowedEvents: z.array(staffEventEnum).describe('event types the caller may send now'),
  panelScores: z.record(z.string(), z.number().nullable()),
};

/** An event's answer: api.md's challenge view, without the challenge's data (docs/decisions.md, issue 15). */
export const challengeSummarySchema = z.object(challengeSummaryShape).meta({ id: 'ChallengeSummary' });

export const challengeViewSchema = z
  .object({
    ...challengeSummaryShape,
    details: z
      .record(z.string(), z.unknown())
      .describe('the challenge data: draft, attachments, bids, panel, scores, objections …'),
  })
  .meta({ id: 'Challenge' });
