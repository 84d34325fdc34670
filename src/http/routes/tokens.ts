import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { instant } from '../../../machines/programme.js';
import { roles, rolesFor } from '../../access/policy.js';
import { issueToken, revokeToken } from '../../access/tokens.js';
import { errors } from '../schemas.js';

const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/tokens',
    {
      config: { roles: rolesFor('manageTokens') },
      schema: {
        tags: ['access'],
        summary: 'Issue a bearer token (the secret is shown once, stored hashed)',
        body: z.strictObject({
          role: z.enum(roles),
          unit: z.string().min(1).max(64).optional().describe('required for issuer, solver, district'),
          person: z.string().min(1).max(64).optional().describe('required for expert'),
          label: z.string().trim().min(1).max(200),
          expiresAt: instant.optional(),
        }),
        response: { 201: z.object({ id: z.string(), token: z.string() }), ...errors.write },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await issueToken(app.jiebang.db, request.body, app.jiebang.clock.now().toISOString())),
  );

  app.delete(
    '/tokens/:id',
    {
      config: { roles: rolesFor('manageTokens') },
      schema: {
        tags: ['access'],
        summary: 'Revoke a token',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 204: z.null(), ...errors.read },
      },
    },
    async (request, reply) => {
      await revokeToken(app.jiebang.db, request.params.id, app.jiebang.clock.now().toISOString());
      return reply.code(204).send(null);
    },
  );
};
export default tokenRoutes;
