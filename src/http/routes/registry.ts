import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getPerson, getUnit, putPerson, putUnit, unitTypes } from '../../registry/registry.js';
import { errors } from '../schemas.js';

const unitBody = z.strictObject({
  name: z.string().trim().min(1).max(300),
  type: z.enum(unitTypes),
  inCity: z.boolean().describe('registered within Urumqi (市域内)'),
  legalPerson: z.boolean().describe('has independent legal-person status'),
  district: z.string().max(100).optional(),
});
const unitView = unitBody
  .extend({ code: z.string(), district: z.string().nullable(), updatedAt: z.string() })
  .meta({ id: 'Unit' });
const personBody = z.strictObject({ name: z.string().trim().min(1).max(200), unit: z.string().min(1).max(64) });
const personView = personBody.extend({ id: z.string(), updatedAt: z.string() }).meta({ id: 'Person' });
const codeParams = z.object({
  code: z.string().min(1).max(64).describe('unified social credit code, 18 characters with check character'),
});
const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/) });

/** The unit and person registry (Q-2/3: units register first, then user accounts). */
const registryRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.jiebang;

  app.put(
    '/units/:code',
    {
      config: { roles: ['admin', 'bureau'] },
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
      config: { roles: ['admin', 'bureau'] },
      schema: {
        tags: ['registry'],
        summary: 'Register or update a person',
        params: idParams,
        body: personBody,
        response: { 200: personView, ...errors.write },
      },
    },
    async (request) => putPerson(db, request.params.id, request.body, clock.now().toISOString()),
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
