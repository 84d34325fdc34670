/**
 * Fresh registry data for one test: units, persons, records and tokens that no other test
 * touches, so each rule of §2 and §4 is probed on facts the test set up itself.
 */
import { expect } from 'vitest';
import { code, type Parties, Scenario, techDraft, token } from './fixtures.js';
import { ADMIN_TOKEN, type Harness, type Json, type Reply } from './harness.js';

let units = 0;
let persons = 0;

export interface UnitSpec {
  type?: string;
  inCity?: boolean;
  legalPerson?: boolean;
}

export class Registry {
  constructor(readonly h: Harness) {}

  async unit(spec: UnitSpec = {}): Promise<string> {
    const c = code(700_000 + ++units);
    const reply = await this.h.request('PUT', `/api/v1/units/${c}`, ADMIN_TOKEN, {
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
    const reply = await this.h.request('PUT', `/api/v1/persons/${id}`, ADMIN_TOKEN, { name: id, unit });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return id;
  }

  async team(unit: string, size = 3): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < size; i++) out.push(await this.person(unit));
    return out;
  }

  async record(body: Record<string, unknown>): Promise<Json> {
    const reply = await this.h.request('POST', '/api/v1/records', ADMIN_TOKEN, body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }

  /** A unit with an issuer token and a registered team of three. */
  async issuer(spec: UnitSpec = {}): Promise<{ unit: string; token: string; team: string[] }> {
    const unit = await this.unit(spec);
    return { unit, token: await token(this.h, 'issuer', { unit }), team: await this.team(unit) };
  }

  /** A unit with a solver token and a registered team of two. */
  async solver(spec: UnitSpec = {}): Promise<{ unit: string; token: string; team: string[] }> {
    const unit = await this.unit({ type: 'university', inCity: false, ...spec });
    return { unit, token: await token(this.h, 'solver', { unit }), team: await this.team(unit, 2) };
  }

  /** A techBreakthrough draft of this issuer, with its team, created and fully attached. */
  async draft(
    p: Parties,
    issuer: { unit: string; token: string; team: string[] },
    overrides: Record<string, unknown> = {},
  ): Promise<Scenario> {
    const s = new Scenario(this.h, p, issuer.token);
    const [leader = ''] = issuer.team;
    await s.create(techDraft({ issuerUnit: issuer.unit, leader, team: issuer.team, ...overrides }));
    await s.attachAll();
    return s;
  }
}

export const submitOf = (s: Scenario) => s.send(s.issuerToken, { type: 'SUBMIT', confirmDetails: true });

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

const CJK = /[\u4e00-\u9fff]/;

/** A 422 RULE_VIOLATION naming `clause` among its violations, each in English and Chinese. */
export function expectRefused(reply: Reply, clause: string): Json[] {
  expect(reply.status, JSON.stringify(reply.body)).toBe(422);
  expect(reply.body.error.code).toBe('RULE_VIOLATION');
  const violations: Json[] = reply.body.error.violations;
  const of = violations.filter((v) => v.clause === clause);
  expect(of.length, JSON.stringify(violations)).toBeGreaterThan(0);
  for (const v of of) {
    expect(v.message.trim()).not.toBe('');
    expect(v.message_zh).toMatch(CJK);
  }
  return of;
}

export function expectAccepted(reply: Reply): Json {
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
}
