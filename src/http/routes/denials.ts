import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { instant } from '../../../machines/programme.js';
import { rolesFor } from '../../access/policy.js';
import { listDenials } from '../../engine/audit/denials.js';
import { errors } from '../schemas.js';

const denialSchema = z.object({
  id: z.number(),
  at: z.string(),
  tokenId: z.string().nullable().describe('null for a 401: no valid token'),
  role: z.string().nullable(),
  unit: z.string().nullable(),
  person: z.string().nullable(),
  method: z.string(),
  route: z.string(),
  challengeId: z.string().nullable(),
  eventType: z.string().nullable(),
  status: z.number(),
  code: z.string(),
  clause: z.string().nullable(),
  clauses: z.array(z.string()).nullable(),
  scope: z.string().nullable(),
  message: z.string(),
  messageZh: z.string().nullable().describe("the refusal's Chinese message as answered; null before it was kept"),
  requestId: z.string(),
  ip: z.string().nullable(),
});

/** Refused attempts, for auditors and the bureau: newest first, filtered, cursor-paginated. */
const denialRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/denials',
    {
      config: { roles: rolesFor('readDenials') },
      schema: {
        tags: ['audit'],
        summary: 'Refused attempts on events: who, when, event, code, clause (newest first)',
        querystring: z.object({
          challenge: z.string().max(100).optional(),
          token: z.string().max(64).optional().describe('a token id'),
          role: z.string().max(32).optional(),
          code: z.string().max(32).optional(),
          eventType: z.string().max(64).optional(),
          from: instant.optional().describe('at or after this instant'),
          to: instant.optional().describe('at or before this instant'),
          cursor: z.string().max(20).optional().describe('nextCursor of the previous page'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({ items: z.array(denialSchema), nextCursor: z.string().nullable() }),
          400: errors.write[400],
          ...errors.read,
        },
      },
    },
    async (request) => listDenials(app.jiebang.db, request.query),
  );
};
export default denialRoutes;
