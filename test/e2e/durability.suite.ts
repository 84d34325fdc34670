/**
 * Crash safety and graceful shutdown (issue 5), on a real server process and a real file.
 * - Kill test: under concurrent load, the process is killed with SIGKILL at a random moment, at
 *   least 20 times in one run, and restarted each time. Every acknowledged write (a 2xx answer
 *   the client received) must be in the log afterwards, and the whole log must verify: every
 *   hash recomputes, every challenge replays to each stored state and to its stored snapshot,
 *   and each challenge's version equals its number of events (no partial write).
 * - SIGTERM: requests in flight when the signal arrives are answered, the process exits 0 and the
 *   database is closed cleanly (SQLite: the WAL checkpointed and removed; PostgreSQL: every session
 *   ended by the service, none abandoned).
 * Verification is src/engine/audit/verify.ts, the same as `jiebang verify`.
 * Registered by durability.test.ts (SQLite) and postgres.test.ts.
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { expect, it, vi } from 'vitest';
import { isPostgresUrl, openDatabase } from '../../src/db/client.js';
import { verifyLog } from '../../src/engine/audit/verify.js';
import { createStore } from '../../src/engine/store.js';
import { startWorld, type World, worldDraft } from './world.js';

const KILLS = 20;
const WORKERS = 8;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A write the server acknowledged: the challenge, its version after the write, what it set. */
interface Acknowledged {
  challengeId: string;
  seq: number;
  summary: string | null;
}

async function post(world: World, path: string, token: string, body: unknown) {
  const res = await fetch(world.server.baseUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as { id: string; version: number } };
}

/** Sends writes until `stopped()`: mostly UPDATEs to known drafts, sometimes a new draft. */
async function worker(world: World, ids: string[], acked: Acknowledged[], stopped: () => boolean, n: number) {
  let i = 0;
  while (!stopped()) {
    i += 1;
    try {
      if (ids.length === 0 || i % 10 === 0) {
        const r = await post(world, '/api/v1/challenges', world.parties.issuer, worldDraft(world));
        if (r.status === 201) {
          ids.push(r.body.id);
          acked.push({ challengeId: r.body.id, seq: 1, summary: null });
        }
      } else {
        const id = ids[(n * 7 + i) % ids.length] as string;
        const summary = `w${n}-${i}-${Math.random().toString(36).slice(2)}`;
        const r = await post(world, `/api/v1/challenges/${id}/events`, world.parties.issuer, {
          type: 'UPDATE',
          summary,
        });
        if (r.status === 200) acked.push({ challengeId: id, seq: r.body.version, summary });
      }
    } catch {
      // The process died under this request: not acknowledged, so it may or may not be there.
      if (stopped()) return;
      await sleep(5);
    }
  }
}

/** Opens the file and checks every acknowledged write and the whole log. */
async function verifyFile(dbFile: string, acked: Acknowledged[]): Promise<{ events: number; challenges: number }> {
  const db = openDatabase(dbFile);
  try {
    const store = createStore(db);
    const rows = (await db.$port.query('SELECT id, version, snapshot FROM challenges')) as {
      id: string;
      version: number;
      snapshot: string;
    }[];
    // The whole log, as an auditor's `jiebang verify` checks it: every hash, the global chain and
    // its checkpoints, every replayed state and snapshot.
    const report = await verifyLog(db);
    expect(report.firstDivergence, 'verify').toBeUndefined();
    expect(report.ok).toBe(true);
    let events = 0;
    const bySeq = new Map<string, { payload: string }>();
    for (const c of rows) {
      const history = await store.history.all({ id: c.id });
      events += history.length;
      expect(history.length, `${c.id}: version = number of events`).toBe(c.version);
      for (const e of history) bySeq.set(`${c.id}#${e.seq}`, e);
    }
    expect(report.checkedEvents).toBe(events);
    for (const a of acked) {
      const row = bySeq.get(`${a.challengeId}#${a.seq}`);
      expect(row, `acknowledged ${a.challengeId} #${a.seq}`).toBeDefined();
      if (a.summary !== null) expect(JSON.parse(row?.payload ?? '{}').summary).toBe(a.summary);
    }
    return { events, challenges: rows.length };
  } finally {
    await db.$port.close();
  }
}

/** SIGKILLs under load: on SQLite (durability.test.ts) and on PostgreSQL (postgres.test.ts). */
export function crashTests(): void {
  it(`loses no acknowledged event through ${KILLS} SIGKILLs under concurrent load`, async ({ onTestFinished }) => {
    const world = await startWorld(onTestFinished);
    const ids: string[] = [];
    const acked: Acknowledged[] = [];
    let kills = 0;
    const started = performance.now();
    while (kills < KILLS) {
      let stopped = false;
      const workers = Array.from({ length: WORKERS }, (_, n) => worker(world, ids, acked, () => stopped, n));
      // A random moment: the load has run between 50 and 450 ms.
      await sleep(50 + Math.floor(Math.random() * 400));
      const exit = await world.server.stop('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      kills += 1;
      stopped = true;
      await Promise.all(workers);
      await world.server.start();
    }
    await world.server.stop('SIGTERM');
    const { events, challenges } = await verifyFile(world.server.dbFile, acked);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `crash: ${kills} SIGKILLs in ${seconds} s; ${acked.length} acknowledged writes, all present; ` +
        `the log holds ${events} events of ${challenges} challenges, every hash and replay verifies`,
    );
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(acked.length).toBeGreaterThan(KILLS);
  }, 240_000);
}

/**
 * What a clean close leaves. SQLite: no WAL (checkpointed into the file and removed at the last
 * connection's close). PostgreSQL: every session of the service ended by the service, none
 * abandoned — the server counts a session whose client vanished without saying goodbye (a
 * killed process) in `pg_stat_database.sessions_abandoned` (PostgreSQL 14+). A session's end is
 * counted before it leaves `pg_stat_activity`, so once the service (which names its sessions
 * `jiebang`) has none there, the count is final.
 */
async function expectClosedCleanly(location: string): Promise<void> {
  if (!isPostgresUrl(location)) {
    expect(existsSync(`${location}-wal`)).toBe(false);
    return;
  }
  const db = openDatabase(location);
  try {
    await vi.waitFor(
      async () => {
        const [row] = await db.$port.query<{ n: number }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'jiebang' AND pid <> pg_backend_pid()",
        );
        expect(row?.n).toBe(0);
      },
      { timeout: 5_000, interval: 50 },
    );
    const [ended] = await db.$port.query<{ sessions: number; abandoned: number }>(
      'SELECT sessions, sessions_abandoned AS abandoned FROM pg_stat_database WHERE datname = current_database()',
    );
    expect(ended?.sessions).toBeGreaterThan(0);
    expect(ended?.abandoned).toBe(0);
  } finally {
    await db.$port.close();
  }
}

/** SIGTERM: in-flight requests answered and kept, exit 0, the database closed cleanly. */
export function shutdownTests(): void {
  it('SIGTERM answers the requests in flight, exits 0 and closes the database cleanly', async ({ onTestFinished }) => {
    const world = await startWorld(onTestFinished);
    const first = await post(world, '/api/v1/challenges', world.parties.issuer, worldDraft(world));
    expect(first.status).toBe(201);
    const id = first.body.id;
    const acked: Acknowledged[] = [{ challengeId: id, seq: 1, summary: null }];
    // 100 requests, each on its own connection, fully written to the socket before the signal:
    // in flight for certain, whatever the server has read of them yet.
    const { port } = new URL(world.server.baseUrl);
    const sent: Promise<void>[] = [];
    const answers = Array.from({ length: 100 }, (_, i) => {
      const summary = `t${i}`;
      const body = JSON.stringify({ type: 'UPDATE', summary });
      return new Promise<number | string>((resolve) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `/api/v1/challenges/${id}/events`,
            agent: false,
            headers: {
              authorization: `Bearer ${world.parties.issuer}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => {
              text += chunk.toString();
            });
            res.on('end', () => {
              if (res.statusCode === 200)
                acked.push({ challengeId: id, seq: (JSON.parse(text) as { version: number }).version, summary });
              resolve(res.statusCode ?? 0);
            });
          },
        );
        req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
        sent.push(new Promise<void>((done) => req.on('finish', () => done())));
        req.end(body);
      });
    });
    await Promise.all(sent);
    const exit = await world.server.stop('SIGTERM');
    const outcomes = await Promise.all(answers);
    expect(exit, world.server.log()).toEqual({ code: 0, signal: null });
    // Every request in flight when the signal came was answered and its write kept.
    expect(outcomes).toEqual(outcomes.map(() => 200));
    await expectClosedCleanly(world.server.dbFile);
    await verifyFile(world.server.dbFile, acked);
    expect(acked).toHaveLength(101);
    console.log(
      `shutdown: all ${outcomes.length} requests in flight at SIGTERM answered 200 and kept; exit 0, database closed`,
    );
  }, 120_000);
}
