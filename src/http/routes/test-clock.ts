import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { instant } from '../../../machines/programme.js';
import { rolesFor } from '../../access/policy.js';
import { AppError } from '../../base/errors.js';
import { addIsoDuration } from '../../engine/time/duration.js';
import { errors } from '../schemas.js';

/**
 * How far one call may move the test clock: ten years covers every period of the guide (the
 * longest, a project's term and its evaluation, runs a few years), and keeps event times and
 * checkpoint days in four-digit years (`P99999Y` once stamped events in the year +102025).
 */
const MAX_ADVANCE_YEARS = 10;

/**
 * The test clock (api.md): registered only when the server runs with JIEBANG_TEST_CLOCK=1.
 * Moves time forward, never back, firing every timer that falls due, in due order.
 */
const testClockRoutes: FastifyPluginAsyncZod = async (app) => {
  const { clock, scheduler } = app.jiebang;
  app.post(
    '/test/clock',
    {
      config: { roles: rolesFor('useTestClock') },
      schema: {
        tags: ['test'],
        summary: 'Move the test clock forward and fire due timers (JIEBANG_TEST_CLOCK=1 only)',
        body: z.union([
          z.strictObject({ now: instant }),
          z.strictObject({ advanceBy: z.string().min(2).max(40).describe('ISO 8601 duration, e.g. P5D or PT1H') }),
        ]),
        response: { 200: z.object({ now: z.string(), fired: z.number().int() }), ...errors.write },
      },
    },
    async (request) => {
      const current = clock.now();
      const target =
        'now' in request.body ? new Date(request.body.now) : addIsoDuration(current, request.body.advanceBy);
      if (target.getTime() < current.getTime())
        throw new AppError(
          'VALIDATION_FAILED',
          `The test clock only moves forward (it is ${current.toISOString()}).`,
          `测试时钟只能向前调整（当前为 ${current.toISOString()}）。`,
          {
            issues: [{ path: 'body', message: 'time would move back' }],
          },
        );
      const limit = new Date(current.getTime());
      limit.setUTCFullYear(limit.getUTCFullYear() + MAX_ADVANCE_YEARS);
      if (Number.isNaN(target.getTime()) || target.getTime() > limit.getTime())
        throw new AppError(
          'VALIDATION_FAILED',
          `The test clock moves at most ${MAX_ADVANCE_YEARS} years at a time (to ${limit.toISOString()} from ${current.toISOString()}).`,
          `测试时钟每次最多向前调整 ${MAX_ADVANCE_YEARS} 年（当前为 ${current.toISOString()}，最晚可至 ${limit.toISOString()}）。`,
          { issues: [{ path: 'body', message: `more than ${MAX_ADVANCE_YEARS} years ahead` }] },
        );
      const { now, fired } = await scheduler.advanceTo(target);
      return { now: now.toISOString(), fired };
    },
  );
};
export default testClockRoutes;
