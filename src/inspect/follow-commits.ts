/**
 * Live inspection of a running server, from its database: polls the event log for events
 * committed since the last look (by `global_seq`) and sends each, with the snapshot after it, to
 * the inspector. It only reads, after commit, in another process: it can never change or slow
 * down a transition, and it sees every one — staff events and fired timers alike. Snapshots are
 * rebuilt by the same pure fold as replay, from the last one seen for that challenge.
 */
import { asc, gt, max, sql } from 'drizzle-orm';
import type { ChallengeSnapshot } from '../../machines/challenge/machine.js';
import type { Db } from '../db/client.js';
import { events } from '../db/schema.js';
import { eventOfRow, replayEvents } from '../engine/audit/replay.js';
import { pureTransition } from '../engine/pure-transition.js';
import { createStore, type EventRow } from '../engine/store.js';
import { challengeActorRef, inspectedEvent, inspectedSnapshot, type ReplayInspector } from './replay-to-inspector.js';

export interface FollowCommitsOptions {
  db: Db;
  inspector: ReplayInspector;
  intervalMs: number;
  onStep?: (challengeId: string, seq: number, type: string) => void;
  /** A look that failed (e.g. the database is busy); the next look tries again from the same place. */
  onError?: (err: unknown) => void;
  /** Follow what is committed after this global sequence number; unset: after the first look's head. */
  after?: number;
}

export interface Follower {
  /** Looks once; returns how many events it sent. */
  poll(): Promise<number>;
  stop(): void;
}

export function followCommits(options: FollowCommitsOptions): Follower {
  const { db, inspector } = options;
  const history = createStore(db).history;
  const newer = db
    .select()
    .from(events)
    .where(gt(events.globalSeq, sql.placeholder('after')))
    .orderBy(asc(events.globalSeq))
    .limit(500)
    .prepare();
  let after: number | undefined = options.after;
  const latest = new Map<string, { seq: number; snapshot: ChallengeSnapshot }>();

  const rebuild = async (challengeId: string, upTo: number): Promise<ChallengeSnapshot | undefined> =>
    replayEvents(
      (await history.all({ id: challengeId })).filter((r) => r.seq <= upTo),
      () => undefined,
    );

  const send = async (row: EventRow) => {
    const known = latest.get(row.challengeId);
    const actorRef = challengeActorRef(row.challengeId);
    if (!known) {
      // First sight of this challenge: register it with its state before this event.
      const before = row.seq > 1 ? await rebuild(row.challengeId, row.seq - 1) : undefined;
      const after = before ?? (await rebuild(row.challengeId, row.seq));
      if (after) inspector.actor(actorRef, inspectedSnapshot(after));
      if (before) latest.set(row.challengeId, { seq: row.seq - 1, snapshot: before });
    }
    const previous = latest.get(row.challengeId);
    const snapshot =
      previous && previous.seq === row.seq - 1 && row.type !== 'CREATE'
        ? pureTransition(previous.snapshot, eventOfRow(row))
        : await rebuild(row.challengeId, row.seq);
    if (!snapshot) return;
    latest.set(row.challengeId, { seq: row.seq, snapshot });
    const event = inspectedEvent(row);
    inspector.event(actorRef.sessionId, event);
    inspector.snapshot(actorRef.sessionId, inspectedSnapshot(snapshot), { event });
    options.onStep?.(row.challengeId, row.seq, row.type);
  };

  const pollOnce = async () => {
    // Start from now: what was committed before is what `--replay` is for.
    after ??=
      (
        await db
          .select({ n: max(events.globalSeq) })
          .from(events)
          .get()
      )?.n ?? 0;
    let sent = 0;
    for (;;) {
      const rows = await newer.all({ after });
      for (const row of rows) {
        await send(row);
        after = row.globalSeq;
        sent++;
      }
      if (rows.length < 500) return sent;
    }
  };
  // One look at a time: a look slower than the interval (PostgreSQL under load) would otherwise
  // overlap the next, both read the rows after the same `after` and send them twice.
  let queue: Promise<unknown> = Promise.resolve();
  let pending = 0;
  const poll = (): Promise<number> => {
    pending++;
    const next = queue.then(pollOnce).finally(() => pending--);
    queue = next.catch(() => undefined);
    return next;
  };
  const timer = setInterval(() => {
    // A tick while a look is still on its way adds nothing: that look reads to the end.
    if (pending > 0) return;
    poll().catch((err: unknown) => options.onError?.(err));
  }, options.intervalMs);
  return {
    poll,
    stop: () => clearInterval(timer),
  };
}
