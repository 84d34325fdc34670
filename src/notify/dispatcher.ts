/**
 * Delivers the outbox after commit: webhooks (signed POSTs) and mail (SMTP). At least once: a
 * row is settled only after its receiver answered, so a crash between commit and delivery — or
 * during one — leaves it pending, and the next start delivers it. In commit order per challenge
 * and target: only the oldest pending row of each (target, challenge) is tried, so a later
 * event never overtakes an earlier one that is still being retried. A row that fails is retried
 * with backoff (backoff.ts) and after `maxAttempts` becomes a dead letter that staff can resend.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Transporter } from 'nodemailer';
import type { Db } from '../db/client.js';
import type { Clock } from '../engine/time/clock.js';
import { retryDelayMs } from './backoff.js';
import { signatureOf } from './signature.js';
import { onWake } from './wake.js';

export interface DispatcherOptions {
  /** The first retry's delay step; doubles per failure up to an hour. */
  retryBaseMs: number;
  /** Attempts before a row becomes a dead letter. */
  maxAttempts: number;
  /** No answer within this: the attempt failed (api.md: 10 s). */
  timeoutMs: number;
  /** SMTP, when configured; without it mail stays pending in the outbox. */
  mail?: { transport: Transporter; from: string };
  /**
   * Issue 16: a recipient's address is stored as a ref of sealed personal data; this opens it
   * just before sending (null: erased).
   */
  openAddress?: (to: string) => Promise<string | null>;
}

export interface OutboxRow {
  id: number;
  deliveryId: string;
  channel: 'webhook' | 'mail';
  target: string;
  challengeId: string;
  seq: number;
  eventType: string;
  body: string;
  attempts: number;
}

/** Looked at again this often on its own: retries fall due, and another process may have written rows. */
const POLL_MS = 500;
/** On stop, how long to wait for deliveries in flight to settle. */
const STOP_WAIT_MS = 2000;
/** At most this many deliveries in flight at once. */
const MAX_IN_FLIGHT = 16;
/** PostgreSQL: a claimed row's lease outlasts its delivery's timeout by this much. */
const LEASE_MARGIN_MS = 5_000;

export type Delivered = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

export class Dispatcher {
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly aborts = new AbortController();
  private poll: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running = false;
  private readonly s;
  private ticking = false;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly options: DispatcherOptions,
  ) {
    const channels = options.mail ? `('webhook', 'mail')` : `('webhook')`;
    const due = `SELECT o.id FROM outbox o
          WHERE o.status = 'pending' AND o.channel IN ${channels} AND o.next_attempt_ms <= ?
            AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.status = 'pending' AND e.target = o.target
                              AND e.challenge_id = o.challenge_id AND e.id < o.id)
          ORDER BY o.id LIMIT ?`;
    const columns = `id, delivery_id AS deliveryId, channel, target, challenge_id AS challengeId, seq,
                event_type AS eventType, body, attempts`;
    this.s = {
      // SQLite: one process's rows (the in-flight map keeps it from taking a row twice; two
      // processes on one file may both send one, which at-least-once allows). PostgreSQL: several
      // processes share the outbox, so a row is claimed — its next attempt moved past the
      // delivery's timeout, a lease — by one statement whose rows are locked FOR UPDATE SKIP
      // LOCKED: two processes never take the same row, and a process that dies mid-delivery
      // leaves the row to be taken again when the lease ends (docs/decisions.md, issue 15).
      due:
        db.$port.dialect === 'sqlite'
          ? (now: number, limit: number) =>
              db.$port.query<OutboxRow>(`SELECT ${columns} FROM outbox WHERE id IN (${due}) ORDER BY id`, [now, limit])
          : (now: number, limit: number) =>
              db.$port.query<OutboxRow>(
                `UPDATE outbox SET next_attempt_ms = ? WHERE id IN (${due} FOR UPDATE SKIP LOCKED) RETURNING ${columns}`,
                [now + options.timeoutMs + LEASE_MARGIN_MS, now, limit],
              ),
      webhook: async (id: string) =>
        (
          await db.$port.query<{ url: string; secret: string; deletedAt: string | null }>(
            'SELECT url, secret, deleted_at AS deletedAt FROM webhooks WHERE id = ?',
            [id],
          )
        )[0],
      attempt: (row: Record<string, unknown>) =>
        db.$port.run(
          `INSERT INTO delivery_attempts (outbox_id, attempt, at, status_code, error, duration_ms)
         VALUES (@outboxId, @attempt, @at, @statusCode, @error, @durationMs)`,
          row,
        ),
      settle: (row: Record<string, unknown>) =>
        db.$port.run(
          `UPDATE outbox SET status = @status, attempts = @attempts, next_attempt_ms = @nextAttemptMs,
                last_error = @error, settled_at = @settledAt WHERE id = @id AND status = 'pending'`,
          row,
        ),
      /** A row claimed but not delivered (stopped): due again at once. */
      release: (id: number) =>
        db.$port.run("UPDATE outbox SET next_attempt_ms = 0 WHERE id = ? AND status = 'pending'", [id]),
    };
  }

  start(): void {
    this.running = true;
    this.unsubscribe = onWake(() => this.tick());
    this.poll = setInterval(() => this.tick(), POLL_MS);
    this.poll.unref();
    this.tick();
  }

  /**
   * Stops taking rows and waits a moment for deliveries in flight: one delivered meanwhile is
   * recorded; the others stay pending, and are sent again on the next start.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    if (this.poll) clearInterval(this.poll);
    this.aborts.abort();
    // A mail in flight cannot be aborted: wait a moment, then let shutdown go on (it stays pending).
    await Promise.race([
      Promise.allSettled([...this.inFlight.values()]),
      new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref()),
    ]);
  }

  /** Starts delivering every row due now that is the head of its (target, challenge). */
  tick(): void {
    if (!this.running) return;
    // One read of the outbox at a time; a wake-up meanwhile reads again after it.
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    this.claim()
      .catch((err: unknown) => this.log.error({ err }, 'outbox not read; retrying on the next poll'))
      .finally(() => {
        this.ticking = false;
        if (this.again) {
          this.again = false;
          this.tick();
        }
      });
  }

  private async claim(): Promise<void> {
    const room = MAX_IN_FLIGHT - this.inFlight.size;
    if (room <= 0) return;
    const rows = await this.s.due(Date.now(), room + this.inFlight.size);
    for (const row of rows) {
      if (this.inFlight.has(row.id) || this.inFlight.size >= MAX_IN_FLIGHT || !this.running) {
        if (this.db.$port.dialect !== 'sqlite' && !this.inFlight.has(row.id)) await this.s.release(row.id);
        continue;
      }
      const job = this.deliverOne(row).finally(() => {
        this.inFlight.delete(row.id);
        // The next row of the same challenge may now go.
        this.tick();
      });
      this.inFlight.set(row.id, job);
    }
  }

  private async deliverOne(row: OutboxRow): Promise<void> {
    const started = Date.now();
    const about = { challengeId: row.challengeId, eventType: row.eventType, seq: row.seq, deliveryId: row.deliveryId };
    let outcome: Delivered;
    try {
      outcome = row.channel === 'webhook' ? await this.postWebhook(row) : await this.sendMail(row);
    } catch (err) {
      outcome = { ok: false, statusCode: null, error: err instanceof Error ? err.message : String(err) };
    }
    // Stopped mid-delivery and not delivered (aborted, failed): record nothing; the row stays
    // pending and goes again after restart. One that was delivered while the service stopped is
    // recorded (stop waits for it before the database closes), or the mail would go twice.
    const stopping = !this.running;
    if (stopping && !outcome.ok) {
      if (this.db.$port.dialect !== 'sqlite') await this.s.release(row.id).catch(() => {});
      return;
    }
    const attempts = row.attempts + 1;
    const dead = !outcome.ok && attempts >= this.options.maxAttempts;
    const at = this.clock.now().toISOString();
    try {
      await this.db.$port.withTransaction(async () => {
        await this.s.attempt({
          outboxId: row.id,
          attempt: attempts,
          at,
          statusCode: outcome.statusCode,
          error: outcome.ok ? null : outcome.error.slice(0, 500),
          durationMs: Date.now() - started,
        });
        await this.s.settle({
          id: row.id,
          status: outcome.ok ? 'delivered' : dead ? 'dead' : 'pending',
          attempts,
          nextAttemptMs: outcome.ok || dead ? 0 : Date.now() + retryDelayMs(attempts, this.options.retryBaseMs),
          error: outcome.ok ? null : outcome.error.slice(0, 500),
          settledAt: outcome.ok || dead ? at : null,
        });
      });
    } catch (err) {
      if (!stopping) throw err;
      // The database closed first (stop waited its longest): it goes again after restart.
      this.log.warn({ ...about, err }, 'delivered while stopping, not recorded; it will be sent again');
      return;
    }
    if (outcome.ok) this.log.info({ ...about, channel: row.channel, attempts }, 'notification delivered');
    else if (dead)
      this.log.warn({ ...about, channel: row.channel, attempts, error: outcome.error }, 'notification dead');
    else
      this.log.info(
        { ...about, channel: row.channel, attempts, error: outcome.error },
        'notification failed; will retry',
      );
  }

  private async postWebhook(row: OutboxRow): Promise<Delivered> {
    const hook = await this.s.webhook(row.target);
    if (!hook || hook.deletedAt !== null) return { ok: false, statusCode: null, error: 'subscription deleted' };
    const signal = AbortSignal.any([this.aborts.signal, AbortSignal.timeout(this.options.timeoutMs)]);
    const res = await fetch(hook.url, {
      method: 'POST',
      body: row.body,
      headers: {
        'content-type': 'application/json',
        'x-jiebang-delivery': row.deliveryId,
        'x-jiebang-event': row.eventType,
        'x-jiebang-signature': signatureOf(hook.secret, row.body),
      },
      signal,
      redirect: 'manual',
    });
    // The answer's body is not read beyond what it takes to free the connection.
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status };
    return { ok: false, statusCode: res.status, error: `HTTP ${res.status}` };
  }

  private async sendMail(row: OutboxRow): Promise<Delivered> {
    const mail = this.options.mail;
    if (!mail) return { ok: false, statusCode: null, error: 'no SMTP configured' };
    const { to: stored, subject, text } = JSON.parse(row.body) as { to: string; subject: string; text: string };
    const to = this.options.openAddress ? await this.options.openAddress(stored) : stored;
    if (to === null) return { ok: false, statusCode: null, error: 'recipient erased' };
    await mail.transport.sendMail({
      from: mail.from,
      to,
      subject,
      text,
      headers: { 'x-jiebang-delivery': row.deliveryId },
    });
    return { ok: true, statusCode: 250 };
  }
}
