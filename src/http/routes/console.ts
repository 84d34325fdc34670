import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffEventTypes } from '../../../machines/challenge/events.js';
import { stages } from '../../../machines/challenge/stage.js';
import { rolesFor } from '../../access/policy.js';
import { readInbox } from '../../engine/read/inbox.js';
import { readStats } from '../../engine/read/stats.js';
import { errors } from '../schemas.js';

const cny = z.number().int().min(0);
const counts = z.record(z.string(), z.number().int());

const inboxSchema = z
  .object({
    items: z.array(
      z.object({
        challengeId: z.string(),
        title: z.string(),
        stage: z.enum(stages),
        allowedEvents: z.array(z.enum(staffEventTypes as [string, ...string[]])),
        deadline: z
          .object({
            kind: z.string().describe('the system event that fires when it passes'),
            at: z.string(),
            workingDaysLeft: z
              .number()
              .int()
              .min(0)
              .describe("working days after today up to the deadline's date, on the programme's calendar"),
          })
          .optional(),
      }),
    ),
    counts: counts.describe('per event type, how many of the items offer it'),
  })
  .meta({ id: 'Inbox' });

const statsSchema = z
  .object({
    byStage: counts,
    byDomain: counts,
    byDistrict: counts.describe('keyed by the recommending unit'),
    byKind: counts,
    money: z.object({
      agreedCny: cny,
      paidByIssuerCny: cny,
      disbursedCny: cny,
      fiscalSupportCapCny: cny.describe('the fiscal support the caps allow on the awarded challenges (H-4)'),
    }),
    dueWithin7Days: z.array(z.object({ challengeId: z.string(), kind: z.string(), at: z.string() })),
    overdue: z.array(
      z.object({ challengeId: z.string(), kind: z.enum(['L-1', 'acceptance', 'rectification']), since: z.string() }),
    ),
  })
  .meta({ id: 'Stats' });

/** What the console reads (api.md): each person's inbox and the bureau's dashboard numbers. */
const consoleRoutes: FastifyPluginAsyncZod = async (app) => {
  const { deps, db } = app.jiebang;

  app.get(
    '/inbox',
    {
      config: { roles: rolesFor('readInbox') },
      schema: {
        tags: ['console'],
        summary: 'The challenges on which the caller can act now, most urgent first',
        description:
          "Each with the events the caller may send (the challenge's `allowedEvents` for it) and the deadline that runs there, with the working days left on the programme's calendar; `counts` per event type.",
        response: { 200: inboxSchema, ...errors.read },
      },
    },
    async (request) => readInbox(deps, db, request.caller),
  );

  app.get(
    '/stats',
    {
      config: { roles: rolesFor('readStats') },
      schema: {
        tags: ['console'],
        summary: "The bureau's dashboard: challenges by stage, domain, district and kind; money; deadlines; overdue",
        querystring: z.object({ programme: z.string().max(64).optional() }),
        response: { 200: statsSchema, ...errors.read },
      },
    },
    async (request) => readStats(deps, db, request.query),
  );
};
export default consoleRoutes;
