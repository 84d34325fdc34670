/** Requests without any token, as anyone on the web would send them (the open call, issue 12). */
import type { Harness, Json, Reply } from './harness.js';

export async function anonymous(
  h: Harness,
  method: string,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<Json>> {
  const res = await h.app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  let body: unknown = res.body;
  try {
    body = res.body === '' ? null : JSON.parse(res.body);
  } catch {
    // Not JSON (the Atom feed, a PDF): keep the text.
  }
  return { status: res.statusCode, body: body as Json, headers: res.headers };
}
