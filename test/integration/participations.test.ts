/**
 * The participations projection that L-1 and L-2 read: kept by every commit, and rebuilt from
 * the snapshots by the migration step for a database whose challenges predate it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../src/db/migrate.js';
import { type Parties, registerParties } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterAll(async () => h.close());

const projection = () =>
  h.app.jiebang.db.$port.query<{ ref: string; party: string; subject: string; role: string; status: string }>(
    'SELECT ref, party, subject, role, status FROM participations ORDER BY ref, party, subject',
  );

describe('participations', () => {
  it('follows the challenge: none as a draft, the issuer side once submitted, the bid once made, gone when withdrawn', async () => {
    const s = await new ChallengeDriver(h, p).create();
    expect(await projection()).toEqual([]);
    await s.toMatching();
    const issuerSide = await projection();
    expect(issuerSide).toHaveLength(4); // the unit and the top 3 of the team
    expect(issuerSide.every((r) => r.status === 'application')).toBe(true);
    await s.bid(p.solverA, 'bid-1');
    expect(await projection()).toHaveLength(4 + 3); // the lead unit and a team of two
    await s.ok(p.solverA, { type: 'WITHDRAW_BID', bidId: 'bid-1' });
    expect(await projection()).toEqual(issuerSide);
  });

  it('is rebuilt from the snapshots when missing', async () => {
    const before = await projection();
    expect(before.length).toBeGreaterThan(0);
    await h.app.jiebang.db.$port.run('DELETE FROM participations');
    expect(await projection()).toEqual([]);
    await migrateDatabase(h.app.jiebang.db, h.now());
    expect(await projection()).toEqual(before);
  });
});
