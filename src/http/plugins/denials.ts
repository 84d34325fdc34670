/**
 * Puts every refused attempt on an event route on record (src/engine/audit/denials.ts). A route opts in
 * with `config.recordsDenials`; the hook sees the reply the error handler built — 401s from the
 * auth hook included, which the engine never sees — and writes one row outside any transaction.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createDenialRecorder, recordedStatuses } from '../../engine/audit/denials.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Refusals on this route (401/403/404/422) are written to `denials`. */
    recordsDenials?: boolean;
    /** The event type the route stands for when the body names none (CREATE, ATTACH upload). */
    eventType?: string;
  }
}

interface ErrorBody {
  error?: {
    code?: string;
    clause?: string;
    scope?: string;
    message?: string;
    message_zh?: string;
    violations?: { clause: string }[];
  };
}

export default fp(
  async (app: FastifyInstance) => {
    const record = createDenialRecorder(app.jiebang.db);
    app.addHook('onSend', (request, reply, payload, done) => {
      const failed = (err: unknown) =>
        // The refusal is answered whatever happens here; a failure to record it is logged loudly.
        request.log.error({ err }, 'could not record a denial');
      const config = request.routeOptions.config;
      if (!config.recordsDenials || !recordedStatuses.has(reply.statusCode) || typeof payload !== 'string')
        return done(null, payload);
      try {
        const error = (JSON.parse(payload) as ErrorBody).error ?? {};
        const params = request.params as { id?: unknown } | undefined;
        const body = request.body as { type?: unknown } | undefined;
        const typed = body !== null && typeof body === 'object' && typeof body.type === 'string';
        record({
          at: app.jiebang.clock.now().toISOString(),
          caller: request.caller ?? undefined,
          method: request.method,
          route: request.routeOptions.url ?? request.url.split('?')[0] ?? '',
          challengeId: typeof params?.id === 'string' ? params.id.slice(0, 100) : undefined,
          eventType: typed ? String(body.type).slice(0, 64) : config.eventType,
          status: reply.statusCode,
          code: error.code ?? 'UNKNOWN',
          clause: error.clause,
          clauses: error.violations ? [...new Set(error.violations.map((v) => v.clause))] : undefined,
          scope: error.scope,
          message: (error.message ?? '').slice(0, 2000),
          messageZh: error.message_zh?.slice(0, 2000),
          requestId: request.id,
          ip: request.ip,
        })
          .catch(failed)
          .finally(() => done(null, payload));
      } catch (err) {
        failed(err);
        done(null, payload);
      }
    });
  },
  { name: 'denials', dependencies: ['engine', 'auth'] },
);
