/**
 * `jiebang inspect`. By default (issue 13) it opens the service's own statechart page — the
 * machine drawn from its definition, one challenge live or replayed (src/inspect/local-page.ts);
 * nothing but the service is needed. With `--hosted`, the earlier way: it starts the local relay of `@statelyai/inspect/server` (which serves a page
 * that embeds the Stately inspector UI and opens it in the browser), connects a WebSocket
 * inspector to it, and either follows the server's database live — every transition committed
 * from now on, staff events and timers (src/inspect/follow-commits.ts) — or, with
 * `--replay <challenge>`, replays one challenge's stored history step by step, `--pace` apart.
 * Personal data is sanitised before it leaves the process (src/inspect/sanitize.ts). Never the
 * hosted "sky" inspector: nothing is sent anywhere but the local relay.
 * docs/inspector.md walks a developer through it.
 */
import { createConnection } from 'node:net';
import { createWebSocketInspector } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import type { Command } from 'commander';
import { loadConfig } from '../base/config.js';
import { openDatabase } from '../db/client.js';
import { createStore } from '../engine/store.js';
import { followCommits } from '../inspect/follow-commits.js';
import { checkService, localPageUrl, openInBrowser } from '../inspect/local-page.js';
import { replayToInspector } from '../inspect/replay-to-inspector.js';
import { createSanitizer } from '../inspect/sanitize.js';

export interface InspectReplayOptions {
  dbPath: string;
  challengeId: string;
  port: number;
  paceMs: number;
  /** Open the browser on the relay's page. */
  open: boolean;
  /** The inspector UI the relay's page embeds. */
  ui?: string;
  /** Awaited once the relay and the inspector are up, before the first event (e.g. give the browser time). */
  ready?: () => Promise<void>;
  onStep?: (seq: number, type: string) => void;
}

export interface InspectSession {
  sent: number;
  /** Closes the inspector's connection, the relay and the database. */
  stop(): Promise<void>;
}

/** `500ms`, `2s`, `0`: the pause between two replayed events. */
export function parsePace(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m) throw new Error(`--pace: "${text}" is not a duration like 500ms or 2s`);
  return Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
}

/** Resolves once something accepts TCP connections on the port (the relay listens asynchronously). */
async function listening(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the inspector relay did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The local relay and a sanitising WebSocket inspector connected to it. */
async function startRelay(options: { port: number; open: boolean; ui?: string }) {
  const relay = createInspectorServer({
    port: options.port,
    autoOpen: options.open,
    ...(options.ui ? { url: options.ui } : {}),
  });
  await listening(options.port);
  const { sanitizeContext, sanitizeEvent } = createSanitizer();
  const inspector = createWebSocketInspector({ url: `ws://127.0.0.1:${options.port}`, sanitizeContext, sanitizeEvent });
  return {
    inspector,
    async stop() {
      // Let the socket flush what was sent last before closing it.
      await new Promise((r) => setTimeout(r, 200));
      inspector.stop();
      relay.stop();
    },
  };
}

export interface InspectFollowOptions extends Omit<InspectReplayOptions, 'challengeId' | 'paceMs' | 'onStep'> {
  intervalMs: number;
  onStep?: (challengeId: string, seq: number, type: string) => void;
}

/** Follows the database live until stopped. */
export async function inspectFollow(options: InspectFollowOptions): Promise<Omit<InspectSession, 'sent'>> {
  const db = openDatabase(options.dbPath);
  // The head is read before the inspector is announced ready: what is committed after that is sent.
  const [head] = await db.$port.query<{ n: number | null }>('SELECT max(global_seq) AS n FROM events');
  const relay = await startRelay(options);
  await options.ready?.();
  const follower = followCommits({
    db,
    after: Number(head?.n ?? 0),
    inspector: relay.inspector,
    intervalMs: options.intervalMs,
    ...(options.onStep ? { onStep: options.onStep } : {}),
    onError: (err) => console.error(`inspect: ${err instanceof Error ? err.message : String(err)}`),
  });
  return {
    async stop() {
      follower.stop();
      await follower.poll();
      await relay.stop();
      await db.$port.close();
    },
  };
}

export async function inspectReplay(options: InspectReplayOptions): Promise<InspectSession> {
  const db = openDatabase(options.dbPath);
  const rows = await createStore(db).history.all({ id: options.challengeId });
  if (rows.length === 0) {
    await db.$port.close();
    throw new Error(`no challenge "${options.challengeId}" in ${options.dbPath}`);
  }
  const relay = await startRelay(options);
  const inspector = relay.inspector;
  await options.ready?.();
  const sent = await replayToInspector({
    rows,
    inspector,
    paceMs: options.paceMs,
    ...(options.onStep ? { onStep: options.onStep } : {}),
  });
  return {
    sent,
    async stop() {
      await relay.stop();
      await db.$port.close();
    },
  };
}

export interface InspectLocalOptions {
  service: string;
  challengeId?: string;
  replay: boolean;
  open: boolean;
}

/** The default: checks the service answers and opens its statechart page; returns the page's address. */
export async function inspectLocal(options: InspectLocalOptions): Promise<string> {
  await checkService(options.service);
  const url = localPageUrl({
    service: options.service,
    ...(options.challengeId !== undefined ? { challengeId: options.challengeId } : {}),
    replay: options.replay,
  });
  if (options.open) openInBrowser(url);
  return url;
}

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description(
      "watch the statechart: by default the service's own page (one challenge live with --challenge, or --replay its history); --hosted: the Stately inspector through a local relay (live from the database, or --replay; personal data sanitised)",
    )
    .option('--challenge <challenge>', 'local page: show this challenge live')
    .option('--replay <challenge>', "replay this challenge's stored history instead of following live")
    .option('--url <url>', 'local page: the running service (default http://HOST:PORT of its environment)')
    .option('--hosted', 'use the hosted Stately inspector UI through the local relay instead of the local page')
    .option('--pace <duration>', 'hosted replay: pause between events, e.g. 500ms or 2s', '500ms')
    .option('--interval <duration>', 'hosted live: how often to look for new commits', '250ms')
    .option('--port <port>', 'hosted: port of the local relay and its page', '8080')
    .option('--delay <duration>', 'hosted replay: wait before the first event, for the browser to connect', '3s')
    .option('--ui <url>', 'hosted: inspector UI the relay page embeds (default: the Stately inspector page)')
    .option('--no-open', 'do not open the browser')
    .option('--exit', 'hosted replay: exit when done instead of keeping the relay up')
    .action(
      async (opts: {
        challenge?: string;
        replay?: string;
        url?: string;
        hosted?: boolean;
        pace: string;
        interval: string;
        port: string;
        delay: string;
        ui?: string;
        open: boolean;
        exit?: boolean;
      }) => {
        if (!opts.hosted) {
          const config = loadConfig();
          const service = opts.url ?? `http://${config.host}:${config.port}`;
          const challengeId = opts.replay ?? opts.challenge;
          const url = await inspectLocal({
            service,
            ...(challengeId !== undefined ? { challengeId } : {}),
            replay: opts.replay !== undefined,
            open: opts.open,
          });
          console.log(`statechart page: ${url}`);
          console.log(
            'sign in with a staff account (bureau or auditor reads every history); --hosted for the Stately inspector',
          );
          return;
        }
        const port = Number(opts.port);
        const common = { dbPath: loadConfig().dbPath, port, open: opts.open, ...(opts.ui ? { ui: opts.ui } : {}) };
        const announce = async () =>
          console.log(`inspector relay on http://localhost:${port} (open it in a browser to watch)`);
        let session: { stop(): Promise<void> };
        if (opts.replay === undefined) {
          session = await inspectFollow({
            ...common,
            intervalMs: parsePace(opts.interval),
            ready: announce,
            onStep: (id, seq, type) => console.log(`  ${id} ${String(seq).padStart(4)} ${type}`),
          });
          console.log(`following ${common.dbPath}: every transition committed from now on; Ctrl-C to stop`);
        } else {
          const delay = parsePace(opts.delay);
          const replay = await inspectReplay({
            ...common,
            challengeId: opts.replay,
            paceMs: parsePace(opts.pace),
            ready: async () => {
              await announce();
              await new Promise((r) => setTimeout(r, delay));
            },
            onStep: (seq, type) => console.log(`  ${String(seq).padStart(4)} ${type}`),
          });
          console.log(`replayed ${replay.sent} events of ${opts.replay}`);
          if (opts.exit) {
            await replay.stop();
            return;
          }
          console.log('the relay stays up for the inspector page; Ctrl-C to stop');
          session = replay;
        }
        process.once('SIGINT', () => {
          void session.stop().then(() => process.exit(0));
        });
      },
    );
}
