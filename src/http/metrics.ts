/**
 * The Prometheus series of api.md ("Notifications and integrations"), in a registry of the app's
 * own (several apps share a test process). Gauges that describe the database are read when
 * scraped, so they are true whichever process wrote the rows.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/client.js';

export type TransitionOutcome = 'accepted' | 'refused' | 'not_allowed' | 'conflict' | 'invalid' | 'forbidden' | 'error';

export function createMetrics(database: () => Db | undefined) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'jiebang_process_' });
  // A database closed (shutting down) or away reads as 0, never a failed scrape.
  const count = (sql: string, now: boolean) => async () => {
    const db = database();
    if (!db) return 0;
    try {
      const [row] = await db.$port.query<{ n: number }>(sql, now ? [Date.now()] : []);
      return Number(row?.n ?? 0);
    } catch {
      return 0;
    }
  };
  const timersDue = count(`SELECT count(*) AS n FROM timers WHERE status = 'pending' AND due_ms <= ?`, true);
  const outboxPending = count(`SELECT count(*) AS n FROM outbox WHERE status = 'pending'`, false);
  return {
    registry,
    transitions: new Counter({
      name: 'jiebang_transitions_total',
      help: 'Events sent to challenges, by type and outcome (accepted, refused by a rule, not allowed in the state, …)',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'jiebang_refusals_total',
      help: 'Rule refusals, by the clause refused (an event refused by two clauses counts once for each)',
      labelNames: ['clause'] as const,
      registers: [registry],
    }),
    commitSeconds: new Histogram({
      name: 'jiebang_commit_seconds',
      help: 'Duration of a commit of the event log (a group commit of the events of one turn)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    timersDue: new Gauge({
      name: 'jiebang_timers_due',
      help: 'Pending timers already due: above zero for long, the timer loop is stuck',
      registers: [registry],
      async collect() {
        this.set(await timersDue());
      },
    }),
    outboxPending: new Gauge({
      name: 'jiebang_outbox_pending',
      help: 'Notifications (webhook deliveries, mail) not yet delivered',
      registers: [registry],
      async collect() {
        this.set(await outboxPending());
      },
    }),
    httpRequests: new Counter({
      name: 'jiebang_http_requests_total',
      help: 'HTTP requests, by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpSeconds: new Histogram({
      name: 'jiebang_http_request_duration_seconds',
      help: 'HTTP request duration, by method and route',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The outcome of an event request, from its status and error code. */
export function outcomeOf(status: number, code: string | undefined): TransitionOutcome {
  if (status < 300) return 'accepted';
  if (code === 'RULE_VIOLATION') return 'refused';
  if (code === 'EVENT_NOT_ALLOWED') return 'not_allowed';
  if (status === 409) return 'conflict';
  if (status === 401 || status === 403 || status === 404) return 'forbidden';
  if (status < 500) return 'invalid';
  return 'error';
}
