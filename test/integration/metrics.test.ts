/**
 * Metrics and health (issue 14): `/metrics` in Prometheus text with the series api.md names,
 * counting transitions by type and outcome and refusals by clause; `/ready` failing when timers
 * are not being fired; and the business context (challenge, event type, refused clauses) in the
 * log lines of a request about a challenge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIMERS_STUCK_AFTER_MS } from '../../src/http/routes/health.js';
import { type Parties, registerParties } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  h = await startHarness(undefined, {}, { write: (line) => logLines.push(JSON.parse(line)) });
  p = await registerParties(h);
});
afterAll(async () => h.close());

async function scrape(): Promise<string> {
  const res = await h.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.body;
}

/** The value of one series (0 when absent). */
function seriesValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('needs no token and names the series of api.md', async () => {
    const text = await scrape();
    for (const name of [
      'jiebang_transitions_total',
      'jiebang_refusals_total',
      'jiebang_commit_seconds',
      'jiebang_timers_due',
      'jiebang_outbox_pending',
      'jiebang_http_requests_total',
      'jiebang_http_request_duration_seconds',
    ])
      expect(text).toContain(`# TYPE ${name} `);
  });

  it('counts an accepted transition, and a refusal by its clauses', async () => {
    const before = await scrape();
    const c = await new ChallengeDriver(h, p).create();
    // SUBMIT without the attachments: refused by Q-4 and Q-5T.
    const refused = await c.send(p.issuer, { type: 'SUBMIT', confirmDetails: true });
    expect(refused.status).toBe(422);
    await c.attachAll();
    // The same Idempotency-Key twice: one transition, the second answer marked as a replay.
    const update = { type: 'UPDATE', title: '幂等测试' };
    const first = await c.send(p.issuer, update, { 'idempotency-key': `metrics-${c.id}` });
    const again = await c.send(p.issuer, update, { 'idempotency-key': `metrics-${c.id}` });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.headers['idempotent-replayed']).toBe('true');
    const after = await scrape();
    const delta = (series: string) => seriesValue(after, series) - seriesValue(before, series);
    expect(delta('jiebang_transitions_total{type="CREATE",outcome="accepted"}')).toBe(1);
    expect(delta('jiebang_transitions_total{type="SUBMIT",outcome="refused"}')).toBe(1);
    expect(delta('jiebang_transitions_total{type="ATTACH",outcome="accepted"}')).toBeGreaterThan(0);
    expect(delta('jiebang_transitions_total{type="UPDATE",outcome="accepted"}')).toBe(1);
    expect(delta('jiebang_refusals_total{clause="Q-4"}')).toBe(1);
    expect(delta('jiebang_refusals_total{clause="Q-5T"}')).toBe(1);
    expect(delta('jiebang_commit_seconds_count')).toBeGreaterThan(0);
    expect(delta('jiebang_http_requests_total{method="POST",route="/api/v1/challenges/:id/events",status="422"}')).toBe(
      1,
    );
  });

  it('puts the challenge, the event type and the refused clauses in the log lines of the request', async () => {
    const c = await new ChallengeDriver(h, p).create();
    logLines.length = 0;
    const refused = await c.send(p.issuer, { type: 'SUBMIT', confirmDetails: true });
    const requestId = refused.headers['x-request-id'];
    const completed = logLines.find((l) => l.reqId === requestId && l.msg === 'request completed');
    expect(completed).toMatchObject({ challengeId: c.id, eventType: 'SUBMIT', clauses: ['Q-4', 'Q-5T'] });
  });
});

describe('GET /ready', () => {
  it('is ready while timers keep up, and 503 when a due timer is not fired for a minute', async () => {
    const ok = await h.app.inject({ method: 'GET', url: '/ready' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'ready', database: 'ok', timers: 'ok' });
    // The harness's scheduler is off: moving the clock without firing stands for a stuck loop.
    const [due] = (await h.app.jiebang.db.$port.query(
      `SELECT min(due_ms) AS dueMs FROM timers WHERE status = 'pending'`,
    )) as [{ dueMs: number }];
    h.app.jiebang.clock.advanceTo(new Date(due.dueMs + TIMERS_STUCK_AFTER_MS + 1000));
    const stuck = await h.app.inject({ method: 'GET', url: '/ready' });
    expect(stuck.statusCode).toBe(503);
    expect(stuck.json()).toMatchObject({ status: 'not ready', database: 'ok', timers: 'stuck' });
    expect(stuck.json().overdueTimers).toBeGreaterThan(0);
    // Firing them makes it ready again, and the timer's event is counted as a transition.
    const before = await scrape();
    await h.app.jiebang.scheduler.fireDue();
    expect((await h.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    const fired = seriesValue(
      await scrape(),
      'jiebang_transitions_total{type="SUBMISSION_WINDOW_CLOSED",outcome="accepted"}',
    );
    expect(
      fired - seriesValue(before, 'jiebang_transitions_total{type="SUBMISSION_WINDOW_CLOSED",outcome="accepted"}'),
    ).toBeGreaterThan(0);
  });
});
