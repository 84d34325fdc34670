/**
 * Issue 13: `jiebang inspect`'s default UI, the service's own statechart pages (the web app's
 * `/console/statechart` and `/console/challenges/:id/statechart`): drawn from the machine's
 * definition, live over the event stream, with a replay mode — all served by the service, so it
 * works with no network beyond it. This module only finds the service and opens the page; the
 * hosted Stately inspector stays available with `--hosted` (src/cli/inspect.ts).
 */
import { spawn } from 'node:child_process';
import { platform } from 'node:os';

export interface LocalPageOptions {
  /** The running service, e.g. http://127.0.0.1:3000. */
  service: string;
  /** Show this challenge live; none: the machine alone, where any challenge can be replayed. */
  challengeId?: string;
  /** Open the challenge's page in replay mode. */
  replay?: boolean;
}

/** The page's address on the service. */
export function localPageUrl(options: LocalPageOptions): string {
  const base = options.service.replace(/\/+$/, '');
  if (options.challengeId === undefined) return `${base}/console/statechart`;
  const page = `${base}/console/challenges/${encodeURIComponent(options.challengeId)}/statechart`;
  return options.replay ? `${page}?replay=1` : page;
}

/** Throws, saying what to do, unless the service answers `GET /health`. */
export async function checkService(service: string, timeoutMs = 3000): Promise<void> {
  const url = `${service.replace(/\/+$/, '')}/health`;
  let status: number;
  try {
    status = (await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })).status;
  } catch {
    throw new Error(
      `the service does not answer at ${service}: start it (npm start) or name it with --url; --hosted uses the Stately inspector instead`,
    );
  }
  if (status !== 200) throw new Error(`the service at ${service} answered GET /health with ${status}`);
}

/** Opens the address in the desktop's browser; a machine without one just prints it. */
export function openInBrowser(url: string): void {
  const [command, args] =
    platform() === 'darwin'
      ? ['open', [url]]
      : platform() === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}
