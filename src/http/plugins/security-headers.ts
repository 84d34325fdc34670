/**
 * The security headers of helmet (CSP, HSTS, `nosniff`, `X-Frame-Options: SAMEORIGIN`, …) on
 * every answer. They depend on nothing in the request (no CSP nonces, no route of its own), so
 * they are computed once, when the app is built, by running helmet's middleware on a recording
 * response; each request then only sets them. @fastify/helmet rebuilt helmet's middleware and
 * its headers twice a request (issue 15: ~21 µs a request).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/** The headers helmet sets with `options`, and those it removes, in its order. */
export function helmetHeaders(options: HelmetOptions): { set: [string, string][]; removed: string[] } {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => set.push([name, String(value)]),
    removeHeader: (name: string) => removed.push(name),
  };
  let failed: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failed = err;
  });
  if (failed) throw failed;
  return { set, removed };
}

export default fp(
  async (app: FastifyInstance, options: HelmetOptions) => {
    const { set, removed } = helmetHeaders(options);
    app.addHook('onRequest', (_request, reply, done) => {
      const raw = reply.raw;
      for (const name of removed) raw.removeHeader(name);
      for (const [name, value] of set) raw.setHeader(name, value);
      done();
    });
  },
  { name: 'security-headers' },
);
