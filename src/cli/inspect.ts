/**
 * `jiebang inspect --replay <challenge>`: starts the local relay of `@statelyai/inspect/server`
 * (which serves a page that embeds the Stately inspector UI and opens it in the browser), connects
 * a WebSocket inspector to it, and replays the challenge's stored history into it, step by step,
 * `--pace` apart. Personal data is sanitised before it leaves the process (src/inspect/sanitize.ts).
 * Never the hosted "sky" inspector: nothing is sent to a server other than the local relay.
 * docs/inspector.md walks a developer through it.
 */
import { createConnection } from 'node:net';
import { createWebSocketInspector } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { createStore } from '../engine/store.js';
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

export async function inspectReplay(options: InspectReplayOptions): Promise<InspectSession> {
  const db = openDatabase(options.dbPath);
  const rows = createStore(db).history.all({ id: options.challengeId });
  if (rows.length === 0) {
    db.$client.close();
    throw new Error(`no challenge "${options.challengeId}" in ${options.dbPath}`);
  }
  const relay = createInspectorServer({
    port: options.port,
    autoOpen: options.open,
    ...(options.ui ? { url: options.ui } : {}),
  });
  await listening(options.port);
  const { sanitizeContext, sanitizeEvent } = createSanitizer();
  const inspector = createWebSocketInspector({ url: `ws://127.0.0.1:${options.port}`, sanitizeContext, sanitizeEvent });
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
      // Let the socket flush what the last step sent before closing it.
      await new Promise((r) => setTimeout(r, 200));
      inspector.stop();
      relay.stop();
      db.$client.close();
    },
  };
}

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description("replay a challenge's history into the XState inspector (local relay, personal data sanitised)")
    .requiredOption('--replay <challenge>', 'the challenge whose stored history to replay')
    .option('--pace <duration>', 'pause between events, e.g. 500ms or 2s', '500ms')
    .option('--port <port>', 'port of the local relay and its page', '8080')
    .option('--delay <duration>', 'wait before the first event, for the browser to connect', '3s')
    .option('--ui <url>', 'inspector UI the relay page embeds (default: the Stately inspector page)')
    .option('--no-open', 'do not open the browser')
    .option('--exit', 'exit when the replay is done instead of keeping the relay up')
    .action(
      async (opts: {
        replay: string;
        pace: string;
        port: string;
        delay: string;
        ui?: string;
        open: boolean;
        exit?: boolean;
      }) => {
        const port = Number(opts.port);
        const delay = parsePace(opts.delay);
        const session = await inspectReplay({
          dbPath: loadConfig().dbPath,
          challengeId: opts.replay,
          port,
          paceMs: parsePace(opts.pace),
          open: opts.open,
          ...(opts.ui ? { ui: opts.ui } : {}),
          ready: async () => {
            console.log(`inspector relay on http://localhost:${port} (open it in a browser to watch)`);
            await new Promise((r) => setTimeout(r, delay));
          },
          onStep: (seq, type) => console.log(`  ${String(seq).padStart(4)} ${type}`),
        });
        console.log(`replayed ${session.sent} events of ${opts.replay}`);
        if (opts.exit) {
          await session.stop();
          return;
        }
        console.log('the relay stays up for the inspector page; Ctrl-C to stop');
        process.once('SIGINT', () => {
          void session.stop().then(() => process.exit(0));
        });
      },
    );
}
