/** Issue 14: webhook subscriptions and their delivery log (api.md "Notifications and integrations"). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffEventTypes, systemEventTypes } from '../../../machines/challenge/events.js';
import { rolesFor } from '../../access/policy.js';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, retryDelivery } from '../../notify/webhooks.js';
import { errors } from '../schemas.js';

/** Every type an event in the log can have: the staff and system events, creation and machine migration. */
export const subscribableEvents = ['*', 'CREATE', 'MIGRATE_MACHINE', ...staffEventTypes, ...systemEventTypes] as const;

const webhookUrl = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'an http or https URL');

const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  programmeId: z.string().nullable(),
  createdAt: z.string(),
  deletedAt: z.string().nullable(),
});

const deliverySchema = z.object({
  deliveryId: z.string(),
  eventId: z.string().describe('challengeId:seq'),
  challengeId: z.string(),
  seq: z.number(),
  type: z.string(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.array(
    z.object({
      attempt: z.number(),
      at: z.string(),
      statusCode: z.number().nullable().describe('null: no answer (timeout, refused connection)'),
      error: z.string().nullable(),
      durationMs: z.number(),
    }),
  ),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  settledAt: z.string().nullable(),
});

const idParams = z.object({ id: z.string().min(1).max(64) });
const config = { roles: rolesFor('manageNotifications') };

const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const client = () => app.jiebang.db;
  const now = () => app.jiebang.clock.now().toISOString();

  app.post(
    '/webhooks',
    {
      config,
      schema: {
        tags: ['notifications'],
        summary: 'Subscribe a URL to events (the signing secret is shown once)',
        body: z.strictObject({
          url: webhookUrl,
          events: z.array(z.enum(subscribableEvents)).min(1).max(100),
          programmeId: z.string().min(1).max(64).optional(),
        }),
        response: { 201: z.object({ id: z.string(), secret: z.string() }), ...errors.write },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createWebhook(client(), request.body, request.caller?.tokenId ?? 'unknown', now())),
  );

  app.get(
    '/webhooks',
    {
      config,
      schema: {
        tags: ['notifications'],
        summary: 'The active subscriptions (without their secrets)',
        response: { 200: z.object({ items: z.array(webhookSchema) }), ...errors.read },
      },
    },
    async () => ({ items: await listWebhooks(client()) }),
  );

  app.delete(
    '/webhooks/:id',
    {
      config,
      schema: {
        tags: ['notifications'],
        summary: 'Stop a subscription (its delivery log stays)',
        params: idParams,
        response: { 204: z.null(), ...errors.read },
      },
    },
    async (request, reply) => {
      await deleteWebhook(client(), request.params.id, now());
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      config,
      schema: {
        tags: ['notifications'],
        summary: 'Deliveries of a subscription, newest first, with every attempt',
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(deliverySchema) }), ...errors.read },
      },
    },
    async (request) => ({ items: await listDeliveries(client(), request.params.id, request.query.limit) }),
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/retry',
    {
      config,
      schema: {
        tags: ['notifications'],
        summary: 'Resend a dead delivery (same delivery id)',
        params: idParams.extend({ deliveryId: z.string().min(1).max(64) }),
        response: {
          202: z.object({ deliveryId: z.string(), status: z.literal('pending') }),
          409: errors.event[409],
          ...errors.read,
        },
      },
    },
    async (request, reply) => {
      await retryDelivery(client(), request.params.id, request.params.deliveryId);
      return reply.code(202).send({ deliveryId: request.params.deliveryId, status: 'pending' as const });
    },
  );
};
export default webhookRoutes;
