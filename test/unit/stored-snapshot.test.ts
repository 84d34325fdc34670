/**
 * How a snapshot is stored (src/db/stored-snapshot.ts): its lists one element per row, found
 * changed by reference (the machine never changes a value in place), joined back exactly.
 */
import { describe, expect, it } from 'vitest';
import type { ChallengeSnapshot } from '../../machines/challenge/machine.js';
import { headText, joinSnapshot, listChanges, type PersistedSnapshot } from '../../src/db/stored-snapshot.js';

const objection = (n: number) => ({ objectionId: `o-${n}`, text: `异议 ${n}` });
const snapshotOf = (context: Record<string, unknown>) =>
  ({ value: { announcement: 'notice' }, context: { id: 'c-1', ...context } }) as unknown as ChallengeSnapshot;

describe('the stored snapshot', () => {
  it('writes only the elements that are not the same objects as before', () => {
    const kept = [objection(0), objection(1)];
    const before = snapshotOf({ objections: kept, bids: [] });
    const after = snapshotOf({ objections: [...kept, objection(2)], bids: [] });
    expect(listChanges(before, after)).toEqual({
      upserts: [{ list: 'objections', idx: 2, item: JSON.stringify(objection(2)) }],
      truncations: [],
    });
    // A changed element is a new object at its place: that one is written, the rest not.
    const changed = snapshotOf({ objections: [kept[0], { ...kept[1], status: 'upheld' }], bids: [] });
    expect(listChanges(before, changed).upserts.map((r) => r.idx)).toEqual([1]);
    // The same list: nothing; a list cut short is truncated.
    expect(listChanges(before, snapshotOf({ objections: kept, bids: [] }))).toEqual({ upserts: [], truncations: [] });
    expect(listChanges(before, snapshotOf({ objections: [kept[0]], bids: [] })).truncations).toEqual([
      { list: 'objections', length: 1 },
    ]);
    // A new challenge writes every element.
    expect(listChanges(null, after).upserts).toHaveLength(3);
  });

  it('joins the head and its rows back into the snapshot, in its key order', () => {
    const whole = snapshotOf({ bids: [{ bidId: 'b' }], objections: [objection(0), objection(1)], title: '标题' });
    const head = headText(whole);
    expect(JSON.parse(head).context).toEqual({ id: 'c-1', bids: 1, objections: 2, title: '标题' });
    const rows = listChanges(null, whole).upserts.reverse();
    const joined = joinSnapshot(JSON.parse(head) as PersistedSnapshot, rows);
    expect(JSON.stringify(joined)).toBe(JSON.stringify({ value: whole.value, context: whole.context }));
  });

  it('refuses rows that do not match the head: one missing, one beyond its length', () => {
    const head = () => JSON.parse(headText(snapshotOf({ objections: [objection(0), objection(1)] })));
    const rows = listChanges(null, snapshotOf({ objections: [objection(0), objection(1)] })).upserts;
    expect(() => joinSnapshot(head(), rows.slice(0, 1))).toThrow('objections[1] is missing');
    expect(() => joinSnapshot(head(), [...rows, { list: 'objections', idx: 2, item: '{}' }])).toThrow(
      'objections[2] is not in its snapshot',
    );
    // A snapshot stored whole (before the lists had rows) is read as it is.
    const whole = { value: 'draft', context: { id: 'c-1', objections: [objection(0)] } };
    expect(joinSnapshot(structuredClone(whole) as never, [])).toEqual(whole);
  });
});
