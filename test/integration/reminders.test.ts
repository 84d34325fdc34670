/**
 * Reminders before deadlines (issue 14), on a real SMTP server: mailed at 09:00 Beijing time on
 * the working days before a deadline that the programme sets (default [3, 1]), each exactly
 * once — also when the service restarts in between — and never once the deadline has gone.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { wlmq2026 } from '../../machines/programme.js';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/client.js';
import { manualClock } from '../../src/engine/time/clock.js';
import { reminderInstant } from '../../src/notify/reminders.js';
import { type Parties, registerParties, UNITS } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp.js';

describe('reminderInstant', () => {
  const calendar = wlmq2026.calendar;
  it('counts working days back from the deadline date, at 09:00 Beijing time', () => {
    // Wednesday 10 June 2026: one working day before is Tuesday, three are Friday 5 June.
    expect(reminderInstant('2026-06-10T11:30:00.001Z', 1, calendar)).toBe('2026-06-09T01:00:00.000Z');
    expect(reminderInstant('2026-06-10T11:30:00.001Z', 3, calendar)).toBe('2026-06-05T01:00:00.000Z');
    // Monday 8 June: one working day before is Friday 5 June (the weekend does not count).
    expect(reminderInstant('2026-06-08T02:00:00.000Z', 1, calendar)).toBe('2026-06-05T01:00:00.000Z');
  });

  it('skips holidays and counts make-up working days', () => {
    // 1–5 May 2026 are holidays; Saturday 9 May is a make-up working day.
    expect(reminderInstant('2026-05-06T02:00:00.000Z', 1, calendar)).toBe('2026-04-30T01:00:00.000Z');
    expect(reminderInstant('2026-05-11T02:00:00.000Z', 1, calendar)).toBe('2026-05-09T01:00:00.000Z');
  });
});

let smtp: SmtpSink;
let h: Harness;
let p: Parties;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => smtp.close());

const reminderMails = () => smtp.messages.filter((m) => m.subject?.startsWith('【揭榜挂帅】提醒'));
const waitFor = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

describe('reminders', () => {
  it('fire once at each working day set, across a restart', async () => {
    h = await startHarness('2026-06-01T10:00:00+08:00', { smtpUrl: smtp.url, retryBaseMs: 40 });
    p = await registerParties(h);
    await h.request('PUT', '/api/v1/mail/recipients/issuer@example.cn', p.bureau, {
      name: '发榜单位',
      role: 'issuer',
      unit: UNITS.issuer,
    });
    await h.request('PUT', '/api/v1/mail/recipients/solver@example.cn', p.bureau, {
      name: '揭榜单位',
      role: 'solver',
      unit: UNITS.solverA,
    });
    const c = await new ChallengeDriver(h, p).create();
    const planned = () =>
      h.app.jiebang.db.$port.query(
        'SELECT working_days_before AS days, remind_at AS remindAt, status FROM reminders WHERE challenge_id = ? ORDER BY days',
        [c.id],
      );
    // The submission window closes Wednesday 10 June, 19:30: reminders on Friday 5 and Tuesday 9 June, 09:00.
    await waitFor(async () =>
      expect(await planned()).toEqual([
        { days: 1, remindAt: '2026-06-09T01:00:00.000Z', status: 'pending' },
        { days: 3, remindAt: '2026-06-05T01:00:00.000Z', status: 'pending' },
      ]),
    );

    await h.at('2026-06-05T08:59:00+08:00');
    await new Promise((r) => setTimeout(r, 1500));
    expect(reminderMails()).toEqual([]);
    await h.at('2026-06-05T09:00:00+08:00');
    await waitFor(() => expect(reminderMails()).toHaveLength(1));
    const first = reminderMails()[0];
    expect(first?.to && !Array.isArray(first.to) ? first.to.text : '').toContain('issuer@example.cn');
    expect(first?.subject).toContain('「榜单征集」阶段的期限将于 2026-06-10 到期');
    expect(first?.text).toContain('还有 3 个工作日');
    // Not the solver: it has no part in this challenge yet.
    expect(smtp.messages.some((m) => JSON.stringify(m.to).includes('solver@example.cn'))).toBe(false);

    // Restart on the same file, at the second reminder's time: it goes once, the first not again.
    const { dbFile } = h;
    await h.app.close();
    const app = await buildApp({
      config: {
        dbPath: dbFile,
        filesDir: join(h.dir, 'files'),
        adminToken: ADMIN_TOKEN,
        testClock: true,
        logLevel: 'silent',
        smtpUrl: smtp.url,
      },
      db: openDatabase(dbFile),
      clock: manualClock(new Date('2026-06-09T09:00:05+08:00')),
      scheduler: false,
      logger: false,
    });
    try {
      await app.ready();
      await waitFor(() => expect(reminderMails()).toHaveLength(2));
      expect(reminderMails()[1]?.text).toContain('还有 1 个工作日');
      await new Promise((r) => setTimeout(r, 1500));
      expect(reminderMails()).toHaveLength(2);
      expect(
        await app.jiebang.db.$port.query(
          'SELECT status FROM reminders WHERE challenge_id = ? ORDER BY working_days_before',
          [c.id],
        ),
      ).toEqual([{ status: 'sent' }, { status: 'sent' }]);
    } finally {
      await app.close();
      rmSync(dirname(dbFile), { recursive: true, force: true });
    }
  });

  it('cancels the reminders of a deadline that went, and follows the programme setting', async () => {
    const g = await startHarness('2026-06-01T10:00:00+08:00', { smtpUrl: smtp.url, retryBaseMs: 40 });
    try {
      const q = await registerParties(g);
      const put = await g.request('PUT', '/api/v1/programmes/wlmq-2026', ADMIN_TOKEN, {
        ...wlmq2026,
        reminders: { workingDaysBefore: [2] },
      });
      expect(put.status).toBe(200);
      await g.request('PUT', '/api/v1/mail/recipients/issuer2@example.cn', q.bureau, {
        name: '发榜单位',
        role: 'issuer',
        unit: UNITS.issuer,
      });
      const c = await new ChallengeDriver(g, q).create();
      const rows = () =>
        g.app.jiebang.db.$port.query(
          'SELECT deadline_type AS type, working_days_before AS days, status FROM reminders WHERE challenge_id = ? ORDER BY id',
          [c.id],
        );
      await waitFor(async () =>
        expect(await rows()).toEqual([{ type: 'SUBMISSION_WINDOW_CLOSED', days: 2, status: 'pending' }]),
      );
      // Submitted before the reminder: the window's deadline goes, and so does its reminder; the
      // district's recommendation deadline (12 June) gets its own, two working days before.
      await c.submit();
      await g.at('2026-06-08T09:00:00+08:00');
      await waitFor(async () =>
        expect(await rows()).toEqual([
          { type: 'SUBMISSION_WINDOW_CLOSED', days: 2, status: 'cancelled' },
          { type: 'RECOMMENDATION_DEADLINE_PASSED', days: 2, status: 'pending' },
        ]),
      );
      expect(
        smtp.messages.some((m) => JSON.stringify(m.to).includes('issuer2@example.cn') && m.subject?.includes('提醒')),
      ).toBe(false);
    } finally {
      await g.close();
    }
  });
});
