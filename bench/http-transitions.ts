/**
 * npm run bench — accepted transitions per second over HTTP, with p50/p99 latency, each figure
 * beside a bare Fastify route measured in the same run on the same machine (issue 15). Every
 * request is a real transition: hash-chained event, snapshot, timers, a commit. The service runs
 * as a child process (bench/engine-server.ts: `jiebang serve` with group commit switchable), so
 * it and the load generator each get a core.
 *
 * Figures, in order:
 *  1. the bare Fastify route;
 *  2. transitions at synchronous=NORMAL (the default), group commit;
 *  3. the same challenges again, their histories now long (flat in history length);
 *  4. synchronous=FULL with group commit, and FULL with one commit per request;
 *  5. OBJECT on challenges in the announcement with no objections, then with 1,000
 *     (bench/announcements.ts walks them there through the API);
 *  6. 100 warm challenges, then 100,000 cold ones (copies of one created through the API,
 *     bench/clone-challenges.ts), each request to a challenge not yet in the snapshot cache;
 *  7. PostgreSQL (when one answers at BENCH_POSTGRES_URL, default 127.0.0.1:5432): one process,
 *     then two processes on the same database;
 *  8. `jiebang verify` events/s over a log built from the golden histories (bench/verify-million.ts).
 * Beside requests a second, each row gives the server's CPU time per request (from /proc), which
 * hardly depends on what else the machine runs. The machine's load average is printed at the
 * start and the end: on a shared machine compare each figure with the bare route of the same
 * run, not across runs (docs/performance.md).
 *
 * Options (env): BENCH_CONNECTIONS (50), BENCH_SECONDS (10), BENCH_COLD (100000),
 * BENCH_VERIFY_EVENTS (200000), BENCH_POSTGRES_URL, BENCH_CONTEXT (1000), BENCH_ONLY (comma list
 * of: normal, full, context, cold, postgres, verify).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { wlmq2026 } from '../machines/programme.js';
import { withCheckCharacter } from '../src/registry/uscc.js';
import { announcements, objection } from './announcements.js';
import { startChild as startServerChild } from './child-server.js';
import { cloneChallenge } from './clone-challenges.js';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const coldCount = Number(process.env.BENCH_COLD ?? 100_000);
const contextSize = Number(process.env.BENCH_CONTEXT ?? 1000);
const contextChallenges = 5;
const verifyEvents = Number(process.env.BENCH_VERIFY_EVENTS ?? 200_000);
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const only = process.env.BENCH_ONLY?.split(',');
const wants = (part: string) => !only || only.includes(part);
const admin = 'bench-admin-token-0123456789';

/** Several loads of the same kind as one: CPU per request over all, requests a second by total time. */
function pooled(figures: readonly Figures[]): Figures {
  const requests = (f: Figures) => f.ok + f.failed;
  const total = figures.reduce((n, f) => n + requests(f), 0);
  const seconds = figures.reduce((t, f) => t + requests(f) / f.rps, 0);
  const withCpu = figures.every((f) => f.cpuUs !== undefined);
  return {
    ...(withCpu ? { cpuUs: figures.reduce((t, f) => t + (f.cpuUs as number) * requests(f), 0) / total } : {}),
    rps: total / seconds,
    p50: Math.max(...figures.map((f) => f.p50)),
    p99: Math.max(...figures.map((f) => f.p99)),
    ok: figures.reduce((n, f) => n + f.ok, 0),
    failed: figures.reduce((n, f) => n + f.failed, 0),
  };
}

/**
 * How much more `many` costs than `none`: the server's CPU per request (which hardly depends on
 * what else runs), and the requests a second beside it.
 */
function costRatio(none: Figures, many: Figures): string {
  const cpu = none.cpuUs && many.cpuUs ? `${(many.cpuUs / none.cpuUs).toFixed(2)}× in CPU per request, ` : '';
  return `${cpu}${(none.rps / many.rps).toFixed(2)}× in requests a second:`;
}

async function call(url: string, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Registers a unit and an issuer token, and creates `count` draft challenges. */
async function prepare(url: string, count: number): Promise<{ token: string; ids: string[] }> {
  const unit = withCheckCharacter('91650100000000001');
  const district = withCheckCharacter('11650102000000002');
  await call(url, 'PUT', `/api/v1/units/${unit}`, admin, {
    name: '基准测试企业',
    type: 'enterprise',
    inCity: true,
    legalPerson: true,
  });
  await call(url, 'PUT', `/api/v1/units/${district}`, admin, {
    name: '某区科技局',
    type: 'districtDept',
    inCity: true,
    legalPerson: true,
  });
  const { token } = (await call(url, 'POST', '/api/v1/tokens', admin, { role: 'issuer', unit, label: 'bench' })) as {
    token: string;
  };
  // The guide's own window is over by now: run under a copy whose submission window is open.
  const day = 86_400_000;
  const now = Date.now();
  await call(url, 'PUT', '/api/v1/programmes/bench', admin, {
    ...wlmq2026,
    submission: { opensAt: new Date(now - day).toISOString(), closesAt: new Date(now + 365 * day).toISOString() },
    recommendationClosesAt: new Date(now + 370 * day).toISOString(),
  });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const view = await call(url, 'POST', '/api/v1/challenges', token, {
      programmeId: 'bench',
      kind: 'techBreakthrough',
      domain: 'equipment',
      title: `基准榜单 ${i}`,
      issuerUnit: unit,
      districtUnit: district,
    });
    ids.push(view.id as string);
  }
  return { token, ids };
}

/** Each server's process id by its URL, to read its CPU time around a load. */
const pids = new Map<string, number>();
async function startChild(...args: Parameters<typeof startServerChild>) {
  const child = await startServerChild(...args);
  pids.set(child.url, child.pid);
  return child;
}

/**
 * CPU seconds the process has used (user + system, /proc/<pid>/stat): unlike requests a second,
 * the server's CPU time per request hardly depends on what else the machine runs.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ, 100 on Linux)
  } catch {
    return undefined;
  }
}

/**
 * Waits until the server has done its start-up work (on a large database: rebuilding a missing
 * projection, planning reminders for every pending deadline, batch by batch): until a second
 * passes in which it used under a tenth of a second of CPU. Answers the CPU seconds it used.
 */
async function settled(pid: number): Promise<number> {
  const first = cpuSeconds(pid) ?? 0;
  let last = first;
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuSeconds(pid) ?? last;
    if (now - last < 0.1) break;
    last = now;
  }
  return (cpuSeconds(pid) ?? last) - first;
}

interface Figures {
  /** The server's CPU time per answered request, µs (when /proc tells). */
  cpuUs?: number;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
}

/**
 * Loads `url` with POSTs for `seconds`: connection c sends its k-th request to `pathFor(c, k)`.
 * Each connection keeps to its own challenges, so no two requests race for a version.
 */
async function load(
  url: string,
  pathFor: (connection: number, k: number) => string,
  headers: Record<string, string>,
  body: (n: number) => string,
  connectionCount = connections,
  offset = 0,
  durationSeconds = seconds,
  amount?: number,
): Promise<Figures> {
  // autocannon gives each request of a connection a fresh context (it resets it whenever its list
  // of requests starts again, i.e. before every request here), so a connection's slot is handed
  // from its answer to its next request: both run in one synchronous turn of that connection.
  let handoff: number | undefined;
  let fresh = 0;
  const sentBySlot: number[] = [];
  let n = 0;
  let firstFailure: string | undefined;
  const cpuBefore = cpuSeconds(pids.get(url));
  const result = await autocannon({
    url,
    connections: connectionCount,
    // A loaded, shared machine can hold an answer for seconds: a late answer is slow, not lost.
    timeout: 60,
    ...(amount === undefined ? { duration: durationSeconds } : { amount }),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        setupRequest: (req, context) => {
          const connection = context as { slot?: number };
          connection.slot ??= handoff ?? offset + fresh++;
          handoff = undefined;
          const k = sentBySlot[connection.slot] ?? 0;
          sentBySlot[connection.slot] = k + 1;
          n += 1;
          return { ...req, path: pathFor(connection.slot, k), body: body(n) };
        },
        onResponse: (status, responseBody, context) => {
          handoff = (context as { slot?: number }).slot;
          if (status >= 300 && firstFailure === undefined) firstFailure = `${status} ${responseBody.slice(0, 300)}`;
        },
      },
    ],
  });
  if (firstFailure) console.error(`first failed response: ${firstFailure}`);
  const cpuAfter = cpuSeconds(pids.get(url));
  const answered = result['2xx'] + result.non2xx;
  return {
    ...(cpuBefore !== undefined && cpuAfter !== undefined && answered > 0
      ? { cpuUs: ((cpuAfter - cpuBefore) * 1e6) / answered }
      : {}),
    // Requests over the run's own length: an `amount` run lasts a few seconds, too few for a per-second mean.
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/** Two seconds of the same load, not reported: a fresh server's JIT and caches warm up first. */
const warmUp = (url: string, pathFor: (connection: number, k: number) => string, headers: Record<string, string>) =>
  load(url, pathFor, headers, update, connections, 0, 2);

const update = (n: number) => JSON.stringify({ type: 'UPDATE', summary: `修订 ${n}` });
const eventsOf = (id: string) => `/api/v1/challenges/${id}/events`;

const rows: string[] = [];
let bareRps = 0;
let bareCpuUs: number | undefined;
let failures = 0;
function report(name: string, f: Figures, aim = '') {
  if (f.failed > 0) failures += f.failed;
  const ratio = bareRps > 0 ? (f.rps / bareRps).toFixed(3) : '—';
  const cpu =
    f.cpuUs === undefined
      ? ''
      : `  cpu ${f.cpuUs.toFixed(0).padStart(5)} µs/req${bareCpuUs ? ` (bare×${(f.cpuUs / bareCpuUs).toFixed(1)})` : ''}`;
  const line = `${name.padEnd(44)} ${f.rps.toFixed(0).padStart(7)}/s  ×bare ${ratio.padStart(5)}${cpu}  p50 ${String(f.p50).padStart(3)} ms  p99 ${String(f.p99).padStart(4)} ms  ${f.ok} ok, ${f.failed} failed${aim ? `  ${aim}` : ''}`;
  rows.push(line);
  console.log(line);
}
const note = (line: string) => {
  rows.push(line);
  console.log(line);
};
const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** A SQLite service on a fresh file in `dir`. */
const sqliteServer = (dir: string, env: Record<string, string> = {}) =>
  startChild(
    'bench/engine-server.ts',
    // The bench measures throughput, not the per-token rate limit (docs/security.md).
    {
      JIEBANG_DB: join(dir, 'bench.db'),
      JIEBANG_ADMIN_TOKEN: admin,
      LOG_LEVEL: 'warn',
      JIEBANG_RATE_LIMIT: '1000000',
      ...env,
    },
    '/health',
  );

async function bare() {
  const server = await startChild('bench/bare-fastify.ts', {}, '/health');
  try {
    const f = await load(server.url, (c) => `/echo/c${c}`, {}, update);
    bareRps = f.rps;
    bareCpuUs = f.cpuUs;
    report('bare Fastify route (same JSON body)', f);
  } finally {
    await server.stop();
  }
}

/** NORMAL, then the same challenges again with their histories grown. */
async function normal(dir: string): Promise<number> {
  const server = await sqliteServer(dir, { JIEBANG_SYNCHRONOUS: 'normal' });
  try {
    const { token, ids } = await prepare(server.url, connections);
    const auth = { authorization: `Bearer ${token}` };
    await warmUp(server.url, (c) => eventsOf(ids[c % ids.length] as string), auth);
    const first = await load(server.url, (c) => eventsOf(ids[c % ids.length] as string), auth, update);
    report('transitions, synchronous=NORMAL, group commit', first, '(aim ≥ 0.25× bare, p99 ≤ 20 ms)');
    const history = Math.round(first.ok / ids.length);
    const again = await load(server.url, (c) => eventsOf(ids[c % ids.length] as string), auth, update);
    report(`  same, histories now ~${history} events long`, again, '(aim: flat in history length)');
    return first.rps;
  } finally {
    await server.stop();
  }
}

async function full(dir: string) {
  const figures: Figures[] = [];
  for (const groupCommit of [true, false]) {
    const sub = mkdtempSync(join(dir, 'full-'));
    const server = await sqliteServer(sub, {
      JIEBANG_SYNCHRONOUS: 'full',
      BENCH_GROUP_COMMIT: groupCommit ? '1' : '0',
    });
    try {
      const { token, ids } = await prepare(server.url, connections);
      await warmUp(server.url, (c) => eventsOf(ids[c % ids.length] as string), { authorization: `Bearer ${token}` });
      const f = await load(
        server.url,
        (c) => eventsOf(ids[c % ids.length] as string),
        { authorization: `Bearer ${token}` },
        update,
      );
      figures.push(f);
      report(
        `transitions, synchronous=FULL, ${groupCommit ? 'group commit' : 'one commit per request'}`,
        f,
        groupCommit ? '' : `(group commit ×${((figures[0]?.rps ?? 0) / f.rps).toFixed(2)}; aim ≥ 2)`,
      );
    } finally {
      await server.stop();
    }
  }
}

/** 100 warm challenges, then `coldCount` cold ones: each request of the cold run meets a challenge for the first time. */
async function cold(dir: string) {
  const sub = mkdtempSync(join(dir, 'cold-'));
  let prepared: { token: string; ids: string[] };
  let server = await sqliteServer(sub);
  try {
    prepared = await prepare(server.url, 101);
  } finally {
    await server.stop();
  }
  const [template, ...warm] = prepared.ids as [string, ...string[]];
  const coldIds = Array.from({ length: coldCount }, (_, i) => `${template.slice(0, -8)}${String(i).padStart(8, '0')}`);
  const started = performance.now();
  cloneChallenge(join(sub, 'bench.db'), template, coldIds);
  console.log(`(copied ${coldCount} challenges in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  server = await sqliteServer(sub);
  try {
    const startUp = await settled(server.pid);
    console.log(`(the service's start-up work on ${coldCount + 101} challenges: ${startUp.toFixed(1)} s of CPU)`);
    const auth = { authorization: `Bearer ${prepared.token}` };
    await warmUp(server.url, (c, k) => eventsOf(warm[(c + connections * k) % warm.length] as string), auth);
    const warmFigures = await load(
      server.url,
      (c, k) => eventsOf(warm[(c + connections * k) % warm.length] as string),
      auth,
      update,
    );
    report(`transitions over ${warm.length} warm challenges`, warmFigures);
    // Connection c takes challenges c, c + connections, … : each once, none shared.
    const coldFigures = await load(
      server.url,
      (c, k) => eventsOf(coldIds[(c + connections * k) % coldIds.length] as string),
      auth,
      update,
    );
    report(
      `transitions over ${coldCount} cold challenges`,
      coldFigures,
      `(${(warmFigures.rps / coldFigures.rps).toFixed(2)}× the warm cost; aim ≤ 1.5)`,
    );
  } finally {
    await server.stop();
  }
}

/**
 * The same event (OBJECT, one more objection) on challenges in the announcement with none, then
 * on ones with `contextSize` already: each measured run adds `perChallenge` to each challenge.
 */
async function context(dir: string) {
  const sub = mkdtempSync(join(dir, 'context-'));
  const server = await sqliteServer(sub, { JIEBANG_TEST_CLOCK: '1' });
  try {
    const started = performance.now();
    const { ids, bureau } = await announcements(server.url, admin, 2 * contextChallenges);
    const small = ids.slice(0, contextChallenges);
    const large = ids.slice(contextChallenges);
    const auth = { authorization: `Bearer ${bureau}` };
    const on = (set: string[]) => (c: number) => eventsOf(set[c % set.length] as string);
    const fill = await load(
      server.url,
      on(large),
      auth,
      objection,
      connections,
      0,
      seconds,
      contextSize * large.length,
    );
    if (fill.failed > 0) throw new Error(`${fill.failed} objections were refused while filling`);
    console.log(
      `(walked ${ids.length} challenges to the announcement and lodged ${fill.ok} objections in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
    // Alternating passes, so both sets meet the same moments of the machine's load; each pass
    // 500 requests, too few alone on a shared machine: 2,000 a set in all.
    const passes = 4;
    const perPass = 100;
    const amount = perPass * contextChallenges;
    const nones: Figures[] = [];
    const manys: Figures[] = [];
    for (let pass = 0; pass < passes; pass++) {
      nones.push(await load(server.url, on(small), auth, objection, connections, 0, seconds, amount));
      manys.push(await load(server.url, on(large), auth, objection, connections, 0, seconds, amount));
    }
    const none = pooled(nones);
    const many = pooled(manys);
    const perChallenge = passes * perPass;
    report(`OBJECT, announcement with 0→${perChallenge} objections`, none);
    report(
      `OBJECT, announcement with ${contextSize}→${contextSize + perChallenge} objections`,
      many,
      `(${costRatio(none, many)} the cost; aim ≤ 1.2)`,
    );
  } finally {
    await server.stop();
  }
}

async function onPostgres(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function postgres(dir: string, sqliteRps: number | undefined) {
  const name = `jiebang_bench_${process.pid}`;
  try {
    await onPostgres(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  } catch (error) {
    note(`PostgreSQL: none at ${postgresUrl} (${(error as Error).message}); skipped`);
    return;
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const env = {
    JIEBANG_DATABASE_URL: url.toString(),
    JIEBANG_ADMIN_TOKEN: admin,
    LOG_LEVEL: 'warn',
    JIEBANG_RATE_LIMIT: '1000000',
    JIEBANG_FILES: join(dir, 'pg-files'),
  };
  const one = await startChild('bench/engine-server.ts', env, '/health');
  let two: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    const { token, ids } = await prepare(one.url, connections);
    const auth = { authorization: `Bearer ${token}` };
    await warmUp(one.url, (c) => eventsOf(ids[c % ids.length] as string), auth);
    const single = await load(one.url, (c) => eventsOf(ids[c % ids.length] as string), auth, update);
    report('PostgreSQL, one process', single);
    two = await startChild('bench/engine-server.ts', env, '/health');
    const half = Math.floor(connections / 2);
    const secondUrl = two.url;
    const [a, b] = await Promise.all([
      load(one.url, (c) => eventsOf(ids[c % ids.length] as string), auth, update, half, 0),
      load(secondUrl, (c) => eventsOf(ids[c % ids.length] as string), auth, update, connections - half, half),
    ]);
    const both: Figures = {
      ...(a.cpuUs !== undefined && b.cpuUs !== undefined
        ? { cpuUs: (a.cpuUs * (a.ok + a.failed) + b.cpuUs * (b.ok + b.failed)) / (a.ok + a.failed + b.ok + b.failed) }
        : {}),
      rps: a.rps + b.rps,
      p50: Math.max(a.p50, b.p50),
      p99: Math.max(a.p99, b.p99),
      ok: a.ok + b.ok,
      failed: a.failed + b.failed,
    };
    report(
      'PostgreSQL, two processes (p50/p99: the worse)',
      both,
      sqliteRps ? `(${(both.rps / sqliteRps).toFixed(2)}× one SQLite process; aim ≥ 1)` : '',
    );
  } finally {
    await one.stop();
    await two?.stop();
    await onPostgres(`DROP DATABASE IF EXISTS ${name}`).catch(() => {});
  }
}

/** bench/verify-million.ts at BENCH_VERIFY_EVENTS: its verify line. */
function verify(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/verify-million.ts', String(verifyEvents)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', () => {
      const line = out.split('\n').find((l) => l.startsWith('jiebang verify:'));
      note(`${line ?? `verify printed no figure: ${out}`} (aim ≥ 20000 events/s)`);
      resolve();
    });
  });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'jiebang-bench-'));
  console.log(
    `jiebang bench: ${connections} connections, ${seconds} s a figure, node ${process.version}, ${availableParallelism()} cores, load average ${loadAverage()}`,
  );
  let sqliteRps: number | undefined;
  try {
    await bare();
    if (wants('normal')) sqliteRps = await normal(dir);
    if (wants('full')) await full(dir);
    if (wants('context')) await context(dir);
    if (wants('cold')) await cold(dir);
    if (wants('postgres')) await postgres(dir, sqliteRps);
    if (wants('verify')) await verify();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nsummary (load average at the end ${loadAverage()}):`);
  for (const row of rows) console.log(row);
  if (failures > 0) {
    console.error(`${failures} requests failed`);
    process.exitCode = 1;
  }
}

await main();
