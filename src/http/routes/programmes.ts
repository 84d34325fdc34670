import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { programmeSettingsSchema } from '../../../machines/programme.js';
import { rolesFor } from '../../access/policy.js';
import { getProgramme, listProgrammes, putProgramme } from '../../registry/programmes.js';
import { errors } from '../schemas.js';

const programmeView = z
  .object({ id: z.string(), settings: programmeSettingsSchema, createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'Programme' });
const params = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and -') });

/** A programme's settings. Challenges copy them when created, so an edit never rewrites one. */
const programmeRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.jiebang;

  app.put(
    '/programmes/:id',
    {
      config: { roles: rolesFor('managePrograms') },
      schema: {
        tags: ['programmes'],
        summary: "Create or replace a programme's settings",
        params,
        body: programmeSettingsSchema,
        response: { 200: programmeView, ...errors.write },
      },
    },
    async (request) => putProgramme(db, request.params.id, request.body, clock.now().toISOString()),
  );

  app.get(
    '/programmes/:id',
    {
      schema: {
        tags: ['programmes'],
        summary: "A programme's settings",
        params,
        response: { 200: programmeView, ...errors.read },
      },
    },
    async (request) => getProgramme(db, request.params.id),
  );

  app.get(
    '/programmes',
    {
      schema: {
        tags: ['programmes'],
        summary: 'All programmes',
        response: { 200: z.object({ items: z.array(programmeView) }), ...errors.read },
      },
    },
    async () => ({ items: await listProgrammes(db) }),
  );
};
export default programmeRoutes;
