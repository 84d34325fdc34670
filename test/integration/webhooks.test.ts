/**
 * Webhooks (issue 14) against a real HTTP receiver in the test process: every accepted event
 * that matches a subscription arrives once, in commit order, signed with the subscription's
 * secret; a receiver that fails is retried with the same delivery id until it answers; a
 * delivery that keeps failing becomes a dead letter that staff can resend.
 */
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifySignature } from '../../src/notify/signature.js';
import { type Parties, registerParties } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

let h: Harness;
let p: Parties;
let receiver: Receiver;
const hooks: string[] = [];

beforeAll(async () => {
  // Fast retries, few attempts: the backoff's shape has its own unit test.
  h = await startHarness(undefined, { retryBaseMs: 40, maxAttempts: 3 });
  p = await registerParties(h);
});
afterAll(async () => h.close());
afterEach(async () => {
  // Each test subscribes its own receiver; the next one must not see this one's events.
  for (const id of hooks.splice(0)) await h.request('DELETE', `/api/v1/webhooks/${id}`, ADMIN_TOKEN);
  await receiver?.close();
});

async function subscribe(events: string[] = ['*'], programmeId?: string) {
  receiver = await startReceiver();
  const r = await h.request('POST', '/api/v1/webhooks', p.bureau, {
    url: receiver.url,
    events,
    ...(programmeId ? { programmeId } : {}),
  });
  expect(r.status).toBe(201);
  hooks.push(r.body.id);
  return r.body as { id: string; secret: string };
}

const waitFor = (check: () => void, timeout = 10_000) => vi.waitFor(check, { timeout, interval: 20 });

describe('webhooks', () => {
  it('delivers every matching event once, in commit order, signed, with the body api.md names', async () => {
    const { id, secret } = await subscribe();
    const c = await new ChallengeDriver(h, p).create();
    await c.toMatching();
    const { version } = await c.view();
    await waitFor(() => expect(receiver.received).toHaveLength(version));
    expect(receiver.received.map((r) => r.body.seq)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
    const history = await c.history();
    receiver.received.forEach((r, i) => {
      expect(verifySignature(secret, r.raw, r.headers['x-jiebang-signature'] as string)).toBe(true);
      expect(r.headers['x-jiebang-delivery']).toBe(r.body.deliveryId);
      expect(Object.keys(r.body).sort()).toEqual(
        ['at', 'challengeId', 'deliveryId', 'eventId', 'programmeId', 'seq', 'stage', 'state', 'type'].sort(),
      );
      expect(r.body).toMatchObject({
        challengeId: c.id,
        eventId: `${c.id}:${i + 1}`,
        programmeId: 'wlmq-2026',
        type: history[i]?.type,
        at: history[i]?.at,
      });
    });
    expect(receiver.received.at(-1)?.body).toMatchObject({ type: 'PUBLISH', stage: 'matching' });
    // A forged signature does not verify.
    expect(
      verifySignature(
        'another secret',
        receiver.received[0]?.raw ?? '',
        receiver.received[0]?.headers['x-jiebang-signature'] as string,
      ),
    ).toBe(false);
    // Nothing arrives twice.
    expect(new Set(receiver.received.map((r) => r.body.deliveryId)).size).toBe(version);
    // The receiver has answered the last one; its record is written just after (on PostgreSQL,
    // round trips later): the log is read once it is there.
    await waitFor(async () => {
      const log = await h.request('GET', `/api/v1/webhooks/${id}/deliveries`, p.bureau);
      expect(log.status).toBe(200);
      expect(log.body.items).toHaveLength(version);
      for (const d of log.body.items)
        expect(d).toMatchObject({ status: 'delivered', attempts: [{ attempt: 1, statusCode: 200 }] });
    });
  });

  it('retries a receiver that answers 500 twice: three attempts, one delivery id, valid signatures', async () => {
    const { id, secret } = await subscribe(['CREATE']);
    receiver.answers = [500, 500];
    const c = await new ChallengeDriver(h, p).create();
    await waitFor(() => expect(receiver.received).toHaveLength(3));
    const ids = new Set(receiver.received.map((r) => r.headers['x-jiebang-delivery']));
    expect(ids.size).toBe(1);
    for (const r of receiver.received) {
      expect(verifySignature(secret, r.raw, r.headers['x-jiebang-signature'] as string)).toBe(true);
      expect(r.body).toMatchObject({ challengeId: c.id, seq: 1, type: 'CREATE' });
    }
    await waitFor(async () => {
      const log = await h.request('GET', `/api/v1/webhooks/${id}/deliveries`, p.bureau);
      expect(log.body.items).toEqual([
        expect.objectContaining({
          status: 'delivered',
          attempts: [
            expect.objectContaining({ attempt: 1, statusCode: 500, error: 'HTTP 500' }),
            expect.objectContaining({ attempt: 2, statusCode: 500 }),
            expect.objectContaining({ attempt: 3, statusCode: 200, error: null }),
          ],
        }),
      ]);
    });
    // Only one event was subscribed: nothing else came.
    await c.submit();
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(3);
  });

  it('keeps commit order per challenge while an earlier delivery is being retried', async () => {
    await subscribe();
    receiver.answers = [503];
    const c = await new ChallengeDriver(h, p).create();
    await c.submit();
    const { version } = await c.view();
    await waitFor(() => expect(receiver.received.length).toBe(version + 1));
    // seq 1 failed once and came again before any later event.
    expect(receiver.received.map((r) => r.body.seq)).toEqual([
      1,
      1,
      ...Array.from({ length: version - 1 }, (_, i) => i + 2),
    ]);
  });

  it('makes a dead letter after the last attempt; staff resend it with the same delivery id', async () => {
    const { id } = await subscribe(['CREATE']);
    receiver.thereafter = 500;
    await new ChallengeDriver(h, p).create();
    let deliveryId = '';
    await waitFor(async () => {
      const log = await h.request('GET', `/api/v1/webhooks/${id}/deliveries`, p.bureau);
      expect(log.body.items[0]).toMatchObject({ status: 'dead', attempts: [{}, {}, {}] });
      deliveryId = log.body.items[0].deliveryId;
    });
    expect(receiver.received).toHaveLength(3);
    // A delivered or pending one is not resent; an unknown one is 404; a solver may not.
    expect((await h.request('POST', `/api/v1/webhooks/${id}/deliveries/nope/retry`, p.bureau)).status).toBe(404);
    expect((await h.request('POST', `/api/v1/webhooks/${id}/deliveries/${deliveryId}/retry`, p.solverA)).status).toBe(
      403,
    );
    receiver.thereafter = 200;
    const retry = await h.request('POST', `/api/v1/webhooks/${id}/deliveries/${deliveryId}/retry`, p.bureau);
    expect(retry.status).toBe(202);
    await waitFor(() => expect(receiver.received).toHaveLength(4));
    expect(receiver.received[3]?.headers['x-jiebang-delivery']).toBe(deliveryId);
    await waitFor(async () => {
      const log = await h.request('GET', `/api/v1/webhooks/${id}/deliveries`, p.bureau);
      expect(log.body.items[0]).toMatchObject({ status: 'delivered' });
      expect(log.body.items[0].attempts).toHaveLength(4);
    });
    const again = await h.request('POST', `/api/v1/webhooks/${id}/deliveries/${deliveryId}/retry`, p.bureau);
    expect(again.status).toBe(409);
    expect(again.body.error.message_zh).toContain('死信');
  });

  it('a subscription made or deleted between two events holds from the next event on', async () => {
    // The commit path keeps the subscriptions it read while no writer commits (issue 15).
    const c = await new ChallengeDriver(h, p).create();
    await h.send(p.issuer, c.id, { type: 'UPDATE', title: '订阅之前' });
    const { id } = await subscribe();
    const during = await h.send(p.issuer, c.id, { type: 'UPDATE', title: '订阅期间' });
    await waitFor(() => expect(receiver.received).toHaveLength(1));
    expect(receiver.received[0]?.body).toMatchObject({ challengeId: c.id, seq: during.body.version });
    expect((await h.request('DELETE', `/api/v1/webhooks/${id}`, p.bureau)).status).toBe(204);
    await h.send(p.issuer, c.id, { type: 'UPDATE', title: '删除之后' });
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(1);
  });

  it('filters by programme, stops on DELETE, hides the secret, and is for admin and bureau only', async () => {
    const other = await subscribe(['*'], 'another-programme');
    await new ChallengeDriver(h, p).create();
    const list = await h.request('GET', '/api/v1/webhooks', ADMIN_TOKEN);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: other.id, programmeId: 'another-programme' })]);
    expect(JSON.stringify(list.body)).not.toContain(other.secret);
    for (const token of [p.solverA, p.issuer, p.auditor, p.finance])
      expect((await h.request('GET', '/api/v1/webhooks', token)).status).toBe(403);
    const bad = await h.request('POST', '/api/v1/webhooks', p.bureau, { url: 'ftp://x', events: ['NOPE'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await h.request('DELETE', `/api/v1/webhooks/${other.id}`, p.bureau)).status).toBe(204);
    expect((await h.request('GET', '/api/v1/webhooks', p.bureau)).body.items).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toEqual([]);
  });
});

describe('the receiver example of docs/examples/webhook-receiver.mjs', () => {
  it('verifies a real delivery and rejects a forged one', async ({ onTestFinished }) => {
    receiver = await startReceiver(); // unused here (afterEach closes one): the receiver is the example
    // The secret is known once subscribed, the example's port once it runs: the URL is set after.
    const r = await h.request('POST', '/api/v1/webhooks', p.bureau, { url: 'http://127.0.0.1:1/', events: ['CREATE'] });
    hooks.push(r.body.id);
    const example = spawn(process.execPath, ['docs/examples/webhook-receiver.mjs'], {
      env: { ...process.env, WEBHOOK_SECRET: r.body.secret, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onTestFinished(() => {
      example.kill();
    });
    const lines: string[] = [];
    example.stdout.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')));
    await waitFor(() => expect(lines[0]).toMatch(/^listening on \d+$/));
    const url = `http://127.0.0.1:${lines[0]?.split(' ').at(-1)}/`;
    await h.app.jiebang.db.$port.run('UPDATE webhooks SET url = ? WHERE id = ?', [url, r.body.id]);
    const c = await new ChallengeDriver(h, p).create();
    await waitFor(() => expect(lines.some((l) => l.startsWith('verified '))).toBe(true));
    expect(lines.find((l) => l.startsWith('verified '))).toMatch(
      new RegExp(`^verified [0-9a-f-]{36} ${c.id} 1 CREATE$`),
    );
    const forged = await fetch(url, {
      method: 'POST',
      body: '{"deliveryId":"x"}',
      headers: { 'x-jiebang-signature': `sha256=${'0'.repeat(64)}`, 'x-jiebang-delivery': 'x' },
    });
    expect(forged.status).toBe(401);
  });
});
