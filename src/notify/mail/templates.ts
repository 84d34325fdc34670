/**
 * The mail templates: Chinese first (subject and body), the English line after, as every
 * message people read. `{name}` placeholders are filled from the event.
 */
export const mailKinds = [
  'bidReceived',
  'acceptanceDue',
  'selected',
  'notSelected',
  'panelAssigned',
  'noticeOpened',
  'noticeEnded',
  'tranchePayable',
  'reminder',
] as const;
export type MailKind = (typeof mailKinds)[number];

const templates: Record<MailKind, { subject: string; text: string }> = {
  bidReceived: {
    subject: '【揭榜挂帅】榜单「{title}」收到新的揭榜申请',
    text: '您发布的榜单「{title}」（{challengeId}）收到揭榜申请 {bidId}，请及时对接洽谈。\nA new bid ({bidId}) arrived on challenge {challengeId}.',
  },
  acceptanceDue: {
    subject: '【揭榜挂帅】榜单「{title}」待组织验收',
    text: '榜单「{title}」（{challengeId}）的揭榜方已提交总结报告，请按期组织验收。\nThe final report of challenge {challengeId} is in: acceptance is due.',
  },
  selected: {
    subject: '【揭榜挂帅】您已入选榜单「{title}」',
    text: '经专家评审，贵单位已入选榜单「{title}」（{challengeId}）的揭榜单位，入选结果将进行公示。\nYour unit was selected for challenge {challengeId}; the result will be publicly noticed.',
  },
  notSelected: {
    subject: '【揭榜挂帅】榜单「{title}」评审结果',
    text: '感谢参与。贵单位此次未入选榜单「{title}」（{challengeId}）的揭榜单位。\nYour unit was not selected for challenge {challengeId}.',
  },
  panelAssigned: {
    subject: '【揭榜挂帅】邀请您评审榜单「{title}」',
    text: '您已被选入榜单「{title}」（{challengeId}）的评审专家组，请登录系统评分。\nYou were assigned to the expert panel of challenge {challengeId}.',
  },
  noticeOpened: {
    subject: '【揭榜挂帅】榜单「{title}」入选结果公示',
    text: '榜单「{title}」（{challengeId}）的入选结果开始公示，公示期至 {endsAt}。\nThe selection of challenge {challengeId} is publicly noticed until {endsAt}.',
  },
  noticeEnded: {
    subject: '【揭榜挂帅】榜单「{title}」公示期结束',
    text: '榜单「{title}」（{challengeId}）的公示期已结束，请签订并登记合同。\nThe public notice of challenge {challengeId} has ended: sign and register the contract.',
  },
  tranchePayable: {
    subject: '【揭榜挂帅】榜单「{title}」财政资金可拨付',
    text: '榜单「{title}」（{challengeId}）已登记合同或支付揭榜资金，请核对后拨付相应财政资金。\nA fiscal tranche of challenge {challengeId} may be paid.',
  },
  reminder: {
    subject: '【揭榜挂帅】提醒：榜单「{title}」{deadline}将于 {dueDate} 到期',
    text: '榜单「{title}」（{challengeId}）的{deadline}将于 {dueDate}（北京时间）到期，还有 {days} 个工作日。\nReminder: {deadlineEn} of challenge {challengeId} is due on {dueDate} (Beijing time), in {days} working day(s).',
  },
};

export function render(kind: MailKind, vars: Record<string, string>): { subject: string; text: string } {
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? '');
  const t = templates[kind];
  return { subject: fill(t.subject), text: fill(t.text) };
}
