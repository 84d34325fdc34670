/**
 * Starts the HTTP server and shuts it down gracefully (close-with-grace): on SIGTERM or SIGINT
 * it first drains — keeps serving until nothing has arrived for `JIEBANG_SHUTDOWN_DRAIN_MS` (at
 * most ten times that), so requests already on the wire (sent, but not yet read from the socket)
 * are answered rather than reset, each answer closing its connection (src/http/drain.ts) — then
 * stops listening, lets in-flight requests finish, and closes the database.
 * (test/e2e/durability.test.ts: without the drain, requests written before the signal were reset.)
 */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import type { Config } from './base/config.js';
import { arrivalClock, drainUntilQuiet } from './http/drain.js';

/** `options.groupCommit: false` only for the bench's one-commit-per-request comparison. */
export async function startServer(config: Config, options: { groupCommit?: boolean } = {}) {
  const app = await buildApp({ config, ...options });
  let draining = false;
  const arrivals = arrivalClock();
  app.server.on('connection', arrivals.arrived);
  app.addHook('onRequest', (_request, _reply, done) => {
    arrivals.arrived();
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
  const longestDrain = 10 * config.shutdownDrainMs;
  closeWithGrace({ delay: 10_000 + longestDrain }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing');
    if (!err) {
      draining = true;
      await drainUntilQuiet(arrivals, config.shutdownDrainMs, longestDrain);
    }
    await app.close();
  });
  await app.listen({ port: config.port, host: config.host });
  return app;
}
