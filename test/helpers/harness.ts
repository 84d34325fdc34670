/**
 * Builds the real app on a fresh database file with a manual clock, and gives tests a small
 * client: every request goes through `app.inject`, auth and all. The harness is the in-process
 * `Transport` of the lifecycle driver (transport.ts); http-transport.ts is the other one.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/client.js';
import { LIST_ROWS_SQL, type ListItemRow } from '../../src/db/stored-snapshot.js';
import { firstDivergence } from '../../src/engine/audit/replay.js';
import { createStore } from '../../src/engine/store.js';
import { manualClock } from '../../src/engine/time/clock.js';
import { logRedaction, logSerializers } from '../../src/http/logging.js';
import { freshDatabase, testStore } from './store.js';
import { moveClockTo, type Transport } from './transport.js';
import { multipartBody } from './uploads.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A reply body: JSON that tests assert on field by field, so its static type is left open. */
// biome-ignore lint/suspicious/noExplicitAny: reply bodies are untyped JSON; the assertions check their shape.
export type Json = any;

export interface Reply<T = Json> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

export interface Harness extends Transport {
  app: FastifyInstance;
  /** The SQLite file or the PostgreSQL URL. */
  dbFile: string;
  /** The test's own folder (its SQLite file, its uploads), removed at close. */
  dir: string;
  request<T = Json>(
    method: string,
    url: string,
    token: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply<T>>;
  /** POST /challenges/:id/events as `token`. */
  send<T = Json>(
    token: string,
    id: string,
    event: { type: string } & Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<Reply<T>>;
  /** Moves the clock to an instant (forward only), firing due timers on the way. */
  at(instant: string): Promise<void>;
  now(): string;
  /**
   * A second app on the same database, as another service process would be (issue 15): its own
   * connection and caches, and these settings changed (issue 15: JIEBANG_HASH); closed with the harness.
   */
  otherWriter(settings?: Partial<BuildOptions['config']>): Promise<Pick<Harness, 'request' | 'send'>>;
  /** Stops the app and starts it again on the same database, with these settings changed (issue 16: JIEBANG_HASH). */
  restart(settings: Partial<BuildOptions['config']>): Promise<void>;
  close(): Promise<void>;
}

/** `store`: the run's (test/helpers/store.ts) unless a test needs one in particular. */
export async function startHarness(
  start = '2026-05-06T10:00:00+08:00',
  /** More settings (issue 14: SMTP, retry timing). */
  extra: Partial<BuildOptions['config']> = {},
  /** Where log lines go (JSON, level info), for tests of what the log says; none by default. */
  logStream?: { write(line: string): void },
  store: 'sqlite' | 'postgres' = testStore,
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'jiebang-test-'));
  const database = await freshDatabase(dir, store);
  const dbFile = database.location;
  const clock = manualClock(new Date(start));
  // Tests send thousands of requests a minute with one token: the rate limit has its own test.
  let config: BuildOptions['config'] = {
    dbPath: dbFile,
    adminToken: ADMIN_TOKEN,
    testClock: true,
    logLevel: 'silent',
    rateLimitPerMinute: 1_000_000,
    filesDir: database.filesDir,
    ...extra,
  };
  const build = async (settings: Partial<BuildOptions['config']> = {}) => {
    const built = await buildApp({
      config: { ...config, ...settings },
      db: openDatabase(dbFile),
      clock,
      scheduler: false,
      // The service's own redaction and serializers, so a test of the log reads what production writes.
      logger: logStream
        ? { level: 'info', stream: logStream, redact: logRedaction, serializers: logSerializers }
        : false,
    });
    await built.ready();
    return built;
  };
  let app = await build();

  const requestTo =
    (target: () => FastifyInstance): Harness['request'] =>
    async (method, url, token, payload, headers = {}) => {
      const res = await target().inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${token}`, ...headers },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
      const text = res.body;
      let body: unknown = text;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        // Not JSON (e.g. text/plain); keep the text.
      }
      return { status: res.statusCode, body: body as never, headers: res.headers };
    };
  const request = requestTo(() => app);
  const others: FastifyInstance[] = [];

  const harness: Harness = {
    app,
    dbFile,
    dir,
    adminToken: ADMIN_TOKEN,
    request,
    async upload(challengeId, token, { content, filename, contentType }) {
      // The multipart body is built by hand: inject takes a payload, not a FormData.
      const { body, headers } = multipartBody(content, filename, contentType);
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/challenges/${challengeId}/attachments`,
        headers: { authorization: `Bearer ${token}`, ...headers },
        payload: body,
      });
      return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers };
    },
    send: (token, id, event, headers) => request('POST', `/api/v1/challenges/${id}/events`, token, event, headers),
    async at(instant) {
      await moveClockTo(harness, instant);
    },
    now: () => clock.now().toISOString(),
    async otherWriter(settings) {
      const other = await build(settings);
      others.push(other);
      const otherRequest = requestTo(() => other);
      return {
        request: otherRequest,
        send: (token, id, event, headers) =>
          otherRequest('POST', `/api/v1/challenges/${id}/events`, token, event, headers),
      };
    },
    async restart(settings) {
      await app.close();
      config = { ...config, ...settings };
      app = await build();
      harness.app = app;
    },
    async close() {
      // Every test is also a replay test: each challenge it left must replay to every stored
      // state_after and to its stored snapshot exactly (design.md, determinism).
      const divergences = await replayAll(app);
      for (const other of others) await other.close();
      await app.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
      if (divergences.length > 0) throw new Error(`replay diverged: ${JSON.stringify(divergences)}`);
    },
  };
  return harness;
}

/** Replays every challenge of the app's database; returns the divergences found. */
export async function replayAll(app: FastifyInstance): Promise<{ id: string; seq: number; what: string }[]> {
  const { db } = app.jiebang;
  const store = createStore(db);
  const ids = await db.$port.query<{ id: string; snapshot: string }>('SELECT id, snapshot FROM challenges');
  const divergences: { id: string; seq: number; what: string }[] = [];
  for (const { id, snapshot } of ids) {
    const items = await db.$port.query<ListItemRow>(LIST_ROWS_SQL, [id]);
    const found = firstDivergence(await store.history.all({ id }), snapshot, undefined, items);
    if (found) divergences.push({ id, ...found });
  }
  return divergences;
}
