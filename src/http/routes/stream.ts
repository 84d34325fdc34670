/**
 * Issue 13: `GET /challenges/:id/stream`, the challenge's committed events as server-sent events
 * (api.md "What the console reads"): `id: <seq>`, `event: committed`, `data: {seq, type, stage,
 * state, at}`, one per accepted event from the moment of connecting, or after `Last-Event-ID`.
 * Only for whoever may read the challenge; a reader who loses sight of it (e.g. a withdrawn call)
 * is cut off. A comment line every `heartbeatMs` keeps proxies from closing an idle stream; on
 * shutdown every stream is ended, so the server closes without waiting on them.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rolesFor } from '../../access/policy.js';
import { CommitFeed } from '../../engine/read/commit-feed.js';
import { readChallenge } from '../../engine/read/read-challenge.js';
import { errors } from '../schemas.js';

export interface StreamOptions {
  /** How often the log is looked at for other processes' commits (this process's wake it at once). */
  pollMs: number;
  heartbeatMs: number;
}

export const STREAM_DEFAULTS: StreamOptions = { pollMs: 500, heartbeatMs: 15_000 };

const streamHeaders = z.looseObject({
  'last-event-id': z
    .string()
    .regex(/^\d{1,15}$/, 'the seq of the last event received, e.g. "7"')
    .optional()
    .describe('resume: the events after this seq are sent first'),
});

const streamRoutes: FastifyPluginAsyncZod<Partial<StreamOptions>> = async (app, opts) => {
  const { pollMs, heartbeatMs } = { ...STREAM_DEFAULTS, ...opts };
  const { deps, db } = app.jiebang;
  const feed = new CommitFeed(db, pollMs, (err) => app.log.error({ err }, 'event stream: reading the log failed'));
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    feed.close();
    for (const res of open) res.end();
    open.clear();
  });

  app.get(
    '/challenges/:id/stream',
    {
      config: { roles: rolesFor('readChallenges') },
      schema: {
        tags: ['challenges'],
        summary: "A challenge's committed events as they happen (server-sent events)",
        description:
          'text/event-stream: `id: <seq>`, `event: committed`, `data: {seq, type, stage, state, at}` for each event accepted from now on; `Last-Event-ID: <seq>` resumes after that event. A `: heartbeat` comment comes every 15 s.',
        params: z.object({ id: z.string().min(1).max(100) }),
        headers: streamHeaders,
        response: {
          200: z.string().describe('text/event-stream'),
          400: errors.write[400],
          ...errors.read,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const caller = request.caller;
      // 404 for a challenge the caller may not read, before anything is streamed.
      const view = await readChallenge(deps, id, caller);
      const resume = request.headers['last-event-id'];
      let sent = resume === undefined ? view.version : Number(resume);

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
        'x-request-id': request.id,
      });
      res.write(': 事件流已连接 (stream open)\n\n');
      open.add(res);

      let pumping = false;
      let more = false;
      let closed = false;
      const pump = async (): Promise<void> => {
        if (pumping) {
          more = true;
          return;
        }
        pumping = true;
        try {
          for (;;) {
            more = false;
            const batch = await feed.eventsAfter(id, sent);
            if (closed) return;
            // A wake that came while reading may be for an event the read just missed.
            if (batch.length === 0) {
              if (more) continue;
              return;
            }
            // Sight is checked again as the challenge moves on: a reader who lost it gets nothing more.
            try {
              await readChallenge(deps, id, caller);
            } catch {
              res.end();
              return;
            }
            for (const event of batch) {
              res.write(`id: ${event.seq}\nevent: committed\ndata: ${JSON.stringify(event)}\n\n`);
              sent = event.seq;
            }
          }
        } catch (err) {
          request.log.error({ err }, 'event stream: sending failed');
        } finally {
          pumping = false;
        }
      };
      const unsubscribe = feed.subscribe(id, () => void pump());
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
      heartbeat.unref();
      res.on('close', () => {
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(res);
      });
      // The backlog after Last-Event-ID, and anything committed while this was set up.
      void pump();
    },
  );
};
export default streamRoutes;
