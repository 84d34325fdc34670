/**
 * The one error handler: every failure leaves as api.md's error shape with the request id.
 * A 5xx never shows internals; anything unexpected is logged in full and answered as INTERNAL.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode, type ErrorDetails } from '../../base/errors.js';

function body(code: ErrorCode, message: string, messageZh: string, requestId: string, details: ErrorDetails = {}) {
  return { error: { code, ...details, message, message_zh: messageZh, requestId } };
}

export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (err instanceof AppError) {
        if (err.status >= 500) request.log.error({ err }, 'internal error');
        return reply.code(err.status).send(body(err.code, err.message, err.messageZh, request.id, err.details));
      }
      if (hasZodFastifySchemaValidationErrors(err)) {
        const where = err.validationContext ?? 'request';
        const issues = err.validation.map((v) => ({
          path: `${where}${v.instancePath.replaceAll('/', '.')}`,
          message: v.message ?? 'invalid',
        }));
        return reply
          .code(400)
          .send(
            body(
              'VALIDATION_FAILED',
              `The ${where} is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
              `请求的 ${where} 不符合要求：${issues.map((i) => `${i.path}: ${i.message}`).join('；')}`,
              request.id,
              { issues },
            ),
          );
      }
      const status = err.statusCode ?? 500;
      if (status === 413)
        return reply
          .code(413)
          .send(body('PAYLOAD_TOO_LARGE', 'The request body is too large.', '请求体过大。', request.id));
      if (status === 429)
        return reply
          .code(429)
          .send(body('RATE_LIMITED', 'Too many requests; slow down.', '请求过于频繁，请稍后再试。', request.id));
      if (status >= 400 && status < 500) {
        // Fastify's own 4xx (malformed JSON, wrong content type, bad header): say what, no internals.
        return reply.code(400).send(
          body('VALIDATION_FAILED', err.message, `请求格式不正确：${err.message}`, request.id, {
            issues: [{ path: 'request', message: err.message }],
          }),
        );
      }
      request.log.error({ err }, 'unexpected error');
      return reply
        .code(500)
        .send(
          body(
            'INTERNAL',
            'Something went wrong on our side; it has been logged.',
            '服务器内部错误，已记录。',
            request.id,
          ),
        );
    });

    app.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .send(
          body(
            'NOT_FOUND',
            `No route ${request.method} ${request.url}.`,
            `没有此接口：${request.method} ${request.url}。`,
            request.id,
          ),
        ),
    );
  },
  { name: 'errors' },
);
