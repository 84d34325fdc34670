/**
 * Complete drafts and the attachments each kind needs: pure data, shared by the integration
 * cast (fixtures.ts) and the rule unit tests (test/unit/rules/given.ts), which name their own
 * units. Each draft passes every SUBMIT rule; the technology breakthrough invests exactly the
 * 5,000,000 yuan Q-1a asks.
 */
import type { AttachmentKind } from '../../machines/challenge/schemas.js';

export const TECH_ATTACHMENTS: readonly AttachmentKind[] = [
  'applicationForm',
  'unitPledge',
  'leaderPledge',
  'auditReport2024',
  'auditReport2025',
  'capacityEvidence',
  'teamEvidence',
];
export const TRANSFER_ATTACHMENTS: readonly AttachmentKind[] = [
  'applicationForm',
  'unitPledge',
  'leaderPledge',
  'priorTasks',
  'indicatorTests',
  'ipDocuments',
  'supportTeam',
];

/** A technology-breakthrough draft's fields, issued by `issuer` and recommended by `district`. */
export const techDraftFields = (units: { issuer: string; district: string }) => ({
  kind: 'techBreakthrough' as const,
  domain: 'equipment',
  title: '大型风电装备关键轴承国产化攻关',
  summary: '风电主轴轴承依赖进口，需攻克设计与制造工艺。',
  issuerUnit: units.issuer,
  districtUnit: units.district,
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
});

/** An achievement-transfer draft's fields, posted by the achievement's `holder`. */
export const transferDraftFields = (units: { holder: string; district: string }) => ({
  kind: 'achievementTransfer' as const,
  domain: 'newMaterials',
  title: '高性能铝基复合材料成果转化',
  summary: '成熟的铝基复合材料制备技术，寻求市内企业转化。',
  issuerUnit: units.holder,
  districtUnit: units.district,
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
});
