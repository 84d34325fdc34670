import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordKinds } from '../../../machines/challenge/facts.js';
import { rolesFor } from '../../access/policy.js';
import { recordBodySchema, recordViewSchema } from '../../registry/record-schema.js';
import { addRecord, listRecords } from '../../registry/records.js';
import { errors } from '../schemas.js';

/** Registry records: credit, misconduct, affiliations, city projects (T-2.2, S-T2, S-5, L-1…L-3, X-7). */
const recordRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.jiebang;

  app.post(
    '/records',
    {
      config: { roles: rolesFor('writeRegistry') },
      schema: {
        tags: ['registry'],
        summary: 'Add a record about a unit or person',
        description:
          'Records are never edited or deleted. A later cityProject record with the same subject and projectId supersedes the earlier one; a dishonesty or misconduct record is in force from `from` to `to` (both included; no `to` = still in force). Each event stores the records its rules read, so adding a record never changes a decision already taken.',
        body: recordBodySchema,
        response: { 201: recordViewSchema, ...errors.write },
      },
    },
    async (request, reply) => reply.code(201).send(await addRecord(db, request.body, clock.now().toISOString())),
  );

  app.get(
    '/records',
    {
      config: { roles: rolesFor('readRecords') },
      schema: {
        tags: ['registry'],
        summary: 'Records, by subject (cursor pagination, ordered by id)',
        querystring: z.object({
          subject: z
            .string()
            .min(1)
            .max(64)
            .optional()
            .describe('a unit code or person id: its records, and affiliations naming it as the other unit'),
          kind: z.enum(recordKinds).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          cursor: z
            .string()
            .regex(/^\d{1,15}$/)
            .optional()
            .describe('nextCursor of the previous page'),
        }),
        response: {
          200: z.object({ items: z.array(recordViewSchema), nextCursor: z.string().nullable() }),
          ...errors.read,
          400: errors.write[400],
        },
      },
    },
    async (request) => {
      const { subject, kind, limit, cursor } = request.query;
      return listRecords(db, { subject, kind, limit, after: cursor === undefined ? undefined : Number(cursor) });
    },
  );
};
export default recordRoutes;
