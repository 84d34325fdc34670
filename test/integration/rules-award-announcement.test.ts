/**
 * The clauses of stage 6 (announcement), each proved both ways through the API: the notice
 * period in working days on the programme's calendar, named and timely objections,
 * and the objection flow, including resolving only open objections (P-1).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wlmq2026 } from '../../machines/programme.js';
import { type Parties, registerParties } from '../helpers/fixtures.js';
import { type Harness, type Json, type Reply, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

const MS = 1;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
/** The last millisecond of a Beijing calendar date, as the API writes instants (UTC). */
const endOfBeijing = (date: string) => new Date(`${date}T23:59:59.999+08:00`).toISOString();

/** The clauses of a rule refusal (422 RULE_VIOLATION), in order. */
function clausesOf(r: Reply): string[] {
  expect(r.status).toBe(422);
  expect(r.body.error.code).toBe('RULE_VIOLATION');
  return r.body.error.violations.map((v: Json) => v.clause);
}

function expectNotAllowed(r: Reply) {
  expect(r.status).toBe(422);
  expect(r.body.error.code).toBe('EVENT_NOT_ALLOWED');
}

/**
 * A challenge walked to expert review at the harness's start (bidding closed by CLOSE_MATCHING,
 * so no bidding timer is left), scored, then SELECTed at `selectAt` (default: now).
 */
async function announced(selectAt?: string): Promise<{ s: ChallengeDriver; view: Json }> {
  const s = await new ChallengeDriver(h, p).create();
  await s.toExpertReview();
  await s.assignPanel();
  await s.scoreAll(['bid-1']);
  if (selectAt) await s.clockTo(selectAt);
  await s.select(['bid-1']);
  return { s, view: await s.view() };
}

const noticeDue = (view: Json): string => view.deadlines.find((d: Json) => d.type === 'NOTICE_PERIOD_ENDED')?.dueAt;

const object = (
  s: ChallengeDriver,
  objector: { name: string } | { unit: string } | undefined,
  text = '对评审结果有异议',
) => s.send(p.bureau, { type: 'OBJECT', ...(objector ? { objector } : {}), text });

const resolve = (s: ChallengeDriver, objectionId: string, upheld: boolean) =>
  s.send(p.bureau, { type: 'RESOLVE_OBJECTION', objectionId, upheld, opinion: upheld ? '异议成立' : '异议不成立' });

async function history(s: ChallengeDriver): Promise<Json[]> {
  const r = await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.bureau);
  expect(r.status).toBe(200);
  return r.body.items;
}

/** The notice runs until `lastDay` ends (Beijing): still announcing then, disbursing 1 ms later. */
async function expectNoticeUntil(s: ChallengeDriver, view: Json, lastDay: string) {
  const ends = endOfBeijing(lastDay);
  expect(view.details.noticeEndsAt).toBe(ends);
  expect(noticeDue(view)).toBe(plus(ends, MS));
  await h.at(ends);
  expect((await s.view()).state).toEqual({ announcement: 'notice' });
  await h.at(plus(ends, MS));
  expect((await s.view()).state).toEqual({ disbursement: 'funding' });
  const last = (await history(s)).at(-1);
  expect(last.type).toBe('NOTICE_PERIOD_ENDED');
  expect(last.actor.role).toBe('system');
  expect(last.at).toBe(plus(ends, MS));
}

describe('X-1: the notice runs 5 working days on the programme calendar, not counting the day of SELECT', () => {
  it('skips the weekend after a Friday SELECT (00:30 Beijing, still Thursday in UTC)', async () => {
    expect(wlmq2026.review.noticeWorkingDays).toBe(5);
    // 2026-05-15 is a Friday; days 1–5 are Mon 18 … Fri 22. A UTC reading would start on Thursday.
    const { s, view } = await announced('2026-05-15T00:30:00+08:00');
    expect(view.details.selectedAt).toBe('2026-05-14T16:30:00.000Z');
    await expectNoticeUntil(s, view, '2026-05-22');
  });

  it('skips a public holiday of the calendar (Dragon Boat Festival, Fri 2026-06-19)', async () => {
    expect(wlmq2026.calendar.holidays).toContain('2026-06-19');
    // Tue 16 → Wed 17, Thu 18, (Fri 19 holiday, weekend), Mon 22, Tue 23, Wed 24; without the holiday: Tue 23.
    const { s, view } = await announced('2026-06-16T10:00:00+08:00');
    await expectNoticeUntil(s, view, '2026-06-24');
  });

  it('counts a make-up working day on a weekend (Sat 2026-05-09)', async () => {
    expect(wlmq2026.calendar.workdays).toContain('2026-05-09');
    // Fri 8 → Sat 9 (调休), Mon 11, Tue 12, Wed 13, Thu 14; without the make-up day: Fri 15.
    const { s, view } = await announced('2026-05-08T10:00:00+08:00');
    await expectNoticeUntil(s, view, '2026-05-14');
  });
});

describe('X-2: an objection is named and made during the notice', () => {
  it('refuses an anonymous objection; accepts one with a name or a unit', async () => {
    const { s, view } = await announced();
    for (const objector of [undefined, { name: '' }, { name: '   ' }, { unit: '' }])
      expect(clausesOf(await object(s, objector))).toEqual(['X-2']);
    const unchanged = await s.view();
    expect(unchanged.version).toBe(view.version);
    expect(unchanged.details.objections).toEqual([]);

    await s.ok(p.bureau, { type: 'OBJECT', objector: { name: '张三' }, text: '评分不公' });
    const v = await s.ok(p.bureau, { type: 'OBJECT', objector: { unit: '某研究院' }, text: '方案雷同' });
    expect(v.state).toEqual({ announcement: 'notice' });
    expect(v.details.objections).toMatchObject([
      { objectionId: 'obj-1', objector: { name: '张三' }, status: 'open' },
      { objectionId: 'obj-2', objector: { unit: '某研究院' }, status: 'open' },
    ]);
  });

  it('accepts an objection at the last instant of the notice; refuses one 1 ms later', async () => {
    const { s, view } = await announced();
    const ends: string = view.details.noticeEndsAt;
    await h.at(ends);
    await s.ok(p.bureau, { type: 'OBJECT', objector: { name: '张三' }, text: '最后一刻的异议' });
    const before = await s.view();
    // The scheduler fires NOTICE_PERIOD_ENDED on a setTimeout: a request can reach the engine
    // in the millisecond after the notice and before the timer. Move the app's clock without
    // firing timers to put one there: the guard must refuse it as late.
    h.app.jiebang.clock.advanceTo(new Date(plus(ends, MS)));
    const late = await object(s, { name: '李四' });
    expect(clausesOf(late)).toEqual(['X-2']);
    expect(late.body.error.message).toMatch(/late/);
    expect((await s.view()).version).toBe(before.version);

    // The timer fires: the notice is over with an objection open, so OBJECT is no longer taken at all.
    await h.at(h.now());
    expect((await s.view()).state).toEqual({ announcement: 'objectionsPending' });
    expectNotAllowed(await object(s, { name: '李四' }));
  });

  it('after a notice that ended without objections the challenge is in disbursement; OBJECT is not possible', async () => {
    const { s } = await announced();
    await s.runOutTheNotice();
    expect((await s.view()).stage).toBe('disbursement');
    expectNotAllowed(await object(s, { name: '张三' }));
  });
});

describe('the objection flow', () => {
  it('an upheld objection returns to expert review scoring, clears the tracks and stops the notice', async () => {
    const { s, view } = await announced();
    expect(view.tracks.map((t: Json) => t.trackId)).toEqual(['bid-1']);
    await s.ok(p.bureau, { type: 'OBJECT', objector: { name: '张三' }, text: '评分不公' });
    const r = await resolve(s, 'obj-1', true);
    expect(r.status).toBe(200);
    expect(r.body.state).toEqual({ expertReview: 'scoring' });
    expect(r.body.tracks).toEqual([]);
    expect(r.body.deadlines).toEqual([]);
    const after = await s.view();
    expect(after.details.noticeEndsAt).toBeNull();
    expect(after.details.selectedAt).toBeNull();

    // The old notice's timer is gone: passing its due time changes nothing.
    await h.at(plus(noticeDue(view), 86_400_000));
    expect((await s.view()).state).toEqual({ expertReview: 'scoring' });
    // The bureau selects again, and a new notice runs from the new SELECT.
    const again = await s.ok(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });
    expect(again.state).toEqual({ announcement: 'notice' });
    expect(Date.parse(again.details.noticeEndsAt)).toBeGreaterThan(Date.parse(view.details.noticeEndsAt));
  });

  it('a dismissed objection leaves the notice running to its end', async () => {
    const { s, view } = await announced();
    await s.ok(p.bureau, { type: 'OBJECT', objector: { unit: '某研究院' }, text: '方案雷同' });
    const r = await resolve(s, 'obj-1', false);
    expect(r.status).toBe(200);
    expect(r.body.state).toEqual({ announcement: 'notice' });
    expect((await s.view()).details.objections).toMatchObject([
      { objectionId: 'obj-1', status: 'dismissed', opinion: '异议不成立' },
    ]);
    expect(noticeDue(r.body)).toBe(noticeDue(view));
    await h.at(view.details.noticeEndsAt);
    expect((await s.view()).state).toEqual({ announcement: 'notice' });
    await h.at(noticeDue(view));
    expect((await s.view()).state).toEqual({ disbursement: 'funding' });
  });

  it('a notice that ends with open objections waits in objectionsPending; dismissing the last one moves to disbursement', async () => {
    const { s, view } = await announced();
    await s.ok(p.bureau, { type: 'OBJECT', objector: { name: '张三' }, text: '评分不公' });
    await s.ok(p.bureau, { type: 'OBJECT', objector: { name: '李四' }, text: '方案雷同' });
    await h.at(noticeDue(view));
    const pending = await s.view();
    expect(pending.state).toEqual({ announcement: 'objectionsPending' });
    expect(pending.details.noticeEnded).toBe(true);
    expect(pending.deadlines).toEqual([]);
    expect(pending.allowedEvents).toEqual(['RESOLVE_OBJECTION']);

    const first = await resolve(s, 'obj-1', false);
    expect(first.body.state).toEqual({ announcement: 'objectionsPending' });
    const last = await resolve(s, 'obj-2', false);
    expect(last.status).toBe(200);
    expect(last.body.state).toEqual({ disbursement: 'funding' });
  });

  it('an objection upheld after the notice ended also returns to expert review', async () => {
    const { s, view } = await announced();
    await s.ok(p.bureau, { type: 'OBJECT', objector: { name: '张三' }, text: '评分不公' });
    await h.at(noticeDue(view));
    expect((await s.view()).state).toEqual({ announcement: 'objectionsPending' });
    const r = await resolve(s, 'obj-1', true);
    expect(r.body.state).toEqual({ expertReview: 'scoring' });
    expect(r.body.tracks).toEqual([]);
  });

  it('P-1: refuses to resolve an unknown or already resolved objection', async () => {
    const { s } = await announced();
    await s.ok(p.bureau, { type: 'OBJECT', objector: { name: '张三' }, text: '评分不公' });
    await s.ok(p.bureau, { type: 'OBJECT', objector: { name: '李四' }, text: '方案雷同' });
    const before = await s.view();
    expect(clausesOf(await resolve(s, 'obj-9', false))).toEqual(['P-1']);
    expect((await s.view()).version).toBe(before.version);

    const dismissed = await resolve(s, 'obj-1', false);
    expect(dismissed.status).toBe(200);
    for (const upheld of [false, true]) expect(clausesOf(await resolve(s, 'obj-1', upheld))).toEqual(['P-1']);
    const after = await s.view();
    expect(after.version).toBe(dismissed.body.version);
    expect(after.state).toEqual({ announcement: 'notice' });

    // The same holds once the notice has ended with obj-2 still open.
    await h.at(plus(after.details.noticeEndsAt, MS));
    expect((await s.view()).state).toEqual({ announcement: 'objectionsPending' });
    expect(clausesOf(await resolve(s, 'obj-1', false))).toEqual(['P-1']);
    expect((await resolve(s, 'obj-2', false)).body.state).toEqual({ disbursement: 'funding' });
  });
});
