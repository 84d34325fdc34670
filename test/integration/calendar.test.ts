/**
 * X-1 on the national schedule: a challenge records, when created, the State Council's holidays
 * and make-up days (chinese-days) with its programme's own days over them, and a notice that
 * would run into a year the calendar does not know is refused, naming the year, instead of
 * counting the Spring Festival as working days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wlmq2026 } from '../../machines/programme.js';
import { nationalYears } from '../../src/registry/national-calendar.js';
import { type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { expectRefused } from '../helpers/replies.js';

let h: Harness;
let p: Parties;
beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterAll(async () => h.close());

/** A challenge of `programmeId` scored and ready for SELECT. */
async function scored(programmeId = 'wlmq-2026'): Promise<ChallengeDriver> {
  const s = await new ChallengeDriver(h, p).create(techDraft({ programmeId }));
  await s.toExpertReview();
  await s.assignPanel();
  await s.scoreAll(['bid-1']);
  return s;
}

describe('X-1: working days on the national schedule, refused beyond the years it knows', () => {
  it('records the national schedule with the challenge, refuses a notice running into an unknown year, and counts one the programme completed', async () => {
    // The package of this release stops at 2026, as the test's notice dates assume.
    expect(nationalYears).not.toContain(2027);
    // A programme that adds the 2027 New Year's Day and declares 2027 known (State Council, Nov 2026).
    const with2027 = {
      ...wlmq2026,
      name: '测试：补充2027年日历的申报批次',
      calendar: { ...wlmq2026.calendar, holidays: [...wlmq2026.calendar.holidays, '2027-01-01'], years: [2027] },
    };
    expect((await h.request('PUT', '/api/v1/programmes/test-2027', ADMIN_TOKEN, with2027)).status).toBe(200);

    const plain = await scored();
    const completed = await scored('test-2027');
    const created = (await h.request('GET', `/api/v1/challenges/${plain.id}/history`, p.auditor)).body.items[0];
    expect(created.type).toBe('CREATE');
    const calendar = created.payload.settings.calendar;
    expect(calendar.years).toContain(2026);
    expect(calendar.holidays).toEqual(expect.arrayContaining(['2026-10-01', '2026-10-07']));
    expect(calendar.workdays).toEqual(expect.arrayContaining(['2026-09-20', '2026-10-10']));

    // Fri 2026-12-25: Mon 28 … Thu 31 are four working days; the fifth would be in 2027.
    await h.at('2026-12-25T10:00:00+08:00');
    const before = (await plain.view()).version;
    const [v] = expectRefused(await plain.send(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] }), 'X-1');
    expect(v?.message).toContain('2027');
    expect(v?.message_zh).toContain('尚无该年的法定节假日及调休安排');
    expect((await plain.view()).version).toBe(before);

    // Known through the programme: 1 January 2027 is a holiday, so the notice ends on Mon 4 January (on weekdays alone: Fri 1 January).
    const selected = await completed.ok(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });
    expect(selected.details.noticeEndsAt).toBe('2027-01-04T15:59:59.999Z');
  });
});
