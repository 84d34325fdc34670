/**
 * `jiebang inspect`: a finished challenge's history (`--replay`), or every transition committed
 * while it runs (live), goes to the inspector, every event in order, through the real local relay
 * of @statelyai/inspect. The test is its own inspector client — a WebSocket connected to the
 * relay, as the relay's browser page is — and counts what arrives. Personal data must not arrive.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { inspectFollow, inspectReplay, parsePace } from '../../src/cli/inspect.js';
import { type Parties, registerParties } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
let id: string;
let history: { seq: number; type: string }[];

type Received = { at: number; message: Record<string, unknown>; raw: string };

/** Connects an inspector client to the relay and collects what it receives. */
async function connectClient(port: number, received: Received[]): Promise<WebSocket> {
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  client.on('message', (data) => {
    const raw = data.toString();
    received.push({ at: performance.now(), message: JSON.parse(raw) as Record<string, unknown>, raw });
  });
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
  return client;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; !condition() && waited < timeoutMs; waited += 50) await new Promise((r) => setTimeout(r, 50));
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
  const s = new ChallengeDriver(h, p);
  await s.create();
  await s.toManagement();
  await s.submitFinalReport('bid-1', 'final-report');
  await s.decideAcceptance('passed', '验收通过，同意结题');
  expect((await s.view()).stage).toBe('closed');
  id = s.id;
  history = (await h.request('GET', `/api/v1/challenges/${id}/history`, p.auditor)).body.items;
});
afterAll(async () => h.close());

describe('jiebang inspect --replay', () => {
  it('parses a pace', () => {
    expect(parsePace('500ms')).toBe(500);
    expect(parsePace('2s')).toBe(2000);
    expect(parsePace('0')).toBe(0);
    expect(() => parsePace('fast')).toThrow(/--pace/);
  });

  it('sends every event of a finished challenge to the inspector, in order, paced, sanitised', async () => {
    expect(history.length).toBeGreaterThan(20);
    const port = await freePort();
    const received: Received[] = [];
    let client: WebSocket | undefined;
    const paceMs = 10;
    const session = await inspectReplay({
      dbPath: h.dbFile,
      challengeId: id,
      port,
      paceMs,
      open: false,
      // Our inspector client connects to the relay before the first event, like the browser page.
      ready: async () => {
        client = await connectClient(port, received);
      },
    });
    try {
      expect(session.sent).toBe(history.length);
      const events = () => received.filter((r) => r.message.type === '@xstate.event');
      await until(() => events().length >= history.length);

      const sentEvents = events().map((r) => r.message.event as { type: string; seq: number });
      expect(sentEvents.map((e) => e.seq)).toEqual(history.map((e) => e.seq));
      expect(sentEvents.map((e) => e.type)).toEqual(history.map((e) => e.type));
      expect(sentEvents.at(-1)?.type).toBe('ACCEPTANCE_DECISION');

      // The actor comes first, with the machine's definition so the inspector can draw it.
      const first = received[0]?.message as { type: string; definition: string; sessionId: string };
      expect(first.type).toBe('@xstate.actor');
      expect(first.sessionId).toBe(`challenge:${id}`);
      expect(JSON.parse(first.definition).id).toBe('challenge');
      // A snapshot after every event; the last one is the outcome.
      const snapshots = received.filter((r) => r.message.type === '@xstate.snapshot');
      expect(snapshots).toHaveLength(history.length);
      expect((snapshots.at(-1)?.message.snapshot as { value: unknown } | undefined)?.value).toBe('closed');

      // Paced: the events cannot arrive faster than the pace allows.
      const times = events().map((r) => r.at);
      expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual((history.length - 1) * paceMs * 0.9);

      // Sanitised: no person id, name, phone or free text; units and amounts stay.
      const all = received.map((r) => r.raw).join('\n');
      for (const personal of [
        '"p-lead"',
        '"p-m1"',
        '"a-lead"',
        '"a-m1"',
        '"e1"',
        '"e5"',
        '同意推荐',
        '方案可行',
        '验收通过',
        '0991-2824158',
        '李莉',
      ])
        expect(all).not.toContain(personal);
      expect(all).toMatch(/person-[0-9a-f]{8}/);
      expect(all).toContain('"agreedFundingCny":3000000');
    } finally {
      client?.close();
      await session.stop();
    }
  });

  it('follows the database live: every transition committed after it starts, staff events and timers, in order', async () => {
    const port = await freePort();
    const received: Received[] = [];
    const before = new ChallengeDriver(h, p);
    await before.create(); // committed before the inspector starts: not sent
    let client: WebSocket | undefined;
    const session = await inspectFollow({
      dbPath: h.dbFile,
      port,
      intervalMs: 20,
      open: false,
      ready: async () => {
        client = await connectClient(port, received);
      },
    });
    try {
      await before.submit();
      const refused = await before.send(p.issuer, { type: 'UPDATE', title: '提交后不能修改' });
      expect(refused.status).toBe(422);
      const late = new ChallengeDriver(h, p);
      await late.create();
      // Past the submission deadline: the scheduler's timer closes the draft that was not submitted.
      await h.at('2026-06-11T00:00:00+08:00');
      expect((await late.view()).stage).toBe('notAccepted');

      const historyOf = async (s: ChallengeDriver) =>
        (await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.auditor)).body.items as {
          seq: number;
          type: string;
        }[];
      const expected = [
        ...(await historyOf(before)).filter((e) => e.seq > 1).map((e) => `challenge:${before.id} ${e.seq} ${e.type}`),
        ...(await historyOf(late)).map((e) => `challenge:${late.id} ${e.seq} ${e.type}`),
      ];
      const events = () =>
        received
          .filter((r) => r.message.type === '@xstate.event')
          .map((r) => {
            const e = r.message.event as { seq: number; type: string };
            return `${String(r.message.sessionId)} ${e.seq} ${e.type}`;
          });
      await until(() => events().length >= expected.length);
      expect(events()).toEqual(expected);
      expect(expected.at(-1)).toBe(`challenge:${late.id} 2 SUBMISSION_WINDOW_CLOSED`);
      // Each challenge was registered once, with its definition, before its first event.
      const actors = received.filter((r) => r.message.type === '@xstate.actor').map((r) => r.message.sessionId);
      expect(actors).toEqual([`challenge:${before.id}`, `challenge:${late.id}`]);
      const lastSnapshot = received.filter((r) => r.message.type === '@xstate.snapshot').at(-1)?.message.snapshot as
        | { value: unknown }
        | undefined;
      expect(lastSnapshot?.value).toBe('notAccepted');
      expect(received.map((r) => r.raw).join('\n')).not.toContain('"p-lead"');
    } finally {
      client?.close();
      await session.stop();
    }
  });

  it('refuses an unknown challenge before starting anything', async () => {
    await expect(
      inspectReplay({ dbPath: h.dbFile, challengeId: 'no-such', port: await freePort(), paceMs: 0, open: false }),
    ).rejects.toThrow(/no challenge "no-such"/);
  });
});
