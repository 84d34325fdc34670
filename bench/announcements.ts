/**
 * Challenges with a large context, for the bench's "flat in the context" figure: `count`
 * challenges walked through the API to the announcement (开榜公告) by the lifecycle driver the
 * end-to-end tests use (test/helpers/lifecycle.ts, over HTTP), on a service started with the
 * test clock (the walk runs out the bidding window). Objections are the part of the context an
 * announcement grows without bound, so the bench then lodges them as the bureau would (OBJECT).
 */
import { wlmq2026 } from '../machines/programme.js';
import { registerParties, techDraft } from '../test/helpers/fixtures.js';
import { HttpTransport } from '../test/helpers/http-transport.js';
import { ChallengeDriver } from '../test/helpers/lifecycle.js';
import { serviceNow, succeeded } from '../test/helpers/transport.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Walks `count` challenges to the announcement; answers their ids and the bureau's token. */
export async function announcements(
  baseUrl: string,
  adminToken: string,
  count: number,
): Promise<{ ids: string[]; bureau: string }> {
  const http = new HttpTransport({ baseUrl }, adminToken);
  const now = Date.parse(await serviceNow(http));
  const closesAt = now + 10 * DAY_MS;
  const year = new Date(now).getUTCFullYear();
  // As test/e2e/world.ts: windows open now, and the next years' calendar declared (X-1).
  await succeeded(
    http.request('PUT', '/api/v1/programmes/bench-notice', adminToken, {
      ...wlmq2026,
      name: `${wlmq2026.name}（基准测试）`,
      submission: { opensAt: new Date(now - HOUR_MS).toISOString(), closesAt: new Date(closesAt).toISOString() },
      recommendationClosesAt: new Date(closesAt + 2 * DAY_MS).toISOString(),
      calendar: { ...wlmq2026.calendar, years: [year + 1, year + 2] },
    }),
    'PUT programme',
  );
  const parties = await registerParties(http);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const c = await new ChallengeDriver(http, parties).create(techDraft({ programmeId: 'bench-notice' }));
    await c.toAnnouncement();
    ids.push(c.id);
  }
  return { ids, bureau: parties.bureau };
}

export const objection = (n: number) =>
  JSON.stringify({ type: 'OBJECT', objector: { name: `异议人 ${n}` }, text: `对公示结果的异议 ${n}` });
