/**
 * npm run bench — accepted transitions per second over HTTP, with p50/p99 latency, and in the
 * same run a bare Fastify route on the same machine; prints the ratio. Each connection drives
 * its own challenge with UPDATE events, so every request is a real transition: hash-chained
 * event, snapshot, timers and a durable (synchronous=FULL) commit.
 *
 * Options (env): BENCH_CONNECTIONS (50), BENCH_SECONDS (10).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { wlmq2026 } from '../machines/programme.js';
import { withCheckCharacter } from '../src/registry/uscc.js';
import { startChild } from './child-server.js';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const admin = 'bench-admin-token-0123456789';

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

/** Registers a unit and an issuer token, and creates one draft challenge per connection. */
async function prepare(url: string): Promise<{ token: string; ids: string[] }> {
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
  for (let i = 0; i < connections; i++) {
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

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
}

async function load(
  url: string,
  pathFor: (i: number) => string,
  headers: Record<string, string>,
  body: (n: number) => string,
): Promise<Figures> {
  let nextConnection = 0;
  let n = 0;
  let firstFailure: string | undefined;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        setupRequest: (req, context) => {
          // Each connection keeps one challenge, so no two requests race for a version.
          const connection = context as { index?: number };
          connection.index ??= nextConnection++;
          n += 1;
          return { ...req, path: pathFor(connection.index), body: body(n) };
        },
        onResponse: (status, responseBody) => {
          if (status >= 300 && firstFailure === undefined) firstFailure = `${status} ${responseBody.slice(0, 300)}`;
        },
      },
    ],
  });
  if (firstFailure) console.error(`first failed response: ${firstFailure}`);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

const row = (name: string, f: Figures) =>
  `${name.padEnd(26)} ${f.rps.toFixed(0).padStart(8)} req/s   p50 ${String(f.p50).padStart(3)} ms   p99 ${String(f.p99).padStart(3)} ms   ${f.ok} ok, ${f.failed} failed`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'jiebang-bench-'));
  console.log(`jiebang bench: ${connections} connections, ${seconds} s each, node ${process.version}`);
  const server = await startChild(
    'src/cli.ts',
    // The bench measures throughput, not the per-token rate limit (docs/security.md).
    { JIEBANG_DB: join(dir, 'bench.db'), JIEBANG_ADMIN_TOKEN: admin, LOG_LEVEL: 'warn', JIEBANG_RATE_LIMIT: '1000000' },
    '/health',
  );
  let transitions: Figures;
  try {
    const { token, ids } = await prepare(server.url);
    transitions = await load(
      server.url,
      (i) => `/api/v1/challenges/${ids[i % ids.length]}/events`,
      { authorization: `Bearer ${token}` },
      (n) => JSON.stringify({ type: 'UPDATE', summary: `修订 ${n}` }),
    );
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const bare = await startChild('bench/bare-fastify.ts', {}, '/health');
  let baseline: Figures;
  try {
    baseline = await load(
      bare.url,
      (i) => `/echo/c${i}`,
      {},
      (n) => JSON.stringify({ type: 'UPDATE', summary: `修订 ${n}` }),
    );
  } finally {
    await bare.stop();
  }
  console.log(row('HTTP transitions (UPDATE)', transitions));
  console.log(row('bare Fastify route', baseline));
  console.log(`ratio transitions / bare: ${(transitions.rps / baseline.rps).toFixed(3)} (aim ≥ 0.25; p99 aim ≤ 20 ms)`);
  if (transitions.failed > 0) {
    console.error(`${transitions.failed} transition requests failed`);
    process.exitCode = 1;
  }
}

await main();
