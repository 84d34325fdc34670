/** Issue 14: mail recipients, their opt-outs, and the mail outbox staff read. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rolesFor } from '../../access/policy.js';
import { AppError } from '../../base/errors.js';
import {
  getRecipient,
  listMail,
  listRecipients,
  mayManageOptOuts,
  putRecipient,
  recipientRoles,
  setOptOuts,
} from '../../notify/mail/recipients.js';
import { mailKinds } from '../../notify/mail/templates.js';
import { resendDead } from '../../notify/resend.js';
import { errors } from '../schemas.js';

const recipientSchema = z.object({
  address: z.string(),
  name: z.string(),
  role: z.enum(recipientRoles),
  unit: z.string().nullable(),
  person: z.string().nullable(),
  optOuts: z.array(z.enum(mailKinds)),
  updatedAt: z.string(),
});
const addressParams = z.object({ address: z.string().email().max(320) });
const staffRoles = rolesFor('manageNotifications');

const mailRoutes: FastifyPluginAsyncZod = async (app) => {
  const client = () => app.jiebang.db;
  const now = () => app.jiebang.clock.now().toISOString();

  app.put(
    '/mail/recipients/:address',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['notifications'],
        summary: 'Register or update who receives mail for a unit or a person',
        params: addressParams,
        body: z.strictObject({
          name: z.string().trim().min(1).max(200),
          role: z.enum(recipientRoles),
          unit: z.string().min(1).max(64).optional().describe('issuer, solver: the unit code'),
          person: z.string().min(1).max(64).optional().describe('expert: the person id'),
        }),
        response: { 200: recipientSchema, ...errors.write },
      },
    },
    async (request) =>
      putRecipient(
        client(),
        {
          address: request.params.address,
          name: request.body.name,
          role: request.body.role,
          unit: request.body.unit ?? null,
          person: request.body.person ?? null,
        },
        now(),
      ),
  );

  app.get(
    '/mail/recipients',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['notifications'],
        summary: 'Every mail recipient and what it turned off',
        response: { 200: z.object({ items: z.array(recipientSchema) }), ...errors.read },
      },
    },
    async () => ({ items: await listRecipients(client()) }),
  );

  app.put(
    '/mail/recipients/:address/opt-outs',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The kinds of mail this address does not want (staff, or the unit or person it stands for)',
        params: addressParams,
        body: z.strictObject({ kinds: z.array(z.enum(mailKinds)).max(mailKinds.length) }),
        response: { 200: recipientSchema, ...errors.write },
      },
    },
    async (request) => {
      const recipient = await getRecipient(client(), request.params.address);
      if (!mayManageOptOuts(request.caller, recipient, staffRoles.includes(request.caller.role)))
        throw new AppError(
          'FORBIDDEN',
          'Only staff or the unit or person this address stands for may change its mail.',
          '只有管理人员或该地址所代表的单位、人员可以修改其邮件设置。',
        );
      return await setOptOuts(client(), recipient.address, request.body.kinds, now());
    },
  );

  app.get(
    '/mail/outbox',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['notifications'],
        summary: 'Mail sent, waiting (no SMTP configured, or retrying) or dead; newest first',
        querystring: z.object({
          status: z.enum(['pending', 'delivered', 'dead']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                deliveryId: z.string(),
                to: z.string(),
                kind: z.enum(mailKinds),
                subject: z.string(),
                challengeId: z.string(),
                seq: z.number(),
                status: z.enum(['pending', 'delivered', 'dead']),
                attempts: z.number(),
                lastError: z.string().nullable(),
                createdAt: z.string(),
                settledAt: z.string().nullable(),
              }),
            ),
          }),
          ...errors.read,
        },
      },
    },
    async (request) => ({ items: await listMail(client(), request.query.status, request.query.limit) }),
  );

  app.post(
    '/mail/outbox/:deliveryId/retry',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['notifications'],
        summary: 'Resend a dead mail (same delivery id)',
        params: z.object({ deliveryId: z.string().min(1).max(64) }),
        response: {
          202: z.object({ deliveryId: z.string(), status: z.literal('pending') }),
          409: errors.event[409],
          ...errors.read,
        },
      },
    },
    async (request, reply) => {
      await resendDead(client(), 'mail', null, request.params.deliveryId);
      return reply.code(202).send({ deliveryId: request.params.deliveryId, status: 'pending' as const });
    },
  );
};
export default mailRoutes;
