/**
 * `jiebang copy`: a SQLite database with challenges in several stages, timers, registry records
 * and denials is copied into a fresh PostgreSQL database; both verify, with the same number of
 * events and the same head of the global chain; and the service goes on on the copy, the
 * global chain and the keys continuing where the SQLite log stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/client.js';
import { copyDatabase } from '../../src/db/copy.js';
import { verifyLog } from '../../src/engine/audit/verify.js';
import { reindexPublicSearch } from '../../src/engine/public/listing.js';
import { manualClock } from '../../src/engine/time/clock.js';
import { type Parties, registerParties } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { freshDatabase } from '../helpers/store.js';

let sqlite: Harness;
let p: Parties;
beforeAll(async () => {
  sqlite = await startHarness(undefined, {}, undefined, 'sqlite');
  p = await registerParties(sqlite);
});
afterAll(async () => sqlite.close());

const headOf = async (db: ReturnType<typeof openDatabase>) =>
  (
    await db.$port.query<{ globalSeq: number; globalHash: string }>(
      'SELECT global_seq AS globalSeq, global_hash AS globalHash FROM events ORDER BY global_seq DESC LIMIT 1',
    )
  )[0];

describe('jiebang copy --from <sqlite> --to <postgres>', () => {
  it('moves every row; both verify with the same hashes; the service goes on on the copy', async () => {
    await new ChallengeDriver(sqlite, p).create();
    await (await new ChallengeDriver(sqlite, p).create()).toMatching();
    await (await new ChallengeDriver(sqlite, p).create()).toManagement();
    // A refusal, so the denials table has rows too.
    const refused = await sqlite.send(p.solverA, 'wlmq-2026-0001', { type: 'UPDATE', summary: '越权' });
    expect([403, 404]).toContain(refused.status);
    // The source's reminder sweep runs on its own timer: plan the deadlines' reminders now, so
    // none is written between the copy and the comparison of the two databases below.
    await sqlite.app.reminders.sweep();

    const target = await startHarness(undefined, {}, undefined, 'postgres');
    const from = openDatabase(sqlite.dbFile);
    const to = openDatabase(target.dbFile);
    try {
      // The harness migrated and seeded the target: copy wants an empty database.
      await expect(copyDatabase(from, to)).rejects.toThrow(/not empty/);
    } finally {
      await to.$port.close();
      await target.close();
    }

    const dir = mkdtempSync(join(tmpdir(), 'jiebang-copy-'));
    const empty = await freshDatabase(dir, 'postgres');
    const fresh = openDatabase(empty.location);
    try {
      const report = await copyDatabase(from, fresh);
      const rows = Object.fromEntries(report.map((r) => [r.table, r.rows]));
      expect(rows.events).toBeGreaterThan(20);
      expect(rows.timers).toBeGreaterThan(0);
      expect(rows.denials).toBeGreaterThan(0);
      expect(rows.units).toBeGreaterThan(0);

      const [source, copy] = [await verifyLog(from), await verifyLog(fresh)];
      expect(source).toEqual({ ok: true, checkedEvents: rows.events });
      expect(copy).toEqual(source);
      expect(await headOf(fresh)).toEqual(await headOf(from));

      // Every table holds the same rows.
      for (const { table } of report) {
        const all = `SELECT * FROM ${table}`;
        const [a, b] = [await from.$port.query(all), await fresh.$port.query(all)];
        const key = (r: unknown) => JSON.stringify(r);
        expect(b.map(key).sort(), table).toEqual(a.map(key).sort());
      }

      // The public search is each dialect's own table: written anew from the copied public rows.
      expect(rows.public_challenges).toBeGreaterThan(0);
      expect(await reindexPublicSearch(fresh)).toBe(rows.public_challenges);

      // The service on the copy: the parties' tokens work, and the chains go on.
      const before = await headOf(fresh);
      const app = await buildApp({
        config: { dbPath: empty.location, adminToken: ADMIN_TOKEN, testClock: true, logLevel: 'silent', filesDir: dir },
        db: openDatabase(empty.location),
        clock: manualClock(new Date(sqlite.now())),
        scheduler: false,
        logger: false,
      });
      const reply = await app.inject({
        method: 'POST',
        url: '/api/v1/challenges/wlmq-2026-0001/events',
        headers: { authorization: `Bearer ${p.issuer}` },
        payload: { type: 'UPDATE', summary: '迁移后继续' },
      });
      const [published] = await fresh.$port.query<{ id: string; title: string }>(
        'SELECT id, title FROM public_challenges ORDER BY id LIMIT 1',
      );
      const word = [...(published?.title.match(/\p{Script=Han}+/u)?.[0] ?? '')].slice(0, 2).join('');
      const found = await app.inject({ method: 'GET', url: `/api/v1/public/challenges?q=${encodeURIComponent(word)}` });
      await app.close();
      expect(reply.statusCode, reply.body).toBe(200);
      expect(word).toHaveLength(2);
      expect((found.json() as { items: { id: string }[] }).items.map((i) => i.id)).toContain(published?.id);
      expect(await headOf(fresh)).toMatchObject({ globalSeq: (before?.globalSeq ?? 0) + 1 });
      expect(await verifyLog(fresh)).toEqual({ ok: true, checkedEvents: (rows.events ?? 0) + 1 });
    } finally {
      await fresh.$port.close();
      await empty.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
