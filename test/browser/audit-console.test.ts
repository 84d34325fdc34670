/**
 * Issue 13 in a real headless Chromium: the auditor's time machine (slider to an earlier event,
 * verify, downloads, refused attempts) and the living statechart (the state the API reports
 * highlighted, moving as an event is sent through the API, without a reload; a replay of the
 * stored history; and no request anywhere but the service). Screenshots go to
 * test-results/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Parties, registerParties } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { type Browser, launchBrowser, SCREENSHOTS, screenshotsOnFailure } from './browser.js';

let h: Harness;
let p: Parties;
let browser: Browser;
screenshotsOnFailure('audit-console', () => browser);
let base: string;

const staff = {
  auditor: { username: 'shenji', password: 'Audit2026desk!' },
  bureau: { username: 'kjj-console', password: 'Bureau2026desk!' },
};

beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
  for (const [role, account] of Object.entries(staff)) {
    const made = await h.request('POST', '/api/v1/accounts', h.adminToken, { ...account, name: `${role} 测试`, role });
    expect(made.status).toBe(201);
  }
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });

async function signIn(page: Page, who: keyof typeof staff): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('用户名').fill(staff[who].username);
  await page.getByLabel('密码').fill(staff[who].password);
  await page.getByRole('button', { name: '登录' }).last().click();
  await page.getByRole('heading', { name: '我的账号' }).waitFor();
}

interface Checkpoint {
  day: string;
  globalSeq: number;
  globalHash: string;
  hashAlgorithm: string;
  signature: string;
}

const statePathOf = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}.${statePathOf(v)}`)
        .join('');

describe("the auditor's time machine", () => {
  it('an auditor moves the slider to an earlier event and sees that state, verifies the log, downloads the history and filters refused attempts', async () => {
    const c = await new ChallengeDriver(h, p).create();
    await c.submit();
    await h.at('2026-05-07T10:00:00+08:00');
    await c.recommend();
    // A refused attempt: the solver may not pass the formal check.
    expect((await c.send(p.solverA, { type: 'PASS_FORMAL_CHECK', opinion: '越权' })).status).toBe(403);
    await c.passFormalCheck();
    const history = (await h.request('GET', `/api/v1/challenges/${c.id}/history`, p.auditor)).body.items as {
      seq: number;
      globalSeq: number;
      type: string;
    }[];
    const last = history.length;

    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, 'auditor');
    await page.goto(`${base}/console/challenges/${c.id}/history`);
    await page.getByRole('heading', { name: '时间回溯：大型风电装备关键轴承国产化攻关' }).waitFor();
    await expect.poll(() => page.getByTestId('point-seq').textContent()).toBe(`第 ${last} 号事件之后`);
    expect(await page.getByTestId('point-stage').textContent()).toBe('榜单发布');
    // The last events are of 7 May, whose checkpoint the next day's first event will record.
    await expect
      .poll(() => page.getByTestId('point-checkpoint').textContent())
      .toContain('此事件所在日的检查点将在次日首个事件记录时生成并签名');

    // Back to the first event with the keyboard on the slider, as a person would.
    const slider = page.getByRole('slider', { name: '事件序号' });
    await slider.focus();
    for (let i = 1; i < last; i++) await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('point-seq').textContent()).toBe('第 1 号事件之后');
    const atFirst = (await h.request('GET', `/api/v1/challenges/${c.id}/state?seq=1`, p.auditor)).body;
    expect(atFirst.state).toEqual({ collection: 'draft' });
    await expect.poll(() => page.getByTestId('point-stage').textContent()).toBe('榜单征集');
    expect(await page.getByTestId('point-state').textContent()).toBe('榜单征集 · 草稿');
    // The first event is of 6 May: the SM2-signed checkpoint of that day, as the API serves it.
    const served = (await h.request('GET', '/api/v1/public/checkpoints', p.auditor)).body.items as Checkpoint[];
    const firstGlobalSeq = history[0]?.globalSeq as number;
    const cover6 = served.find((cp) => cp.globalSeq >= firstGlobalSeq) as Checkpoint;
    expect(cover6).toMatchObject({ day: '2026-05-06', hashAlgorithm: 'sha256' });
    const pointCheckpoint = page.getByTestId('point-checkpoint');
    await expect.poll(() => pointCheckpoint.getByText(cover6.signature).count()).toBe(1);
    expect(await pointCheckpoint.textContent()).toContain(`覆盖此事件的签名检查点：2026-05-06`);
    expect(await pointCheckpoint.textContent()).toContain('哈希算法 SHA-256');
    expect(await pointCheckpoint.getByText(cover6.globalHash).count()).toBe(1);
    await shot(page, 'time-machine-first-event');

    // On to SUBMIT (after the attachments): the API says review, and so does the page.
    const submitted = history.find((e) => e.type === 'SUBMIT')?.seq as number;
    for (let i = 1; i < submitted; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('point-seq').textContent()).toBe(`第 ${submitted} 号事件之后`);
    const atSubmit = (await h.request('GET', `/api/v1/challenges/${c.id}/state?seq=${submitted}`, p.auditor)).body;
    expect(statePathOf(atSubmit.state)).toBe('review.awaitingRecommendation');
    await expect.poll(() => page.getByTestId('point-stage').textContent()).toBe('审核推荐');
    expect(await page.getByTestId('point-state').textContent()).toBe('审核推荐 · 待推荐');

    // The difference between the first and the last point names the changed fields.
    await page.getByRole('spinbutton', { name: '起点事件序号' }).fill('1');
    await page.getByRole('spinbutton', { name: '终点事件序号' }).fill(String(last));
    await page.getByRole('button', { name: '比较' }).click();
    await expect.poll(() => page.getByTestId('diff').getByText('context.submittedAt').count()).toBe(1);

    await page.getByRole('button', { name: '校验日志' }).click();
    await expect
      .poll(() => page.getByTestId('verify-result').textContent())
      .toContain(`日志完整：已重放并核对 ${last} 个事件的哈希链`);
    await shot(page, 'time-machine-verified');

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toBe(`${c.id}-历史.csv`);
    const csvText = readFileSync((await csv.path()) as string, 'utf8');
    const csvLines = csvText
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(csvLines[0]).toBe(
      '序号,全局序号,事件,事件名称,操作人角色,操作人,时间（北京时间）,流程版本,事件后状态,前一哈希,哈希,事件内容',
    );
    expect(csvLines).toHaveLength(last + 1);
    expect(csvLines[1]).toMatch(/^1,\d+,CREATE,创建榜单,发榜单位,/);
    expect(csvLines[submitted]).toContain('SUBMIT,提交审核');
    expect(csvLines[submitted]).toContain('审核推荐 · 待推荐');

    const [jsonl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 JSON Lines' }).click(),
    ]);
    const entries = readFileSync((await jsonl.path()) as string, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(entries).toEqual((await h.request('GET', `/api/v1/challenges/${c.id}/history`, p.auditor)).body.items);

    // The refused attempt, found by its code and not by another.
    await expect.poll(() => page.getByTestId('denials').getByText('FORBIDDEN').count()).toBe(1);
    await page.getByLabel('错误代码').fill('RULE_VIOLATION');
    await page.getByRole('button', { name: '筛选' }).click();
    await expect.poll(() => page.getByTestId('denials').getByText('没有被拒绝的操作').count()).toBe(1);
    await page.getByLabel('错误代码').fill('FORBIDDEN');
    await page.getByRole('button', { name: '筛选' }).click();
    await expect.poll(() => page.getByTestId('denials').getByText('形式审查通过 PASS_FORMAL_CHECK').count()).toBe(1);
    // Its reason in Chinese, as the refusal answered it.
    const [denied] = (await h.request('GET', `/api/v1/denials?challenge=${c.id}`, p.auditor)).body.items;
    expect(denied.messageZh).toMatch(/[\u4e00-\u9fff]/);
    await expect.poll(() => page.getByTestId('denials').getByText(denied.messageZh).count()).toBe(1);
    await shot(page, 'time-machine-denials');

    // The next day's first event (on another challenge) records and signs 7 May's checkpoint:
    // the last event is now covered by it, shown on the slider, in the table and at the point.
    await h.at('2026-05-08T09:00:00+08:00');
    await new ChallengeDriver(h, p).create();
    const cover7 = ((await h.request('GET', '/api/v1/public/checkpoints', p.auditor)).body.items as Checkpoint[]).find(
      (cp) => cp.day === '2026-05-07',
    ) as Checkpoint;
    expect(cover7.globalSeq).toBeGreaterThanOrEqual(history.at(-1)?.globalSeq as number);
    // A day later the auditor's session has lapsed: signed in again, the page is opened afresh.
    await signIn(page, 'auditor');
    await page.goto(`${base}/console/challenges/${c.id}/history`);
    await expect.poll(() => page.getByTestId('point-seq').textContent()).toBe(`第 ${last} 号事件之后`);
    await expect.poll(() => pointCheckpoint.getByText(cover7.signature).count()).toBe(1);
    expect(await pointCheckpoint.textContent()).toContain('覆盖此事件的签名检查点：2026-05-07');
    expect(await page.getByTestId('checkpoints').locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(new RegExp(`^2026-05-06${submitted}${cover6.globalSeq}SHA-256`)),
      expect.stringMatching(new RegExp(`^2026-05-07${last}${cover7.globalSeq}SHA-256`)),
    ]);
    expect(await page.locator('.el-slider__marks-text').allTextContents()).toEqual(['05-06', '05-07']);

    // The downloads are the service's own checkpoints and key, and the commands are docs/audit.md's.
    const [checkpointsFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载全部检查点' }).click(),
    ]);
    expect(JSON.parse(readFileSync((await checkpointsFile.path()) as string, 'utf8')).items).toContainEqual(cover7);
    const [keyFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载验签公钥' }).click(),
    ]);
    const key = JSON.parse(readFileSync((await keyFile.path()) as string, 'utf8'));
    expect(key).toMatchObject({ algorithm: 'SM2', distId: '1234567812345678' });
    await page.getByText('用 OpenSSL 自行验签').click();
    const auditDoc = readFileSync(join(process.cwd(), 'docs', 'audit.md'), 'utf8');
    const documented = /```sh\n([\s\S]*?)```/.exec(auditDoc.slice(auditDoc.indexOf('## 3b.')))?.[1] as string;
    expect((await page.getByTestId('checker-commands').textContent())?.trimEnd()).toBe(
      documented.replaceAll('https://jiebang.example', new URL(base).origin).trimEnd(),
    );
    await shot(page, 'time-machine-checkpoints');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the living statechart', () => {
  it('highlights the state the API reports and moves when an event is sent through the API, without a reload, loading nothing from anywhere but the service', async () => {
    const c = await new ChallengeDriver(h, p).create();
    await c.submit();

    const page = await browser.context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    let loads = 0;
    page.on('load', () => loads++);
    await signIn(page, 'bureau');
    await page.goto(`${base}/console/challenges/${c.id}/statechart`);
    const loadsBefore = loads;
    const api = (await h.request('GET', `/api/v1/challenges/${c.id}`, p.bureau)).body;
    expect(statePathOf(api.state)).toBe('review.awaitingRecommendation');
    const active = page.locator('[data-active="true"]');
    await expect
      .poll(() => active.getAttribute('data-state-path'), { timeout: 20_000 })
      .toBe('review.awaitingRecommendation');
    await expect.poll(() => page.getByTestId('live-status').textContent()).toBe('实时更新：已连接');
    // The transition its history took is marked: SUBMIT from the draft into review.
    expect(
      await page.locator('[data-taken="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-edge'))),
    ).toEqual(['collection.draft SUBMIT #0 review']);
    await expect
      .poll(() => page.getByTestId('current-state').textContent())
      .toBe('当前状态：待推荐（awaitingRecommendation）');
    await shot(page, 'statechart-review');

    // The district recommends through the API; the page follows by itself.
    await c.recommend();
    const after = (await h.request('GET', `/api/v1/challenges/${c.id}`, p.bureau)).body;
    expect(statePathOf(after.state)).toBe('review.formalCheck');
    await expect.poll(() => active.getAttribute('data-state-path')).toBe('review.formalCheck');
    await expect
      .poll(() => page.locator('[data-taken="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-edge'))))
      .toEqual(['collection.draft SUBMIT #0 review', 'review.awaitingRecommendation RECOMMEND #0 review.formalCheck']);
    expect(loads).toBe(loadsBefore);
    await shot(page, 'statechart-live-update');

    // Replay: step back to the first event and forward again.
    await page.getByRole('button', { name: '回放历史' }).click();
    await expect.poll(() => active.getAttribute('data-state-path')).toBe('collection.draft');
    const events = (await h.request('GET', `/api/v1/challenges/${c.id}/history`, p.bureau)).body.items.length;
    expect(await page.getByTestId('replay-step').textContent()).toBe(`第 1 / ${events} 号事件：创建榜单 CREATE`);
    await page.getByRole('slider', { name: '回放到第几号事件' }).focus();
    await page.keyboard.press('End');
    await page.getByRole('button', { name: '上一步' }).click();
    await expect.poll(() => active.getAttribute('data-state-path')).toBe('review.awaitingRecommendation');
    await shot(page, 'statechart-replay');
    await page.getByRole('button', { name: '回到实时' }).click();
    await expect.poll(() => active.getAttribute('data-state-path')).toBe('review.formalCheck');

    const origin = new URL(base).origin;
    const foreign = requests.filter(
      (url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'),
    );
    expect(foreign).toEqual([]);
    expect(requests.some((url) => url.includes(`/api/v1/challenges/${c.id}/stream`))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the machine alone, and the replay of a stored history entered by its number', async () => {
    const c = await new ChallengeDriver(h, p).create();
    await c.toPublication();
    const page = await browser.context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await signIn(page, 'auditor');
    await page.goto(`${base}/console/statechart`);
    await page.locator('[data-state-path="evaluation.rectifying"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-active="true"]').count()).toBe(0);
    await shot(page, 'statechart-machine');
    await page.getByLabel('榜单编号').fill(c.id);
    await page.getByRole('button', { name: '载入回放' }).click();
    await expect
      .poll(() => page.locator('[data-active="true"]').getAttribute('data-state-path'))
      .toBe('collection.draft');
    await page.getByRole('slider', { name: '回放到第几号事件' }).focus();
    await page.keyboard.press('End');
    await expect
      .poll(() => page.locator('[data-active="true"]').getAttribute('data-state-path'))
      .toBe('publication.demandReview');
    expect(await page.locator('[data-taken="true"]').count()).toBe(3);
    // `jiebang inspect --replay <id>` opens the challenge's page in replay mode.
    await page.goto(`${base}/console/challenges/${c.id}/statechart?replay=1`);
    await expect
      .poll(() => page.getByTestId('replay-step').textContent())
      .toMatch(/^第 1 \/ \d+ 号事件：创建榜单 CREATE$/);
    expect(await page.locator('[data-active="true"]').getAttribute('data-state-path')).toBe('collection.draft');
    const origin = new URL(base).origin;
    expect(requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([]);
    await page.close();
  });
});
