import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rolesFor } from '../../access/policy.js';
import { stateAt } from '../../engine/audit/point-in-time.js';
import { verifyChallenge, verifyLog } from '../../engine/audit/verify.js';
import { errors } from '../schemas.js';

const idParams = z.object({ id: z.string().min(1).max(100) });

const stateQuery = z
  .object({
    seq: z.coerce.number().int().min(1).max(1e9).optional().describe('the event after which to show the state'),
    asOf: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('ISO 8601 instant: the state after the last event at or before it'),
  })
  .refine((q) => (q.seq === undefined) !== (q.asOf === undefined), {
    message: 'give exactly one of seq and asOf',
  });

export const stateSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  stage: z.string(),
  state: z.unknown().describe("equals that event's stateAfter"),
  context: z.unknown().describe('the challenge data after that event: draft, bids, panel, tracks …'),
});

export const divergenceSchema = z
  .object({
    challengeId: z.string(),
    seq: z.number().int().describe('the event where the log and its replay first disagree'),
    globalSeq: z.number().int().optional(),
    check: z.enum([
      'sequence',
      'prevHash',
      'hash',
      'replay',
      'stateAfter',
      'head',
      'snapshot',
      'globalHash',
      'checkpoint',
      'hashSwitch',
      'signature',
    ]),
    what: z.string(),
    expected: z.string().optional(),
    found: z.string().optional(),
  })
  .meta({ id: 'Divergence' });

export const verifySchema = z.object({
  ok: z.boolean(),
  checkedEvents: z.number().int(),
  firstDivergence: divergenceSchema.optional(),
});

/** Auditors' reads: point-in-time state and verification (docs/audit.md). Each handler is one engine call. */
const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.jiebang;

  app.get(
    '/challenges/:id/state',
    {
      config: { roles: rolesFor('readPointInTime') },
      schema: {
        tags: ['audit'],
        summary: 'The state at a point of the history, rebuilt by replay (?seq=N or ?asOf=ISO)',
        params: idParams,
        querystring: stateQuery,
        response: { 200: stateSchema, 400: errors.write[400], ...errors.read },
      },
    },
    async (request) => {
      const { seq, asOf } = request.query;
      return stateAt(db, request.params.id, seq !== undefined ? { seq } : { asOf: asOf as string });
    },
  );

  app.get(
    '/challenges/:id/verify',
    {
      config: { roles: rolesFor('verify') },
      schema: {
        tags: ['audit'],
        summary: "Replay and hash check of one challenge's history",
        params: idParams,
        response: { 200: verifySchema, ...errors.read },
      },
    },
    async (request) => verifyChallenge(db, request.params.id),
  );

  app.get(
    '/audit/verify',
    {
      config: { roles: rolesFor('verify') },
      schema: {
        tags: ['audit'],
        summary: 'Replay and hash check of the whole log, with the global chain and its checkpoints',
        description:
          'Runs in the request, streaming the log; for a very long log prefer `jiebang verify` on a copy of the database.',
        response: { 200: verifySchema, 401: errors.read[401], 403: errors.read[403] },
      },
    },
    async () => verifyLog(db),
  );
};
export default auditRoutes;
