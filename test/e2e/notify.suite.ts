/**
 * End to end (issue 14): the outbox survives a crash. An event commits, its webhook delivery is
 * on the wire, and the server is killed (SIGKILL) before the receiver answers: the row is still
 * pending in the database, and the restarted server delivers it — same delivery id, valid
 * signature. Registered by server.test.ts (SQLite) and postgres.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { verifySignature } from '../../src/notify/signature.js';
import { startReceiver } from '../helpers/receiver.js';
import { succeeded } from '../helpers/transport.js';
import { challengeIn, startWorld, worldDraft } from './world.js';

const TIMEOUT_MS = 120_000;

/** Every e2e test runs concurrently, each on its own server. */
export function notifyTests(): void {
  describe('the outbox of a real server process', () => {
    it(
      'a SIGKILL between commit and delivery still delivers after restart',
      async ({ onTestFinished }) => {
        const world = await startWorld(onTestFinished);
        const receiver = await startReceiver();
        onTestFinished(() => receiver.close());
        // The first delivery hangs: the server is killed while it waits for the answer.
        receiver.thereafter = 'hang';
        const hook = (await succeeded(
          world.http.request('POST', '/api/v1/webhooks', world.parties.bureau, {
            url: receiver.url,
            events: ['CREATE'],
            programmeId: world.programmeId,
          }),
          'subscribe',
        )) as { id: string; secret: string };
        const c = await challengeIn(world).create(worldDraft(world));
        await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 15_000, interval: 50 });

        await world.server.stop('SIGKILL');
        const db = openDatabase(world.server.dbFile);
        const rows = await db.$port.query('SELECT status, attempts FROM outbox').finally(() => db.$port.close());
        expect(rows).toEqual([{ status: 'pending', attempts: 0 }]);

        receiver.thereafter = 200;
        await world.server.start();
        await vi.waitFor(() => expect(receiver.received).toHaveLength(2), { timeout: 15_000, interval: 50 });
        const [first, second] = receiver.received;
        expect(second?.headers['x-jiebang-delivery']).toBe(first?.headers['x-jiebang-delivery']);
        expect(second?.raw).toBe(first?.raw);
        expect(verifySignature(hook.secret, second?.raw ?? '', second?.headers['x-jiebang-signature'] as string)).toBe(
          true,
        );
        expect(second?.body).toMatchObject({ challengeId: c.id, seq: 1, type: 'CREATE' });
        await vi.waitFor(
          async () => {
            const log = (await succeeded(
              world.http.request('GET', `/api/v1/webhooks/${hook.id}/deliveries`, world.parties.bureau),
              'deliveries',
            )) as { items: { status: string; attempts: unknown[] }[] };
            expect(log.items).toEqual([
              expect.objectContaining({ status: 'delivered', attempts: [expect.anything()] }),
            ]);
          },
          { timeout: 10_000, interval: 50 },
        );
        // The restarted process is ready, and its metrics see the outbox emptied.
        const ready = await fetch(`${world.server.baseUrl}/ready`);
        expect(ready.status).toBe(200);
        const metrics = await (await fetch(`${world.server.baseUrl}/metrics`)).text();
        expect(metrics).toMatch(/^jiebang_outbox_pending 0$/m);
        expect(metrics).toMatch(/^jiebang_timers_due 0$/m);
      },
      TIMEOUT_MS,
    );
  });
}
