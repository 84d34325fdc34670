/**
 * Parties, tokens and a complete valid draft, and a `Scenario` that walks one challenge stage
 * by stage through the real API. Tests take it to the stage they need, then probe one rule.
 */
import { createHash } from 'node:crypto';
import { withCheckCharacter } from '../../src/registry/uscc.js';
import { ADMIN_TOKEN, type Harness, type Json, type Reply } from './harness.js';
import { uploaded } from './uploads.js';

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
const CAST_PERSONS: Record<string, string> = {
  'p-lead': UNITS.issuer,
  'p-m1': UNITS.issuer,
  'p-m2': UNITS.issuer,
  't-lead': UNITS.transferHolder,
  't-m1': UNITS.transferHolder,
  'a-lead': UNITS.solverA,
  'a-m1': UNITS.solverA,
  'b-lead': UNITS.solverA,
  'b-m1': UNITS.solverA,
  'c-lead': UNITS.solverA,
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

async function ok(reply: Promise<Reply>, what: string): Promise<Json> {
  const r = await reply;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function token(h: Harness, role: string, extra: Record<string, string> = {}): Promise<string> {
  const body = await ok(
    h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, { role, label: role, ...extra }),
    `token ${role}`,
  );
  return body.token as string;
}

/** Registers the units and people of the guide's cast and issues a token for each role. */
export async function registerParties(h: Harness): Promise<Parties> {
  const unit = (c: string, body: Record<string, unknown>) =>
    ok(h.request('PUT', `/api/v1/units/${c}`, ADMIN_TOKEN, body), `unit ${c}`);
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
  const person = (id: string, unitCode: string) =>
    ok(h.request('PUT', `/api/v1/persons/${id}`, ADMIN_TOKEN, { name: id, unit: unitCode }), `person ${id}`);
  for (const [id, unitCode] of Object.entries(CAST_PERSONS)) await person(id, unitCode);
  for (const id of EXPERTS) await person(id, UNITS.experts);
  const experts: Record<string, string> = {};
  for (const id of EXPERTS) experts[id] = await token(h, 'expert', { person: id });
  return {
    issuer: await token(h, 'issuer', { unit: UNITS.issuer }),
    district: await token(h, 'district', { unit: UNITS.district }),
    bureau: await token(h, 'bureau'),
    solverA: await token(h, 'solver', { unit: UNITS.solverA }),
    solverB: await token(h, 'solver', { unit: UNITS.solverB }),
    solverC: await token(h, 'solver', { unit: UNITS.solverC }),
    finance: await token(h, 'finance'),
    auditor: await token(h, 'auditor'),
    experts,
  };
}

/** A techBreakthrough draft that passes every SUBMIT rule: total investment exactly 5,000,000. */
export function techDraft(overrides: Record<string, unknown> = {}) {
  return {
    programmeId: 'wlmq-2026',
    kind: 'techBreakthrough',
    domain: 'equipment',
    title: '大型风电装备关键轴承国产化攻关',
    summary: '风电主轴轴承依赖进口，需攻克设计与制造工艺。',
    issuerUnit: UNITS.issuer,
    districtUnit: UNITS.district,
    leader: 'p-lead',
    team: ['p-lead', 'p-m1', 'p-m2'],
    indicators: ['寿命 ≥ 20 年', '承载 ≥ 5 MW'],
    periodMonths: 24,
    ipOwnership: '发榜方所有',
    solverConditions: '具备轴承设计与试验能力',
    investment: { ownPilotCny: 2_000_000, solverFundingCny: 3_000_000 },
    endUserAttested: true,
    classified: false,
    ethicsSensitive: false,
    ...overrides,
  };
}

/** An achievementTransfer draft that passes every SUBMIT rule. */
export function transferDraft(overrides: Record<string, unknown> = {}) {
  return {
    programmeId: 'wlmq-2026',
    kind: 'achievementTransfer',
    domain: 'newMaterials',
    title: '高性能铝基复合材料成果转化',
    summary: '成熟的铝基复合材料制备技术，寻求市内企业转化。',
    issuerUnit: UNITS.transferHolder,
    districtUnit: UNITS.district,
    leader: 't-lead',
    team: ['t-lead', 't-m1'],
    indicators: ['抗拉强度 ≥ 500 MPa'],
    periodMonths: 18,
    ipOwnership: '成果持有方拥有发明专利3项',
    solverConditions: '市内铝加工企业，年产能 1 万吨以上',
    investment: { ownPilotCny: 1_000_000, solverFundingCny: 4_000_000 },
    endUserAttested: false,
    classified: false,
    ethicsSensitive: false,
    ...overrides,
  };
}

export const horseRace = {
  routes: [
    { name: '陶瓷混合轴承', investmentCny: 1_500_000 },
    { name: '全钢渗碳轴承', investmentCny: 1_500_000 },
  ],
};

export const TECH_ATTACHMENTS = [
  'applicationForm',
  'unitPledge',
  'leaderPledge',
  'auditReport2024',
  'auditReport2025',
  'capacityEvidence',
  'teamEvidence',
];
export const TRANSFER_ATTACHMENTS = [
  'applicationForm',
  'unitPledge',
  'leaderPledge',
  'priorTasks',
  'indicatorTests',
  'ipDocuments',
  'supportTeam',
];

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

let scenarios = 0;

/**
 * One challenge, walked through the stages by the right roles. Each step asserts success.
 *
 * Each scenario gets its own copies of the cast's people (`p-lead` becomes `p-lead.7`, on the
 * same unit), in its draft and in its bids: §4 counts a person's applications across the whole
 * programme (L-2b), so people shared by every test would couple them. A test that needs people
 * shared across challenges registers its own.
 */
export class Scenario {
  id = '';
  readonly tag = ++scenarios;
  private readonly cloned = new Set<string>();
  constructor(
    readonly h: Harness,
    readonly p: Parties,
    readonly issuerToken = p.issuer,
  ) {}

  /**
   * This scenario's copy of a cast person (registered on first use), one per bid for a bid's
   * team (`scope` = the bidId), so parallel bids are different teams; other ids unchanged.
   */
  async person(id: string, scope?: string): Promise<string> {
    const unitCode = CAST_PERSONS[id];
    if (unitCode === undefined) return id;
    const clone = scope === undefined ? `${id}.${this.tag}` : `${id}.${this.tag}.${scope}`;
    if (!this.cloned.has(clone)) {
      await ok(this.h.request('PUT', `/api/v1/persons/${clone}`, ADMIN_TOKEN, { name: clone, unit: unitCode }), clone);
      this.cloned.add(clone);
    }
    return clone;
  }

  /** The body with its leader and team (draft, UPDATE or BID) mapped to this scenario's people. */
  async withOwnPeople<T extends Record<string, unknown>>(body: T): Promise<T> {
    const out: Record<string, unknown> = { ...body };
    const scope = body.type === 'BID' && typeof body.bidId === 'string' ? body.bidId : undefined;
    if (typeof body.leader === 'string') out.leader = await this.person(body.leader, scope);
    if (Array.isArray(body.team)) out.team = await Promise.all(body.team.map((id) => this.person(String(id), scope)));
    return out as T;
  }

  async send(tokenValue: string, event: { type: string } & Record<string, unknown>, headers?: Record<string, string>) {
    const body = event.type === 'BID' || event.type === 'UPDATE' ? await this.withOwnPeople(event) : event;
    return this.h.send(tokenValue, this.id, body, headers);
  }

  /** Sends and throws unless accepted. */
  async ok(tokenValue: string, event: { type: string } & Record<string, unknown>): Promise<Json> {
    return ok(this.send(tokenValue, event), event.type);
  }

  async view(tokenValue = this.p.bureau): Promise<Json> {
    return ok(this.h.request('GET', `/api/v1/challenges/${this.id}`, tokenValue), 'view');
  }

  async create(draft: Record<string, unknown> = techDraft()): Promise<this> {
    const own = await this.withOwnPeople(draft);
    const body = await ok(this.h.request('POST', '/api/v1/challenges', this.issuerToken, own), 'create');
    this.id = body.id;
    return this;
  }

  async attach(kinds: string[]): Promise<this> {
    // Each file is uploaded first: ATTACH names a hash uploaded to this challenge (P-7).
    for (const kind of kinds)
      await this.ok(this.issuerToken, {
        type: 'ATTACH',
        kind,
        sha256: await uploaded(this.h, this.issuerToken, this.id, kind),
      });
    return this;
  }

  async attachAll(): Promise<this> {
    const v = await this.view();
    const kinds = v.kind === 'techBreakthrough' ? TECH_ATTACHMENTS : TRANSFER_ATTACHMENTS;
    return this.attach(v.details.draft.ethicsSensitive ? [...kinds, 'ethicsReview'] : kinds);
  }

  async submit(): Promise<this> {
    await this.attachAll();
    await this.ok(this.issuerToken, { type: 'SUBMIT', confirmDetails: true });
    return this;
  }

  async recommend(): Promise<this> {
    await this.ok(this.p.district, { type: 'RECOMMEND', opinion: '同意推荐' });
    return this;
  }

  async toPublication(): Promise<this> {
    await this.submit();
    await this.recommend();
    await this.ok(this.p.bureau, { type: 'PASS_FORMAL_CHECK', opinion: '形式审查通过' });
    return this;
  }

  /** Publishes with bidding open for `biddingDays` days from the clock's now. */
  async toMatching(biddingDays = 30): Promise<this> {
    await this.toPublication();
    await this.ok(this.p.bureau, { type: 'APPROVE_DEMAND', opinion: '需求评审通过' });
    const closes = new Date(Date.parse(this.h.now()) + biddingDays * 86_400_000).toISOString();
    await this.ok(this.p.bureau, { type: 'PUBLISH', biddingClosesAt: closes });
    return this;
  }

  async bid(tokenValue: string, bidId: string, extra: Record<string, unknown> = {}): Promise<this> {
    await this.ok(tokenValue, bidBody(bidId, extra));
    return this;
  }

  async agree(bidId: string, agreedFundingCny = 3_000_000): Promise<this> {
    await this.ok(this.issuerToken, { type: 'AGREE', bidId, agreedFundingCny });
    return this;
  }

  /** Matching → expert review with the given bids agreed (routes for a horse race). */
  async toExpertReview(
    bids: { bidId: string; route?: string; funding?: number }[] = [{ bidId: 'bid-1' }],
  ): Promise<this> {
    await this.toMatching();
    for (const b of bids) {
      await this.bid(this.p.solverA, b.bidId, b.route ? { route: b.route } : {});
      await this.agree(b.bidId, b.funding ?? 3_000_000);
    }
    await this.ok(this.p.bureau, { type: 'CLOSE_MATCHING' });
    return this;
  }

  async assignPanel(experts: readonly string[] = EXPERTS): Promise<this> {
    await this.ok(this.p.bureau, { type: 'ASSIGN_PANEL', experts });
    return this;
  }

  async scoreAll(bidIds: string[], score = 80): Promise<this> {
    for (const expert of EXPERTS)
      for (const bidId of bidIds)
        await this.ok(this.p.experts[expert] as string, {
          type: 'SCORE',
          bidId,
          score,
          comment: '方案可行',
          noConflictDeclared: true,
        });
    return this;
  }

  /** Expert review → announcement, selecting `bidIds`. */
  async toAnnouncement(
    bids: { bidId: string; route?: string; funding?: number }[] = [{ bidId: 'bid-1' }],
  ): Promise<this> {
    await this.toExpertReview(bids);
    await this.assignPanel();
    const ids = bids.map((b) => b.bidId);
    await this.scoreAll(ids);
    await this.ok(this.p.bureau, { type: 'SELECT', bidIds: ids });
    return this;
  }

  /** Announcement → disbursement, by letting the notice period run out on the clock. */
  async toDisbursement(bids?: { bidId: string; route?: string; funding?: number }[]): Promise<this> {
    await this.toAnnouncement(bids);
    const v = await this.view();
    const due = v.deadlines.find((d: { type: string }) => d.type === 'NOTICE_PERIOD_ENDED');
    await this.h.at(due.dueAt);
    return this;
  }

  async registerContract(trackId: string): Promise<this> {
    await this.ok(this.p.bureau, {
      type: 'REGISTER_CONTRACT',
      trackId,
      contractNo: `HT-${trackId}`,
      registeredOn: '2026-07-20',
    });
    return this;
  }

  async pay(trackId: string, amountCny: number): Promise<this> {
    await this.ok(this.p.finance, {
      type: 'RECORD_PAYMENT',
      trackId,
      amountCny,
      paidOn: '2026-07-21',
      evidenceSha256: await uploaded(this.h, this.issuerToken, this.id, `pay-${trackId}-${amountCny}`),
    });
    return this;
  }

  /** Disbursement → management: contracts registered, implementation started on `startedOn`. */
  async toManagement(
    bids?: { bidId: string; route?: string; funding?: number }[],
    startedOn = '2026-08-01',
  ): Promise<this> {
    await this.toDisbursement(bids);
    for (const t of (await this.view()).tracks) await this.registerContract(t.trackId);
    await this.ok(this.p.bureau, { type: 'START_IMPLEMENTATION', startedOn });
    return this;
  }
}
