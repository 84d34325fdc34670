/**
 * Auditors' reads over the real app: history with facts, point-in-time state, and verify
 * naming the exact challenge and seq of a tampered, deleted or reordered event.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlParams } from '../../src/db/client.js';
import { LIST_ROWS_SQL, type ListItemRow, storedSnapshot } from '../../src/db/stored-snapshot.js';
import { storedRowHash } from '../../src/engine/canonical.js';
import { divergenceSchema, stateSchema, verifySchema } from '../../src/http/routes/audit.js';
import { type Parties, registerParties, UNITS } from '../helpers/fixtures.js';
import { asForger, type ForgerSql } from '../helpers/forge.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

const sql = () => h.app.jiebang.db.$port;
const forge = (edit: (sql: ForgerSql) => Promise<unknown>) => asForger(h.app.jiebang.db, edit);
const verifyAll = async () => (await h.request('GET', '/api/v1/audit/verify', p.auditor)).body;
const verifyOne = async (id: string) => (await h.request('GET', `/api/v1/challenges/${id}/verify`, p.auditor)).body;

/** An events row as the database holds it. */
interface Row {
  global_seq: number;
  challenge_id: string;
  seq: number;
  type: string;
  payload: string;
  facts: string | null;
  actor: string;
  at: string;
  machine_version: string;
  state_after: string;
  prev_hash: string;
  hash: string;
  global_hash: string;
}
const rowsOf = (id: string) => sql().query<Row>('SELECT * FROM events WHERE challenge_id = ? ORDER BY seq', [id]);
const one = async <R>(text: string, params?: SqlParams) => (await sql().query<R>(text, params))[0] as R;

/** Two challenges whose events interleave in the log, one taken into matching. */
async function twoChallenges() {
  const a = await new ChallengeDriver(h, p).create();
  const b = await new ChallengeDriver(h, p).create();
  await a.toMatching();
  await b.submit();
  return { a, b };
}

describe('history and point-in-time state', () => {
  it('shows auditors every event with the facts its guards read', async () => {
    const { a } = await twoChallenges();
    const history = await h.request('GET', `/api/v1/challenges/${a.id}/history`, p.auditor);
    expect(history.status).toBe(200);
    const submit = history.body.items.find((e: { type: string }) => e.type === 'SUBMIT');
    // The issuer's registry entry as it stood when SUBMIT was decided.
    expect(submit.facts.units[UNITS.issuer]).toMatchObject({ registered: true });
    expect(history.body.items.map((e: { seq: number }) => e.seq)).toEqual((await rowsOf(a.id)).map((r) => r.seq));
  });

  it('rebuilds the state after every seq and at every timestamp of a long history', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.toManagement();
    await s.reportProgress('bid-1', 'M1', '完成设计');
    await s.runOutThePeriod();
    await s.submitFinalReport('bid-1', 'final-report');
    await s.decideAcceptance('passed', '验收通过');
    const rows = await rowsOf(s.id);
    expect(rows.length).toBeGreaterThan(25);

    for (const row of rows) {
      const bySeq = await h.request('GET', `/api/v1/challenges/${s.id}/state?seq=${row.seq}`, p.auditor);
      expect(bySeq.status).toBe(200);
      expect(bySeq.body.seq).toBe(row.seq);
      expect(bySeq.body.at).toBe(row.at);
      expect(bySeq.body.state).toEqual(JSON.parse(row.state_after));
      // The documented shape exactly: no missing and no undocumented field.
      expect(() => stateSchema.strict().parse(bySeq.body)).not.toThrow();
    }
    // Several events share an instant (the test clock stands still between sends): asOf gives
    // the state after the last of them.
    for (const row of rows) {
      const asOf = encodeURIComponent(row.at);
      const byTime = await h.request('GET', `/api/v1/challenges/${s.id}/state?asOf=${asOf}`, p.bureau);
      const last = rows.filter((r) => Date.parse(r.at) <= Date.parse(row.at)).at(-1) as Row;
      expect(byTime.status).toBe(200);
      expect(byTime.body.seq).toBe(last.seq);
      expect(byTime.body.state).toEqual(JSON.parse(last.state_after));
    }
    // The same instant written with a +08:00 offset is the same point.
    const beijing = new Date(Date.parse((rows[0] as Row).at) + 8 * 3600_000).toISOString().replace('Z', '+08:00');
    const first = await h.request(
      'GET',
      `/api/v1/challenges/${s.id}/state?asOf=${encodeURIComponent(beijing)}`,
      p.auditor,
    );
    const sameInstant = rows.filter((r) => r.at === (rows[0] as Row).at).at(-1) as Row;
    expect(first.body.seq).toBe(sameInstant.seq);
    // One millisecond before the first event, the challenge did not exist.
    const before = new Date(Date.parse((rows[0] as Row).at) - 1).toISOString();
    expect((await h.request('GET', `/api/v1/challenges/${s.id}/state?asOf=${before}`, p.auditor)).status).toBe(404);

    const stored = await storedSnapshot(
      (await one<{ snapshot: string }>('SELECT snapshot FROM challenges WHERE id = ?', [s.id])).snapshot,
      (id) => sql().query<ListItemRow>(LIST_ROWS_SQL, [id]),
    );
    const end = await h.request('GET', `/api/v1/challenges/${s.id}/state?seq=${rows.length}`, p.auditor);
    expect(end.body).toMatchObject({ stage: 'closed', state: 'closed' });
    expect(end.body.context).toEqual(stored.context);
  });

  it('answers 400 without exactly one of seq and asOf, 404 outside the history, 403 to other roles', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const url = `/api/v1/challenges/${s.id}/state`;
    expect((await h.request('GET', url, p.auditor)).status).toBe(400);
    expect((await h.request('GET', `${url}?seq=1&asOf=2026-05-06T10:00:00%2B08:00`, p.auditor)).status).toBe(400);
    expect((await h.request('GET', `${url}?seq=0`, p.auditor)).status).toBe(400);
    expect((await h.request('GET', `${url}?asOf=yesterday`, p.auditor)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await h.request('GET', `${url}?seq=2`, p.auditor)).body.error.code).toBe('NOT_FOUND');
    const before = await h.request('GET', `${url}?asOf=2026-01-01T00:00:00Z`, p.auditor);
    expect(before.status).toBe(404);
    expect(before.body.error.message_zh).toContain('尚无状态');
    expect((await h.request('GET', '/api/v1/challenges/none/state?seq=1', p.auditor)).status).toBe(404);
    expect((await h.request('GET', `${url}?seq=1`, p.issuer)).status).toBe(403);
    expect((await h.request('GET', `/api/v1/challenges/${s.id}/verify`, p.bureau)).status).toBe(403);
    expect((await h.request('GET', '/api/v1/audit/verify', p.issuer)).status).toBe(403);
  });

  it('documents the audit routes in the OpenAPI document', async () => {
    const doc = (await h.request('GET', '/docs/json', p.auditor)).body;
    expect(doc.paths['/api/v1/challenges/{id}/state'].get.parameters.map((x: { name: string }) => x.name)).toEqual(
      expect.arrayContaining(['id', 'seq', 'asOf']),
    );
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/challenges/{id}/verify', '/api/v1/audit/verify']),
    );
  });
});

describe('verify', () => {
  it('passes an untouched log and counts every event', async () => {
    const { a, b } = await twoChallenges();
    const total = (await one<{ n: number }>('SELECT count(*) AS n FROM events')).n;
    expect(await verifyAll()).toEqual({ ok: true, checkedEvents: total });
    expect(await verifyOne(a.id)).toEqual({ ok: true, checkedEvents: (await rowsOf(a.id)).length });
    expect(await verifyOne(b.id)).toEqual({ ok: true, checkedEvents: (await rowsOf(b.id)).length });
  });

  it('names the challenge and seq of an event with one byte edited', async () => {
    const { a } = await twoChallenges();
    const row = (await rowsOf(a.id))[2] as Row;
    expect(row.type).toBe('ATTACH');
    // One byte of the attachment's hash, as a forger would change a document's fingerprint.
    const i = row.payload.indexOf('"sha256":"') + 10;
    const edited = row.payload.slice(0, i) + (row.payload[i] === '0' ? '1' : '0') + row.payload.slice(i + 1);
    await forge((f) => f.run('UPDATE events SET payload = ? WHERE global_seq = ?', [edited, row.global_seq]));
    for (const report of [await verifyAll(), await verifyOne(a.id)]) {
      expect(() =>
        verifySchema.extend({ firstDivergence: divergenceSchema.strict() }).strict().parse(report),
      ).not.toThrow();
      expect(report.ok).toBe(false);
      expect(report.firstDivergence).toMatchObject({ challengeId: a.id, seq: 3, check: 'hash' });
    }
    await forge((f) => f.run('UPDATE events SET payload = ? WHERE global_seq = ?', [row.payload, row.global_seq]));
    expect((await verifyAll()).ok).toBe(true);
  });

  it('names the challenge and seq of a deleted event, in the middle or at the end', async () => {
    const { a, b } = await twoChallenges();
    const middle = (await rowsOf(a.id))[4] as Row;
    const lastOfB = (await rowsOf(b.id)).at(-1) as Row;
    const full = (g: number) => one<Record<string, unknown>>('SELECT * FROM events WHERE global_seq = ?', [g]);
    const saved = [await full(middle.global_seq), await full(lastOfB.global_seq)];
    await forge((f) => f.run('DELETE FROM events WHERE global_seq = ?', [middle.global_seq]));
    expect((await verifyAll()).firstDivergence).toMatchObject({ challengeId: a.id, seq: 5, check: 'sequence' });
    expect((await verifyOne(a.id)).firstDivergence).toMatchObject({ challengeId: a.id, seq: 5, check: 'sequence' });
    await forge((f) => f.run('DELETE FROM events WHERE global_seq = ?', [lastOfB.global_seq]));
    expect((await verifyOne(b.id)).firstDivergence).toMatchObject({
      challengeId: b.id,
      seq: lastOfB.seq,
      check: 'sequence',
    });
    // Put the rows back, as they were, for the harness's own replay check.
    await forge(async (f) => {
      for (const r of saved) {
        const columns = Object.keys(r);
        await f.run(
          `INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
          r as SqlParams,
        );
      }
    });
    expect((await verifyAll()).ok).toBe(true);
  });

  it('names the challenge and seq where two events of a challenge were swapped', async () => {
    const { a } = await twoChallenges();
    const [third, fourth] = (await rowsOf(a.id)).slice(2, 4) as [Row, Row];
    const setSeq = 'UPDATE events SET seq = ? WHERE global_seq = ?';
    await forge(async (f) => {
      await f.run(setSeq, [-1, third.global_seq]);
      await f.run(setSeq, [third.seq, fourth.global_seq]);
      await f.run(setSeq, [fourth.seq, third.global_seq]);
    });
    expect((await verifyAll()).firstDivergence).toMatchObject({ challengeId: a.id, seq: 3 });
    expect((await verifyOne(a.id)).firstDivergence).toMatchObject({ challengeId: a.id, seq: 3 });
    // Swap back: seq 3 now holds the old fourth event, so the same swap restores both.
    const [t2, f2] = (await rowsOf(a.id)).slice(2, 4) as [Row, Row];
    await forge(async (f) => {
      await f.run(setSeq, [-1, t2.global_seq]);
      await f.run(setSeq, [t2.seq, f2.global_seq]);
      await f.run(setSeq, [f2.seq, t2.global_seq]);
    });
    expect((await verifyAll()).ok).toBe(true);
  });

  it('catches a reorder of the whole log that leaves every challenge intact, through the global chain', async () => {
    const { a, b } = await twoChallenges();
    const x = (await rowsOf(a.id))[2] as Row;
    const y = (await rowsOf(b.id))[1] as Row;
    expect(y.global_seq).toBeGreaterThan(x.global_seq);
    const setGlobal = 'UPDATE events SET global_seq = ? WHERE global_seq = ?';
    const swap = () =>
      forge(async (f) => {
        await f.run(setGlobal, [-1, x.global_seq]);
        await f.run(setGlobal, [x.global_seq, y.global_seq]);
        await f.run(setGlobal, [y.global_seq, -1]);
      });
    await swap();
    // The event now at x's place in the log is b's second: the chain breaks there.
    expect((await verifyAll()).firstDivergence).toMatchObject({
      challengeId: b.id,
      seq: 2,
      globalSeq: x.global_seq,
      check: 'globalHash',
    });
    expect((await verifyOne(b.id)).firstDivergence).toMatchObject({ challengeId: b.id, seq: 2, check: 'globalHash' });
    await swap();
    expect((await verifyAll()).ok).toBe(true);
  });

  it("catches a forger who rewrites one challenge's whole chain consistently, through the global chain", async () => {
    const { a } = await twoChallenges();
    const rows = await rowsOf(a.id);
    const originals = rows.map((r) => ({ ...r }));
    const update = 'UPDATE events SET payload = ?, facts = ?, prev_hash = ?, hash = ? WHERE global_seq = ?';
    // The forger edits the payload and the facts alike (the upload fact names the file's hash).
    const rewrite = (list: Row[], edit: (text: string, r: Row) => string) =>
      forge(async (f) => {
        let prev = '0'.repeat(64);
        for (const r of list) {
          const payload = edit(r.payload, r);
          const facts = r.facts === null ? null : edit(r.facts, r);
          const hash = storedRowHash(prev, {
            challengeId: r.challenge_id,
            seq: r.seq,
            type: r.type,
            payload,
            facts,
            actor: r.actor,
            at: r.at,
            machineVersion: r.machine_version,
            stateAfter: r.state_after,
          });
          await f.run(update, [payload, facts, prev, hash, r.global_seq]);
          prev = hash;
        }
        await f.run('UPDATE challenges SET head_hash = ? WHERE id = ?', [prev, a.id]);
      });
    // The forger changes an attachment's fingerprint in event 3, rehashes the challenge's chain
    // and patches the snapshot (its head and its attachments' rows) to match: the challenge alone
    // checks out, the global chain does not.
    const original = (rows[2] as Row).payload;
    const sha = (JSON.parse(original) as { sha256: string }).sha256;
    const forged = `f${sha.slice(1)}`;
    const setSnapshot = async (from: string, to: string) => {
      const { snapshot } = await one<{ snapshot: string }>('SELECT snapshot FROM challenges WHERE id = ?', [a.id]);
      await sql().run('UPDATE challenges SET snapshot = ? WHERE id = ?', [snapshot.replaceAll(from, to), a.id]);
      await sql().run('UPDATE challenge_list_items SET item = replace(item, ?, ?) WHERE challenge_id = ?', [
        from,
        to,
        a.id,
      ]);
    };
    await rewrite(rows, (text, r) => (r.seq === 3 ? text.replace(sha, forged) : text));
    await setSnapshot(sha, forged);
    expect(sha).not.toBe(forged);
    const report = await verifyAll();
    expect(report.firstDivergence).toMatchObject({ challengeId: a.id, seq: 3, check: 'globalHash' });
    await rewrite(originals, (text) => text);
    await setSnapshot(forged, sha);
    expect((await verifyAll()).ok).toBe(true);
  });

  it('names a challenge whose row was deleted while its events remain', async () => {
    const { b } = await twoChallenges();
    const row = await one<Record<string, unknown>>('SELECT * FROM challenges WHERE id = ?', [b.id]);
    const timers = await sql().query<Record<string, unknown>>('SELECT * FROM timers WHERE challenge_id = ?', [b.id]);
    await forge(async (f) => {
      await f.run('DELETE FROM timers WHERE challenge_id = ?', [b.id]);
      await f.run('DELETE FROM challenges WHERE id = ?', [b.id]);
    });
    expect((await verifyAll()).firstDivergence).toMatchObject({ challengeId: b.id, seq: 1, check: 'head' });
    await forge(async (f) => {
      for (const [table, r] of [['challenges', row], ...timers.map((t) => ['timers', t] as const)] as const) {
        const columns = Object.keys(r);
        await f.run(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
          r as SqlParams,
        );
      }
    });
    expect((await verifyAll()).ok).toBe(true);
  });

  it('records a checkpoint of the global head for each day that had events, and checks it', async () => {
    const a = await new ChallengeDriver(h, p).create();
    const firstDayHead = await one<{ global_seq: number; global_hash: string }>(
      'SELECT global_seq, global_hash FROM events ORDER BY global_seq DESC LIMIT 1',
    );
    await h.at('2026-05-08T09:00:00+08:00');
    await a.ok(p.issuer, { type: 'UPDATE', title: '第二天修改' });
    await h.at('2026-05-09T09:00:00+08:00');
    await a.ok(p.issuer, { type: 'UPDATE', title: '第三天修改' });
    const checkpoints = await sql().query<Record<string, unknown>>('SELECT * FROM checkpoints ORDER BY day');
    expect(checkpoints.map((c) => c.day)).toEqual(['2026-05-06', '2026-05-08']);
    expect(checkpoints[0]).toMatchObject({
      global_seq: firstDayHead.global_seq,
      global_hash: firstDayHead.global_hash,
    });
    expect((await verifyAll()).ok).toBe(true);
    await expect(sql().run("UPDATE checkpoints SET global_hash = 'x'")).rejects.toThrow(/append-only/);

    await forge((f) => f.run("UPDATE checkpoints SET global_hash = ? WHERE day = '2026-05-06'", ['0'.repeat(64)]));
    expect((await verifyAll()).firstDivergence).toMatchObject({
      check: 'checkpoint',
      globalSeq: firstDayHead.global_seq,
    });
    await forge((f) =>
      f.run("UPDATE checkpoints SET global_hash = ? WHERE day = '2026-05-06'", [firstDayHead.global_hash]),
    );
  });
});
