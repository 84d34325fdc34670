/**
 * Chinese names of the API's codes, shared by every page (public, console, audit): the one place
 * the machine's stages, sub-states, events and roles and the API's error codes are named.
 */
export const kindLabels: Record<string, string> = { techBreakthrough: '技术攻关类', achievementTransfer: '成果转化类' };
/** The stages and outcomes, as the chart's meta names them (machines/challenge/stage.ts). */
export const stageLabels: Record<string, string> = {
  collection: '榜单征集',
  review: '审核推荐',
  publication: '榜单发布',
  matching: '揭榜对接',
  expertReview: '专家评榜',
  announcement: '开榜公告',
  disbursement: '资金拨付',
  management: '项目管理',
  evaluation: '总结评价',
  withdrawn: '撤回',
  notAccepted: '不予受理',
  rejected: '未通过',
  unfilled: '流榜',
  terminated: '终止',
  closed: '结题归档',
};

export const subStateLabels: Record<string, string> = {
  draft: '草稿',
  awaitingRecommendation: '待推荐',
  formalCheck: '形式审查',
  demandReview: '需求评审',
  approved: '评审通过',
  bidding: '揭榜中',
  panelPending: '待组建专家组',
  scoring: '评分中',
  objectionsPending: '异议处理中',
  notice: '公示中',
  funding: '拨付中',
  implementing: '实施中',
  awaitingReport: '待提交结题报告',
  underReview: '验收中',
  rectifying: '整改中',
};

/** `SUBMIT` → `提交审核 SUBMIT`: the code stays beside its name, as the API and the clauses name it. */
export const eventName = (type: string): string => (eventLabels[type] ? `${eventLabels[type]} ${type}` : type);
export const subStateName = (key: string): string | undefined => subStateLabels[key];

/** `review.formalCheck` → `审核推荐 · 形式审查`. */
export const statePathName = (path: string): string =>
  path
    .split('.')
    .map((key, i) => (i === 0 ? (stageLabels[key] ?? key) : (subStateLabels[key] ?? key)))
    .join(' · ');

/** The machine's events (api.md "The process"). */
export const eventLabels: Record<string, string> = {
  UPDATE: '修改榜单',
  ATTACH: '上传附件',
  SUBMIT: '提交审核',
  WITHDRAW: '撤回榜单',
  SUBMISSION_WINDOW_CLOSED: '征集截止',
  RECOMMEND: '推荐',
  RETURN: '退回修改',
  DECLINE: '不予通过',
  RECOMMENDATION_DEADLINE_PASSED: '推荐截止',
  PASS_FORMAL_CHECK: '形式审查通过',
  APPROVE_DEMAND: '需求评审通过',
  PUBLISH: '发布榜单',
  BID: '揭榜申报',
  WITHDRAW_BID: '撤回揭榜申报',
  AGREE: '达成揭榜协议',
  EXTEND_BIDDING: '延长揭榜期',
  CLOSE_MATCHING: '结束揭榜对接',
  BIDDING_CLOSED: '揭榜截止',
  DECLARE_UNFILLED: '宣布流榜',
  ASSIGN_PANEL: '组建专家组',
  SCORE: '专家评分',
  SELECT: '确定揭榜方',
  OBJECT: '登记异议',
  RESOLVE_OBJECTION: '处理异议',
  NOTICE_PERIOD_ENDED: '公示期满',
  REGISTER_CONTRACT: '合同登记',
  RECORD_PAYMENT: '登记付款',
  DISBURSE: '拨付财政资金',
  START_IMPLEMENTATION: '启动实施',
  REPORT_PROGRESS: '报告进展',
  MIDTERM_DECISION: '中期评估决定',
  APPROVE_CHANGE: '批准变更',
  TERMINATE: '终止项目',
  PERIOD_ENDED: '实施期满',
  SUBMIT_FINAL_REPORT: '提交结题报告',
  ACCEPTANCE_DECISION: '验收结论',
  ACCEPTANCE_OVERDUE: '逾期未验收',
  RECTIFICATION_OVERDUE: '整改逾期',
  CREATE: '创建榜单',
  MIGRATE_MACHINE: '迁移流程版本',
};

export const roleLabels: Record<string, string> = {
  issuer: '发榜单位',
  solver: '揭榜单位',
  bureau: '市科技局',
  district: '区县科技部门',
  expert: '评审专家',
  finance: '财务',
  auditor: '审计',
  admin: '系统管理员',
  system: '系统（定时）',
  public: '公众',
};

/** The API's error codes, for the refused attempts (api.md "Conventions"). */
export const errorCodeLabels: Record<string, string> = {
  VALIDATION_FAILED: '请求内容有误',
  UNAUTHENTICATED: '未登录',
  FORBIDDEN: '无权操作',
  NOT_FOUND: '不存在',
  VERSION_CONFLICT: '版本冲突',
  RULE_VIOLATION: '违反规则',
  EVENT_NOT_ALLOWED: '当前状态不允许',
  IDEMPOTENCY_MISMATCH: '幂等键冲突',
  PAYLOAD_TOO_LARGE: '内容过大',
  RATE_LIMITED: '请求过于频繁',
};

export const domainLabels: Record<string, string> = {
  equipment: '高端装备',
  biomedicine: '生物医药',
  chemical: '化工',
  newEnergy: '新能源',
  newMaterials: '新材料',
  textile: '纺织服装',
  greenFood: '绿色食品',
  hydrogen: '氢能',
  storage: '储能',
  hydrogenAmmoniaMethanol: '氢氨醇',
  greenComputing: '绿色算力',
  ai: '人工智能',
  intelligentEquipment: '智能装备',
  specialResources: '特色资源',
  lowAltitude: '低空经济',
};
export const unitTypeLabels: Record<string, string> = {
  enterprise: '企业',
  university: '高等院校',
  institute: '科研院所',
  newRdInstitution: '新型研发机构',
  platform: '科技创新平台',
  districtDept: '区县科技部门',
  other: '其他',
};
export const yuan = (cny: number) => `${(cny / 10_000).toLocaleString('zh-CN')} 万元`;
export const beijingTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—';
