/**
 * The end-to-end world: a server process on a database of its own (a SQLite file, or a PostgreSQL
 * database in the PostgreSQL run), a programme whose windows are
 * open *now* (the real clock is past wlmq-2026's windows), and the guide's cast with their
 * tokens, reached over HTTP. Challenges are walked by the lifecycle driver of the integration
 * tests (test/helpers/lifecycle.ts), on the HTTP transport.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { z } from 'zod';
import { wlmq2026 } from '../../machines/programme.js';
import { type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import type { Json } from '../helpers/harness.js';
import { HttpTransport } from '../helpers/http-transport.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { freshDatabase, testStore } from '../helpers/store.js';
import { serviceNow, succeeded, type Transport } from '../helpers/transport.js';
import { ServerProcess } from './server-process.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface World {
  server: ServerProcess;
  http: HttpTransport;
  parties: Parties;
  programmeId: string;
}

/** The panel's scores in the end-to-end walks: spread across the panel (70, 75, … 90), not all alike. */
export const spreadScores = (panelPlace: number) => 70 + panelPlace * 5;

/**
 * A driver for a new challenge of this world. Its bodies name the cast's people as registered:
 * the world's server is the test's own, so no other test shares them.
 */
export function challengeIn(world: World): ChallengeDriver {
  return new ChallengeDriver(world.http, world.parties, { people: 'cast' });
}

/** This world's standard techBreakthrough draft, on the world's programme. */
export const worldDraft = (world: World, overrides: Record<string, unknown> = {}) =>
  techDraft({ programmeId: world.programmeId, ...overrides });

const programmeSchema = z.looseObject({ id: z.string(), settings: z.looseObject({ name: z.string() }) });

/**
 * wlmq-2026's settings with windows around the server's now: submission opened an hour ago and
 * closes in 10 days, recommendation 2 days after that. These tests run on the real clock, so
 * their deadlines may fall in a year the national schedule does not list yet (X-1 refuses those):
 * the test programme declares the next two years known, with weekends as their only days off.
 */
async function putProgramme(t: Transport, id: string): Promise<void> {
  const now = Date.parse(await serviceNow(t));
  const closesAt = now + 10 * DAY_MS;
  const thisYear = new Date(now).getUTCFullYear();
  const body = await succeeded(
    t.request('PUT', `/api/v1/programmes/${id}`, t.adminToken, {
      ...wlmq2026,
      name: `${wlmq2026.name}（端到端测试 ${id}）`,
      submission: { opensAt: new Date(now - HOUR_MS).toISOString(), closesAt: new Date(closesAt).toISOString() },
      recommendationClosesAt: new Date(closesAt + 2 * DAY_MS).toISOString(),
      calendar: { ...wlmq2026.calendar, years: [thisYear + 1, thisYear + 2] },
    }),
    `PUT programme ${id}`,
  );
  const programme = programmeSchema.parse(body);
  if (programme.id !== id) throw new Error(`PUT programme ${id} answered ${programme.id}`);
}

/** Registers a clean-up that runs when the test ends, pass or fail (vitest's `onTestFinished`). */
export type OnFinished = (fn: () => Promise<void>) => void;

/**
 * A fresh server on a fresh file, with a programme open now and the cast registered. The
 * server is killed and its file removed when the test finishes, even if it fails or the start
 * does; tests may run concurrently, each with its own world.
 */
export async function startWorld(onFinished: OnFinished): Promise<World> {
  const server =
    testStore === 'postgres'
      ? new ServerProcess(undefined, await freshDatabase(tmpdir(), 'postgres'))
      : new ServerProcess();
  onFinished(() => server.dispose());
  await server.start();
  const http = new HttpTransport(server, server.adminToken);
  const programmeId = `e2e-${randomBytes(4).toString('hex')}`;
  await putProgramme(http, programmeId);
  const parties = await registerParties(http);
  return { server, http, parties, programmeId };
}

/** A second server process on the first one's database file, as a second world on it. */
export async function secondProcess(world: World, onFinished: OnFinished): Promise<World> {
  const server = new ServerProcess(world.server);
  onFinished(() => server.dispose());
  await server.start();
  return { ...world, server, http: new HttpTransport(server, server.adminToken) };
}

/**
 * A challenge of this world published with bidding closing `leadMs` from now (real time) and
 * one bid agreed; returns it and the instant its BIDDING_CLOSED timer falls due (ms).
 */
export async function matchingClosingIn(world: World, leadMs: number): Promise<{ c: ChallengeDriver; dueMs: number }> {
  const c = await challengeIn(world).create(worldDraft(world));
  await c.toPublication();
  await c.approveDemand();
  const biddingClosesAt = new Date(Date.now() + leadMs).toISOString();
  await c.publish(biddingClosesAt);
  await c.bidAndAgree([{ bidId: 'bid-1' }]);
  return { c, dueMs: Date.parse(biddingClosesAt) + 1 };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Reads the view until `done` holds or `timeoutMs` passes; returns the last view read. */
export async function pollView(c: ChallengeDriver, done: (view: Json) => boolean, timeoutMs: number): Promise<Json> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const view = await c.view();
    if (done(view) || Date.now() > until) return view;
    await sleep(200);
  }
}
