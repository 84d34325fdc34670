/**
 * The console in a real headless Chromium (issue 13), as the people of the guide use it: a bureau
 * officer takes a challenge from review to publication with the console alone (a refusal shows
 * its clause in Chinese beside the field), and reads the dashboard and downloads its numbers; an
 * expert scores; an issuer agrees to a bid; a solver signs in and finds no other unit's draft
 * anywhere in the pages. Screenshots go to test-results/screenshots/.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Parties, registerParties, techDraft, token, UNITS } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { anonymous } from '../helpers/public.js';
import { type Browser, launchBrowser, SCREENSHOTS, screenshotsOnFailure } from './browser.js';

let h: Harness;
let p: Parties;
let browser: Browser;
screenshotsOnFailure('console', () => browser);
let base: string;

/** A unit registers itself with its administrator's account, and the bureau approves it. */
async function registeredUnit(bureau: string, unit: Record<string, unknown>, username: string, password: string) {
  const r = await anonymous(h, 'POST', '/api/v1/registrations', {
    unit,
    account: { username, password, name: `${username}管理员`, mobile: '13912345678' },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const decided = await h.request('POST', `/api/v1/registrations/${r.body.registrationId}/decision`, bureau, {
    approve: true,
  });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
}

async function staffAccount(body: Record<string, unknown>) {
  const r = await h.request('POST', '/api/v1/accounts', h.adminToken, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

beforeAll(async () => {
  h = await startHarness();
  // The cast's issuer and the university sign in with the accounts of their self-registration.
  const bureau = await token(h, 'bureau');
  await registeredUnit(
    bureau,
    { code: UNITS.issuer, name: '新疆某装备制造有限公司', type: 'enterprise', inCity: true, legalPerson: true },
    'fabang',
    'Issuer2026desk',
  );
  await registeredUnit(
    bureau,
    { code: UNITS.solverA, name: '某大学', type: 'university', inCity: false, legalPerson: true },
    'daxue',
    'Solver2026desk',
  );
  p = await registerParties(h);
  await staffAccount({ username: 'kejiju', password: 'Bureau2026desk', name: '科技局审核员', role: 'bureau' });
  await staffAccount({
    username: 'zhuanjia',
    password: 'Expert2026desk',
    name: '专家一',
    role: 'expert',
    person: 'e1',
  });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });

async function signedIn(username: string, password: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).last().click();
  await page.getByRole('heading', { name: '我的账号' }).waitFor();
  return page;
}

async function signOut(page: Page) {
  await page.goto(`${base}/me`);
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.getByRole('heading', { name: '榜单大厅' }).waitFor();
  await page.close();
}

/** Opens the challenge from the inbox, as a person would. */
async function openFromInbox(page: Page, title: string) {
  await page.getByRole('link', { name: '工作台', exact: true }).click();
  await page.getByRole('heading', { name: '待办' }).waitFor();
  await page.getByRole('link', { name: title }).click();
  await page.getByRole('heading', { name: title }).waitFor();
}

/** The form of one action, opened. */
async function action(page: Page, label: string) {
  await page.getByRole('button', { name: label }).first().click();
  const form = page.getByRole('form', { name: label });
  await form.waitFor();
  return form;
}

/**
 * Sends an action's form with its button and waits for the page to say it was done. A person
 * whose click went nowhere (the form still sliding open on a loaded machine) clicks again; a
 * page that sent the event but says something else fails with what it says.
 */
async function sendForm(page: Page, form: ReturnType<Page['getByRole']>, label: string) {
  for (let attempt = 1; ; attempt++) {
    const sent = page
      .waitForRequest((r) => r.method() === 'POST' && r.url().includes('/events'), { timeout: 10_000 })
      .catch(() => null);
    await form.getByRole('button', { name: label }).click();
    if (await sent) break;
    if (attempt === 3) throw new Error(`${label}: three clicks sent nothing`);
  }
  const done = page.getByText(`已办理：${label}`);
  await done.waitFor().catch(async (err: unknown) => {
    const alerts = await page.getByRole('alert').allTextContents();
    throw new Error(`${label}: sent, but the page says ${JSON.stringify(alerts)} (${String(err)})`);
  });
}

const stageShown = (page: Page) => page.getByTestId('current-stage').textContent();

describe('the console in the browser', () => {
  it('a bureau officer takes a challenge from review to publication with the console alone; a refusal shows its clause beside the field', async () => {
    const s = await new ChallengeDriver(h, p).create(techDraft({ title: '荒漠光伏组件清洗机器人研发' }));
    await s.submit();
    await s.recommend();

    const page = await signedIn('kejiju', 'Bureau2026desk');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.getByRole('link', { name: '工作台', exact: true }).click();
    await page.getByRole('link', { name: '荒漠光伏组件清洗机器人研发' }).waitFor();
    await expect.poll(() => page.getByText('形式审查通过：1').count()).toBe(1);
    await shot(page, '1-bureau-inbox');
    await openFromInbox(page, '荒漠光伏组件清洗机器人研发');
    expect(await stageShown(page)).toBe('审核推荐');
    await shot(page, '2-challenge-review');

    let form = await action(page, '形式审查通过');
    await form.getByLabel('意见').fill('材料齐全，形式审查通过。');
    await sendForm(page, form, '形式审查通过');
    await expect.poll(() => stageShown(page)).toBe('榜单发布');

    form = await action(page, '需求评审通过');
    await form.getByLabel('意见').fill('需求明确，同意发布。');
    await sendForm(page, form, '需求评审通过');

    // The demand collection has ended (W-4): as the bureau may, it is closed for this publication.
    const programme = (await h.request('GET', '/api/v1/programmes/wlmq-2026', h.adminToken)).body.settings;
    const closed = {
      ...programme,
      submission: { ...programme.submission, closesAt: new Date(Date.parse(h.now()) - 1).toISOString() },
    };
    expect((await h.request('PUT', '/api/v1/programmes/wlmq-2026', h.adminToken, closed)).status).toBe(200);
    try {
      // A deadline in the past: refused, with the clause in Chinese beside the field.
      form = await action(page, '发布榜单');
      const closes = form.getByLabel('揭榜截止时间（北京时间）');
      await closes.fill('2026-05-01 10:00:00');
      await closes.press('Enter');
      await form.getByRole('button', { name: '发布榜单' }).click();
      const beside = form.locator('.el-form-item').filter({ has: page.getByLabel('揭榜截止时间（北京时间）') });
      await beside.getByText('〔Q-12〕揭榜截止时间须晚于发布时间').waitFor();
      await form.getByRole('alert').filter({ hasText: '未获通过' }).waitFor();
      await shot(page, '3-refusal-with-clause');
      expect((await s.view()).stage).toBe('publication');

      await closes.fill('2026-06-30 18:00:00');
      await closes.press('Enter');
      await sendForm(page, form, '发布榜单');
    } finally {
      await h.request('PUT', '/api/v1/programmes/wlmq-2026', h.adminToken, programme);
    }
    await expect.poll(() => stageShown(page)).toBe('揭榜对接');
    const view = await s.view();
    expect(view.stage).toBe('matching');
    expect(Date.parse(view.details.biddingClosesAt)).toBe(Date.parse('2026-06-30T18:00:00+08:00'));
    // The timeline shows who did what, and the refused attempt.
    await page.getByText('未获通过：发布榜单').waitFor();
    await expect.poll(() => page.getByText('形式审查通过 · 市科技局').count()).toBeGreaterThan(0);
    await shot(page, '4-published');

    // The dashboard: its charts, and the numbers behind one as a CSV Excel opens in Chinese.
    await page.getByRole('link', { name: '统计' }).click();
    await page.getByRole('heading', { name: '按阶段' }).waitFor();
    await expect.poll(() => page.locator('canvas').count()).toBeGreaterThanOrEqual(5);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载按阶段数据（CSV）' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('统计-按阶段.csv');
    const csv = await readFile((await download.path()) as string, 'utf8');
    expect(csv.startsWith('\uFEFF阶段,榜单数\r\n')).toBe(true);
    expect(csv).toContain('揭榜对接,1');
    const [byDistrict] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载按推荐单位数据（CSV）' }).click(),
    ]);
    const districts = await readFile((await byDistrict.path()) as string, 'utf8');
    expect(districts).toMatch(/^\uFEFF推荐单位,榜单数\r\n乌鲁木齐市某区科技局,\d+\r\n$/);
    await shot(page, '5-dashboard');
    expect(errors).toEqual([]);
    await signOut(page);
  });

  it('an expert on the panel scores a bid', async () => {
    const s = await new ChallengeDriver(h, p).create(techDraft({ title: '棉花采收智能装备攻关' }));
    await s.toExpertReview();
    await s.assignPanel();

    const page = await signedIn('zhuanjia', 'Expert2026desk');
    await openFromInbox(page, '棉花采收智能装备攻关');
    const form = await action(page, '专家评分');
    await form.getByLabel('揭榜方案编号').fill('bid-1');
    await form.getByLabel('评分（0–100）').fill('86');
    await form.getByLabel('评审意见').fill('技术路线可行，团队基础扎实。');
    await form.getByText('声明无利益冲突').click();
    expect(await form.getByRole('checkbox', { name: '声明无利益冲突' }).isChecked()).toBe(true);
    await shot(page, '6-expert-score-form');
    await sendForm(page, form, '专家评分');
    // Its own score, and no other expert's.
    await expect.poll(() => page.getByRole('cell', { name: '86', exact: true }).count()).toBe(1);
    await shot(page, '7-expert-scored');
    const view = await s.view();
    expect(view.details.scores).toEqual([expect.objectContaining({ expert: 'e1', bidId: 'bid-1', score: 86 })]);
    await signOut(page);
  });

  it('an issuer agrees to a bid', async () => {
    const s = await new ChallengeDriver(h, p).create(techDraft({ title: '新型储能电站智能运维平台' }));
    await s.toMatching();
    await s.bid(p.solverA, 'bid-1');

    const page = await signedIn('fabang', 'Issuer2026desk');
    await openFromInbox(page, '新型储能电站智能运维平台');
    await page.getByRole('cell', { name: 'bid-1' }).waitFor();
    let form = await action(page, '达成揭榜协议');
    await form.getByLabel('揭榜方案编号').fill('bid-1');
    await form.getByLabel('约定研发经费（元）').fill('3000000');
    // Meanwhile another solver bids: the page's version is stale, and the console says so.
    await s.bid(p.solverB, 'bid-2', { members: [UNITS.solverB], leader: 'b-lead', team: ['b-lead', 'b-m1'] });
    await form.getByRole('button', { name: '达成揭榜协议' }).click();
    await form.getByRole('alert').filter({ hasText: '该榜单已被他人更新' }).waitFor();
    await shot(page, '8a-conflict');
    await form.getByRole('button', { name: '重新载入' }).click();
    await page.getByRole('cell', { name: 'bid-2' }).waitFor();
    await page.getByText('已重新载入最新的榜单信息。').waitFor();
    form = await action(page, '达成揭榜协议');
    await form.getByLabel('揭榜方案编号').fill('bid-1');
    await form.getByLabel('约定研发经费（元）').fill('3000000');
    await sendForm(page, form, '达成揭榜协议');
    await expect.poll(() => page.getByRole('cell', { name: '300 万元' }).count()).toBeGreaterThan(0);
    await shot(page, '8-issuer-agreed');
    const view = await s.view();
    expect(view.details.bids).toEqual([
      expect.objectContaining({ bidId: 'bid-1', agreedFundingCny: 3_000_000 }),
      expect.objectContaining({ bidId: 'bid-2', agreedFundingCny: null }),
    ]);
    await signOut(page);
  });

  it('an issuer attaches a file to its draft inline, and downloads it again', async () => {
    const s = await new ChallengeDriver(h, p).create(techDraft({ title: '煤化工废水零排放技术' }));
    const page = await signedIn('fabang', 'Issuer2026desk');
    await openFromInbox(page, '煤化工废水零排放技术');
    const form = await action(page, '上传附件');
    await form.locator('.el-select', { has: page.getByLabel('类别') }).click();
    await page.getByRole('option', { name: '申报书' }).click();
    await form
      .getByRole('group', { name: '文件' })
      .locator('input[type=file]')
      .setInputFiles({
        name: '申报书.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.7\n申报书\n%%EOF\n'),
      });
    await form.getByText('已上传：申报书.pdf').waitFor();
    await sendForm(page, form, '上传附件');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载申报书' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('申报书.pdf');
    await shot(page, '8b-attached');
    const view = await s.view();
    expect(view.details.attachments).toEqual([expect.objectContaining({ kind: 'applicationForm' })]);
    await signOut(page);
  });

  it("a solver signs in and finds no other unit's draft anywhere in the pages, as issuer or as solver", async () => {
    const secret = await new ChallengeDriver(h, p).create(techDraft({ title: '未公开的氢能储运草稿' }));
    const open = await new ChallengeDriver(h, p).create(techDraft({ title: '公开征集的低空物流榜单' }));
    await open.toMatching();

    const page = await signedIn('daxue', 'Solver2026desk');
    const pages = [
      '/console',
      '/',
      `/console/challenges/${secret.id}`,
      `/challenges/${secret.id}`,
      `/console/challenges/${open.id}`,
    ];
    const visit = async () => {
      for (const path of pages) {
        await page.goto(`${base}${path}`);
        await page.waitForLoadState('networkidle');
        const text = (await page.locator('body').textContent()) ?? '';
        expect(text, path).not.toContain('未公开的氢能储运草稿');
      }
    };
    await visit();
    // As its solver role, the open call is a task (a bid), the draft still nowhere.
    await page.goto(`${base}/console`);
    await page.locator('.el-select', { has: page.getByRole('combobox', { name: '切换角色' }) }).click();
    await page.getByRole('option', { name: '以揭榜单位身份' }).click();
    await page.getByRole('link', { name: '公开征集的低空物流榜单' }).waitFor();
    await expect.poll(() => page.getByText(/^揭榜申报：\d+$/).count()).toBe(1);
    await shot(page, '9-solver-inbox');
    await visit();
    await page.goto(`${base}/console/challenges/${secret.id}`);
    await page.getByRole('alert').waitFor();
    await shot(page, '10-solver-draft-absent');
    await signOut(page);
  });
});
