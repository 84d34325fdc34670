import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MACHINE_VERSION } from '../../../machines/challenge/version.js';
import { errors } from '../schemas.js';

/**
 * A pending timer this long past its due time means the timer loop is not firing (the
 * scheduler wakes at least every 2 s, and fires everything due on start).
 */
export const TIMERS_STUCK_AFTER_MS = 60_000;

const readinessSchema = z.object({
  status: z.enum(['ready', 'not ready']),
  database: z.enum(['ok', 'failed']),
  timers: z.enum(['ok', 'stuck']).describe('stuck: a timer is pending over a minute past its due time'),
  overdueTimers: z.number(),
  time: z.string(),
});

/** Liveness and a real database round trip; readiness; the Prometheus metrics. */
const health: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['service'],
        summary: 'Liveness and database check',
        security: [],
        response: {
          200: z.object({ status: z.literal('ok'), database: z.literal('ok'), time: z.string() }),
          429: errors.read[429],
        },
      },
    },
    async () => {
      await app.jiebang.db.get(sql`select 1`);
      return { status: 'ok' as const, database: 'ok' as const, time: app.jiebang.clock.now().toISOString() };
    },
  );

  app.get(
    '/ready',
    {
      config: { public: true },
      schema: {
        tags: ['service'],
        summary: 'Readiness: the database answers and the timer loop keeps up (503 otherwise)',
        security: [],
        response: { 200: readinessSchema, 429: errors.read[429], 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      const now = app.jiebang.clock.now();
      let database: 'ok' | 'failed' = 'ok';
      let overdueTimers = 0;
      try {
        // Timers of challenges still on an older machine wait, on purpose, for their migration.
        const [row] = await app.jiebang.db.$port.query<{ n: number }>(
          `SELECT count(*) AS n FROM timers t JOIN challenges c ON c.id = t.challenge_id
              WHERE t.status = 'pending' AND t.due_ms < ? AND c.machine_version = ?`,
          [now.getTime() - TIMERS_STUCK_AFTER_MS, MACHINE_VERSION],
        );
        overdueTimers = Number(row?.n ?? 0);
      } catch (err) {
        app.log.error({ err }, 'readiness: the database did not answer');
        database = 'failed';
      }
      const timers = overdueTimers > 0 ? ('stuck' as const) : ('ok' as const);
      const ready = database === 'ok' && timers === 'ok';
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not ready', database, timers, overdueTimers, time: now.toISOString() });
    },
  );

  app.get(
    '/metrics',
    {
      config: { public: true },
      schema: {
        tags: ['service'],
        summary: 'Prometheus metrics (no token: bind the service to an internal address in production)',
        security: [],
        produces: ['text/plain'],
        response: { 200: z.string().describe('Prometheus text exposition format 0.0.4'), 429: errors.read[429] },
      },
    },
    async (_request, reply) => {
      const text = await app.metrics.registry.metrics();
      return reply.type(app.metrics.registry.contentType).send(text);
    },
  );
};
export default health;
