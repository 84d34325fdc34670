/**
 * Issue 15, "cost flat in the context": a snapshot's growing lists (bids, scores, objections …)
 * are stored one element per row (src/db/stored-snapshot.ts), so an event writes what it changed,
 * not every bid and objection again. Proved by what is written, on both stores: an objection on a
 * challenge with many writes one row and a head that does not grow; a cold load, verify and a
 * database from before the change (whole snapshots, migrated) all see the same snapshot.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIST_ROWS_SQL, type ListItemRow } from '../../src/db/stored-snapshot.js';
import { type Parties, registerParties } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { forgetMigrationsFrom, snapshotsWhole } from '../helpers/store.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

const port = () => h.app.jiebang.db.$port;
const rowsOf = async (id: string) =>
  (await port().query<ListItemRow>(`${LIST_ROWS_SQL} ORDER BY list, idx`, [id])).map((r) => ({
    ...r,
    idx: Number(r.idx),
  }));
const headOf = async (id: string) =>
  (await port().query<{ snapshot: string }>('SELECT snapshot FROM challenges WHERE id = ?', [id]))[0]?.snapshot ?? '';
const objection = (n: number) => ({ type: 'OBJECT', objector: { name: `异议人${n}` }, text: `对公示结果的异议 ${n}` });
const verifyAll = async () => (await h.request('GET', '/api/v1/audit/verify', p.auditor)).body;

/** A challenge in its announcement with `n` objections lodged by the bureau. */
async function announcedWith(n: number): Promise<ChallengeDriver> {
  const s = await new ChallengeDriver(h, p).create();
  await s.toAnnouncement();
  for (let i = 0; i < n; i++) expect((await s.send(p.bureau, objection(i) as never)).status).toBe(200);
  return s;
}

describe('the snapshot with its lists in rows', () => {
  it('an objection writes one list row and a head that does not grow with the objections', async () => {
    const s = await announcedWith(30);
    const rowsBefore = await rowsOf(s.id);
    const headBefore = await headOf(s.id);
    expect(rowsBefore.filter((r) => r.list === 'objections')).toHaveLength(30);
    expect(JSON.parse(headBefore).context.objections).toBe(30);

    expect((await s.send(p.bureau, objection(30) as never)).status).toBe(200);
    const rowsAfter = await rowsOf(s.id);
    const headAfter = await headOf(s.id);
    // Every row that was there is unchanged; exactly one was added: the new objection.
    const same = (a: ListItemRow, b: ListItemRow) => a.list === b.list && a.idx === b.idx;
    for (const row of rowsBefore) expect(rowsAfter.find((r) => same(r, row))).toEqual(row);
    const added = rowsAfter.filter((r) => !rowsBefore.some((b) => same(b, r)));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ list: 'objections', idx: 30 });
    // The head holds the count, not the objections: the same length, one digit aside.
    expect(JSON.parse(headAfter).context.objections).toBe(31);
    expect(headAfter.length).toBe(headBefore.length);
    expect((await verifyAll()).ok).toBe(true);
  });

  it('a cold load gives the snapshot a warm one had, and events go on from it', async () => {
    const s = await announcedWith(5);
    const warm = await s.view(p.auditor);
    await h.restart({});
    const cold = await s.view(p.auditor);
    expect(cold).toEqual(warm);
    expect((cold.details as { objections: unknown[] }).objections).toHaveLength(5);
    expect((await s.send(p.bureau, objection(5) as never)).status).toBe(200);
    expect(((await s.view(p.auditor)).details as { objections: unknown[] }).objections).toHaveLength(6);
    expect((await verifyAll()).ok).toBe(true);
  });

  it('verify names a list row that was changed, removed or added behind the engine', async () => {
    const s = await announcedWith(3);
    const rowsOfBefore = rowsOf(s.id);
    const [first] = await rowsOfBefore;
    if (!first) throw new Error('no list rows');
    await port().run('UPDATE challenge_list_items SET item = ? WHERE challenge_id = ? AND list = ? AND idx = ?', [
      first.item.replace('"at":"', '"at":"1'),
      s.id,
      first.list,
      first.idx,
    ]);
    expect((await verifyAll()).firstDivergence).toMatchObject({ challengeId: s.id, check: 'snapshot' });
    await port().run('UPDATE challenge_list_items SET item = ? WHERE challenge_id = ? AND list = ? AND idx = ?', [
      first.item,
      s.id,
      first.list,
      first.idx,
    ]);
    expect((await verifyAll()).ok).toBe(true);

    await port().run("DELETE FROM challenge_list_items WHERE challenge_id = ? AND list = 'objections' AND idx = 2", [
      s.id,
    ]);
    expect((await verifyAll()).firstDivergence).toMatchObject({ challengeId: s.id, check: 'snapshot' });
    await port().run('INSERT INTO challenge_list_items (challenge_id, list, idx, item) VALUES (?, ?, ?, ?)', [
      s.id,
      'objections',
      7,
      '{}',
    ]);
    const report = await verifyAll();
    expect(report.firstDivergence).toMatchObject({ challengeId: s.id, check: 'snapshot' });
    expect(report.firstDivergence.what).toContain('objections[7]');
    // Put back as the engine wrote it, and it verifies again.
    await port().run("DELETE FROM challenge_list_items WHERE challenge_id = ? AND list = 'objections' AND idx = 7", [
      s.id,
    ]);
    const removed = (await rowsOfBefore).find((r) => r.list === 'objections' && r.idx === 2) as ListItemRow;
    await port().run('INSERT INTO challenge_list_items (challenge_id, list, idx, item) VALUES (?, ?, ?, ?)', [
      s.id,
      removed.list,
      removed.idx,
      removed.item,
    ]);
    expect((await verifyAll()).ok).toBe(true);
  });

  it('a database from before the lists (whole snapshots) is migrated: same snapshot, verify passes', async () => {
    const s = await announcedWith(4);
    const before = await s.view(p.auditor);
    const rows = await rowsOf(s.id);
    // Back to the earlier format: each list inside the snapshot, no list table, migration 0015 not run.
    await snapshotsWhole(port());
    expect(JSON.parse(await headOf(s.id)).context.objections).toHaveLength(4);
    await forgetMigrationsFrom(port(), '_snapshot_lists');
    // An auditor's verify reads such a copy as it is.
    expect((await verifyAll()).ok).toBe(true);

    await h.restart({});
    const migrated = await rowsOf(s.id);
    expect(migrated.map((r) => [r.list, r.idx])).toEqual(rows.map((r) => [r.list, r.idx]));
    expect(migrated.map((r) => JSON.parse(r.item))).toEqual(rows.map((r) => JSON.parse(r.item)));
    expect(JSON.parse(await headOf(s.id)).context.objections).toBe(4);
    expect(await s.view(p.auditor)).toEqual(before);
    expect((await verifyAll()).ok).toBe(true);
    expect((await s.send(p.bureau, objection(4) as never)).status).toBe(200);
    expect((await verifyAll()).ok).toBe(true);
  });
});
