import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rolesFor } from '../../access/policy.js';
import { forbidden } from '../../base/errors.js';
import { persons } from '../../db/schema.js';
import { getPerson, getUnit, putPerson, putUnit } from '../../registry/registry.js';
import {
  personBodySchema as personBody,
  personIdSchema,
  unitBodySchema as unitBody,
} from '../../registry/registry-schema.js';
import { errors } from '../schemas.js';

const unitView = unitBody
  .extend({ code: z.string(), district: z.string().nullable(), updatedAt: z.string() })
  .meta({ id: 'Unit' });
const personView = personBody.extend({ id: z.string(), updatedAt: z.string() }).meta({ id: 'Person' });
const codeParams = z.object({
  code: z.string().min(1).max(64).describe('unified social credit code, 18 characters with check character'),
});
const idParams = z.object({ id: personIdSchema });

/** The unit and person registry (Q-2/3: units register first, then user accounts). */
const registryRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.jiebang;

  app.put(
    '/units/:code',
    {
      config: { roles: rolesFor('writeRegistry') },
      schema: {
        tags: ['registry'],
        summary: 'Register or update a unit',
        params: codeParams,
        body: unitBody,
        response: { 200: unitView, ...errors.write },
      },
    },
    async (request) => putUnit(db, request.params.code, request.body, clock.now().toISOString()),
  );
  app.get(
    '/units/:code',
    {
      schema: {
        tags: ['registry'],
        summary: 'A unit',
        params: codeParams,
        response: { 200: unitView, ...errors.read },
      },
    },
    async (request) => getUnit(db, request.params.code),
  );
  app.put(
    '/persons/:id',
    {
      config: { roles: [...rolesFor('writeRegistry'), ...rolesFor('writeOwnPeople')] },
      schema: {
        tags: ['registry'],
        summary: "Register or update a person (a unit's own account: its own people only)",
        params: idParams,
        body: personBody,
        response: { 200: personView, ...errors.write },
      },
    },
    async (request) => {
      const { caller } = request;
      if (!rolesFor('writeRegistry').includes(caller.role)) {
        // A unit registers its own people only, and never takes over another unit's person.
        const existing = await db.select().from(persons).where(eq(persons.id, request.params.id)).get();
        if (request.body.unit !== caller.unit || (existing && existing.unit !== caller.unit))
          throw forbidden(
            `A unit's account registers the people of its own unit (${caller.unit}) only.`,
            `单位账号只能登记本单位（${caller.unit}）的人员。`,
            { scope: 'ownUnit' },
          );
      }
      return putPerson(db, request.params.id, request.body, clock.now().toISOString());
    },
  );
  app.get(
    '/persons/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'A person',
        params: idParams,
        response: { 200: personView, ...errors.read },
      },
    },
    async (request) => getPerson(db, request.params.id),
  );
};
export default registryRoutes;
