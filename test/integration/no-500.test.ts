/**
 * Bad input gets a clear 4xx, never a 500, and a refused request changes nothing: a first,
 * property-based sweep over arbitrary bodies, event-shaped bodies and headers (fast-check).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffEventTypes } from '../../machines/challenge/events.js';
import { type Parties, registerParties, Scenario } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
let p: Parties;
let s: Scenario;
beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
  s = await new Scenario(h, p).create();
});
afterAll(async () => h.close());

const eventCount = () =>
  (h.app.jiebang.db.$client.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

/** Values of every JSON kind, including ones a schema does not expect. */
const anyValue = fc.oneof(
  fc.jsonValue(),
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constant(null),
  fc.array(fc.string()),
);

describe('never a 500', () => {
  it('for arbitrary JSON bodies sent as events and as drafts', async () => {
    const before = eventCount();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (body) => {
        const event = await h.request('POST', `/api/v1/challenges/${s.id}/events`, p.issuer, JSON.stringify(body), {
          'content-type': 'application/json',
        });
        expect(event.status).toBeGreaterThanOrEqual(400);
        expect(event.status).toBeLessThan(500);
        const draft = await h.request('POST', '/api/v1/challenges', p.issuer, JSON.stringify(body), {
          'content-type': 'application/json',
        });
        expect(draft.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
    // A JSON value is never a valid event body here (no type with a matching payload), so nothing was appended.
    expect(eventCount()).toBe(before);
  });

  it('for event-shaped bodies: a real type with arbitrary fields', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...staffEventTypes),
        fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 5 }),
        async (type, fields) => {
          const reply = await h.send(p.bureau, s.id, { ...fields, type });
          expect(reply.status).toBeLessThan(500);
          if (reply.status >= 400) expect(reply.body.error.code).toEqual(expect.any(String));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('for arbitrary If-Match and Idempotency-Key headers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), async (ifMatch, key) => {
        const headers: Record<string, string> = {};
        // Header values must be printable to be sent at all.
        if (/^[\x20-\x7e]*$/.test(ifMatch)) headers['if-match'] = ifMatch;
        if (/^[\x20-\x7e]*$/.test(key)) headers['idempotency-key'] = key;
        const reply = await h.send(p.issuer, s.id, { type: 'UPDATE', title: 'x' }, headers);
        expect(reply.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});
