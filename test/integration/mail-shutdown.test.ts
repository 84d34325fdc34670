/**
 * A mail in flight when the service stops (issue 14's outbox, found flaky in issue 15's runs): the
 * server has taken it and holds its answer; the service stops meanwhile. The delivery that ends
 * while it stops is recorded, so the restarted service does not send it again.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Parties, registerParties, UNITS } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp.js';

let h: Harness;
let p: Parties;
let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
  h = await startHarness(undefined, { smtpUrl: smtp.url, retryBaseMs: 40 });
  p = await registerParties(h);
  const issuer = { name: '发榜单位', role: 'issuer', unit: UNITS.issuer };
  expect((await h.request('PUT', '/api/v1/mail/recipients/issuer@example.cn', p.bureau, issuer)).status).toBe(200);
});
afterAll(async () => {
  await h.close();
  await smtp.close();
});

describe('a mail in flight when the service stops', () => {
  it('a mail the server takes while the service stops is recorded as delivered, not sent again after restart', async () => {
    const c = await new ChallengeDriver(h, p).create();
    await c.toMatching();
    const mailRows = async () =>
      h.app.jiebang.db.$port.query<{ status: string }>(
        "SELECT status FROM outbox WHERE challenge_id = ? AND channel = 'mail'",
        [c.id],
      );
    const allDelivered = async () => expect((await mailRows()).every((r) => r.status === 'delivered')).toBe(true);
    await vi.waitFor(allDelivered, { timeout: 20_000, interval: 50 });
    const before = smtp.messages.length;
    const rowsBefore = (await mailRows()).length;
    smtp.answerAfterMs = 600;
    try {
      await c.bid(p.solverA, 'bid-1'); // the issuer is told of the bid
      const queued = (await mailRows()).length - rowsBefore;
      expect(queued).toBeGreaterThan(0);
      // It has reached the server, which holds its answer: the service stops now.
      await vi.waitFor(() => expect(smtp.messages.length).toBeGreaterThan(before), { timeout: 10_000, interval: 5 });
      await h.restart({});
      await vi.waitFor(allDelivered, { timeout: 20_000, interval: 50 });
      await new Promise((r) => setTimeout(r, 1000));
      expect(smtp.messages.length - before).toBe(queued);
    } finally {
      smtp.answerAfterMs = 0;
    }
  });
});
