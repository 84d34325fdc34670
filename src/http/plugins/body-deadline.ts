/**
 * The request deadline for bodies (docs/security.md "Limits"): a body still arriving `timeoutMs`
 * after its request began is cut with `408 REQUEST_TIMEOUT` in api.md's error shape, and the
 * connection is closed. Node's own `requestTimeout` is checked only on an interval and answers a
 * bare 408 with no body (a slow body was cut after about 82 s for a 30 s setting: issue 11), so
 * it stays only as the backstop for headers that never finish. Multipart uploads, whose parser
 * reads the raw request itself, get the same deadline through `app.fileWithinDeadline`, which the
 * upload routes use instead of `request.file()`: on the part's headers, then on its bytes.
 *
 * The body stream is not wrapped: an extra stream per request moves each body's end to a later
 * tick (group commit batches what arrives in one turn), and a first version that did so measured
 * about half the transitions per second of the bench, on a loaded machine. The timer instead fails
 * the body parser that is reading the request, through the stream's `error` event, which
 * Fastify's parser answers with the error handler's shape.
 */
import type { Readable } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../base/errors.js';

/** Methods whose body Fastify parses (it ignores a GET's or HEAD's). */
const PARSED = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * `request.file()` within the request deadline: a part whose headers or bytes are still
     * arriving then fails with `408 REQUEST_TIMEOUT` in the error shape, and the connection is
     * closed (the rest of the body is never read).
     */
    fileWithinDeadline(request: FastifyRequest, reply: FastifyReply): Promise<MultipartFile | undefined>;
  }
}

export default fp(
  async (app: FastifyInstance, options: { timeoutMs: number }) => {
    const seconds = Math.round(options.timeoutMs / 100) / 10;
    const timedOut = () =>
      new AppError(
        'REQUEST_TIMEOUT',
        `The request body did not arrive within ${seconds} s.`,
        `请求体未在 ${seconds} 秒内传输完毕。`,
      );
    const remaining = (reply: FastifyReply) => Math.max(0, options.timeoutMs - reply.elapsedTime);
    const cutStream = (request: FastifyRequest, reply: FastifyReply, stream: Readable) => {
      const timer = setTimeout(() => {
        if (reply.sent || request.raw.complete || stream.destroyed) return;
        reply.header('connection', 'close');
        stream.destroy(timedOut());
      }, remaining(reply));
      timer.unref();
      stream.once('close', () => clearTimeout(timer));
      stream.once('end', () => clearTimeout(timer));
    };
    app.decorate('fileWithinDeadline', async (request: FastifyRequest, reply: FastifyReply) => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reply.header('connection', 'close');
          reject(timedOut());
        }, remaining(reply));
        timer.unref();
      });
      const reading = request.file();
      // Past the deadline the parser may still fail when the connection closes: nobody waits then.
      reading.catch(() => undefined);
      try {
        const part = await Promise.race([reading, deadline]);
        if (part) cutStream(request, reply, part.file);
        return part;
      } finally {
        clearTimeout(timer);
      }
    });
    app.addHook('preParsing', (request, reply, payload, done) => {
      const headers = request.headers;
      const hasBody = headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined;
      if (!hasBody || !PARSED.has(request.method) || String(headers['content-type'] ?? '').startsWith('multipart/'))
        return done(null, payload);
      // The whole body has arrived already (a small body in the packets of its headers: most
      // requests): nothing left to wait for, and the timer below would find it complete (issue 15).
      if (request.raw.complete) return done(null, payload);
      const timer = setTimeout(
        () => {
          // Only while a parser still reads the body: emitting `error` with no listener would throw.
          if (reply.sent || request.raw.complete || payload.listenerCount('error') === 0) return;
          // The rest of the body is never read: the connection cannot carry another request.
          reply.header('connection', 'close');
          payload.emit('error', timedOut());
        },
        Math.max(0, options.timeoutMs - reply.elapsedTime),
      );
      timer.unref();
      payload.once('end', () => clearTimeout(timer));
      payload.once('close', () => clearTimeout(timer));
      done(null, payload);
    });
  },
  { name: 'body-deadline' },
);
