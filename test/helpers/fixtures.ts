/**
 * The guide's cast (units, people, a token per role) and complete valid drafts and bids: the
 * data every test walks a challenge with. The walking itself is lifecycle.ts.
 */
import { createHash } from 'node:crypto';
import { withCheckCharacter } from '../../src/registry/uscc.js';
import { techDraftFields, transferDraftFields } from './drafts.js';
import { succeeded, type Transport } from './transport.js';

/** A valid unified social credit code, numbered. */
export const code = (n: number, prefix = '91650100') => withCheckCharacter(prefix + String(n).padStart(9, '0'));
export const sha = (label: string) => createHash('sha256').update(label).digest('hex');

export const UNITS = {
  issuer: code(1),
  district: code(2, '11650102'),
  solverA: code(3),
  solverB: code(4),
  solverC: code(5),
  experts: code(9),
  transferHolder: code(6, '12110000'),
} as const;

export const EXPERTS = ['e1', 'e2', 'e3', 'e4', 'e5'] as const;

/** The cast's people and their units. */
export const CAST_PERSONS: Record<string, string> = {
  'p-lead': UNITS.issuer,
  'p-m1': UNITS.issuer,
  'p-m2': UNITS.issuer,
  't-lead': UNITS.transferHolder,
  't-m1': UNITS.transferHolder,
  'a-lead': UNITS.solverA,
  'a-m1': UNITS.solverA,
  'b-lead': UNITS.solverB,
  'b-m1': UNITS.solverB,
  'c-lead': UNITS.solverC,
};

export interface Parties {
  issuer: string;
  district: string;
  bureau: string;
  solverA: string;
  solverB: string;
  solverC: string;
  finance: string;
  auditor: string;
  experts: Record<string, string>;
}

export async function token(t: Transport, role: string, extra: Record<string, string> = {}): Promise<string> {
  const body = await succeeded(
    t.request('POST', '/api/v1/tokens', t.adminToken, { role, label: role, ...extra }),
    `token ${role}`,
  );
  return body.token as string;
}

/** Registers a person (PUT /persons/:id) as the admin. */
export async function registerPerson(t: Transport, id: string, unitCode: string): Promise<void> {
  await succeeded(
    t.request('PUT', `/api/v1/persons/${id}`, t.adminToken, { name: id, unit: unitCode }),
    `person ${id}`,
  );
}

/** Registers a unit outside the cast (PUT /units/:code) and issues a token acting for it. */
export async function outsiderToken(
  t: Transport,
  role: 'issuer' | 'solver' | 'district',
  unitCode: string,
): Promise<string> {
  const type = role === 'district' ? 'districtDept' : 'enterprise';
  await succeeded(
    t.request('PUT', `/api/v1/units/${unitCode}`, t.adminToken, {
      name: unitCode,
      type,
      inCity: true,
      legalPerson: true,
    }),
    `unit ${unitCode}`,
  );
  return token(t, role, { unit: unitCode });
}

/** Registers an expert outside the cast and issues a token acting for them. */
export async function outsiderExpertToken(t: Transport, id: string): Promise<string> {
  await registerPerson(t, id, UNITS.experts);
  return token(t, 'expert', { person: id });
}

/** Registers the units and people of the guide's cast and issues a token for each role. */
export async function registerParties(t: Transport): Promise<Parties> {
  const unit = (c: string, body: Record<string, unknown>) =>
    succeeded(t.request('PUT', `/api/v1/units/${c}`, t.adminToken, body), `unit ${c}`);
  await unit(UNITS.issuer, { name: '新疆某装备制造有限公司', type: 'enterprise', inCity: true, legalPerson: true });
  await unit(UNITS.district, { name: '乌鲁木齐市某区科技局', type: 'districtDept', inCity: true, legalPerson: true });
  await unit(UNITS.solverA, { name: '某大学', type: 'university', inCity: false, legalPerson: true });
  await unit(UNITS.solverB, { name: '某研究院', type: 'institute', inCity: false, legalPerson: true });
  await unit(UNITS.solverC, { name: '乌鲁木齐某科技企业', type: 'enterprise', inCity: true, legalPerson: true });
  await unit(UNITS.experts, { name: '专家库', type: 'other', inCity: true, legalPerson: true });
  await unit(UNITS.transferHolder, {
    name: '某高校成果转化中心',
    type: 'university',
    inCity: false,
    legalPerson: true,
  });
  for (const [id, unitCode] of Object.entries(CAST_PERSONS)) await registerPerson(t, id, unitCode);
  for (const id of EXPERTS) await registerPerson(t, id, UNITS.experts);
  const experts: Record<string, string> = {};
  for (const id of EXPERTS) experts[id] = await token(t, 'expert', { person: id });
  return {
    issuer: await token(t, 'issuer', { unit: UNITS.issuer }),
    district: await token(t, 'district', { unit: UNITS.district }),
    bureau: await token(t, 'bureau'),
    solverA: await token(t, 'solver', { unit: UNITS.solverA }),
    solverB: await token(t, 'solver', { unit: UNITS.solverB }),
    solverC: await token(t, 'solver', { unit: UNITS.solverC }),
    finance: await token(t, 'finance'),
    auditor: await token(t, 'auditor'),
    experts,
  };
}

/** A techBreakthrough draft of the cast that passes every SUBMIT rule: total investment exactly 5,000,000. */
export function techDraft(overrides: Record<string, unknown> = {}) {
  return {
    programmeId: 'wlmq-2026',
    ...techDraftFields({ issuer: UNITS.issuer, district: UNITS.district }),
    ...overrides,
  };
}

/** An achievementTransfer draft of the cast that passes every SUBMIT rule. */
export function transferDraft(overrides: Record<string, unknown> = {}) {
  return {
    programmeId: 'wlmq-2026',
    ...transferDraftFields({ holder: UNITS.transferHolder, district: UNITS.district }),
    ...overrides,
  };
}

export const horseRace = {
  routes: [
    { name: '陶瓷混合轴承', investmentCny: 1_500_000 },
    { name: '全钢渗碳轴承', investmentCny: 1_500_000 },
  ],
};

/** A BID body from solverA's side that passes every BID rule of a normal challenge. */
export const bidBody = (bidId: string, extra: Record<string, unknown> = {}) => ({
  type: 'BID',
  bidId,
  members: [UNITS.solverA],
  leader: 'a-lead',
  team: ['a-lead', 'a-m1'],
  plan: '采用有限元优化与热处理工艺改进',
  requestedFundingCny: 3_000_000,
  ...extra,
});
