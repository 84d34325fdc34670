import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eventBodySchema, type StaffEventType } from '../../../machines/challenge/events.js';
import { createChallengeSchema } from '../../../machines/challenge/schemas.js';
import { historyReaderRoles, rolesFor } from '../../access/policy.js';
import { challengeHistory, listChallenges } from '../../engine/read/queries.js';
import { readChallenge } from '../../engine/read/read-challenge.js';
import { readReconciliation } from '../../engine/read/reconciliation.js';
import { createChallenge } from '../../engine/write/create-challenge.js';
import { submitEvent } from '../../engine/write/send-event.js';
import { challengeSummarySchema, challengeViewSchema, errors } from '../schemas.js';

const idParams = z.object({ id: z.string().min(1).max(100) });
/** Marks an answer repeated for an Idempotency-Key already used (nothing was done again). */
export const REPLAY_HEADER = 'idempotent-replayed';

const writeHeaders = z.looseObject({
  'if-match': z
    .string()
    .regex(/^(W\/)?"?\d{1,15}"?$/, 'a version number, e.g. "3"')
    .optional()
    .describe('the version the change is based on; 409 VERSION_CONFLICT when stale'),
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('the same key and body return the first response; another body with it is 422'),
});
const versionOf = (ifMatch: string | undefined) =>
  ifMatch === undefined ? undefined : Number(ifMatch.replace(/\D/g, ''));

const summarySchema = z.object({
  id: z.string(),
  programmeId: z.string(),
  kind: z.string(),
  domain: z.string(),
  title: z.string(),
  issuerUnit: z.string(),
  districtUnit: z.string(),
  stage: z.string(),
  version: z.number(),
  updatedAt: z.string(),
});

const historyEntry = z.object({
  seq: z.number(),
  globalSeq: z.number(),
  type: z.string(),
  payload: z.unknown(),
  facts: z.unknown().describe('registry facts the guards read, gathered before the transition'),
  actor: z.unknown(),
  at: z.string(),
  machineVersion: z.string(),
  stateAfter: z.unknown(),
  prevHash: z
    .string()
    .nullable()
    .describe('null for the issuing unit after the first entry with something withheld (docs/audit.md)'),
  hash: z
    .string()
    .nullable()
    .describe(
      'sha256(prevHash ‖ canonical JSON of the row); null for the issuing unit from the first entry with something withheld on, since every later hash is computed from the withheld fields',
    ),
  withheld: z
    .array(z.string())
    .optional()
    .describe(
      "for the issuing unit only: what this entry leaves out (other parties' registry facts, experts' individual scores); the bureau and auditors read every entry whole",
    ),
});

/** Challenges: create, list, read, send events, read history. Each handler is one engine call. */
const cny = z.number().int().min(0);
/** `GET /challenges/:id/reconciliation` (api.md, "What the console reads"). */
const reconciliationSchema = z
  .object({
    challengeId: z.string(),
    items: z.array(
      z.object({
        trackId: z.string(),
        payeeUnit: z.string().describe("who receives the city's money: the last payee, else the lead unit"),
        declaredCny: cny.describe("the draft's funding for the solver (a horse race: the route's investment)"),
        requestedCny: cny,
        agreedCny: cny.describe('raised only by an approved funding change'),
        paidByIssuerCny: cny,
        disbursedCny: cny,
        caps: z.object({ shareCny: cny, capCny: cny, firstPhaseCny: cny.optional() }),
        remainingCny: cny,
      }),
    ),
  })
  .meta({ id: 'Reconciliation' });

const challengeRoutes: FastifyPluginAsyncZod = async (app) => {
  const { deps, db } = app.jiebang;
  const readers = rolesFor('readChallenges');

  app.post(
    '/challenges',
    {
      config: { roles: rolesFor('createChallenge'), recordsDenials: true, eventType: 'CREATE' },
      schema: {
        tags: ['challenges'],
        summary: 'Create a draft challenge (collection stage)',
        description: '`classified: true` is refused at once (Q-10): classified projects go to the bureau offline.',
        headers: writeHeaders,
        body: createChallengeSchema,
        response: { 201: challengeViewSchema, ...errors.event },
      },
    },
    async (request, reply) => {
      const result = await createChallenge(deps, {
        body: request.body,
        caller: request.caller,
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (result.replayed) reply.header(REPLAY_HEADER, 'true');
      return reply.code(result.statusCode).header('etag', `"${result.view.version}"`).send(result.view);
    },
  );

  app.get(
    '/challenges',
    {
      config: { roles: readers },
      schema: {
        tags: ['challenges'],
        summary: 'List challenges (cursor pagination, ordered by id)',
        querystring: z.object({
          programme: z.string().max(64).optional(),
          stage: z.string().max(64).optional(),
          kind: z.enum(['techBreakthrough', 'achievementTransfer']).optional(),
          domain: z.string().max(64).optional(),
          issuer: z.string().max(64).optional(),
          district: z.string().max(64).optional(),
          overdue: z
            .enum(['rectification'])
            .optional()
            .describe('rectification: the rectification period (X-3) passed and the bureau has not decided'),
          cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: {
          200: z.object({ items: z.array(summarySchema), nextCursor: z.string().nullable() }),
          400: errors.write[400],
          ...errors.read,
        },
      },
    },
    async (request) => listChallenges(db, request.caller, request.query),
  );

  app.get(
    '/challenges/:id',
    {
      config: { roles: readers },
      schema: {
        tags: ['challenges'],
        summary: 'A challenge as the caller sees it',
        params: idParams,
        response: { 200: challengeViewSchema, ...errors.read },
      },
    },
    async (request, reply) => {
      const view = await readChallenge(deps, request.params.id, request.caller);
      return reply.header('etag', `"${view.version}"`).send(view);
    },
  );

  app.post(
    '/challenges/:id/events',
    {
      config: { recordsDenials: true },
      schema: {
        tags: ['challenges'],
        summary: 'Send an event to a challenge',
        description:
          'The body is `{type, …payload}`; which roles may send each type is in api.md. The answer is the challenge view without `details` (read those with GET). A refused event changes nothing: 422 RULE_VIOLATION lists every failing clause, 422 EVENT_NOT_ALLOWED lists what the state takes now.',
        params: idParams,
        headers: writeHeaders,
        body: eventBodySchema,
        response: { 200: challengeSummarySchema, ...errors.event },
      },
    },
    async (request, reply) => {
      const result = await submitEvent(deps, {
        challengeId: request.params.id,
        body: request.body as { type: StaffEventType } & Record<string, unknown>,
        caller: request.caller,
        ifMatch: versionOf(request.headers['if-match']),
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (result.replayed) reply.header(REPLAY_HEADER, 'true');
      return reply.code(result.statusCode).header('etag', `"${result.view.version}"`).send(result.view);
    },
  );

  app.get(
    '/challenges/:id/history',
    {
      config: { roles: historyReaderRoles() },
      schema: {
        tags: ['audit'],
        summary: "A challenge's every event, hash-chained",
        params: idParams,
        response: { 200: z.object({ items: z.array(historyEntry) }), ...errors.read },
      },
    },
    async (request) => ({ items: await challengeHistory(db, request.caller, request.params.id) }),
  );

  app.get(
    '/challenges/:id/reconciliation',
    {
      config: { roles: rolesFor('readReconciliation') },
      schema: {
        tags: ['challenges'],
        summary: "A challenge's money per track: declared, requested, agreed, paid, disbursed, against each cap",
        params: idParams,
        response: { 200: reconciliationSchema, ...errors.read },
      },
    },
    async (request) => readReconciliation(deps, request.params.id, request.caller),
  );
};
export default challengeRoutes;
