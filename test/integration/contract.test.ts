/**
 * Responses are written with plain JSON.stringify (src/app.ts), so this test holds them to the
 * zod schemas the OpenAPI document is generated from: every challenge view a whole horse race
 * produces, and every kind of error body, parse strictly (no missing and no undocumented field).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { challengeSummarySchema, challengeViewSchema, errorSchema, trackSchema } from '../../src/http/schemas.js';
import { horseRace, type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import { type Harness, type Json, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

const strictView = challengeViewSchema.extend({ tracks: z.array(trackSchema.strict()) }).strict();
const strictSummary = challengeSummarySchema.extend({ tracks: z.array(trackSchema.strict()) }).strict();
const strictError = z.object({ error: errorSchema.shape.error.strict() }).strict();

let h: Harness;
let p: Parties;
const views: Json[] = [];
/** The answers to events: the view without `details`. */
const summaries: Json[] = [];
const errors: Json[] = [];

beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterAll(async () => h.close());

/** The harness, with every reply body sorted into views and errors. */
function recording(): Harness {
  const keep = (body: Json, status: number, event: boolean) => {
    if (status >= 400) errors.push(body);
    else if (event) summaries.push(body);
    else if (body && typeof body === 'object' && 'allowedEvents' in body) views.push(body);
  };
  return {
    ...h,
    request: async (...args) => {
      const reply = await h.request(...args);
      keep(reply.body, reply.status, args[0] === 'POST' && args[1].endsWith('/events'));
      return reply;
    },
    send: async (...args) => {
      const reply = await h.send(...args);
      keep(reply.body, reply.status, true);
      return reply;
    },
  };
}

describe('responses match the documented schemas', () => {
  it('every challenge view of a horse race from draft to management', async () => {
    const s = new ChallengeDriver(recording(), p);
    await s.create(techDraft({ horseRace }));
    await s.toManagement([
      { bidId: 'race-a', route: horseRace.routes[0]?.name },
      { bidId: 'race-b', route: horseRace.routes[1]?.name },
    ]);
    await s.pay('race-a', 1_000_000);
    await s.view();
    expect(views.length).toBeGreaterThan(30);
    expect(summaries.length).toBeGreaterThan(30);
    for (const view of views) expect(() => strictView.parse(view)).not.toThrow();
    for (const summary of summaries) expect(() => strictSummary.parse(summary)).not.toThrow();
  });

  it('every kind of error body', async () => {
    const r = recording();
    const s = new ChallengeDriver(r, p);
    await s.create();
    await r.send(p.issuer, s.id, { type: 'SUBMIT', confirmDetails: true }); // 422 RULE_VIOLATION
    await r.send(p.issuer, s.id, { type: 'RECOMMEND', opinion: 'x' }); // 403
    await r.send(p.district, s.id, { type: 'RECOMMEND', opinion: 'x' }); // 422 EVENT_NOT_ALLOWED
    await r.send(p.issuer, s.id, { type: 'NOPE' }); // 400
    await r.send(p.issuer, s.id, { type: 'UPDATE', title: 'x' }, { 'if-match': '"99"' }); // 409
    await r.request('GET', '/api/v1/challenges/none', p.issuer); // 404
    await r.request('GET', '/api/v1/challenges', 'bad-token'); // 401
    const codes = errors.map((e) => e.error.code).sort();
    expect(codes).toEqual([
      'EVENT_NOT_ALLOWED',
      'FORBIDDEN',
      'NOT_FOUND',
      'RULE_VIOLATION',
      'UNAUTHENTICATED',
      'VALIDATION_FAILED',
      'VERSION_CONFLICT',
    ]);
    for (const body of errors) expect(() => strictError.parse(body)).not.toThrow();
  });
});
