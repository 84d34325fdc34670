/**
 * Starts the HTTP server and shuts it down gracefully (close-with-grace): on SIGTERM or SIGINT
 * it first drains — keeps serving for a moment, so requests already on the wire (sent, but not
 * yet read from the socket) are answered rather than reset, each answer closing its connection —
 * then stops listening, lets in-flight requests finish, and closes the database.
 * (test/e2e/durability.test.ts: without the drain, requests written before the signal were reset.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import type { Config } from './base/config.js';

/** `options.groupCommit: false` only for the bench's one-commit-per-request comparison. */
export async function startServer(config: Config, options: { groupCommit?: boolean } = {}) {
  const app = await buildApp({ config, ...options });
  let draining = false;
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
  closeWithGrace({ delay: 10_000 + config.shutdownDrainMs }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing');
    if (!err) {
      draining = true;
      await sleep(config.shutdownDrainMs);
    }
    await app.close();
  });
  await app.listen({ port: config.port, host: config.host });
  return app;
}
