import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteClientOf } from '../../src/db/sqlite/open.js';
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

const sql = () => sqliteClientOf(h.app.jiebang.db);

describe('replay reproduces every stored state', () => {
  it('finds no divergence in a challenge taken to the notice period, timers included', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toDisbursement();
    expect(await replayAll(h.app)).toEqual([]);
  });

  it('names the challenge when its stored snapshot differs from the replayed one', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.submit();
    const row = sql().prepare('SELECT snapshot, version FROM challenges WHERE id = ?').get(s.id) as {
      snapshot: string;
      version: number;
    };
    const tampered = JSON.parse(row.snapshot);
    tampered.context.draft.investment.ownPilotCny += 1;
    sql().prepare('UPDATE challenges SET snapshot = ? WHERE id = ?').run(JSON.stringify(tampered), s.id);
    expect(await replayAll(h.app)).toEqual([
      { id: s.id, seq: row.version, what: 'the stored snapshot differs from the replayed one' },
    ]);
    // Restore it, so the harness's own replay check on close passes.
    sql().prepare('UPDATE challenges SET snapshot = ? WHERE id = ?').run(row.snapshot, s.id);
  });

  it('refuses to rewrite the log: UPDATE and DELETE of events fail', async () => {
    const s = await new ChallengeDriver(h, p).create();
    expect(() => sql().prepare("UPDATE events SET type = 'X' WHERE challenge_id = ?").run(s.id)).toThrow(/append-only/);
    expect(() => sql().prepare('DELETE FROM events WHERE challenge_id = ?').run(s.id)).toThrow(/append-only/);
  });
});
