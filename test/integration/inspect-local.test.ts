/**
 * Issue 13: `jiebang inspect`'s default UI is the service's own statechart page. inspectLocal
 * checks the service answers and gives the page's address: the machine alone, one challenge
 * live, or its replay; a service that does not answer is a clear error, not a blank page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectLocal } from '../../src/cli/inspect.js';
import { freePort } from '../e2e/server-process.js';
import { type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
let base: string;

beforeAll(async () => {
  h = await startHarness();
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await h?.close();
});

describe('jiebang inspect (local page, the default)', () => {
  it("names the service's statechart page: the machine alone, a challenge live, a challenge replayed", async () => {
    expect(await inspectLocal({ service: base, replay: false, open: false })).toBe(`${base}/console/statechart`);
    expect(await inspectLocal({ service: `${base}/`, challengeId: 'wlmq-2026-0001', replay: false, open: false })).toBe(
      `${base}/console/challenges/wlmq-2026-0001/statechart`,
    );
    const replay = await inspectLocal({ service: base, challengeId: 'wlmq-2026-0001', replay: true, open: false });
    expect(replay).toBe(`${base}/console/challenges/wlmq-2026-0001/statechart?replay=1`);
    // The service itself serves that page (the web app's shell), nothing else is involved.
    const page = await fetch(replay);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('says what to do when no service answers at the address', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    await expect(inspectLocal({ service: nobody, replay: false, open: false })).rejects.toThrow(
      `the service does not answer at ${nobody}: start it (npm start) or name it with --url`,
    );
  });
});
