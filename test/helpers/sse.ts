/**
 * A server-sent-events reader for tests of `GET …/stream`: opens the stream with fetch, parses
 * `id:`/`event:`/`data:` blocks as they arrive, and lets a test wait for the n-th event or for a
 * comment line (heartbeat). `close()` aborts the request.
 */
export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  /** Resolves when at least `n` events arrived (rejects after `timeoutMs`). */
  waitForEvents(n: number, timeoutMs?: number): Promise<SseEvent[]>;
  waitForComment(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openStream(url: string, headers: Record<string, string>): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of waiters) w();
  };
  let buffer = '';
  const parseBlock = (block: string) => {
    const event: SseEvent = { id: undefined, event: undefined, data: '' };
    let isEvent = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') event.data += event.data === '' ? value : `\n${value}`;
        else continue;
        isEvent = true;
      }
    }
    if (isEvent) events.push(event);
  };
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          parseBlock(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf('\n\n');
        }
        notify();
      }
    } catch {
      // Aborted by close().
    }
    notify();
  })();
  const waitUntil = (done: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events)}`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });
  return {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    async waitForEvents(n, timeoutMs = 10_000) {
      await waitUntil(() => events.length >= n, `${n} events`, timeoutMs);
      return events;
    },
    waitForComment: (text, timeoutMs = 10_000) =>
      waitUntil(() => comments.includes(text), `comment "${text}"`, timeoutMs),
    ended,
    close: () => abort.abort(),
  };
}
