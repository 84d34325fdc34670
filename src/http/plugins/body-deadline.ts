/**
 * The request deadline for bodies (docs/security.md "Limits"): a body still arriving `timeoutMs`
 * after its request began is cut with `408 REQUEST_TIMEOUT` in api.md's error shape, and the
 * connection is closed. Node's own `requestTimeout` is checked only on an interval and answers a
 * bare 408 with no body (a slow body was cut after about 82 s for a 30 s setting: issue 11), so
 * it stays only as the backstop for headers that never finish and for multipart uploads, whose
 * parser reads the raw request itself.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../base/errors.js';

const hasBody = (headers: Record<string, unknown>) =>
  headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined;

export default fp(
  async (app: FastifyInstance, options: { timeoutMs: number }) => {
    app.addHook('preParsing', async (request, reply, payload) => {
      if (!hasBody(request.headers) || String(request.headers['content-type'] ?? '').startsWith('multipart/'))
        return payload;
      const guarded = new PassThrough();
      const seconds = Math.round(options.timeoutMs / 100) / 10;
      const timer = setTimeout(
        () => {
          if (reply.sent) return;
          payload.unpipe(guarded);
          // The rest of the body is never read: the connection cannot carry another request.
          reply.header('connection', 'close');
          guarded.destroy(
            new AppError(
              'REQUEST_TIMEOUT',
              `The request body did not arrive within ${seconds} s.`,
              `请求体未在 ${seconds} 秒内传输完毕。`,
            ),
          );
        },
        Math.max(0, options.timeoutMs - reply.elapsedTime),
      );
      const settle = () => clearTimeout(timer);
      payload.on('end', settle);
      guarded.on('close', settle);
      payload.pipe(guarded);
      return guarded;
    });
  },
  { name: 'body-deadline' },
);
