/**
 * The webhook subscriptions the commit path matches each event against, kept from one event to
 * the next while nobody can have changed them (issue 15: on PostgreSQL the read was one of the
 * eight round trips an event made under the writers' lock).
 *
 * Kept while the store's `commitsByOthers` stays the same and no subscription was created or
 * deleted through this process. Both routes write under the writers' turn (a write transaction),
 * so on PostgreSQL a subscription is written either before a batch takes the lock — read then —
 * or after it commits; on SQLite another connection's commit moves `data_version`.
 */
import type { Db, DbPort } from '../db/client.js';

export interface Subscription {
  id: string;
  /** The event types it wants ('*': all), as stored (JSON), parsed. */
  events: string[];
  programmeId: string | null;
}

interface Kept {
  stamp: number;
  changes: number;
  all: Subscription[];
}

const kept = new WeakMap<DbPort, Kept>();
const changesThrough = new WeakMap<DbPort, number>();

/** Call after this process wrote a subscription (created or deleted one). */
export function subscriptionsChanged(db: Db): void {
  changesThrough.set(db.$port, (changesThrough.get(db.$port) ?? 0) + 1);
}

/** The live subscriptions that take events of this programme. */
export async function subscriptionsFor(db: Db, programmeId: string): Promise<Subscription[]> {
  const port = db.$port;
  const stamp = port.commitsByOthers?.();
  const changes = changesThrough.get(port) ?? 0;
  const found = kept.get(port);
  let all: Subscription[];
  if (stamp !== undefined && found?.stamp === stamp && found.changes === changes) all = found.all;
  else {
    const rows = await port.query<{ id: string; events: string; programmeId: string | null }>(
      'SELECT id, events, programme_id AS programmeId FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at, id',
    );
    all = rows.map((r) => ({ id: r.id, events: JSON.parse(r.events) as string[], programmeId: r.programmeId }));
    if (stamp !== undefined) kept.set(port, { stamp, changes, all });
  }
  return all.filter((s) => s.programmeId === null || s.programmeId === programmeId);
}
