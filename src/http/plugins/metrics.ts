/**
 * Issue 14: `GET /metrics` (Prometheus text, no token: bind it to an internal address in
 * production), `GET /ready` (fails when the database or the timer loop is stuck), and the
 * business context of every log line about a challenge: its id and the event type from the
 * moment the request is parsed, and the refused clauses on a refusal.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { staffEventTypes } from '../../../machines/challenge/events.js';
import { createMetrics, type Metrics, outcomeOf } from '../metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** Labels stay a short, known list: a type no event has is counted as `unknown`. */
const knownTypes = new Set<string>([...staffEventTypes, 'CREATE']);

interface ErrorBody {
  error?: { code?: string; clause?: string; violations?: { clause: string }[] };
}

export default fp(
  async (app: FastifyInstance) => {
    const metrics = createMetrics(() => (app.hasDecorator('jiebang') ? app.jiebang?.db : undefined));
    app.decorate('metrics', metrics);

    app.addHook('preHandler', (request, reply, done) => {
      const params = request.params as { id?: unknown } | undefined;
      const body = request.body as { type?: unknown } | undefined;
      const challengeId =
        typeof params?.id === 'string' && request.url.includes('/challenges/') ? params.id : undefined;
      const eventType =
        body !== null && typeof body === 'object' && typeof body.type === 'string'
          ? body.type
          : request.routeOptions.config.eventType;
      if (challengeId !== undefined || (eventType !== undefined && request.routeOptions.config.recordsDenials)) {
        // The request's own child logger (Fastify makes one per request) takes the bindings:
        // a second child per request cost more than the bindings (issue 15).
        const log = request.log as typeof request.log & { setBindings?: (bindings: object) => void };
        if (log !== app.log && typeof log.setBindings === 'function') log.setBindings({ challengeId, eventType });
        else {
          request.log = request.log.child({ challengeId, eventType });
          reply.log = request.log;
        }
      }
      done();
    });

    app.addHook('onSend', (request, reply, payload, done) => {
      const config = request.routeOptions.config;
      if (!config.recordsDenials || request.method !== 'POST') return done(null, payload);
      const body = request.body as { type?: unknown } | undefined;
      const type =
        body !== null && typeof body === 'object' && typeof body.type === 'string' ? body.type : config.eventType;
      // An upload is no transition; a replayed answer (Idempotency-Key) was counted the first time.
      if (type === undefined || type === 'UPLOAD' || reply.hasHeader('idempotent-replayed')) return done(null, payload);
      let error: ErrorBody['error'];
      if (reply.statusCode >= 400 && typeof payload === 'string') {
        try {
          error = (JSON.parse(payload) as ErrorBody).error;
        } catch {
          error = undefined;
        }
      }
      metrics.transitions.inc({
        type: knownTypes.has(type) ? type : 'unknown',
        outcome: outcomeOf(reply.statusCode, error?.code),
      });
      if (error?.code === 'RULE_VIOLATION') {
        const clauses = [...new Set((error.violations ?? []).map((v) => v.clause).concat(error.clause ?? []))];
        for (const clause of clauses) metrics.refusals.inc({ clause });
        request.log = request.log.child({ clauses });
        reply.log = request.log;
      }
      done(null, payload);
    });

    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
      metrics.httpSeconds.observe({ method: request.method, route }, reply.elapsedTime / 1000);
      done();
    });
  },
  { name: 'metrics', dependencies: ['errors'] },
);
