/**
 * Writes src/http/openapi-examples.json: the request examples of the OpenAPI document, taken from
 * the tests' fixtures (the cast's drafts, an event payload per type, the cast's units), so every
 * example is a body the tests really send. `npm run docs:openapi`; a test fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { staffEventTypes } from '../machines/challenge/events.js';
import { wlmq2026 } from '../machines/programme.js';
import { eventPayloads } from '../test/helpers/event-payloads.js';
import { techDraft, transferDraft, UNITS } from '../test/helpers/fixtures.js';
import { publicObjector, unitApplication } from '../test/helpers/open-call-fixtures.js';

export function openapiExamples(): Record<string, Record<string, unknown>> {
  return {
    createChallenge: { techBreakthrough: techDraft(), achievementTransfer: transferDraft() },
    sendEvent: Object.fromEntries(staffEventTypes.map((type) => [type, { type, ...eventPayloads[type] }])),
    issueToken: {
      issuer: { role: 'issuer', unit: UNITS.issuer, label: 'issuer' },
      expert: { role: 'expert', person: 'e1', label: 'expert' },
      bureau: { role: 'bureau', label: 'bureau' },
    },
    putUnit: {
      enterprise: { name: '新疆某装备制造有限公司', type: 'enterprise', inCity: true, legalPerson: true },
    },
    putPerson: { person: { name: 'p-lead', unit: UNITS.issuer } },
    // The guide's programme, as seeded (machines/programme.ts), and the records the rule tests post.
    putProgramme: { wlmq2026 },
    createRecord: {
      dishonesty: { subject: { unit: UNITS.issuer }, kind: 'dishonesty', from: '2025-01-01' },
    },
    moveTestClock: { to: { now: '2026-06-10T19:30:00.001+08:00' }, by: { advanceBy: 'P5D' } },
    createWebhook: {
      everything: { url: 'https://portal.example.cn/jiebang/hooks', events: ['*'] },
      newChallenges: { url: 'https://finance.example.cn/hooks', events: ['CREATE'], programmeId: 'wlmq-2026' },
    },
    putMailRecipient: {
      issuer: { name: '发榜单位', role: 'issuer', unit: UNITS.issuer },
      expert: { name: '专家一', role: 'expert', person: 'e1' },
    },
    putMailOptOuts: { noPanelMail: { kinds: ['panelAssigned'] } },
    registerUnit: { enterprise: unitApplication() },
    decideRegistration: {
      approve: { approve: true },
      refuse: { approve: false, reason: '统一社会信用代码与营业执照不符。' },
    },
    signIn: { unitAccount: { username: 'fengdian', password: 'Wind2026power' } },
    changePassword: { change: { currentPassword: 'Wind2026power', newPassword: 'Storage2027wind' } },
    createAccount: {
      expert: { username: 'zhuanjia1', password: 'Expert2026review', name: '专家一', role: 'expert', person: 'e1' },
    },
    resetPassword: { reset: { password: 'Reset2026temporary' } },
    fileObjection: { named: publicObjector },
  };
}

export const EXAMPLES_FILE = fileURLToPath(new URL('../src/http/openapi-examples.json', import.meta.url));
export const renderExamples = () => `${JSON.stringify(openapiExamples(), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(EXAMPLES_FILE, renderExamples());
  console.log('src/http/openapi-examples.json written');
}
