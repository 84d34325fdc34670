import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { challengeMachine } from '../../../machines/challenge/machine.js';
import { MACHINE_VERSION } from '../../../machines/challenge/version.js';
import { machineDefinition } from '../../chart/definition.js';
import { machineDiagram } from '../../chart/diagram.js';
import { eventForms } from '../../chart/event-schemas.js';
import { errors } from '../schemas.js';

/** The statechart as JSON config (importable into Stately Studio) and as a Mermaid diagram. */
const machineRoutes: FastifyPluginAsyncZod = async (app) => {
  const definition = machineDefinition(challengeMachine);
  app.get(
    '/machine',
    {
      schema: {
        tags: ['machine'],
        summary: 'The challenge statechart definition and its version',
        description:
          'The machine as JSON config (what createMachine and Stately Studio import take): states, initial states, transitions with targets, guards and actions by name; each stage is described by its Chinese name and each guarded transition by the clauses it checks.',
        response: { 200: z.object({ id: z.string(), version: z.string(), definition: z.unknown() }), ...errors.read },
      },
    },
    async () => ({ id: challengeMachine.id, version: MACHINE_VERSION, definition }),
  );

  const events = eventForms();
  app.get(
    '/machine/events',
    {
      schema: {
        tags: ['machine'],
        summary: 'Every event staff send, with its senders, the clauses it checks and its payload as JSON Schema',
        description:
          'Derived from the event definitions (machines/challenge/stages/): the body of `POST /challenges/:id/events` is `{type, …payload}` with the payload as the schema says.',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                type: z.string(),
                senders: z.array(z.string()),
                clauses: z.array(z.string()),
                schema: z.record(z.string(), z.unknown()).describe('JSON Schema (draft 2020-12) of the payload'),
              }),
            ),
          }),
          ...errors.read,
        },
      },
    },
    async () => ({ items: events }),
  );

  const diagram = machineDiagram();
  app.get(
    '/machine/diagram',
    {
      schema: {
        tags: ['machine'],
        summary: 'The statechart as a Mermaid stateDiagram-v2 (text/plain)',
        description:
          'The same diagram as docs/process.md: stages with Chinese names, sub-states, outcomes, every transition labelled with its event, the clauses its guard checks and its branch guard.',
        response: { 200: z.string(), ...errors.read },
      },
    },
    async (_request, reply) => reply.type('text/plain; charset=utf-8').send(diagram),
  );
};
export default machineRoutes;
