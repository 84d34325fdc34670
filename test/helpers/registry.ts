/**
 * Fresh registry data for one test: units, persons, records and tokens that no other test
 * touches, so each rule of §2 and §4 is probed on facts the test set up itself.
 */
import { expect } from 'vitest';
import { code, type Parties, techDraft, token } from './fixtures.js';
import type { Json, Reply } from './harness.js';
import { ChallengeDriver } from './lifecycle.js';
import type { Transport } from './transport.js';

let units = 0;
let persons = 0;

export interface UnitSpec {
  type?: string;
  inCity?: boolean;
  legalPerson?: boolean;
}

export class Registry {
  constructor(readonly t: Transport) {}

  async unit(spec: UnitSpec = {}): Promise<string> {
    const c = code(700_000 + ++units);
    const reply = await this.t.request('PUT', `/api/v1/units/${c}`, this.t.adminToken, {
      name: `单位${c.slice(-6)}`,
      type: spec.type ?? 'enterprise',
      inCity: spec.inCity ?? true,
      legalPerson: spec.legalPerson ?? true,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return c;
  }

  async person(unit: string): Promise<string> {
    const id = `r${++persons}`;
    const reply = await this.t.request('PUT', `/api/v1/persons/${id}`, this.t.adminToken, { name: id, unit });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return id;
  }

  async team(unit: string, size = 3): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < size; i++) out.push(await this.person(unit));
    return out;
  }

  async record(body: Record<string, unknown>): Promise<Json> {
    const reply = await this.t.request('POST', '/api/v1/records', this.t.adminToken, body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }

  /** A unit with an issuer token and a registered team of three. */
  async issuer(spec: UnitSpec = {}): Promise<{ unit: string; token: string; team: string[] }> {
    const unit = await this.unit(spec);
    return { unit, token: await token(this.t, 'issuer', { unit }), team: await this.team(unit) };
  }

  /** A unit with a solver token and a registered team of two. */
  async solver(spec: UnitSpec = {}): Promise<{ unit: string; token: string; team: string[] }> {
    const unit = await this.unit({ type: 'university', inCity: false, ...spec });
    return { unit, token: await token(this.t, 'solver', { unit }), team: await this.team(unit, 2) };
  }

  /** A techBreakthrough draft of this issuer, with its team, created and fully attached. */
  async draft(
    p: Parties,
    issuer: { unit: string; token: string; team: string[] },
    overrides: Record<string, unknown> = {},
  ): Promise<ChallengeDriver> {
    const s = new ChallengeDriver(this.t, p, { issuer: issuer.token });
    const [leader = ''] = issuer.team;
    await s.create(techDraft({ issuerUnit: issuer.unit, leader, team: issuer.team, ...overrides }));
    await s.attachAll();
    return s;
  }
}

export const submitOf = (s: ChallengeDriver): Promise<Reply> =>
  s.send(s.issuer, { type: 'SUBMIT', confirmDetails: true });

export function bidOf(
  solver: { unit: string; team: string[] },
  bidId: string,
  extra: Record<string, unknown> = {},
): { type: string } & Record<string, unknown> {
  return {
    type: 'BID',
    bidId,
    members: [solver.unit],
    leader: solver.team[0],
    team: solver.team,
    plan: '可行的攻关方案',
    requestedFundingCny: 3_000_000,
    ...extra,
  };
}
