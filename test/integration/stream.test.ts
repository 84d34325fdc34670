/**
 * Issue 13: `GET /challenges/:id/stream` (api.md "What the console reads"), on a listening app:
 * one `committed` event per accepted event with `id:` = seq and `data: {seq, type, stage, state,
 * at}`; `Last-Event-ID` resumes; only readers who may read the challenge; heartbeats; and the
 * server closes with streams open. Runs on both stores; commits of another process are in
 * test/e2e/multi-process.suite.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/client.js';
import { manualClock } from '../../src/engine/time/clock.js';
import { type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { openStream, type SseStream } from '../helpers/sse.js';
import { freshDatabase } from '../helpers/store.js';

let h: Harness;
let p: Parties;
let base: string;
const streams: SseStream[] = [];

beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  for (const s of streams) s.close();
  await h?.close();
});

const stream = async (id: string, token: string, headers: Record<string, string> = {}) => {
  const s = await openStream(`${base}/api/v1/challenges/${id}/stream`, {
    authorization: `Bearer ${token}`,
    ...headers,
  });
  streams.push(s);
  return s;
};
const dataOf = (s: SseStream) => s.events.map((e) => JSON.parse(e.data));

describe('the event stream', () => {
  it('sends each event committed after connecting, as `committed` with id = seq and {seq, type, stage, state, at}', async () => {
    const c = await new ChallengeDriver(h, p).create();
    const s = await stream(c.id, p.bureau);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await s.waitForComment('事件流已连接 (stream open)');
    expect(s.events).toEqual([]); // CREATE came before: not sent without Last-Event-ID

    await c.ok(p.issuer, { type: 'UPDATE', summary: '第一次修改' });
    await c.ok(p.issuer, { type: 'UPDATE', summary: '第二次修改' });
    await s.waitForEvents(2);
    expect(s.events.map((e) => [e.id, e.event])).toEqual([
      ['2', 'committed'],
      ['3', 'committed'],
    ]);
    const history = await c.history();
    expect(dataOf(s)).toEqual(
      history.slice(1).map((e) => ({ seq: e.seq, type: 'UPDATE', stage: 'collection', state: e.stateAfter, at: e.at })),
    );
    expect(dataOf(s)[0].state).toEqual({ collection: 'draft' });
  });

  it('resumes after Last-Event-ID: the events after that seq come first, then the live ones, none twice', async () => {
    const c = await new ChallengeDriver(h, p).create();
    await c.ok(p.issuer, { type: 'UPDATE', summary: '改一' });
    await c.ok(p.issuer, { type: 'UPDATE', summary: '改二' });
    const s = await stream(c.id, p.auditor, { 'last-event-id': '1' });
    await s.waitForEvents(2);
    await c.submit();
    const history = await c.history();
    await s.waitForEvents(history.length - 1);
    expect(s.events.map((e) => Number(e.id))).toEqual(history.slice(1).map((e) => e.seq));
    expect(dataOf(s).at(-1)).toMatchObject({ type: 'SUBMIT', stage: 'review' });

    const fromZero = await stream(c.id, p.bureau, { 'last-event-id': '0' });
    await fromZero.waitForEvents(history.length);
    expect(fromZero.events.map((e) => e.id)).toEqual(history.map((e) => String(e.seq)));
  });

  it('a Last-Event-ID that is not a seq is 400 VALIDATION_FAILED', async () => {
    const c = await new ChallengeDriver(h, p).create();
    const res = await h.request('GET', `/api/v1/challenges/${c.id}/stream`, p.bureau, undefined, {
      'last-event-id': 'abc',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('only for readers of the challenge: 401 without a token, 404 for a solver before publication, 200 for it after', async () => {
    const c = await new ChallengeDriver(h, p).create();
    const anonymous = await fetch(`${base}/api/v1/challenges/${c.id}/stream`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('UNAUTHENTICATED');
    const hidden = await h.request('GET', `/api/v1/challenges/${c.id}/stream`, p.solverA);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('NOT_FOUND');
    const unknown = await h.request('GET', '/api/v1/challenges/no-such-challenge/stream', p.bureau);
    expect(unknown.status).toBe(404);

    await c.toMatching();
    const s = await stream(c.id, p.solverA);
    expect(s.status).toBe(200);
    await c.bid(p.solverA, 'bid-a');
    await s.waitForEvents(1);
    expect(dataOf(s)[0]).toMatchObject({ type: 'BID', stage: 'matching' });
  });

  it('a solver following a published call sees its end too, as any reader of the challenge', async () => {
    const c = await new ChallengeDriver(h, p).create();
    await c.toMatching();
    const solver = await stream(c.id, p.solverB);
    await solver.waitForComment('事件流已连接 (stream open)');
    await c.ok(p.bureau, { type: 'DECLARE_UNFILLED', reason: '无人揭榜' });
    await solver.waitForEvents(1);
    expect(dataOf(solver)).toEqual([
      expect.objectContaining({ seq: (await c.view()).version, type: 'DECLARE_UNFILLED', stage: 'unfilled' }),
    ]);
  });
});

describe('heartbeats and shutdown', () => {
  it('sends a heartbeat comment while idle, and app.close() ends open streams instead of waiting on them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jiebang-stream-'));
    const database = await freshDatabase(dir);
    const app = await buildApp({
      config: {
        dbPath: database.location,
        filesDir: database.filesDir,
        adminToken: ADMIN_TOKEN,
        testClock: true,
        logLevel: 'silent',
      },
      db: openDatabase(database.location),
      clock: manualClock(new Date('2026-05-06T10:00:00+08:00')),
      scheduler: false,
      dispatcher: false,
      logger: false,
      stream: { heartbeatMs: 50 },
    });
    try {
      const own = await registerParties({
        adminToken: ADMIN_TOKEN,
        request: async (method, url, token, payload, headers = {}) => {
          const res = await app.inject({
            method: method as 'GET',
            url,
            headers: { authorization: `Bearer ${token}`, ...headers },
            ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
          });
          return { status: res.statusCode, body: res.body === '' ? null : JSON.parse(res.body), headers: res.headers };
        },
        upload: () => Promise.reject(new Error('no uploads here')),
      });
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/challenges',
        headers: { authorization: `Bearer ${own.issuer}` },
        payload: techDraft(),
      });
      expect(created.statusCode).toBe(201);
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const s = await openStream(`${url}/api/v1/challenges/${JSON.parse(created.body).id}/stream`, {
        authorization: `Bearer ${own.auditor}`,
      });
      await s.waitForComment('heartbeat', 5000);
      const closing = Date.now();
      await app.close();
      await s.ended;
      // Well under Node's own timeouts: the stream was ended, not waited out.
      expect(Date.now() - closing).toBeLessThan(5000);
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
