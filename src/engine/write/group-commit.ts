/**
 * Group commit. Events that arrive in the same turn of the event loop are processed one after
 * another inside ONE transaction — each in its own savepoint, so a refusal or a conflict undoes
 * only its own writes — and every request is answered after that transaction commits. Each
 * event still sees the ones before it (same connection, same transaction), so nothing about the
 * single path changes but the number of commits: the events of a batch share their WAL pages
 * and one commit (measured: the commit was about half of a transition's cost). One batch at a
 * time: the next waits for the one before it to commit.
 *
 * On PostgreSQL the batch's events are also written together (deferWrites: one statement under
 * the writers' lock for the batch, not two round trips an event), and the batch takes that lock
 * only when something must reach the server, so events decided on what the process kept are
 * decided while another process holds it (their global links are made under it). If one of
 * them could not be written as decided (another process moved its challenge on, switched the
 * hash, subscribed a webhook, or a Beijing day ended), nothing of the batch is kept, and the
 * batch runs again with the lock taken first and each write sent as it is made, where each
 * event is refused or decided again on its own.
 */
import { BatchRetry } from '../../db/client.js';
import type { Store } from '../store.js';

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A batch's most events: a flood is committed in slices, so no transaction holds the loop long. */
export const MAX_BATCH = 200;

export class GroupCommit {
  private jobs: Job[] = [];
  private scheduled = false;
  private flushing = false;

  /**
   * `onRollback` runs if a batch's commit fails: in-memory state derived from it must go.
   * `maxBatch` 1 is one commit per request (the bench's comparison; issue 15).
   */
  constructor(
    private readonly store: Pick<Store, 'transaction'>,
    private readonly onRollback: () => void,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  /** Runs `work` (writing through `store.transaction`) in the next batch. */
  run<T>(work: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing || this.jobs.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    const jobs = this.jobs.splice(0, this.maxBatch);
    let outcomes: Outcome[];
    try {
      try {
        outcomes = await this.batch(jobs, true);
      } catch (error) {
        if (!(error instanceof BatchRetry)) throw error;
        this.onRollback();
        outcomes = await this.batch(jobs, false);
      }
    } catch (error) {
      this.onRollback();
      for (const job of jobs) job.reject(error);
      return;
    } finally {
      this.flushing = false;
      this.schedule();
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i] as Outcome;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }

  /** The jobs one after another in one transaction, each outcome kept for after the commit. */
  private async batch(jobs: Job[], deferWrites: boolean): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    await this.store.transaction(
      async () => {
        for (const job of jobs) {
          try {
            outcomes.push({ ok: true, value: await job.work() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      },
      { deferWrites },
    );
    return outcomes;
  }
}
