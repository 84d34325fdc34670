import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beijingDate } from '../../machines/calendar.js';
import { type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { opensslVerifies } from '../helpers/openssl.js';
import { type Browser, launchBrowser, SCREENSHOTS, screenshotsOnFailure } from './browser.js';

let h: Harness;
let p: Parties;
let browser: Browser;
screenshotsOnFailure('notice-checkpoint', () => browser);
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
  it('a notice shows the signed checkpoint that covers it, and OpenSSL accepts its signature', async () => {
    const s = await new ChallengeDriver(h, p).create(techDraft({ title: '戈壁光伏清洁机器人' }));
    await s.toAnnouncement();
    const page = await browser.context.newPage();
    await page.goto(`${base}/challenges/${s.id}/notice`);
    await page.getByRole('heading', { name: '防篡改存证' }).waitFor();
    await page.getByText('本公告所在日的检查点将在次日首个事件记录时生成并签名。').waitFor();

    // The next day's first event records (and signs) the checkpoint of the notice's day.
    const noticeDay = beijingDate(h.now());
    const nextDay = new Date(Date.parse(`${noticeDay}T09:00:00+08:00`) + 86_400_000).toISOString();
    await h.at(nextDay);
    await new ChallengeDriver(h, p).create();
    await page.reload();
    const shown = page.getByTestId('notice-checkpoint');
    await shown.waitFor();
    await expect.poll(() => shown.getByText(noticeDay).count()).toBe(1);
    await shot(page, '10-notice-checkpoint');

    const notice = (await page.request.get(`${base}/api/v1/public/challenges/${s.id}/notice`).then((r) => r.json()))
      .checkpoint;
    expect(notice).toMatchObject({ day: noticeDay, hashAlgorithm: 'sha256' });
    await expect.poll(() => shown.getByText(notice.signature).count()).toBe(1);
    await expect.poll(() => shown.getByText(notice.globalHash).count()).toBe(1);

    // Follow the page's own link to the key, and check the signature with OpenSSL's command line.
    await page.getByRole('link', { name: '验签公钥' }).click();
    const key = JSON.parse((await page.locator('body').textContent()) ?? '');
    const text = `${notice.day}|${notice.globalSeq}|${notice.globalHash}|${notice.hashAlgorithm}`;
    expect(opensslVerifies(key.publicKeyPem, text, notice.signature, key.distId)).toBe(true);
    await page.close();
  });
});
