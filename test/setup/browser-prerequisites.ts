/**
 * The browser tests' prerequisites, prepared once before any test file runs (vitest globalSetup of
 * the SQLite project): the browser test files run in parallel, and two of them installing Chromium
 * with apt-get, or building web/dist while another serves it, at the same moment would fail.
 */
import { ensureChineseFont, ensureChromium, ensureWebBuilt } from '../browser/browser.js';

export default function setup(): void {
  ensureChromium();
  ensureChineseFont();
  ensureWebBuilt();
}
