/**
 * How a test reaches the service: the one seam between the lifecycle driver (lifecycle.ts) and
 * where the service runs. Two implementations: in-process through `app.inject` (harness.ts) and
 * real HTTP to a server process (http-transport.ts). Everything else a test needs — the test
 * clock, the server's now, registering the cast — is a request, so it is written here once,
 * over the interface, and works the same on both.
 */
import { z } from 'zod';
import type { Json, Reply } from './harness.js';

/** The one file part of an upload (POST /challenges/:id/attachments, multipart/form-data). */
export interface UploadedFile {
  content: Buffer;
  filename: string;
  contentType: string;
}

export interface Transport {
  /** The token of the configured admin: registers the cast, moves the test clock. */
  readonly adminToken: string;
  /** One request as the holder of `token`, with a JSON body. */
  request(
    method: string,
    path: string,
    token: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  /** One file, as multipart/form-data, to the challenge's attachments route. */
  upload(challengeId: string, token: string, file: UploadedFile): Promise<Reply>;
}

/** The reply's body, or an error naming `what` unless the service accepted the request (2xx). */
export async function succeeded(reply: Promise<Reply>, what: string): Promise<Json> {
  const r = await reply;
  if (r.status < 200 || r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const healthSchema = z.object({ status: z.literal('ok'), database: z.literal('ok'), time: z.string() });
const clockSchema = z.object({ now: z.string(), fired: z.number().int() });
export type ClockMove = z.infer<typeof clockSchema>;

/** The service's clock (GET /health): the manual clock in-process, real time plus the moves over HTTP. */
export async function serviceNow(t: Transport): Promise<string> {
  return healthSchema.parse(await succeeded(t.request('GET', '/health', t.adminToken), 'health')).time;
}

/** Moves the test clock forward to `instant`; the timers that fall due fire on the way, in due order. */
export async function moveClockTo(t: Transport, instant: string): Promise<ClockMove> {
  const body = await succeeded(
    t.request('POST', '/api/v1/test/clock', t.adminToken, { now: new Date(instant).toISOString() }),
    'clock',
  );
  return clockSchema.parse(body);
}

const HOUR_MS = 3_600_000;

/** `YYYY-MM-DD` of an instant in Beijing time, the calendar the rules count days in. */
export function beijingDate(instant: string): string {
  return new Date(Date.parse(instant) + 8 * HOUR_MS).toISOString().slice(0, 10);
}
