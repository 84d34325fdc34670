/**
 * The authorization matrix (issue 5): every role × every staff event type of api.md × in scope /
 * out of scope, with the expected answer derived from ONE policy — the senders of each event's
 * definition and src/access/policy.ts, which the engine enforces and docs/security.md shows (rendered from it; the last test fails when the doc
 * is stale). Expected:
 * - a role the table does not name for the event (or not for this kind or stage): 403;
 * - a named role out of its scope: 403, or 404 when the challenge is not visible to it at all
 *   (an unpublished challenge of another unit: its existence is not disclosed);
 * - a named role in its scope: the access layer lets it through — 200, or 422 from the state or
 *   a rule — never 401, 403 or 404.
 * Every refusal changes nothing and writes exactly one denials row.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaffEventType, staffEventTypes } from '../../machines/challenge/events.js';
import { stageOf } from '../../machines/challenge/stage.js';
import { renderAccessTable } from '../../src/access/access-table.js';
import {
  mayRoleSend,
  publishedStages,
  rolePolicies,
  roles,
  rolesFor,
  senderOf,
  type TokenRole,
} from '../../src/access/policy.js';
import { type LoadedChallenge, loadChallenge } from '../../src/engine/load-challenge.js';
import { handledEvents } from '../../src/engine/read/view.js';
import { eventPayloads } from '../helpers/event-payloads.js';
import {
  code,
  outsiderExpertToken,
  outsiderToken,
  type Parties,
  registerParties,
  token,
  UNITS,
} from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
/** Challenges in every stage (and sub-state) some staff event is taken in, in stage order. */
let stages: ChallengeDriver[];
/** For each role, a token in scope (the cast's) and, for scoped roles, one out of scope. */
let tokens: Record<TokenRole, { in: string; out?: string }>;

/** The stages' challenges as stored, read before the matrix is planned (it plans synchronously). */
const stored = new Map<string, LoadedChallenge>();
async function readStages(): Promise<void> {
  for (const s of stages) stored.set(s.id, await storedNow(s));
}
async function storedNow(s: ChallengeDriver): Promise<LoadedChallenge> {
  const loaded = await loadChallenge(h.app.jiebang.deps, s.id);
  if (!loaded) throw new Error(`no challenge ${s.id}`);
  return loaded;
}
const snapshotOf = (s: ChallengeDriver): LoadedChallenge => {
  const loaded = stored.get(s.id);
  if (!loaded) throw new Error(`no challenge ${s.id} read`);
  return loaded;
};
const denialCount = async () =>
  Number((await h.app.jiebang.db.$port.query<{ n: number }>('SELECT count(*) AS n FROM denials'))[0]?.n);

/** Where each type is probed: the first challenge whose state takes it (a panel for SCORE). */
function challengeFor(type: StaffEventType): ChallengeDriver {
  const candidates = stages.filter((s) => handledEvents(snapshotOf(s).snapshot).has(type));
  const withPanel = candidates.filter((s) => snapshotOf(s).snapshot.context.panel.length > 0);
  const chosen = (type === 'SCORE' ? withPanel : candidates)[0];
  if (!chosen) throw new Error(`no challenge takes ${type}`);
  return chosen;
}

type Expectation = 'pass' | 403 | 404;

interface Probe {
  role: TokenRole;
  type: StaffEventType;
  scope: 'in' | 'out';
  expected: Expectation;
  /** The refusal is the scope's (403 naming the scope), not the role's. */
  byScope: boolean;
  s: ChallengeDriver;
}

/** The matrix: derived from the policy and the visibility rule alone. */
function probes(): Probe[] {
  const out: Probe[] = [];
  for (const type of staffEventTypes) {
    const s = challengeFor(type);
    const { snapshot } = snapshotOf(s);
    const stage = stageOf(snapshot.value);
    const published = publishedStages.includes(stage);
    for (const role of roles) {
      const scope = senderOf(role, type)?.scope;
      const may = mayRoleSend(role, type, snapshot);
      out.push({ role, type, scope: 'in', expected: may ? 'pass' : 403, byScope: false, s });
      if (tokens[role].out !== undefined && scope !== 'any')
        out.push({
          role,
          type,
          scope: 'out',
          expected: !may ? 403 : published ? 403 : 404,
          byScope: may && published,
          s,
        });
    }
  }
  return out;
}

beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
  tokens = {
    admin: { in: ADMIN_TOKEN },
    bureau: { in: p.bureau },
    district: { in: p.district, out: await outsiderToken(h, 'district', code(12, '11650103')) },
    issuer: { in: p.issuer, out: await token(h, 'issuer', { unit: UNITS.solverC }) },
    solver: { in: p.solverA, out: p.solverB },
    expert: { in: p.experts.e1 as string, out: await outsiderExpertToken(h, 'e6') },
    finance: { in: p.finance },
    auditor: { in: p.auditor },
  };
  const s = () => new ChallengeDriver(h, p);
  // The later stages first: reaching disbursement moves the clock past a notice period, and
  // every timer falls due for every challenge alike.
  const disbursement = await (await s().create()).toDisbursement();
  const management = await (await s().create()).toManagement();
  const evaluation = await (await s().create()).toManagement();
  await evaluation.submitFinalReport('bid-1', 'matrix final report');
  stages = [
    await s().create(),
    await (await s().create()).submit(),
    await (await (await s().create()).submit()).recommend(),
    await (await s().create()).toPublication(),
    await (await (await s().create()).toMatching()).bid(p.solverA, 'bid-1'),
    await (await s().create()).toExpertReview(),
    await (await (await s().create()).toExpertReview()).assignPanel(),
    await (await s().create()).toAnnouncement(),
    disbursement,
    management,
    evaluation,
  ];
  await readStages();
}, 120_000);
afterAll(async () => h.close());

describe('authorization matrix: every role × every event type × in / out of scope', () => {
  it('covers every role and every staff event type of api.md', () => {
    const all = probes();
    expect(new Set(all.map((x) => x.type))).toEqual(new Set(staffEventTypes));
    expect(new Set(all.map((x) => x.role))).toEqual(new Set(roles));
    expect(all.filter((x) => x.scope === 'out').length).toBeGreaterThan(20);
  });

  it('refusals: 403 or 404 as the table says, nothing changes, one denials row each', async () => {
    const refusals = probes().filter((x) => x.expected !== 'pass');
    for (const x of refusals) {
      const who = x.scope === 'in' ? tokens[x.role].in : (tokens[x.role].out as string);
      const before = (await storedNow(x.s)).head.version;
      const denials = await denialCount();
      const r = await x.s.send(who, { type: x.type, ...eventPayloads[x.type] });
      const label = `${x.role} (${x.scope} of scope) ${x.type} in ${stageOf(snapshotOf(x.s).snapshot.value)}`;
      expect(r.status, label).toBe(x.expected);
      expect(r.body.error.code, label).toBe(x.expected === 403 ? 'FORBIDDEN' : 'NOT_FOUND');
      expect(r.body.error.scope, label).toBe(x.byScope ? senderOf(x.role, x.type)?.scope : undefined);
      expect((await storedNow(x.s)).head.version, label).toBe(before);
      expect(await denialCount(), label).toBe(denials + 1);
    }
    expect(refusals.length).toBeGreaterThan(150);
  });

  it('in scope: the access layer lets the event through (200, or 422 from the state or a rule)', async () => {
    for (const x of probes().filter((y) => y.expected === 'pass')) {
      const r = await x.s.send(tokens[x.role].in, { type: x.type, ...eventPayloads[x.type] });
      const label = `${x.role} ${x.type}: ${r.status} ${JSON.stringify(r.body?.error ?? '')}`;
      expect([200, 422], label).toContain(r.status);
    }
  });
});

describe('reads: code, policy and docs agree', () => {
  it('the admin is an operator: 403 on every challenge read, and neither its policy nor the docs grant it any', async () => {
    const published = stages[3] as ChallengeDriver;
    const unpublished = stages[0] as ChallengeDriver;
    for (const s of [published, unpublished])
      for (const url of [
        `/api/v1/challenges/${s.id}`,
        `/api/v1/challenges/${s.id}/history`,
        `/api/v1/challenges/${s.id}/verify`,
      ])
        expect((await h.request('GET', url, ADMIN_TOKEN)).status, url).toBe(403);
    expect((await h.request('GET', '/api/v1/challenges', ADMIN_TOKEN)).status).toBe(403);
    // A role that may not read challenges holds no reading grant the table would show.
    const readers = rolesFor('readChallenges');
    for (const role of roles.filter((r) => !readers.includes(r)))
      expect(rolePolicies[role], role).toMatchObject({ seesInFull: 'none', scores: 'none', history: 'none' });
    const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
    const adminRow = doc.split('\n').find((line) => line.startsWith('| `admin` |')) ?? '';
    expect(adminRow).toContain('no challenge');
    expect(adminRow).not.toContain('everything');
  });
});

describe('the documentation of who may do what', () => {
  it('docs/security.md holds the tables rendered from src/access/policy.ts and the event definitions (run `npm run docs:security`)', () => {
    const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
    expect(doc).toContain(renderAccessTable());
  });
});
