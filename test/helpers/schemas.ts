/**
 * zod schemas for the replies the lifecycle driver reads, so every view and history is checked
 * for shape (over either transport) before a test looks inside it. Loose: the documented
 * schemas are held strictly by test/integration/contract.test.ts.
 */
import { z } from 'zod';

export const trackSchema = z.looseObject({
  trackId: z.string(),
  route: z.string().nullable(),
  status: z.string(),
  paidCny: z.number(),
  disbursedCny: z.number(),
  firstPhaseCny: z.number(),
});

/** The fields of api.md's challenge view (and `panelScores`). */
const viewFields = {
  id: z.string(),
  programmeId: z.string(),
  kind: z.string(),
  domain: z.string(),
  title: z.string(),
  issuerUnit: z.string(),
  districtUnit: z.string(),
  machineVersion: z.string(),
  version: z.number().int(),
  stage: z.string(),
  state: z.unknown(),
  outcome: z.looseObject({ kind: z.string(), clause: z.string().nullable() }).optional(),
  tracks: z.array(trackSchema),
  deadlines: z.array(z.object({ type: z.string(), dueAt: z.string() })),
  allowedEvents: z.array(z.string()),
  panelScores: z.record(z.string(), z.number().nullable()),
};

/** An event's answer: the view without `details`, nothing more (docs/decisions.md, issue 15). */
export const summarySchema = z.strictObject(viewFields);

/** `GET /challenges/:id`: the same with `details`. */
export const viewSchema = z.looseObject({ ...viewFields, details: z.record(z.string(), z.unknown()) });

export const historyEntrySchema = z.object({
  seq: z.number().int(),
  globalSeq: z.number().int(),
  type: z.string(),
  payload: z.unknown(),
  facts: z.unknown(),
  actor: z.looseObject({ id: z.string(), role: z.string() }),
  at: z.string(),
  machineVersion: z.string(),
  stateAfter: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export const historySchema = z.looseObject({ items: z.array(historyEntrySchema) });

/** What a timer's event carries (src/engine/time/fire-timer.ts). */
export const timerPayloadSchema = z.object({
  timer: z.object({ timerId: z.number(), dueAt: z.string(), lateMs: z.number(), late: z.boolean() }),
});

export const errorSchema = z.object({
  error: z.looseObject({
    code: z.string(),
    clause: z.string().optional(),
    violations: z.array(z.looseObject({ clause: z.string() })).optional(),
  }),
});
