/**
 * The open call in a real headless Chromium (issue 12): as a new solver would, find a challenge
 * by a Chinese search term, open it, register the unit, and after the bureau's approval sign in;
 * as a member of the public, read a notice and file an objection. Screenshots go to
 * test-results/screenshots/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code, type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { type Browser, launchBrowser, SCREENSHOTS, screenshotsOnFailure } from './browser.js';

let h: Harness;
let p: Parties;
let browser: Browser;
screenshotsOnFailure('open-call', () => browser);
let base: string;

beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe('in the browser', () => {
  it('a new solver finds a call by a Chinese word, opens it, registers its unit, and signs in after the bureau approves it (in the browser too)', async () => {
    const wind = await new ChallengeDriver(h, p).create();
    await wind.toMatching();
    const other = await new ChallengeDriver(h, p).create(
      techDraft({ title: '新型储能电站智能运维平台', summary: '储能电站运维依赖人工巡检。', domain: 'storage' }),
    );
    await other.toMatching();

    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    await expect.poll(() => page.getByRole('link', { name: '新型储能电站智能运维平台' }).count()).toBe(1);
    await shot(page, '1-list');

    await page.getByLabel('关键词').fill('风电');
    await page.getByRole('button', { name: '检索' }).click();
    await expect.poll(() => page.getByRole('link', { name: '新型储能电站智能运维平台' }).count()).toBe(0);
    await expect.poll(() => page.getByRole('link', { name: '大型风电装备关键轴承国产化攻关' }).count()).toBe(1);
    expect(page.url()).toContain('q=');
    await shot(page, '2-search');

    await page.getByRole('link', { name: '大型风电装备关键轴承国产化攻关' }).click();
    await page.getByRole('heading', { name: '大型风电装备关键轴承国产化攻关' }).waitFor();
    await expect.poll(() => page.getByText('新疆某装备制造有限公司').count()).toBeGreaterThan(0);
    await shot(page, '3-challenge');

    await page.getByRole('link', { name: '注册单位' }).first().click();
    await page.getByRole('heading', { name: '单位注册' }).waitFor();
    // A wrong check character: the service's Chinese message names the character at fault.
    const unitCode = code(501);
    await page.getByLabel('统一社会信用代码').fill(`${unitCode.slice(0, 17)}${unitCode.endsWith('0') ? '1' : '0'}`);
    await page.getByLabel('单位名称').fill('新疆风电运维科技有限公司');
    await page.getByLabel('用户名').fill('fengdian');
    await page.getByLabel('密码', { exact: true }).fill('Wind2026power');
    await page.getByLabel('管理员姓名').fill('王五');
    await page.getByLabel('手机号码').fill('13912345678');
    await page.getByRole('button', { name: '提交注册' }).click();
    await page.getByRole('alert').filter({ hasText: '第18位校验码' }).waitFor();
    await shot(page, '4-register-error');
    await page.getByLabel('统一社会信用代码').fill(unitCode);
    await page.getByRole('button', { name: '提交注册' }).click();
    await page.getByText('注册申请已提交').waitFor();
    await shot(page, '5-registered');

    // Pending: the sign-in is refused, in Chinese.
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('用户名').fill('fengdian');
    await page.getByLabel('密码').fill('Wind2026power');
    await page.getByRole('button', { name: '登录' }).last().click();
    await page.getByRole('alert').filter({ hasText: '尚待科技局审核' }).waitFor();

    // The bureau approves it, in the browser too (its account made by the admin).
    const staff = await h.request('POST', '/api/v1/accounts', h.adminToken, {
      username: 'kejiju',
      password: 'Bureau2026desk',
      name: '科技局审核员',
      role: 'bureau',
    });
    expect(staff.status).toBe(201);
    await page.getByLabel('用户名').fill('kejiju');
    await page.getByLabel('密码').fill('Bureau2026desk');
    await page.getByRole('button', { name: '登录' }).last().click();
    await page.getByRole('link', { name: '单位注册审核' }).click();
    await page.getByText('新疆风电运维科技有限公司').waitFor();
    await shot(page, '6-bureau-queue');
    await page.getByRole('button', { name: '通过 新疆风电运维科技有限公司', exact: true }).click();
    await page.getByText('已处理：新疆风电运维科技有限公司').waitFor();
    await page.goto(`${base}/me`);
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '榜单大厅' }).waitFor();
    expect((await h.request('GET', `/api/v1/units/${unitCode}`, p.bureau)).status).toBe(200);

    await page.goto(`${base}/sign-in`);
    await page.getByLabel('用户名').fill('fengdian');
    await page.getByLabel('密码').fill('Wind2026power');
    await page.getByRole('button', { name: '登录' }).last().click();
    await page.getByRole('heading', { name: '我的账号' }).waitFor();
    await expect.poll(() => page.getByText('发榜单位、揭榜单位').count()).toBe(1);
    await shot(page, '7-signed-in');
    const cookies = await browser.context.cookies(base);
    expect(cookies.find((c) => c.name === 'jb_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '榜单大厅' }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a member of the public reads a notice and files an objection', async () => {
    const s = await new ChallengeDriver(h, p).create(techDraft({ title: '棉花采收智能装备攻关' }));
    await s.toAnnouncement();

    const page = await browser.context.newPage();
    await page.goto(`${base}/challenges/${s.id}/notice`);
    await page.getByRole('heading', { name: '开榜公告：棉花采收智能装备攻关' }).waitFor();
    await expect.poll(() => page.getByText('某大学').count()).toBeGreaterThan(0);
    await shot(page, '8-notice');

    // The form needs a real name: an empty one is refused before anything is sent.
    await page.getByLabel('联系方式').fill('13800000000');
    await page.getByLabel('异议事由').fill('中选团队申报的试验数据与公开报道不符，请核查。');
    await page.getByRole('button', { name: '提交异议' }).click();
    await page.getByText('此项必填').first().waitFor();
    await page.getByLabel('姓名').fill('张三');
    await page.locator('#objection-evidence').setInputFiles({
      name: '检测报告.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.7\n检测报告\n%%EOF\n'),
    });
    await page.getByRole('button', { name: '提交异议' }).click();
    await page.getByText('异议已提交，编号：obj-1').waitFor();
    await shot(page, '9-objection-filed');

    const view = await h.request('GET', `/api/v1/challenges/${s.id}`, p.bureau);
    expect(view.body.details.objections).toMatchObject([{ objectionId: 'obj-1', objector: { name: '张三' } }]);
    const history = await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.bureau);
    expect(history.body.items.at(-1).payload).toMatchObject({
      contact: '13800000000',
      evidenceSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const pdf = await page.request.get(`${base}/api/v1/public/challenges/${s.id}/notice.pdf`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    await page.close();
  });

  it('is usable on a phone: the list fits a narrow screen and the search is reachable by keyboard', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: '榜单大厅' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // The first Tab reaches the skip link, which leads to the page's content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('跳到正文');
    await shot(page, '10-phone');
    await page.close();
  });
});
