/**
 * Units register themselves (issue 12): anyone may apply with the unit's credit code and its
 * administrator account; the bureau reads the queue and approves or refuses with a reason.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rolesFor } from '../../access/policy.js';
import { decideRegistration, listRegistrations, register } from '../../accounts/registrations.js';
import { unitTypes } from '../../registry/unit-types.js';
import { errorSchema, errors } from '../schemas.js';

const e = errorSchema;

const registrationBody = z.strictObject({
  unit: z.strictObject({
    code: z.string().trim().min(1).max(64).describe('unified social credit code (18 characters)'),
    name: z.string().trim().min(1).max(200),
    type: z.enum(unitTypes),
    inCity: z.boolean(),
    legalPerson: z.boolean(),
    district: z.string().max(64).optional(),
  }),
  account: z.strictObject({
    username: z
      .string()
      .trim()
      .min(3)
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'letters, digits and . _ @ - only'),
    password: z.string().min(1).max(128),
    name: z.string().trim().min(1).max(100),
    mobile: z
      .string()
      .trim()
      .regex(/^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, 'a mobile number (11 digits) or a landline with area code'),
    email: z.email().max(200).optional(),
  }),
});

const registrationView = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'approved', 'refused']),
    unit: z.object({
      code: z.string(),
      name: z.string(),
      type: z.string(),
      inCity: z.boolean(),
      legalPerson: z.boolean(),
      district: z.string().optional(),
    }),
    account: z.object({
      id: z.string(),
      username: z.string(),
      name: z.string(),
      mobile: z.string().nullable(),
      email: z.string().nullable(),
    }),
    reason: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Registration' });

const registrationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.jiebang;

  app.post(
    '/registrations',
    {
      config: { public: true, rateLimit: { max: 20, timeWindow: 3_600_000, keyGenerator: (r) => `reg:${r.ip}` } },
      schema: {
        tags: ['accounts'],
        summary: 'A unit registers itself with its administrator account (pending the bureau)',
        security: [],
        body: registrationBody,
        response: {
          201: z.object({ registrationId: z.string(), status: z.literal('pending') }),
          400: e,
          409: e,
          429: e,
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await register(db, request.body, request.ip, clock.now().toISOString())),
  );

  app.get(
    '/registrations',
    {
      config: { roles: rolesFor('decideRegistrations') },
      schema: {
        tags: ['accounts'],
        summary: 'The registrations, oldest first',
        querystring: z.object({ status: z.enum(['pending', 'approved', 'refused']).optional() }),
        response: { 200: z.object({ items: z.array(registrationView) }), ...errors.read },
      },
    },
    async (request) => listRegistrations(db, request.query.status),
  );

  app.post(
    '/registrations/:id/decision',
    {
      config: { roles: rolesFor('decideRegistrations') },
      schema: {
        tags: ['accounts'],
        summary: 'Approve a registration, or refuse it with a reason (recorded)',
        params: z.object({ id: z.string().min(1).max(64) }),
        body: z.strictObject({ approve: z.boolean(), reason: z.string().trim().max(2000).optional() }),
        response: { 200: registrationView, ...errors.write, 409: e },
      },
    },
    async (request) =>
      decideRegistration(db, request.params.id, request.body, request.caller, clock.now().toISOString()),
  );
};
export default registrationRoutes;
