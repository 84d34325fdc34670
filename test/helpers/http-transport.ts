/**
 * The lifecycle driver's transport over real HTTP (Node's global fetch), to a server process
 * (test/e2e/server-process.ts): the same requests the in-process harness sends through
 * `app.inject`, over a socket.
 */
import type { Reply } from './harness.js';
import type { Transport, UploadedFile } from './transport.js';

const REQUEST_TIMEOUT_MS = 20_000;

/** Where the server is now: a restarted server listens on a new port. */
export interface Target {
  readonly baseUrl: string;
}

/** Requests go to wherever the server is now; an empty token sends no Authorization header. */
export class HttpTransport implements Transport {
  constructor(
    private readonly target: Target,
    readonly adminToken: string,
  ) {}

  async request(
    method: string,
    path: string,
    token: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const res = await fetch(this.target.baseUrl + path, {
      method,
      headers: {
        ...(token === '' ? {} : { authorization: `Bearer ${token}` }),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: payload === undefined ? undefined : JSON.stringify(payload),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return replyOf(res);
  }

  async upload(challengeId: string, token: string, file: UploadedFile): Promise<Reply> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file.content)], { type: file.contentType }), file.filename);
    const res = await fetch(`${this.target.baseUrl}/api/v1/challenges/${challengeId}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return replyOf(res);
  }
}

async function replyOf(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON (e.g. text/plain); keep the text.
  }
  return { status: res.status, body, headers: Object.fromEntries(res.headers) };
}
