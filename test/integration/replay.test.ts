import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Parties, registerParties } from '../helpers/fixtures.js';
import { type Harness, replayAll, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

const port = () => h.app.jiebang.db.$port;

describe('replay reproduces every stored state', () => {
  it('finds no divergence in a challenge taken to the notice period, timers included', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toDisbursement();
    expect(await replayAll(h.app)).toEqual([]);
  });

  it('names the challenge when its stored snapshot differs from the replayed one', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.submit();
    const [row] = await port().query<{ snapshot: string; version: number }>(
      'SELECT snapshot, version FROM challenges WHERE id = ?',
      [s.id],
    );
    if (!row) throw new Error(`no challenge ${s.id}`);
    const tampered = JSON.parse(row.snapshot);
    tampered.context.draft.investment.ownPilotCny += 1;
    await port().run('UPDATE challenges SET snapshot = ? WHERE id = ?', [JSON.stringify(tampered), s.id]);
    expect(await replayAll(h.app)).toEqual([
      { id: s.id, seq: Number(row.version), what: 'the stored snapshot differs from the replayed one' },
    ]);
    // Restore it, so the harness's own replay check on close passes.
    await port().run('UPDATE challenges SET snapshot = ? WHERE id = ?', [row.snapshot, s.id]);
  });

  it('refuses to rewrite the log: UPDATE and DELETE of events fail', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await expect(port().run("UPDATE events SET type = 'X' WHERE challenge_id = ?", [s.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(port().run('DELETE FROM events WHERE challenge_id = ?', [s.id])).rejects.toThrow(/append-only/);
  });
});
