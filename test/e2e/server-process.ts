/**
 * The real service as a child process: `node --import tsx src/cli.ts serve` on its own SQLite
 * file in a temp directory (or its own PostgreSQL database, test/helpers/store.ts), on a port picked by binding port 0, with the test clock on and a
 * random admin token. `start()` waits for `GET /health`; `stop('SIGTERM' | 'SIGKILL')` ends it
 * gracefully or like a crash; `start()` again reopens the same file (on a fresh port).
 *
 * `dispose()` kills the process and removes the temp directory; `disposeAllServers()` does it for
 * every server of this worker (a backstop for `afterAll`), and the worker's exit kills any left.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseEnv, type TestDatabase } from '../helpers/store.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Generous: the machine has 2 cores and other suites run beside this one. */
const START_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 15_000;
const HEALTH_POLL_MS = 100;
/** Keep the tail of the child's output for error messages. */
const OUTPUT_LIMIT = 20_000;
/** Variables the child must not inherit: it gets its own. */
const OWN_VARIABLES = new Set(['PORT', 'HOST', 'LOG_LEVEL', 'NODE_OPTIONS']);

export type StopSignal = 'SIGTERM' | 'SIGKILL';
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A port that was free a moment ago: bind port 0, read the port, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('could not read a free port'));
        else resolve(address.port);
      });
    });
  });
}

const live = new Set<ServerProcess>();

export class ServerProcess {
  readonly dir: string;
  /** The SQLite file, or the PostgreSQL database's URL. */
  readonly dbFile: string;
  private readonly database: TestDatabase | undefined;
  private readonly owner: boolean;
  readonly adminToken: string;
  /** How many times the process was started on this file. */
  starts = 0;
  private port = 0;
  private child: ChildProcess | undefined;
  private exit: Promise<ExitStatus> | undefined;
  private exitStatus: ExitStatus | undefined;
  private output = '';

  /** A server of its own file, or a second process on another server's file (and admin token). */
  constructor(sharing?: ServerProcess, database?: TestDatabase) {
    this.dir = sharing?.dir ?? mkdtempSync(join(tmpdir(), 'jiebang-e2e-'));
    this.database = sharing?.database ?? database;
    this.owner = sharing === undefined;
    this.dbFile = sharing?.dbFile ?? database?.location ?? join(this.dir, 'jiebang.db');
    this.adminToken = sharing?.adminToken ?? `e2e-admin-${randomBytes(16).toString('hex')}`;
    live.add(this);
  }

  get baseUrl(): string {
    if (!this.running) throw new Error('the server is not running');
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitStatus === undefined;
  }

  /** The tail of the child's stdout and stderr (warnings and errors; LOG_LEVEL=warn). */
  log(): string {
    return this.output;
  }

  /**
   * Starts the process on this server's database file and waits until it answers as itself. A
   * port another test's server took between `freePort` and the child's bind (EADDRINUSE) is
   * given up for a fresh one.
   */
  async start(): Promise<void> {
    if (this.running) throw new Error('the server is already running');
    this.starts += 1;
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort();
      this.exitStatus = undefined;
      this.record(`--- start #${this.starts} on port ${this.port}\n`);
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
        cwd: PROJECT_ROOT,
        env: this.env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.child = child;
      this.exit = new Promise((resolve) => {
        const done = (status: ExitStatus) => {
          this.exitStatus = status;
          resolve(status);
        };
        child.once('exit', (code, signal) => done({ code, signal }));
        child.once('error', (err) => {
          this.record(`spawn error: ${err.message}\n`);
          // 'exit' does not follow a failed spawn.
          if (child.pid === undefined) done({ code: null, signal: null });
        });
      });
      let own = '';
      const heard = (chunk: Buffer) => {
        if (own.length < 10_000) own += chunk.toString();
        this.record(chunk.toString());
      };
      child.stdout?.on('data', heard);
      child.stderr?.on('data', heard);
      try {
        await this.waitUntilHealthy();
        return;
      } catch (error) {
        // The CLI says so in words (src/cli/errors.ts, no stack); a raw error names the code.
        const portTaken =
          this.exitStatus !== undefined && (own.includes('EADDRINUSE') || own.includes('the port is already in use'));
        if (!portTaken || attempt >= 3) throw error;
      }
    }
  }

  /** Stops the process: SIGTERM (graceful shutdown) or SIGKILL (a crash). Resolves on its exit. */
  async stop(signal: StopSignal = 'SIGTERM'): Promise<ExitStatus> {
    const { child, exit } = this;
    if (!child || !exit || !this.running) throw new Error('the server is not running');
    child.kill(signal);
    const status = await Promise.race([exit, sleep(STOP_TIMEOUT_MS).then(() => undefined)]);
    if (status) return status;
    child.kill('SIGKILL');
    await exit;
    throw new Error(`the server did not exit within ${STOP_TIMEOUT_MS} ms of ${signal}:\n${this.output}`);
  }

  /** Kills the process if it still runs and removes the temp directory. */
  async dispose(): Promise<void> {
    live.delete(this);
    if (this.running && this.child && this.exit) {
      this.child.kill('SIGKILL');
      await Promise.race([this.exit, sleep(STOP_TIMEOUT_MS)]);
    }
    if (this.owner) {
      rmSync(this.dir, { recursive: true, force: true });
      await this.database?.drop();
    }
  }

  /** Synchronous last resort for the worker's exit. */
  killNow(): void {
    if (this.running) this.child?.kill('SIGKILL');
  }

  private env(): NodeJS.ProcessEnv {
    const inherited = Object.entries(process.env).filter(
      ([key]) => !key.startsWith('JIEBANG_') && !OWN_VARIABLES.has(key),
    );
    return {
      ...Object.fromEntries(inherited),
      // Every process of one database names the same folder for uploads and keys.
      ...databaseEnv(this.dbFile, this.dir),
      PORT: String(this.port),
      HOST: '127.0.0.1',
      JIEBANG_TEST_CLOCK: '1',
      JIEBANG_ADMIN_TOKEN: this.adminToken,
      LOG_LEVEL: 'warn',
      // Load tests send far more than a client would; the rate limit has its own test.
      JIEBANG_RATE_LIMIT: '1000000',
    };
  }

  private record(text: string): void {
    this.output = (this.output + text).slice(-OUTPUT_LIMIT);
  }

  private async waitUntilHealthy(): Promise<void> {
    const url = `http://127.0.0.1:${this.port}/health`;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exitStatus) {
        const { code, signal } = this.exitStatus;
        throw new Error(`the server exited during start (code ${code}, signal ${signal}):\n${this.output}`);
      }
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        const body: unknown = await res.json();
        if (res.ok && typeof body === 'object' && body !== null && 'status' in body && body.status === 'ok') {
          // Only this server knows its admin token: another test's server on the port says 401.
          const me = await fetch(`http://127.0.0.1:${this.port}/api/v1/me`, {
            headers: { authorization: `Bearer ${this.adminToken}` },
            signal: AbortSignal.timeout(2000),
          });
          if (me.ok) return;
        }
      } catch {
        // Not listening yet.
      }
      await sleep(HEALTH_POLL_MS);
    }
    this.killNow();
    throw new Error(`the server did not answer /health within ${START_TIMEOUT_MS} ms:\n${this.output}`);
  }
}

/** Kills every server this worker started and removes their files: a backstop for `afterAll`. */
export async function disposeAllServers(): Promise<void> {
  await Promise.all([...live].map((s) => s.dispose()));
}

process.once('exit', () => {
  for (const server of live) server.killNow();
});
