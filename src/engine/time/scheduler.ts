/**
 * Fires timers when they fall due. One setTimeout for the earliest pending timer, re-armed
 * after every commit that changes timers; on start, everything already due (the server was
 * down) fires at once, in due order, recorded as late. With the test clock, `advanceTo` steps
 * the clock to each due time in order, so deadlines fire as they would have in real time.
 */
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../../base/errors.js';
import type { EngineDeps } from '../engine.js';
import { fireTimer } from './fire-timer.js';

/** setTimeout's longest delay (~24.8 days); a later timer is re-armed when this one wakes. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/**
 * How often the scheduler looks at the timer table again on its own: another process sharing
 * the database may have added an earlier timer (each process fires through the same guarded
 * transaction, so a timer still fires once).
 */
const POLL_MS = 2000;
/** After an unexpected failure, wait this long before trying again (no busy loop). */
const RETRY_AFTER_MS = 5000;

export class Scheduler {
  private handle: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly deps: EngineDeps,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * Fires the timers that fell due while the service was down, then keeps watch. Awaited before
   * the service listens, so they have fired before it first answers — on PostgreSQL too, whose
   * statements answer later (on SQLite the firing finished within the call anyway).
   */
  async start(): Promise<void> {
    this.running = true;
    await this.fireDue().catch((err: unknown) =>
      this.log.error({ err }, 'timers not fired; retrying on the next poll'),
    );
    if (!this.running) return;
    this.poll = setInterval(() => void this.arm(), POLL_MS);
    this.poll.unref();
  }

  stop(): void {
    this.running = false;
    if (this.handle) clearTimeout(this.handle);
    if (this.poll) clearInterval(this.poll);
    this.handle = undefined;
    this.poll = undefined;
  }

  /** Fires every timer due by the clock's now, in due order; then sleeps until the next one. */
  async fireDue(): Promise<number> {
    const now = this.deps.clock.now();
    let fired = 0;
    let failed = false;
    for (const timer of await this.deps.store.dueTimers.all({ nowMs: now.getTime() })) {
      const result = await this.fireOne(timer, now);
      if (result === 'fired') fired += 1;
      if (result === 'failed') failed = true;
    }
    await this.arm(failed ? RETRY_AFTER_MS : 0);
    return fired;
  }

  /** Test clock only: moves time to `target`, firing each timer at its own due time on the way. */
  async advanceTo(target: Date): Promise<{ now: Date; fired: number }> {
    const { clock, store } = this.deps;
    let fired = 0;
    const tried = new Set<number>();
    for (;;) {
      // Re-read each time: a firing can add or cancel timers.
      const timer = (await store.dueTimers.all({ nowMs: target.getTime() })).find((t) => !tried.has(t.id));
      if (!timer) break;
      tried.add(timer.id);
      clock.advanceTo(new Date(Math.max(timer.dueMs, clock.now().getTime())));
      if ((await this.fireOne(timer, clock.now())) === 'fired') fired += 1;
    }
    const now = clock.advanceTo(target);
    await this.arm();
    return { now, fired };
  }

  /** Re-arms the single wake-up for the earliest pending timer. */
  async arm(minDelayMs = 0): Promise<void> {
    if (!this.running) return;
    let next: { dueMs: number } | undefined;
    try {
      next = await this.deps.store.nextTimer.get();
    } catch (err) {
      // The database is away for a moment (PostgreSQL restarting): the poll tries again.
      this.log.warn({ err }, 'timers not readable; trying again');
      return;
    }
    if (!this.running) return;
    if (this.handle) clearTimeout(this.handle);
    if (!next) return;
    const untilDue = next.dueMs - this.deps.clock.now().getTime();
    const delay = Math.min(Math.max(minDelayMs, untilDue), MAX_DELAY_MS);
    this.handle = setTimeout(() => this.wake(), delay);
    this.handle.unref();
  }

  /** Fires what is due; a failure to read the timers (the database away) waits for the next poll. */
  private wake(): void {
    this.fireDue().catch((err: unknown) => this.log.error({ err }, 'timers not fired; retrying on the next poll'));
  }

  private async fireOne(timer: Parameters<typeof fireTimer>[1], at: Date): Promise<'fired' | 'skipped' | 'failed'> {
    const about = { timer: timer.id, challengeId: timer.challengeId, eventType: timer.type };
    try {
      const outcome = await fireTimer(this.deps, timer, at);
      if (outcome.fired || outcome.reason !== 'no longer pending')
        this.deps.onTimerFired?.(timer.type, outcome.fired ? 'accepted' : 'refused');
      if (outcome.fired) this.log.info({ ...about, seq: outcome.seq }, 'timer fired');
      else if (outcome.reason !== 'no longer pending')
        this.log.warn({ ...about, reason: outcome.reason }, 'timer refused');
      return outcome.fired ? 'fired' : 'skipped';
    } catch (err) {
      // A conflict means another writer moved the challenge first; the timer stays pending
      // (or was cancelled by that writer) and is looked at again on the next wake-up.
      if (err instanceof AppError && err.code === 'VERSION_CONFLICT') return 'skipped';
      this.log.error({ ...about, err }, 'timer failed; retrying later');
      return 'failed';
    }
  }
}
