/**
 * The webhook subscriptions the commit path matches each event against, kept from one event to
 * the next while nobody can have changed them (issue 15: on PostgreSQL the read was one of the
 * eight round trips an event made under the writers' lock).
 *
 * Kept while the store's `commitsByOthers` stays the same and no subscription was created or
 * deleted through this process. Both routes write under the writers' turn (a write transaction),
 * so on PostgreSQL a subscription is written either before a batch takes the lock — read then —
 * or after it commits; on SQLite another connection's commit moves `data_version`.
 *
 * On PostgreSQL a batch that decides before it takes the lock uses the list it kept from an
 * earlier one, and checks under the lock that no subscription was created or deleted since
 * (their counts, which only grow); if one was, the batch runs again, reading them under the lock.
 */
import { BatchRetry, type Db, type DbPort, type LockedCheck } from '../db/client.js';

export interface Subscription {
  id: string;
  /** The event types it wants ('*': all), as stored (JSON), parsed. */
  events: string[];
  programmeId: string | null;
}

interface Kept {
  stamp: number | undefined;
  changes: number;
  /** How many subscriptions were ever created, and deleted ("created/deleted"): both only grow. */
  counts: string;
  all: Subscription[];
}

const kept = new WeakMap<DbPort, Kept>();
const changesThrough = new WeakMap<DbPort, number>();

/** Call after this process wrote a subscription (created or deleted one). */
export function subscriptionsChanged(db: Db): void {
  changesThrough.set(db.$port, (changesThrough.get(db.$port) ?? 0) + 1);
}

const COUNTS = 'SELECT count(*) AS created, count(deleted_at) AS deleted FROM webhooks';
const countsOf = (row: Record<string, unknown> | undefined) => `${Number(row?.created)}/${Number(row?.deleted)}`;

/** Under the writers' lock: the subscriptions are still the ones kept. */
class SubscriptionsUnchanged implements LockedCheck {
  readonly sql = COUNTS;
  constructor(private readonly counts: string) {}
  settle(rows: Record<string, unknown>[]): void {
    if (countsOf(rows[0]) !== this.counts) throw new BatchRetry('a webhook subscription was created or deleted');
  }
}

/** The live subscriptions that take events of this programme. */
export async function subscriptionsFor(db: Db, programmeId: string): Promise<Subscription[]> {
  const port = db.$port;
  const changes = changesThrough.get(port) ?? 0;
  const found = kept.get(port);
  const usable =
    found?.changes === changes &&
    ((found.stamp !== undefined && found.stamp === port.commitsByOthers?.()) ||
      port.checkUnderLock?.('webhooks', () => new SubscriptionsUnchanged(found.counts)) !== undefined);
  const all = usable ? found.all : await read(port, changes);
  return all.filter((s) => s.programmeId === null || s.programmeId === programmeId);
}

async function read(port: DbPort, changes: number): Promise<Subscription[]> {
  // One statement, so the counts describe the very subscriptions it lists.
  const rows = await port.query<
    { id: string | null; events: string; programmeId: string | null } & Record<string, unknown>
  >(
    `SELECT w.id, w.events, w.programme_id AS programmeId, c.created, c.deleted
       FROM (${COUNTS}) c LEFT JOIN webhooks w ON w.deleted_at IS NULL ORDER BY w.created_at, w.id`,
  );
  const all = rows.flatMap((r) =>
    r.id === null ? [] : [{ id: r.id, events: JSON.parse(r.events) as string[], programmeId: r.programmeId }],
  );
  const stamp = port.commitsByOthers?.();
  if (stamp !== undefined || port.checkUnderLock) kept.set(port, { stamp, changes, counts: countsOf(rows[0]), all });
  return all;
}
