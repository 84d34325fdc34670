/**
 * A small client over real HTTP (Node's global fetch) and zod schemas for the replies the
 * end-to-end tests read, so every reply is checked for shape before a test looks inside it.
 */
import { z } from 'zod';

const REQUEST_TIMEOUT_MS = 20_000;

export interface Reply {
  status: number;
  body: unknown;
}

/** Where the server is now: a restarted server listens on a new port. */
export interface Target {
  readonly baseUrl: string;
}

/** Requests go to wherever the server is now; an empty token sends no Authorization header. */
export class HttpClient {
  constructor(private readonly target: Target) {}

  async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const res = await fetch(this.target.baseUrl + path, {
      method,
      headers: {
        ...(token === '' ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON; keep the text.
    }
    return { status: res.status, body: parsed };
  }

  /** Uploads one file as multipart/form-data (the attachments route); throws unless 201. */
  async upload(path: string, token: string, content: Buffer, filename: string, type: string): Promise<unknown> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(content)], { type }), filename);
    const res = await fetch(this.target.baseUrl + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`upload ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  }

  /** Sends, throws unless 2xx, and parses the body with `schema`. */
  async ok<T>(
    schema: z.ZodType<T>,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    token: string,
    body?: unknown,
  ): Promise<T> {
    const reply = await this.request(method, path, token, body);
    if (reply.status < 200 || reply.status >= 300)
      throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return schema.parse(reply.body);
  }
}

export const healthSchema = z.object({ status: z.literal('ok'), database: z.literal('ok'), time: z.string() });

export const trackSchema = z.looseObject({
  trackId: z.string(),
  route: z.string().nullable(),
  status: z.string(),
  paidCny: z.number(),
  disbursedCny: z.number(),
  firstPhaseCny: z.number(),
});

export const viewSchema = z.looseObject({
  id: z.string(),
  programmeId: z.string(),
  kind: z.string(),
  version: z.number().int(),
  stage: z.string(),
  state: z.unknown(),
  outcome: z.looseObject({ kind: z.string(), clause: z.string().nullable() }).optional(),
  tracks: z.array(trackSchema),
  deadlines: z.array(z.object({ type: z.string(), dueAt: z.string() })),
  allowedEvents: z.array(z.string()),
  details: z.record(z.string(), z.unknown()),
});
export type View = z.infer<typeof viewSchema>;

export const historyEntrySchema = z.object({
  seq: z.number().int(),
  globalSeq: z.number().int(),
  type: z.string(),
  payload: z.unknown(),
  facts: z.unknown(),
  actor: z.looseObject({ id: z.string(), role: z.string() }),
  at: z.string(),
  machineVersion: z.string(),
  stateAfter: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export const historySchema = z.object({ items: z.array(historyEntrySchema) });

/** What a timer's event carries (src/engine/time/fire-timer.ts). */
export const timerPayloadSchema = z.object({
  timer: z.object({ timerId: z.number(), dueAt: z.string(), lateMs: z.number(), late: z.boolean() }),
});

export const clockSchema = z.object({ now: z.string(), fired: z.number().int() });

export const errorSchema = z.object({
  error: z.looseObject({
    code: z.string(),
    clause: z.string().optional(),
    violations: z.array(z.looseObject({ clause: z.string() })).optional(),
  }),
});

export const programmeSchema = z.looseObject({ id: z.string(), settings: z.looseObject({ name: z.string() }) });

export const tokenSchema = z.looseObject({ id: z.string(), token: z.string() });
