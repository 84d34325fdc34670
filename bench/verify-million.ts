/**
 * npm run bench:verify — `jiebang verify` over a log of 1,000,000 events: its rate, time and
 * peak memory (it must stay under 300 MB however long the log).
 *
 * The database is built quickly but honestly: the golden histories (test/fixtures/golden/, every
 * path through the nine stages, recorded through the real API) are cloned round-robin into new
 * challenges, each with its own id, so every clone has its own hashes, global chain links and
 * snapshot. Rows are inserted directly in large transactions; verify then recomputes every hash
 * and replays every event through the machine as it would on a real log.
 *
 * Usage: npm run bench:verify [-- EVENTS]   (default 1000000)
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChallengeSnapshot } from '../machines/challenge/machine.js';
import { stageOf } from '../machines/challenge/stage.js';
import { openDatabase } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { sqliteClientOf } from '../src/db/sqlite/open.js';
import { headText, listChanges } from '../src/db/stored-snapshot.js';
import { canonicalJson, GENESIS_HASH, globalChainHash, storedRowHash } from '../src/engine/canonical.js';
import { loadGoldens } from '../test/golden/golden.js';

const target = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'jiebang-bench-verify-'));
const file = join(dir, 'million.db');

async function build(): Promise<{ events: number; challenges: number; seconds: number }> {
  const started = performance.now();
  const db = openDatabase(file);
  await migrateDatabase(db, new Date().toISOString());
  const sqlite = sqliteClientOf(db);
  sqlite.pragma('synchronous = OFF');
  const insertChallenge = sqlite.prepare(
    `INSERT INTO challenges (id, programme_id, number, kind, domain, title, issuer_unit, district_unit, stage, snapshot,
       version, head_hash, machine_version, created_at, updated_at)
     VALUES (@id, 'wlmq-2026', @number, @kind, @domain, @title, @issuerUnit, @districtUnit, @stage, @snapshot,
       @version, @headHash, @machineVersion, @createdAt, @updatedAt)`,
  );
  const insertListItem = sqlite.prepare(
    'INSERT INTO challenge_list_items (challenge_id, list, idx, item) VALUES (@challengeId, @list, @idx, @item)',
  );
  const insertEvent = sqlite.prepare(
    `INSERT INTO events (challenge_id, seq, type, payload, facts, actor, at, machine_version, state_after, prev_hash, hash, global_hash)
     VALUES (@challengeId, @seq, @type, @payload, @facts, @actor, @at, @machineVersion, @stateAfter, @prevHash, @hash, @globalHash)`,
  );
  const templates = loadGoldens().map((g) => {
    const snapshot = JSON.parse(g.head.snapshot) as {
      value: never;
      context: Record<string, unknown> & { draft: Record<string, string> };
    };
    return { g, snapshot, create: JSON.parse((g.events[0] as { payload: string }).payload) as Record<string, unknown> };
  });

  let events = 0;
  let challenges = 0;
  let globalHash = GENESIS_HASH;
  /** Round-robin over the paths; near the target, the longest history that still fits. */
  const pick = (left: number) => {
    const next = templates[challenges % templates.length] as (typeof templates)[number];
    if (next.g.events.length <= left) return next;
    return templates.filter((t) => t.g.events.length <= left).sort((a, b) => b.g.events.length - a.g.events.length)[0];
  };
  const batch = sqlite.transaction((count: number) => {
    for (let i = 0; i < count; i++) {
      const t = pick(target - events);
      if (!t) return;
      challenges += 1;
      const id = `bench-${String(challenges).padStart(7, '0')}`;
      const ctx = t.snapshot.context;
      const rows = t.g.events.map((e) => ({ ...e, challengeId: id }));
      // The CREATE event names the challenge; everything after it is the template's, rehashed.
      (rows[0] as { payload: string }).payload = canonicalJson({ ...t.create, id });
      let prev = GENESIS_HASH;
      for (const row of rows) {
        row.prevHash = prev;
        row.hash = storedRowHash(prev, row);
        prev = row.hash;
      }
      const last = rows.at(-1) as (typeof rows)[number];
      // Stored as the engine stores it: the head, and each list element in its own row.
      const snapshot = { value: t.snapshot.value, context: { ...ctx, id } } as unknown as ChallengeSnapshot;
      insertChallenge.run({
        id,
        number: challenges,
        kind: ctx.kind,
        domain: ctx.draft.domain,
        title: ctx.draft.title,
        issuerUnit: ctx.draft.issuerUnit,
        districtUnit: ctx.draft.districtUnit,
        stage: stageOf(t.snapshot.value),
        snapshot: headText(snapshot),
        version: rows.length,
        headHash: last.hash,
        machineVersion: last.machineVersion,
        createdAt: (rows[0] as { at: string }).at,
        updatedAt: last.at,
      });
      for (const item of listChanges(null, snapshot).upserts) insertListItem.run({ challengeId: id, ...item });
      for (const row of rows) {
        globalHash = globalChainHash(globalHash, row.hash);
        insertEvent.run({ ...row, globalHash });
      }
      events += rows.length;
    }
  });
  while (events < target) {
    const before = events;
    batch(2000);
    if (events === before) break; // what is left is shorter than any history
    process.stderr.write(`\rbuilding: ${events} events`);
  }
  process.stderr.write('\n');
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  return { events, challenges, seconds: (performance.now() - started) / 1000 };
}

function verify(): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'verify', '--db', file, '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out) as Record<string, unknown>);
      } catch {
        reject(new Error(`verify printed no report: ${out}`));
      }
    });
  });
}

try {
  const built = await build();
  const mb = Math.round(statSync(file).size / 1024 / 1024);
  console.log(
    `built ${built.events} events in ${built.challenges} challenges (${mb} MB) in ${built.seconds.toFixed(1)} s`,
  );
  const report = await verify();
  console.log(
    `jiebang verify: ok=${report.ok}, ${report.checkedEvents} events in ${report.seconds} s = ${report.eventsPerSecond} events/s, peak RSS ${report.peakRssMb} MB`,
  );
  if (!report.ok) console.log(JSON.stringify(report.firstDivergence));
} finally {
  if (process.env.BENCH_KEEP) console.log(`kept ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}
