/**
 * Hostile input (issue 5; replaces the first sweep, no-500.test.ts): property-based fuzzing (fast-check) of every route's body, params,
 * query and headers through the real app. For every generated request: never a 5xx, every error
 * in api.md's shape, and after a refusal (any 4xx) no challenge changed, no event was appended
 * and no upload was recorded. Prints how many requests ran and how long they took.
 * (The test clock route is left out: it exists only under JIEBANG_TEST_CLOCK, and moving the
 * clock legitimately fires timers.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffEventTypes } from '../../machines/challenge/events.js';
import { wlmq2026 } from '../../machines/programme.js';
import { bidBody, type Parties, registerParties, sha, techDraft, UNITS } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { multipartBody, pdfOf } from '../helpers/uploads.js';

let h: Harness;
let p: Parties;
let ids: string[];
let tokenPool: string[];
let requests = 0;
let refusals = 0;
let started = 0;

/** Everything a refusal must leave as it was: challenge versions, the event log, uploads. */
async function fingerprint(): Promise<string> {
  const port = h.app.jiebang.db.$port;
  const challenges = await port.query<{ id: string; version: number }>(
    'SELECT id, version FROM challenges ORDER BY id',
  );
  const [events] = await port.query<{ n: number; m: number | null }>(
    'SELECT count(*) AS n, max(global_seq) AS m FROM events',
  );
  const [uploads] = await port.query<{ n: number }>('SELECT count(*) AS n FROM attachments');
  const versions = challenges.map((c) => `${c.id}:${Number(c.version)}`).join(',');
  return `${versions}|${Number(events?.n)}:${Number(events?.m)}|${Number(uploads?.n)}`;
}

interface Fuzzed {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

async function probe(req: Fuzzed): Promise<void> {
  const before = await fingerprint();
  const res = await h.app.inject({
    method: req.method,
    url: req.url,
    headers: req.headers ?? {},
    payload: req.payload,
  });
  requests += 1;
  const label = `${req.method} ${req.url} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, label).toBeLessThan(500);
  if (res.statusCode >= 400) {
    refusals += 1;
    const body = JSON.parse(res.body) as {
      error: { code: string; message: string; message_zh: string; requestId: string };
    };
    expect(body.error, label).toMatchObject({
      code: expect.any(String),
      message: expect.any(String),
      message_zh: expect.any(String),
      requestId: expect.any(String),
    });
    expect(res.body, label).not.toMatch(/\bat .+\.(ts|js):\d+/); // never a stack trace
    expect(await fingerprint(), label).toBe(before);
  }
}

// ---- generators -----------------------------------------------------------------------------

const printable = fc.string({
  unit: fc.constantFrom(...' !#$%&()*+,-./0123456789:;<=>?@ABCXYZabcxyz[]^_`{|}~"\''.split('')),
  maxLength: 40,
});
const anyText = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 20 }), printable);
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  anyText,
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.constant(''),
  fc.constant('a'.repeat(64)),
  fc.array(anyText, { maxLength: 4 }),
);
const token = () => fc.oneof(fc.constantFrom(...tokenPool), printable);
const authHeader = () =>
  fc.oneof(
    token().map((t) => `Bearer ${t}`),
    printable,
    fc.constant('Bearer'),
    fc.constant(''),
  );
const idParam = () => fc.oneof(fc.constantFrom(...ids), anyText, fc.constant('..%2F..%2Fetc'), fc.constant('%00'));
const enc = (s: string) => encodeURIComponent(s);
const query = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'programme',
      'stage',
      'kind',
      'cursor',
      'limit',
      'issuer',
      'challenge',
      'from',
      'to',
      'code',
      'role',
    ),
    anyText,
  ),
  anyText,
  { maxKeys: 4 },
);
const qs = (q: Record<string, string>) => {
  const s = new URLSearchParams(q).toString();
  return s ? `?${s}` : '';
};
const writeHeaders = () =>
  fc.record(
    {
      authorization: authHeader(),
      'if-match': printable,
      'idempotency-key': printable,
      'content-type': fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'application/json; charset=utf-16',
      ),
    },
    { requiredKeys: ['authorization'] },
  );
/** A JSON body: arbitrary, or close to valid (a real shape with fields changed). */
const jsonBody = (near: Record<string, unknown>[]) =>
  fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc
      .tuple(
        fc.constantFrom(...near),
        fc.dictionary(fc.oneof(fc.constantFrom(...near.flatMap(Object.keys)), anyText), anyValue, { maxKeys: 3 }),
      )
      .map(([base, changes]) => JSON.stringify({ ...base, ...changes })),
    fc.constantFrom(...near).map((b) => JSON.stringify(b)),
    printable, // not JSON at all
  );

const eventNear = () => [
  ...staffEventTypes.map((type) => ({ type })),
  { type: 'UPDATE', title: 'x' },
  { type: 'ATTACH', kind: 'applicationForm', sha256: sha('fuzz') },
  { type: 'SUBMIT', confirmDetails: true },
  { type: 'RECOMMEND', opinion: 'x' },
  bidBody('fz-1'),
  { type: 'AGREE', bidId: 'bid-1', agreedFundingCny: 1 },
  { type: 'SCORE', bidId: 'bid-1', score: 50, comment: '', noConflictDeclared: true },
  { type: 'RECORD_PAYMENT', trackId: 'bid-1', amountCny: 1, paidOn: '2026-07-01', evidenceSha256: sha('p') },
  { type: 'DISBURSE', trackId: 'bid-1', amountCny: 1, phase: 'first' },
  { type: 'SUBMIT_FINAL_REPORT', trackId: 'bid-1', reportSha256: sha('r') },
  { type: 'TERMINATE', reason: 'x' },
];

// ---- setup ----------------------------------------------------------------------------------

beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
  const management = await (await new ChallengeDriver(h, p).create()).toManagement();
  const matching = await (await (await new ChallengeDriver(h, p).create()).toMatching()).bid(p.solverA, 'bid-1');
  const review = await (await new ChallengeDriver(h, p).create()).submit();
  const draft = await new ChallengeDriver(h, p).create();
  ids = [management.id, matching.id, review.id, draft.id];
  tokenPool = [
    p.issuer,
    p.district,
    p.bureau,
    p.solverA,
    p.solverB,
    p.finance,
    p.auditor,
    p.experts.e1 as string,
    ADMIN_TOKEN,
  ];
  started = performance.now();
}, 120_000);

afterAll(async () => {
  const seconds = (performance.now() - started) / 1000;
  console.log(`fuzz: ${requests} generated requests (${refusals} refused) in ${seconds.toFixed(1)} s, no 5xx`);
  await h.close();
});

const runs = (n: number) => ({ numRuns: n, endOnFailure: true });

describe('fuzzing every route: never a 5xx, a refusal changes nothing', () => {
  it('POST /challenges/:id/events: bodies, ids and headers', async () => {
    await fc.assert(
      fc.asyncProperty(idParam(), jsonBody(eventNear()), writeHeaders(), async (id, payload, headers) =>
        probe({ method: 'POST', url: `/api/v1/challenges/${enc(id)}/events`, headers, payload }),
      ),
      runs(4500),
    );
  });

  it('well-formed events from every role on challenges in four stages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ids),
        fc.constantFrom(...eventNear()),
        fc.constantFrom(...tokenPool),
        async (id, event, t) =>
          probe({
            method: 'POST',
            url: `/api/v1/challenges/${id}/events`,
            headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
            payload: JSON.stringify(event),
          }),
      ),
      runs(1500),
    );
  });

  it('POST /challenges: draft bodies', async () => {
    const near = [
      techDraft(),
      techDraft({ classified: true }),
      techDraft({ issuerUnit: UNITS.solverA }),
      { programmeId: 'nope' },
    ];
    await fc.assert(
      fc.asyncProperty(jsonBody(near), writeHeaders(), async (payload, headers) =>
        probe({ method: 'POST', url: '/api/v1/challenges', headers, payload }),
      ),
      runs(1000),
    );
  });

  it('GET routes: params and query strings', async () => {
    const routes = (id: string) => [
      `/api/v1/challenges/${enc(id)}`,
      `/api/v1/challenges/${enc(id)}/history`,
      '/api/v1/challenges',
      '/api/v1/denials',
      `/api/v1/programmes/${enc(id)}`,
      '/api/v1/programmes',
      `/api/v1/units/${enc(id)}`,
      `/api/v1/persons/${enc(id)}`,
      '/api/v1/machine',
      '/api/v1/machine/diagram',
      '/health',
    ];
    await fc.assert(
      fc.asyncProperty(idParam(), fc.nat(10), query, authHeader(), async (id, i, q, authorization) =>
        probe({ method: 'GET', url: `${routes(id)[i]}${qs(q)}`, headers: { authorization } }),
      ),
      runs(1500),
    );
  });

  it('PUT /units, /persons, /programmes; POST and DELETE /tokens', async () => {
    const unitNear = [
      { name: 'x', type: 'enterprise', inCity: true, legalPerson: true },
      { name: 'x', unit: UNITS.issuer },
    ];
    const programmeNear = [structuredClone(wlmq2026) as unknown as Record<string, unknown>];
    const tokenNear = [
      { role: 'issuer', unit: 'U', label: 'x' },
      { role: 'expert', label: 'x' },
      { role: 'system', label: 'x' },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('units', 'persons', 'programmes', 'tokens', 'tokens-delete'),
        idParam(),
        fc.boolean(),
        authHeader(),
        async (kind, id, near, authorization) => {
          const headers = { authorization, 'content-type': 'application/json' };
          if (kind === 'tokens-delete') return probe({ method: 'DELETE', url: `/api/v1/tokens/${enc(id)}`, headers });
          const pool = kind === 'programmes' ? programmeNear : kind === 'tokens' ? tokenNear : unitNear;
          const payload = fc.sample(near ? jsonBody(pool) : fc.jsonValue().map((v) => JSON.stringify(v)), 1)[0];
          if (kind === 'tokens') return probe({ method: 'POST', url: '/api/v1/tokens', headers, payload });
          return probe({ method: 'PUT', url: `/api/v1/${kind}/${enc(id)}`, headers, payload });
        },
      ),
      runs(1000),
    );
  });

  it('POST /challenges/:id/attachments: multipart parts, types, names and bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        idParam(),
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
          fc.constantFrom(pdfOf('fz')),
        ),
        anyText,
        fc.constantFrom('application/pdf', 'image/png', 'text/html', 'application/x-sh', '', 'a/b'),
        authHeader(),
        fc.boolean(),
        async (id, content, filename, type, authorization, broken) => {
          const { body, headers } = multipartBody(content, filename.replace(/["\r\n]/g, ''), type || 'application/pdf');
          const payload = broken ? body.subarray(0, Math.floor(body.length / 2)) : body;
          await probe({
            method: 'POST',
            url: `/api/v1/challenges/${enc(id)}/attachments`,
            headers: { ...headers, authorization },
            payload,
          });
        },
      ),
      runs(1000),
    );
  });

  it('ran at least 10,000 generated requests', () => {
    expect(requests).toBeGreaterThanOrEqual(10_000);
  });
});
