/**
 * Which challenges have new events, for the event stream (issue 13, `GET …/stream`). One feed
 * per process follows the log by `global_seq`: woken at once by this process's commits
 * (commit-signal.ts), and polling on its own so that it also sees what other processes commit
 * to a shared PostgreSQL database (or SQLite file). Writers commit in `global_seq` order (one at
 * a time: SQLite's write lock, PostgreSQL's advisory lock), so "after the last seq seen" never
 * skips an event. It only reads, and only while someone listens.
 */
import { stageOf } from '../../../machines/challenge/stage.js';
import type { Db } from '../../db/client.js';
import { onCommitted } from '../write/commit-signal.js';

/** One committed event as the stream tells it (api.md "What the console reads"). */
export interface CommittedEvent {
  seq: number;
  type: string;
  stage: string;
  state: unknown;
  at: string;
}

/** At most this many rows per look; a longer backlog is read in several. */
const PAGE = 500;

export class CommitFeed {
  private after: number | undefined;
  private readonly listeners = new Map<string, Set<() => void>>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private looking = false;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly pollMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Calls `listener` whenever events of the challenge may have been committed; returns the unsubscribe. */
  subscribe(challengeId: string, listener: () => void): () => void {
    const set = this.listeners.get(challengeId) ?? new Set();
    set.add(listener);
    this.listeners.set(challengeId, set);
    this.start();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(challengeId);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** The challenge's events after `seq`, in order (at most one page). */
  async eventsAfter(challengeId: string, seq: number): Promise<CommittedEvent[]> {
    const rows = await this.db.$port.query<{ seq: number; type: string; at: string; stateAfter: string }>(
      `SELECT seq, type, at, state_after AS "stateAfter" FROM events WHERE challenge_id = ? AND seq > ? ORDER BY seq LIMIT ${PAGE}`,
      [challengeId, seq],
    );
    return rows.map((row) => {
      const state = JSON.parse(row.stateAfter) as Parameters<typeof stageOf>[0];
      return { seq: Number(row.seq), type: row.type, stage: stageOf(state), state, at: row.at };
    });
  }

  close(): void {
    this.listeners.clear();
    this.stop();
  }

  private start(): void {
    if (this.timer) return;
    this.unsubscribe = onCommitted(() => this.look());
    this.timer = setInterval(() => this.look(), this.pollMs);
    this.timer.unref();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    // Started again later, it begins from the head as it is then: its new listeners read their
    // own backlog by seq, so nothing in between is lost to them.
    this.after = undefined;
  }

  private look(): void {
    if (this.looking) {
      this.again = true;
      return;
    }
    this.looking = true;
    this.lookOnce()
      .catch(this.onError)
      .finally(() => {
        this.looking = false;
        if (this.again) {
          this.again = false;
          this.look();
        }
      });
  }

  private async lookOnce(): Promise<void> {
    if (this.after === undefined) {
      const [head] = await this.db.$port.query<{ n: number | null }>('SELECT max(global_seq) AS n FROM events');
      this.after = Number(head?.n ?? 0);
      // Listeners read from their own seq: wake them once, for what came before the head was known.
      for (const set of this.listeners.values()) for (const listener of set) listener();
      return;
    }
    for (;;) {
      const rows: { globalSeq: number; challengeId: string }[] = await this.db.$port.query(
        `SELECT global_seq AS "globalSeq", challenge_id AS "challengeId" FROM events WHERE global_seq > ? ORDER BY global_seq LIMIT ${PAGE}`,
        [this.after],
      );
      const touched = new Set<string>();
      for (const row of rows) {
        touched.add(row.challengeId);
        this.after = Number(row.globalSeq);
      }
      for (const id of touched) for (const listener of this.listeners.get(id) ?? []) listener();
      if (rows.length < PAGE) return;
    }
  }
}
