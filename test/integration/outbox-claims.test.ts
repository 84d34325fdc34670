/**
 * Issue 15 on PostgreSQL: several processes share one outbox. Each dispatcher claims the rows it
 * delivers with one UPDATE whose rows are locked FOR UPDATE SKIP LOCKED, leasing them past the
 * delivery's timeout, so dispatchers that wake together never send a row twice. Here three
 * dispatchers, each on its own pool of connections (as three processes would be), are woken by
 * the same commits. (SQLite runs one process per file: its dispatcher takes rows without a lease.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { Dispatcher } from '../../src/notify/dispatcher.js';
import { type Parties, registerParties } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

let h: Harness;
let p: Parties;
beforeAll(async () => {
  h = await startHarness(undefined, {}, undefined, 'postgres');
  p = await registerParties(h);
});
afterAll(async () => h.close());

describe('the outbox shared by several processes (PostgreSQL)', () => {
  it('delivers each row once although three dispatchers wake for it together', async () => {
    const receiver: Receiver = await startReceiver();
    const others = [openDatabase(h.dbFile), openDatabase(h.dbFile)];
    const dispatchers = others.map(
      (db) =>
        new Dispatcher(db, h.app.jiebang.clock, h.app.log, { retryBaseMs: 40, maxAttempts: 3, timeoutMs: 10_000 }),
    );
    try {
      for (const d of dispatchers) d.start();
      const r = await h.request('POST', '/api/v1/webhooks', p.bureau, { url: receiver.url, events: ['*'] });
      expect(r.status).toBe(201);
      const c = await new ChallengeDriver(h, p).create();
      await c.toMatching();
      const { version } = await c.view();
      await vi.waitFor(() => expect(receiver.received).toHaveLength(version), { timeout: 10_000, interval: 20 });
      // A moment more for a second sending, had any dispatcher taken a row another had.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const ids = receiver.received.map((x) => x.body.deliveryId);
      expect(ids).toHaveLength(version);
      expect(new Set(ids).size).toBe(version);
      expect(receiver.received.map((x) => x.body.seq)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
      const [attempts] = await h.app.jiebang.db.$port.query<{ n: number }>(
        'SELECT count(*) AS n FROM delivery_attempts',
      );
      expect(Number(attempts?.n)).toBe(version);
    } finally {
      for (const d of dispatchers) await d.stop();
      for (const db of others) await db.$port.close();
      await receiver.close();
    }
  });
});
