/**
 * What the console reads (issue 13, api.md): each caller's inbox — the challenges on which it can
 * act now, what it can do there, the deadline and the working days left, most urgent first — and
 * the bureau's dashboard numbers; each scoped by the access policy, so no caller sees a
 * challenge, a task or a count it may not see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffEventTypes } from '../../machines/challenge/events.js';
import { code, outsiderToken, type Parties, registerParties, techDraft, UNITS } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver, runOutTheNotices } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
let outsider: string;
let draft: ChallengeDriver;
let otherDraft: ChallengeDriver;
let matching: ChallengeDriver;
let review: ChallengeDriver;
const OTHER_ISSUER = code(41);

interface InboxItem {
  challengeId: string;
  title: string;
  stage: string;
  allowedEvents: string[];
  deadline?: { kind: string; at: string; workingDaysLeft: number };
}
const inbox = async (token: string) => {
  const r = await h.request('GET', '/api/v1/inbox', token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { items: InboxItem[]; counts: Record<string, number> };
};
const ids = (items: InboxItem[]) => items.map((i) => i.challengeId);

beforeAll(async () => {
  // Wednesday 6 May 2026, Beijing time.
  h = await startHarness('2026-05-06T10:00:00+08:00');
  p = await registerParties(h);
  outsider = await outsiderToken(h, 'issuer', OTHER_ISSUER);
  draft = await new ChallengeDriver(h, p).create(techDraft({ title: '本单位草稿' }));
  otherDraft = await new ChallengeDriver(h, p, { issuer: outsider }).create(
    techDraft({ title: '他单位草稿', issuerUnit: OTHER_ISSUER }),
  );
  review = await new ChallengeDriver(h, p).create(techDraft({ title: '待推荐榜单' }));
  await review.submit();
  matching = await new ChallengeDriver(h, p).create(techDraft({ title: '揭榜中榜单' }));
  await matching.toMatching(5);
});
afterAll(async () => h?.close());

describe('GET /inbox', () => {
  it("gives the issuer its own challenges with what it may do there, the most urgent first, and never another unit's draft", async () => {
    const box = await inbox(p.issuer);
    // Bidding closes in 5 days, the submission window on 10 June, the recommendation on 12 June.
    expect(ids(box.items)).toEqual([matching.id, draft.id, review.id]);
    const [first, third, second] = box.items as [InboxItem, InboxItem, InboxItem];
    expect(first).toMatchObject({ title: '揭榜中榜单', stage: 'matching', allowedEvents: ['AGREE'] });
    expect(first.deadline).toMatchObject({ kind: 'BIDDING_CLOSED' });
    expect(second).toMatchObject({ stage: 'review', allowedEvents: ['WITHDRAW'] });
    expect(second.deadline?.kind).toBe('RECOMMENDATION_DEADLINE_PASSED');
    expect(third).toMatchObject({ stage: 'collection', allowedEvents: ['UPDATE', 'ATTACH', 'SUBMIT', 'WITHDRAW'] });
    // The submission window closes on 10 June 2026 at 19:30: from Wednesday 6 May that is the
    // weekdays of 7 May … 10 June (25) and the make-up working Saturday of 9 May (调休): 26.
    expect(third.deadline).toEqual({
      kind: 'SUBMISSION_WINDOW_CLOSED',
      at: '2026-06-10T11:30:00.001Z',
      workingDaysLeft: 26,
    });
    expect(box.counts).toEqual({ AGREE: 1, WITHDRAW: 2, UPDATE: 1, ATTACH: 1, SUBMIT: 1 });

    const theirs = await inbox(outsider);
    expect(ids(theirs.items)).toEqual([otherDraft.id]);
    expect(JSON.stringify(box)).not.toContain('他单位草稿');
  });

  it('gives each role only the tasks its policy lets it do, on the challenges it may see', async () => {
    const solver = await inbox(p.solverA);
    expect(solver.items).toEqual([expect.objectContaining({ challengeId: matching.id, allowedEvents: ['BID'] })]);
    expect(solver.counts).toEqual({ BID: 1 });

    const district = await inbox(p.district);
    expect(district.items).toEqual([
      expect.objectContaining({ challengeId: review.id, allowedEvents: ['RECOMMEND', 'RETURN', 'DECLINE'] }),
    ]);

    const bureau = await inbox(p.bureau);
    expect(ids(bureau.items)).toEqual([matching.id, review.id]);
    expect(JSON.stringify(bureau)).not.toContain(draft.id);
    expect(bureau.items[0]?.allowedEvents).toEqual(['EXTEND_BIDDING', 'CLOSE_MATCHING', 'DECLARE_UNFILLED']);

    // An expert on no panel, and finance before any money moves, have nothing to do.
    expect(await inbox(p.experts.e1 as string)).toEqual({ items: [], counts: {} });
    expect(await inbox(p.finance)).toEqual({ items: [], counts: {} });
  });

  it('is not for auditors, who only read', async () => {
    const r = await h.request('GET', '/api/v1/inbox', p.auditor);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
  });

  it('counts the working days left as the calendar does: 0 on the day of the deadline', async () => {
    await h.at('2026-05-11T09:00:00+08:00');
    const [first] = (await inbox(p.solverA)).items;
    // Bidding closes 5 days after 6 May 10:00, on Monday 11 May: today.
    expect(first?.deadline?.workingDaysLeft).toBe(0);
  });
});

describe('GET /stats', () => {
  it('counts every challenge by stage, domain, district and kind, and lists the deadlines of the coming week', async () => {
    for (const reader of [p.bureau, p.auditor]) {
      const r = await h.request('GET', '/api/v1/stats?programme=wlmq-2026', reader);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.byStage).toEqual({ collection: 2, review: 1, matching: 1 });
      expect(r.body.byKind).toEqual({ techBreakthrough: 4 });
      expect(r.body.byDistrict).toEqual({ [UNITS.district]: 4 });
      expect(Object.values(r.body.byDomain as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(4);
      expect(r.body.money).toEqual({ agreedCny: 0, paidByIssuerCny: 0, disbursedCny: 0, fiscalSupportCapCny: 0 });
      expect(r.body.dueWithin7Days).toEqual([
        { challengeId: matching.id, kind: 'BIDDING_CLOSED', at: expect.any(String) },
      ]);
      expect(r.body.overdue).toEqual([]);
    }
    const none = await h.request('GET', '/api/v1/stats?programme=another', p.bureau);
    expect(none.body.byStage).toEqual({});
  });

  it('is for the bureau and auditors only', async () => {
    for (const other of [p.issuer, p.solverA, p.district, p.finance, p.experts.e1 as string]) {
      const r = await h.request('GET', '/api/v1/stats', other);
      expect(r.status).toBe(403);
    }
  });
});

describe('GET /machine/events', () => {
  it('serves every staff event with its senders, clauses and payload JSON Schema, to any token', async () => {
    const r = await h.request('GET', '/api/v1/machine/events', p.solverA);
    expect(r.status).toBe(200);
    expect(r.body.items.map((e: { type: string }) => e.type)).toEqual([...staffEventTypes]);
    const agree = r.body.items.find((e: { type: string }) => e.type === 'AGREE');
    expect(agree).toMatchObject({
      senders: ['issuer'],
      schema: { type: 'object', required: ['bidId', 'agreedFundingCny'], additionalProperties: false },
    });
    expect(agree.clauses.length).toBeGreaterThan(0);
  });
});

describe('GET /challenges/:id/attachments/:sha256', () => {
  it('gives the file back to those who see the challenge whole, and to no one else', async () => {
    const sha = await draft.uploaded(p.issuer, '申报书');
    for (const reader of [p.issuer, p.bureau, p.auditor, p.district]) {
      const r = await h.request('GET', `/api/v1/challenges/${draft.id}/attachments/${sha}`, reader);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/pdf');
      expect(String(r.headers['content-disposition'])).toContain(encodeURIComponent('申报书.pdf'));
      expect(String(r.body)).toContain('%PDF');
    }
    // A draft is another unit's secret: absent to the solver and to another issuer.
    for (const outsiderReader of [p.solverA, outsider])
      expect((await h.request('GET', `/api/v1/challenges/${draft.id}/attachments/${sha}`, outsiderReader)).status).toBe(
        404,
      );
    // Not a file of this challenge: 404 even for the bureau.
    expect((await h.request('GET', `/api/v1/challenges/${matching.id}/attachments/${sha}`, p.bureau)).status).toBe(404);
  });
});

describe('GET /stats: money, and what is overdue by kind', () => {
  let w: { h: Harness; p: Parties; silent: ChallengeDriver; rectify: ChallengeDriver };
  beforeAll(async () => {
    const h2 = await startHarness('2026-05-06T10:00:00+08:00');
    const p2 = await registerParties(h2);
    const silent = await new ChallengeDriver(h2, p2).create(techDraft({ title: '无声的项目', periodMonths: 6 }));
    const rectify = await new ChallengeDriver(h2, p2).create(techDraft({ title: '整改的项目', periodMonths: 6 }));
    for (const s of [silent, rectify]) await s.toAnnouncement();
    await runOutTheNotices([silent, rectify]);
    // Silent: paid and disbursed in part, started on 1 June (planned end 1 Dec 2026), never reports.
    await silent.registerContract('bid-1');
    await silent.pay('bid-1', 1_000_000);
    await silent.disburse('bid-1', 150_000);
    await silent.startImplementation('2026-06-01');
    await rectify.registerContractsAndStart('2026-06-01');
    await rectify.submitFinalReport('bid-1');
    w = { h: h2, p: p2, silent, rectify };
  });
  afterAll(async () => w?.h.close());

  const stats = async () => {
    const r = await w.h.request('GET', '/api/v1/stats', w.p.auditor);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };

  it('sums the money agreed, paid and disbursed, and the fiscal support the caps allow', async () => {
    // Two tracks agreed at 3,000,000 each; 40 % of it, within the 3,000,000 cap, per challenge.
    expect((await stats()).money).toEqual({
      agreedCny: 6_000_000,
      paidByIssuerCny: 1_000_000,
      disbursedCny: 150_000,
      fiscalSupportCapCny: 2_400_000,
    });
  });

  it('lists each overdue challenge from the instant it is overdue, not a millisecond earlier', async () => {
    await w.h.at('2026-08-10T10:00:00.000+08:00');
    await w.rectify.decideAcceptance('rectify', '限期整改');
    await w.h.at('2026-11-10T15:59:59.999Z');
    expect((await stats()).overdue).toEqual([]);
    await w.h.at('2026-11-10T16:00:00.000Z');
    const rectification = { challengeId: w.rectify.id, kind: 'rectification', since: '2026-11-10T16:00:00.000Z' };
    expect((await stats()).overdue).toEqual([rectification]);

    // The silent project's final report was due within 6 months of its planned end: 1 June 2027.
    await w.h.at('2027-06-01T15:59:59.999Z');
    expect((await stats()).overdue).toEqual([rectification]);
    await w.h.at('2027-06-01T16:00:00.000Z');
    const acceptance = { challengeId: w.silent.id, kind: 'acceptance', since: '2027-06-01T16:00:00.000Z' };
    expect((await stats()).overdue).toEqual([rectification, acceptance]);

    // A year after the planned end without acceptance, both are marked overdue, counting
    // against their units (L-1): the one in rectification has no acceptance either.
    await w.h.at('2027-12-02T00:00:00.000+08:00');
    expect((await stats()).overdue).toEqual([
      rectification,
      acceptance,
      { challengeId: w.silent.id, kind: 'L-1', since: '2027-12-01T16:00:00.000Z' },
      { challengeId: w.rectify.id, kind: 'L-1', since: '2027-12-01T16:00:00.000Z' },
    ]);
    // A decision ends the case: it is no longer listed.
    await w.rectify.decideAcceptance('failed', '逾期未完成整改');
    expect((await stats()).overdue.map((o: { kind: string }) => o.kind)).toEqual(['acceptance', 'L-1']);
  });
});
