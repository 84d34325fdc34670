/**
 * How the latest snapshot is stored (issue 15, "cost flat in the context"): the snapshot's
 * growing lists — bids, scores, objections … — one row per element in `challenge_list_items`,
 * each standing in `challenges.snapshot` as its length; everything else in that column as before.
 * An event then writes the head (a few KB: state, draft, settings, tracks) and the elements it
 * added or changed, not a copy of every bid and objection, so its cost does not grow with them.
 *
 * Which elements changed is known without comparing their contents: the machine never changes a
 * value in place (XState's `assign` makes new objects), so an element the event left alone is
 * the very object the previous snapshot held. `verify` replays every challenge and compares the
 * joined snapshot with the replayed one, so a changed element not written would be reported.
 */
import type { StateValue } from 'xstate';
import type { ChallengeSnapshot } from '../../machines/challenge/machine.js';
import type { ChallengeContext } from '../../machines/challenge/types.js';
import type { DbPort } from './client.js';
import { hasTable } from './has-table.js';

/** A snapshot as JSON holds it: `{value, context}`. */
export interface PersistedSnapshot {
  value: StateValue;
  context: ChallengeContext;
}

/** The context's lists stored one element per row: those that grow with the call's response. */
export const STORED_LISTS = ['attachments', 'bids', 'scores', 'objections', 'opinions', 'changes'] as const;
export type StoredList = (typeof STORED_LISTS)[number];

/** One element of a stored list, as its row holds it. */
export interface ListItemRow {
  list: string;
  idx: number;
  item: string;
}

/** What an event writes of the lists: elements to insert or replace, and lists to cut short. */
export interface ListChanges {
  upserts: ListItemRow[];
  /** Rows from `length` on are removed (a list that became shorter). */
  truncations: { list: StoredList; length: number }[];
}

/** The head's JSON text: the snapshot with each stored list as its length. */
export function headText(snapshot: ChallengeSnapshot): string {
  const context: Record<string, unknown> = { ...snapshot.context };
  for (const list of STORED_LISTS) {
    const items = context[list];
    if (Array.isArray(items)) context[list] = items.length;
  }
  return JSON.stringify({ value: snapshot.value, context });
}

/**
 * The rows an event changes: every element of `next`'s lists that is not the same object at
 * the same place in `previous` (all of them for a new challenge). Cost: one comparison of
 * references per element, and the encoding of the changed ones only.
 */
export function listChanges(previous: ChallengeSnapshot | null, next: ChallengeSnapshot): ListChanges {
  const changes: ListChanges = { upserts: [], truncations: [] };
  for (const list of STORED_LISTS) {
    const after = listOf(next.context, list);
    const before = previous ? listOf(previous.context, list) : [];
    if (after === before) continue;
    for (let idx = 0; idx < after.length; idx++)
      if (after[idx] !== before[idx]) changes.upserts.push({ list, idx, item: JSON.stringify(after[idx]) });
    if (after.length < before.length) changes.truncations.push({ list, length: after.length });
  }
  return changes;
}

const listOf = (context: ChallengeContext, list: StoredList): readonly unknown[] => {
  const items = (context as unknown as Record<string, unknown>)[list];
  return Array.isArray(items) ? items : [];
};

/** Whether the head names any element to read (most drafts have none: no second read). */
export function headHasItems(head: PersistedSnapshot): boolean {
  const context = head.context as unknown as Record<string, unknown>;
  return STORED_LISTS.some((list) => typeof context[list] === 'number' && (context[list] as number) > 0);
}

/**
 * The whole snapshot from its head and its list rows (in any order). A list the head holds as an
 * array (never written by this code) is kept as it is; a missing or extra element is an error,
 * since it means the two parts were not written together.
 */
export function joinSnapshot(head: PersistedSnapshot, rows: readonly ListItemRow[]): PersistedSnapshot {
  const context = head.context as unknown as Record<string, unknown>;
  const lists = new Map<string, unknown[]>();
  for (const list of STORED_LISTS) if (typeof context[list] === 'number') lists.set(list, new Array(context[list]));
  for (const row of rows) {
    const items = lists.get(row.list);
    if (!items || row.idx >= items.length)
      throw new Error(`challenge ${head.context.id}: list row ${row.list}[${row.idx}] is not in its snapshot`);
    items[row.idx] = JSON.parse(row.item);
  }
  for (const [list, items] of lists) {
    for (let idx = 0; idx < items.length; idx++)
      if (!(idx in items)) throw new Error(`challenge ${head.context.id}: list row ${list}[${idx}] is missing`);
    context[list] = items;
  }
  return head;
}

/** The whole snapshot from the head's text, reading the list rows only when the head names some. */
export async function storedSnapshot(
  headJson: string,
  rowsOf: (challengeId: string) => Promise<readonly ListItemRow[]> | readonly ListItemRow[],
): Promise<PersistedSnapshot> {
  const head = JSON.parse(headJson) as PersistedSnapshot;
  return headHasItems(head) ? joinSnapshot(head, await rowsOf(head.context.id)) : joinSnapshot(head, []);
}

/** The list rows' query, for readers outside the engine's prepared statements (`?` placeholders). */
export const LIST_ROWS_SQL = 'SELECT list, idx, item FROM challenge_list_items WHERE challenge_id = ?';

/**
 * The list rows of a challenge, by id, on a database that may predate them (an auditor's copy
 * from before migration 0015 holds whole snapshots and no list table: then no rows).
 */
export async function listRowsReader(port: DbPort): Promise<(challengeId: string) => Promise<ListItemRow[]>> {
  if (!(await hasTable(port, 'challenge_list_items'))) return async () => [];
  return (challengeId) => port.query<ListItemRow>(LIST_ROWS_SQL, [challengeId]);
}
