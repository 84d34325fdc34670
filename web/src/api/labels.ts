/** Chinese names of the API's codes, shared by the pages. */
export const kindLabels: Record<string, string> = { techBreakthrough: '技术攻关类', achievementTransfer: '成果转化类' };
export const stageLabels: Record<string, string> = {
  publication: '榜单发布',
  matching: '揭榜对接',
  expertReview: '专家评榜',
  announcement: '开榜公告',
  disbursement: '资金拨付',
  management: '过程管理',
  evaluation: '验收评价',
  unfilled: '流榜',
  terminated: '终止',
  closed: '结题归档',
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
