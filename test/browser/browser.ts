/**
 * What the browser tests need, set up by the tests themselves so that `npm test` runs them on a
 * fresh machine: Debian's Chromium (installed with apt-get when missing; CI runs as root), the
 * web app built (when web/dist is missing or older than web/), and a headless browser with a
 * fresh profile, driven by playwright-core.
 */
import { execSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { beforeEach } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = new URL('../../', import.meta.url).pathname;
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  execSync('apt-get update && apt-get install -y --no-install-recommends chromium', {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get did not install ${CHROMIUM}`);
}

/**
 * Screenshots are for people to look at: without a Chinese font Chromium draws every character
 * as a box. When fontconfig knows none, the Noto Sans SC that the PDF notice already ships (npm
 * `@embedpdf/fonts-sc`) is made known to it, for this user only.
 */
export function ensureChineseFont(): void {
  if (execSync('fc-list :lang=zh family', { encoding: 'utf8' }).trim() !== '') return;
  const fonts = join(ROOT, 'node_modules', '@embedpdf', 'fonts-sc', 'fonts');
  const target = join(homedir(), '.local', 'share', 'fonts', 'jiebang');
  mkdirSync(target, { recursive: true });
  for (const face of ['NotoSansHans-Regular.otf', 'NotoSansHans-Bold.otf'])
    copyFileSync(join(fonts, face), join(target, face));
  execSync(`fc-cache -f ${JSON.stringify(target)}`);
}

const newest = (dir: string): number =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );

export function ensureWebBuilt(): void {
  const index = join(ROOT, 'web', 'dist', 'index.html');
  // The lock file too: a package added to web/ after the last build changes what Vite bundles.
  const sources = Math.max(
    newest(join(ROOT, 'web', 'src')),
    statSync(join(ROOT, 'web', 'index.html')).mtimeMs,
    statSync(join(ROOT, 'package-lock.json')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execSync('npm run web:build', { cwd: ROOT, stdio: 'inherit' });
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'jiebang-chromium-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A failed test leaves a screenshot of every page it still had open
 * (test-results/screenshots/failed-<file>-<test>-<n>.png): what the person at the browser saw
 * when the test gave up, which a timeout's message alone does not say.
 */
export function screenshotsOnFailure(file: string, browser: () => Browser | undefined): void {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      const slug = task.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60);
      // The persistent context's first tab stays blank: only the pages the test opened.
      const pages = (browser()?.context.pages() ?? []).filter((page) => page.url() !== 'about:blank');
      for (const [i, page] of pages.entries()) {
        const path = join(SCREENSHOTS, `failed-${file}-${slug}-${i}.png`);
        // A page that is closing cannot be drawn: the other pages still are.
        await page.screenshot({ path, fullPage: true }).then(
          () => console.error(`screenshot of ${page.url()} at the failure: ${path}`),
          () => {},
        );
      }
    });
  });
}
