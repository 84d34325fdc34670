/**
 * E-mail (issue 14) through a real SMTP server in the test process: each party hears, in
 * Chinese, about what concerns it — the issuer of a bid and of a final report, the solvers of
 * their selection or refusal, the experts of their panel, the parties of the notice opening and
 * ending, finance of a payable tranche — once each; an address that turned a kind off does not
 * get it; and with no SMTP configured nothing is lost: mail waits in the outbox, visible to staff.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Parties, registerParties, registerPerson, UNITS } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp.js';

let h: Harness;
let p: Parties;
let smtp: SmtpSink;

const recipients = [
  { address: 'issuer@example.cn', name: '发榜单位', role: 'issuer', unit: UNITS.issuer },
  { address: 'a@example.cn', name: '揭榜单位甲', role: 'solver', unit: UNITS.solverA },
  { address: 'b@example.cn', name: '揭榜单位乙', role: 'solver', unit: UNITS.solverB },
  { address: 'e1@example.cn', name: '专家一', role: 'expert', person: 'e1' },
  { address: 'e2@example.cn', name: '专家二', role: 'expert', person: 'e2' },
  { address: 'finance@example.cn', name: '财务', role: 'finance' },
];

beforeAll(async () => {
  smtp = await startSmtpSink();
  h = await startHarness(undefined, {
    smtpUrl: smtp.url,
    mailFrom: '揭榜挂帅 <noreply@kjj.example.cn>',
    retryBaseMs: 40,
  });
  p = await registerParties(h);
  for (const { address, ...body } of recipients)
    expect((await h.request('PUT', `/api/v1/mail/recipients/${address}`, p.bureau, body)).status).toBe(200);
});
afterAll(async () => {
  await h.close();
  await smtp.close();
});

const inbox = (address: string) =>
  smtp.messages.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((to) => to?.text.includes(address)));

describe('mail', () => {
  it('tells every party what concerns it, once, in Chinese; an opt-out is respected', async () => {
    // e2 turns panel mail off, with its own token; another expert may not change e2's mail.
    const other = await h.request('PUT', '/api/v1/mail/recipients/e2@example.cn/opt-outs', p.experts.e1 as string, {
      kinds: [],
    });
    expect(other.status).toBe(403);
    const optOut = await h.request('PUT', '/api/v1/mail/recipients/e2@example.cn/opt-outs', p.experts.e2 as string, {
      kinds: ['panelAssigned'],
    });
    expect(optOut.status).toBe(200);
    expect(optOut.body.optOuts).toEqual(['panelAssigned']);

    await registerPerson(h, 'sb-lead', UNITS.solverB);
    await registerPerson(h, 'sb-m1', UNITS.solverB);
    const c = await new ChallengeDriver(h, p, { people: 'cast' }).create();
    await c.toMatching();
    await c.bidAndAgree([{ bidId: 'bid-1' }]);
    await c.ok(p.solverB, {
      type: 'BID',
      bidId: 'bid-2',
      members: [UNITS.solverB],
      leader: 'sb-lead',
      team: ['sb-lead', 'sb-m1'],
      plan: '另一种技术路线',
      requestedFundingCny: 3_000_000,
    });
    await c.agree('bid-2');
    await c.closeMatching();
    await c.assignPanel();
    await c.scoreAll(['bid-1', 'bid-2']);
    await c.select(['bid-1']);
    await c.runOutTheNotice();
    await c.fundAndFinish('bid-1', 3_000_000);

    const expected: Record<string, string[]> = {
      'issuer@example.cn': ['bidReceived', 'bidReceived', 'noticeOpened', 'noticeEnded', 'acceptanceDue'],
      'a@example.cn': ['selected', 'noticeOpened', 'noticeEnded'],
      'b@example.cn': ['notSelected'],
      'e1@example.cn': ['panelAssigned'],
      'e2@example.cn': [],
      // The contract registered, then the challenge money paid.
      'finance@example.cn': ['tranchePayable', 'tranchePayable'],
    };
    const total = Object.values(expected).flat().length;
    await vi.waitFor(() => expect(smtp.messages).toHaveLength(total), { timeout: 10_000, interval: 20 });
    const outbox = await h.request('GET', '/api/v1/mail/outbox?limit=500', p.bureau);
    const kindOf = new Map<string, string>(
      outbox.body.items.map((m: { deliveryId: string; kind: string }) => [m.deliveryId, m.kind]),
    );
    for (const [address, kinds] of Object.entries(expected)) {
      const got = inbox(address).map((m) => kindOf.get(String(m.headers.get('x-jiebang-delivery'))));
      expect(got, address).toEqual(kinds);
    }
    const selected = inbox('a@example.cn')[0];
    expect(selected?.subject).toBe(`【揭榜挂帅】您已入选榜单「${(await c.view()).details.draft.title}」`);
    expect(selected?.text).toContain(c.id);
    expect(selected?.text).toContain('入选');
    expect(selected?.from?.text).toContain('noreply@kjj.example.cn');
    expect(inbox('issuer@example.cn')[0]?.text).toContain('bid-1');
    // A row is settled after the mail server answered: on PostgreSQL a moment after the mail arrives.
    await vi.waitFor(
      async () => {
        const now = await h.request('GET', '/api/v1/mail/outbox?limit=500', p.bureau);
        expect(now.body.items.every((m: { status: string }) => m.status === 'delivered')).toBe(true);
      },
      { timeout: 10_000, interval: 20 },
    );
    // Nothing more arrives later: each once.
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages).toHaveLength(total);
  });

  it('keeps mail in the outbox, visible to staff, when no SMTP is configured', async () => {
    const bare = await startHarness();
    try {
      const q = await registerParties(bare);
      const { address, ...issuer } = recipients[0] as (typeof recipients)[number];
      expect((await bare.request('PUT', `/api/v1/mail/recipients/${address}`, q.bureau, issuer)).status).toBe(200);
      const c = await new ChallengeDriver(bare, q).create();
      await c.toMatching();
      await c.bidAndAgree([{ bidId: 'bid-1' }]);
      await new Promise((r) => setTimeout(r, 200));
      const outbox = await bare.request('GET', '/api/v1/mail/outbox?status=pending', ADMIN_TOKEN);
      expect(outbox.status).toBe(200);
      expect(outbox.body.items).toEqual([
        expect.objectContaining({ to: 'issuer@example.cn', kind: 'bidReceived', status: 'pending', attempts: 0 }),
      ]);
      expect((await bare.request('GET', '/api/v1/mail/outbox', q.solverA)).status).toBe(403);
    } finally {
      await bare.close();
    }
  });
});

describe('a mail that keeps failing', () => {
  it('becomes a dead letter staff can resend, with the same delivery id', async () => {
    const sink = await startSmtpSink();
    const g = await startHarness(undefined, { smtpUrl: sink.url, retryBaseMs: 20, maxAttempts: 2 });
    try {
      const q = await registerParties(g);
      await g.request('PUT', '/api/v1/mail/recipients/bounce@example.cn', q.bureau, {
        name: '发榜单位',
        role: 'issuer',
        unit: UNITS.issuer,
      });
      sink.refused.add('bounce@example.cn');
      const c = await new ChallengeDriver(g, q).create();
      await c.toMatching();
      await c.bid(q.solverA, 'bid-1');
      let deliveryId = '';
      await vi.waitFor(
        async () => {
          const dead = await g.request('GET', '/api/v1/mail/outbox?status=dead', q.bureau);
          expect(dead.body.items).toEqual([expect.objectContaining({ kind: 'bidReceived', attempts: 2 })]);
          deliveryId = dead.body.items[0].deliveryId;
        },
        { timeout: 10_000, interval: 20 },
      );
      expect(sink.messages).toEqual([]);
      expect((await g.request('POST', `/api/v1/mail/outbox/${deliveryId}/retry`, q.solverA)).status).toBe(403);
      sink.refused.clear();
      const retry = await g.request('POST', `/api/v1/mail/outbox/${deliveryId}/retry`, q.bureau);
      expect(retry.status).toBe(202);
      await vi.waitFor(() => expect(sink.messages).toHaveLength(1), { timeout: 10_000, interval: 20 });
      expect(sink.messages[0]?.headers.get('x-jiebang-delivery')).toBe(deliveryId);
      expect((await g.request('POST', `/api/v1/mail/outbox/${deliveryId}/retry`, q.bureau)).status).toBe(409);
      expect((await g.request('POST', '/api/v1/mail/outbox/nope/retry', q.bureau)).status).toBe(404);
    } finally {
      await g.close();
      await sink.close();
    }
  });
});
