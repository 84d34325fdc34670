/**
 * Chinese names of the machine's events and sub-states, for the statechart and the time machine
 * (the stages' own names come with the definition, from the chart's meta). The event codes stay
 * beside them, as the API and the guide's clauses name them.
 */
export const eventNames: Record<string, string> = {
  CREATE: '创建需求',
  UPDATE: '修改需求',
  ATTACH: '上传附件',
  SUBMIT: '提交申报',
  WITHDRAW: '撤回申报',
  SUBMISSION_WINDOW_CLOSED: '征集截止',
  RECOMMEND: '推荐',
  RETURN: '退回修改',
  DECLINE: '不予通过',
  RECOMMENDATION_DEADLINE_PASSED: '推荐截止',
  PASS_FORMAL_CHECK: '形式审查通过',
  APPROVE_DEMAND: '需求评审通过',
  PUBLISH: '发布榜单',
  BID: '揭榜申报',
  WITHDRAW_BID: '撤回揭榜',
  AGREE: '达成揭榜意向',
  EXTEND_BIDDING: '延长揭榜期',
  CLOSE_MATCHING: '结束对接',
  BIDDING_CLOSED: '揭榜截止',
  DECLARE_UNFILLED: '宣布流榜',
  ASSIGN_PANEL: '组建专家组',
  SCORE: '专家评分',
  SELECT: '确定揭榜方',
  OBJECT: '登记异议',
  RESOLVE_OBJECTION: '处理异议',
  NOTICE_PERIOD_ENDED: '公示期满',
  REGISTER_CONTRACT: '合同登记',
  RECORD_PAYMENT: '登记出资',
  DISBURSE: '拨付资金',
  START_IMPLEMENTATION: '启动实施',
  REPORT_PROGRESS: '报告进展',
  MIDTERM_DECISION: '中期评估决定',
  APPROVE_CHANGE: '批准变更',
  TERMINATE: '终止项目',
  PERIOD_ENDED: '实施期满',
  SUBMIT_FINAL_REPORT: '提交结题报告',
  ACCEPTANCE_DECISION: '验收结论',
  ACCEPTANCE_OVERDUE: '验收逾期',
  MIGRATE_MACHINE: '迁移流程版本',
};

export const subStateNames: Record<string, string> = {
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

export const eventName = (type: string): string => (eventNames[type] ? `${eventNames[type]} ${type}` : type);
export const subStateName = (key: string): string | undefined => subStateNames[key];

/** The stages and outcomes, as the chart's meta names them (machines/challenge/stage.ts). */
export const stageNames: Record<string, string> = {
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

/** `review.formalCheck` → `审核推荐 · 形式审查`. */
export const statePathName = (path: string): string =>
  path
    .split('.')
    .map((key, i) => (i === 0 ? (stageNames[key] ?? key) : (subStateNames[key] ?? key)))
    .join(' · ');

export const roleNames: Record<string, string> = {
  admin: '管理员',
  bureau: '市科技局',
  district: '推荐单位',
  issuer: '发榜单位',
  solver: '揭榜单位',
  expert: '评审专家',
  finance: '财务',
  auditor: '审计',
  system: '系统（时限）',
  public: '公众',
};

/** The API's error codes, for the refused attempts (api.md "Conventions"). */
export const errorCodeNames: Record<string, string> = {
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
