/**
 * Scoped reads and writes (issue 5, docs/security.md): what each party sees of a challenge and
 * of the list, and the scope rules the matrix does not spell out (create for another unit,
 * UPDATE moving a draft to another unit, WITHDRAW_BID of another unit's bid).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bidBody,
  code,
  outsiderExpertToken,
  outsiderToken,
  type Parties,
  registerParties,
  techDraft,
  UNITS,
} from '../helpers/fixtures.js';
import { type Harness, type Json, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterAll(async () => h.close());

const get = (id: string, who: string) => h.request('GET', `/api/v1/challenges/${id}`, who);
const solverB = { members: [UNITS.solverB], leader: 'b-lead', team: ['b-lead', 'b-m1'] };

describe('writes outside one’s unit', () => {
  it('an issuer creates only for its own unit and cannot move a draft to another unit', async () => {
    const other = await h.request('POST', '/api/v1/challenges', p.issuer, techDraft({ issuerUnit: UNITS.solverC }));
    expect(other.status).toBe(403);
    expect(other.body.error.scope).toBe('issuerUnit');
    const s = await new ChallengeDriver(h, p).create();
    const moved = await s.send(p.issuer, { type: 'UPDATE', issuerUnit: UNITS.solverC });
    expect(moved.status).toBe(403);
    expect((await s.send(p.issuer, { type: 'UPDATE', issuerUnit: UNITS.issuer, title: '同单位' })).status).toBe(200);
  });

  it("a solver withdraws only its own unit's bid; a bid it names must be led by its unit", async () => {
    const s = await (await new ChallengeDriver(h, p).create()).toMatching();
    await s.bid(p.solverA, 'bid-a');
    await s.bid(p.solverB, 'bid-b', solverB);
    const theirs = await s.send(p.solverB, { type: 'WITHDRAW_BID', bidId: 'bid-a' });
    expect(theirs.status).toBe(403);
    expect(theirs.body.error.scope).toBe('bidLead');
    const forA = await s.send(p.solverB, bidBody('bid-x'));
    expect(forA.status).toBe(403);
    expect((await s.send(p.solverB, { type: 'WITHDRAW_BID', bidId: 'bid-b' })).status).toBe(200);
  });
});

describe('reads: each party sees what concerns it', () => {
  let s: ChallengeDriver;
  beforeAll(async () => {
    s = await (await new ChallengeDriver(h, p).create()).toExpertReview([{ bidId: 'bid-1' }]);
    await s.assignPanel();
    await s.ok(p.experts.e1 as string, {
      type: 'SCORE',
      bidId: 'bid-1',
      score: 70,
      comment: 'e1',
      noConflictDeclared: true,
    });
    await s.ok(p.experts.e2 as string, {
      type: 'SCORE',
      bidId: 'bid-1',
      score: 90,
      comment: 'e2',
      noConflictDeclared: true,
    });
  });

  it('the bureau and auditors see every bid and score', async () => {
    for (const who of [p.bureau, p.auditor]) {
      const v: Json = (await get(s.id, who)).body;
      expect(v.details.scores).toHaveLength(2);
      expect(v.details.bids).toHaveLength(1);
      expect(v.details.panel).toHaveLength(5);
    }
  });

  it('an expert on the panel sees only its own scores; one off the panel sees the public call', async () => {
    const e1: Json = (await get(s.id, p.experts.e1 as string)).body;
    expect(e1.details.scores).toEqual([expect.objectContaining({ expert: 'e1', score: 70 })]);
    expect(e1.details.bids.map((b: Json) => b.bidId)).toEqual(['bid-1']);
    const outsider = await outsiderExpertToken(h, 'e9');
    const e9: Json = (await get(s.id, outsider)).body;
    expect(e9.details.scores).toEqual([]);
    expect(e9.details.bids).toEqual([]);
    expect(e9.details.panel).toEqual([]);
  });

  it('the issuer sees the bids but no individual score; another solver sees neither', async () => {
    const issuer: Json = (await get(s.id, p.issuer)).body;
    expect(issuer.details.bids).toHaveLength(1);
    expect(issuer.details.scores).toEqual([]);
    expect(issuer.panelScores).toEqual({ 'bid-1': null });
    const a: Json = (await get(s.id, p.solverA)).body;
    expect(a.details.bids.map((b: Json) => b.bidId)).toEqual(['bid-1']);
    expect(a.details.scores).toEqual([]);
    const b: Json = (await get(s.id, p.solverB)).body;
    expect(b.details.bids).toEqual([]);
    expect(b.details.attachments).toEqual([]);
  });

  it("a public call names none of the issuer's people to other units; the issuer and the bureau still see them", async () => {
    const other: Json = (await get(s.id, p.solverB)).body;
    expect(other.details.draft.leader).toBe('');
    expect(other.details.draft.team).toEqual([]);
    expect(JSON.stringify(other)).not.toContain('p-lead');
    for (const who of [p.issuer, p.bureau]) {
      const full: Json = (await get(s.id, who)).body;
      expect(full.details.draft.leader).toMatch(/^p-lead/);
      expect(full.details.draft.team).toContain(full.details.draft.leader);
    }
  });

  it('an unpublished challenge of another unit does not exist for others: 404 on read and history, absent from lists', async () => {
    const draft = await new ChallengeDriver(h, p).create();
    const otherIssuer = await outsiderToken(h, 'issuer', code(31));
    const otherDistrict = await outsiderToken(h, 'district', code(32, '11650104'));
    for (const who of [otherIssuer, otherDistrict, p.solverA, p.experts.e1 as string]) {
      expect((await get(draft.id, who)).status).toBe(404);
      const list = await h.request('GET', '/api/v1/challenges?limit=200', who);
      expect(list.body.items.map((x: Json) => x.id)).not.toContain(draft.id);
    }
    expect((await h.request('GET', `/api/v1/challenges/${draft.id}/history`, otherIssuer)).status).toBe(404);
    // Its own issuer and its recommending unit see it.
    expect((await get(draft.id, p.issuer)).status).toBe(200);
    expect((await get(draft.id, p.district)).status).toBe(200);
    // A published challenge's history is still only for its issuer, the bureau and auditors.
    expect((await h.request('GET', `/api/v1/challenges/${s.id}/history`, otherIssuer)).status).toBe(403);
  });
});
