import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { challengeMachine } from '../../../machines/challenge/challenge.machine.js';
import { MACHINE_VERSION } from '../../../machines/challenge/version.js';
import { errors } from '../schemas.js';

/** The statechart as JSON, importable into Stately Studio. */
const machineRoutes: FastifyPluginAsyncZod = async (app) => {
  const definition = JSON.parse(JSON.stringify(challengeMachine.definition)) as unknown;
  app.get(
    '/machine',
    {
      schema: {
        tags: ['machine'],
        summary: 'The challenge statechart definition and its version',
        response: { 200: z.object({ id: z.string(), version: z.string(), definition: z.unknown() }), ...errors.read },
      },
    },
    async () => ({ id: challengeMachine.id, version: MACHINE_VERSION, definition }),
  );
};
export default machineRoutes;
