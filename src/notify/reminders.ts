/**
 * Reminders before deadlines (issue 14). Every deadline the machine runs is a pending timer row;
 * for each, a reminder is planned at 09:00 Beijing time on the working day that lies
 * `workingDaysBefore` working days before the deadline's date (programme setting, default
 * [3, 1]). When one falls due, its mail is written to the outbox and the reminder marked sent in
 * one transaction: sent once, across restarts. A reminder whose deadline went (the state moved
 * on) is cancelled; one planned after its time had passed is skipped, not sent late.
 */
import { addDays, beijingDate, isWorkingDay, type WorkingCalendar } from '../../machines/calendar.js';
import { stageMeta, stageOf } from '../../machines/challenge/stage.js';
import type { ChallengeContext } from '../../machines/challenge/types.js';
import type { ProgrammeSettings } from '../../machines/programme.js';
import type { Db } from '../db/client.js';
import type { Clock } from '../engine/time/clock.js';
import { queueMail } from './enqueue.js';
import { render } from './mail/templates.js';

export const DEFAULT_REMINDER_DAYS = [3, 1] as const;
/** The hour of the day, Beijing time, at which reminders go out. */
const REMIND_AT = 'T09:00:00+08:00';
/** Deadlines planned per sweep, so a first start on a large database never holds the loop long. */
const PLAN_BATCH = 1000;

/** 09:00 Beijing time on the n-th working day before the Beijing date of `dueAt`. */
export function reminderInstant(dueAt: string, n: number, calendar: WorkingCalendar): string {
  let date = beijingDate(dueAt);
  let counted = 0;
  while (counted < n) {
    date = addDays(date, -1);
    if (isWorkingDay(date, calendar)) counted += 1;
  }
  return new Date(`${date}${REMIND_AT}`).toISOString();
}

interface TimerRow {
  id: number;
  challengeId: string;
  type: string;
  dueAt: string;
  programmeSettings: string;
}

interface DueReminder {
  id: number;
  challengeId: string;
  deadlineType: string;
  dueAt: string;
  workingDaysBefore: number;
  timerStatus: string;
  snapshot: string;
  version: number;
}

export class Reminders {
  /** Timers up to this id have been planned by this process (the first sweep looks at all). */
  private plannedUpTo = 0;
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    // PostgreSQL: the due reminders are claimed FOR UPDATE SKIP LOCKED, so processes that sweep
    // together never send one twice (each sweep is one write transaction on both stores).
    const claim = db.$port.dialect === 'sqlite' ? '' : 'FOR UPDATE OF r SKIP LOCKED';
    this.s = {
      newTimers: (after: number) =>
        db.$port.query<TimerRow>(
          `SELECT t.id, t.challenge_id AS challengeId, t.type, t.due_at AS dueAt, p.settings AS programmeSettings
           FROM timers t JOIN challenges c ON c.id = t.challenge_id JOIN programmes p ON p.id = c.programme_id
          WHERE t.id > ? AND t.status = 'pending' ORDER BY t.id LIMIT ${PLAN_BATCH}`,
          [after],
        ),
      maxTimer: async () => (await db.$port.query<{ id: number | null }>('SELECT max(id) AS id FROM timers'))[0],
      plan: (row: Record<string, unknown>) =>
        db.$port.run(
          `INSERT INTO reminders
           (timer_id, challenge_id, deadline_type, due_at, working_days_before, remind_at, remind_ms, status, settled_at)
         VALUES (@timerId, @challengeId, @type, @dueAt, @days, @remindAt, @remindMs, @status, @settledAt)
         ON CONFLICT DO NOTHING`,
          row,
        ),
      due: (now: number) =>
        db.$port.query<DueReminder>(
          `SELECT r.id, r.challenge_id AS challengeId, r.deadline_type AS deadlineType, r.due_at AS dueAt,
                r.working_days_before AS workingDaysBefore, t.status AS timerStatus, c.snapshot, c.version
           FROM reminders r JOIN timers t ON t.id = r.timer_id JOIN challenges c ON c.id = r.challenge_id
          WHERE r.status = 'pending' AND r.remind_ms <= ? ORDER BY r.remind_ms, r.id LIMIT 500 ${claim}`,
          [now],
        ),
      settle: (status: string, at: string, id: number) =>
        db.$port.run(`UPDATE reminders SET status = ?, settled_at = ? WHERE id = ? AND status = 'pending'`, [
          status,
          at,
          id,
        ]),
    };
  }

  /**
   * Plans reminders for a batch of new deadlines, then sends those due, in one transaction.
   * `more`: there are more deadlines to plan (a first start on a large database): sweep again.
   */
  sweep(): Promise<{ sent: number; more: boolean }> {
    const now = this.clock.now();
    return this.db.$port.withTransaction(async () => {
      const more = await this.plan(now);
      return { sent: await this.sendDue(now), more };
    });
  }

  private async plan(now: Date): Promise<boolean> {
    const rows = await this.s.newTimers(this.plannedUpTo);
    for (const t of rows) {
      const settings = JSON.parse(t.programmeSettings) as ProgrammeSettings;
      const days = settings.reminders?.workingDaysBefore ?? DEFAULT_REMINDER_DAYS;
      for (const n of new Set(days)) {
        const remindAt = reminderInstant(t.dueAt, n, settings.calendar);
        const remindMs = Date.parse(remindAt);
        const late = remindMs <= now.getTime();
        await this.s.plan({
          timerId: t.id,
          challengeId: t.challengeId,
          type: t.type,
          dueAt: t.dueAt,
          days: n,
          remindAt,
          remindMs,
          status: late ? 'skipped' : 'pending',
          settledAt: late ? now.toISOString() : null,
        });
      }
    }
    if (rows.length === PLAN_BATCH) {
      this.plannedUpTo = rows.at(-1)?.id ?? this.plannedUpTo;
      return true;
    }
    // Every pending timer is planned; timers settled before a sweep saw them need no reminder.
    this.plannedUpTo = Math.max(this.plannedUpTo, (await this.s.maxTimer())?.id ?? 0);
    return false;
  }

  private async sendDue(now: Date): Promise<number> {
    let sent = 0;
    const at = now.toISOString();
    for (const r of await this.s.due(now.getTime())) {
      if (r.timerStatus !== 'pending') {
        await this.s.settle('cancelled', at, r.id);
        continue;
      }
      const { value, context } = JSON.parse(r.snapshot) as {
        value: Parameters<typeof stageOf>[0];
        context: ChallengeContext;
      };
      const stage = stageMeta(stageOf(value));
      const dueDate = beijingDate(r.dueAt);
      const mail = render('reminder', {
        challengeId: context.id,
        title: context.draft.title,
        deadline: `「${stage.zh}」阶段的期限`,
        deadlineEn: `the ${r.deadlineType} deadline`,
        dueDate,
        days: String(r.workingDaysBefore),
      });
      // Everyone with a part in the challenge now: its issuer and district, its track holders, the bureau.
      const units = [context.draft.issuerUnit, context.draft.districtUnit, ...context.tracks.map((t) => t.solverUnit)];
      await queueMail(this.db, {
        challengeId: context.id,
        seq: r.version,
        eventType: r.deadlineType,
        at,
        kind: 'reminder',
        ...mail,
        to: (rcpt) =>
          rcpt.role === 'bureau' || (rcpt.unit !== null && units.includes(rcpt.unit) && rcpt.role !== 'finance'),
      });
      await this.s.settle('sent', at, r.id);
      sent++;
    }
    return sent;
  }
}
