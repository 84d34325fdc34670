/**
 * What the request log may hold (docs/security.md "What is logged"). Bearer tokens, cookies and
 * the admin token never; person ids and social-credit codes in paths and query strings are
 * masked, so the log holds no personal identifiers; request bodies are never logged.
 */
import type { FastifyRequest } from 'fastify';

/** Paths whose last segment identifies a person or a unit (api.md resources). */
const IDENTIFYING_SEGMENT = /\/(persons|units)\/[^/?#]+/g;

/** The URL with identifying path segments masked and every query value removed. */
export function redactUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const maskedPath = path.replace(IDENTIFYING_SEGMENT, '/$1/[redacted]');
  if (query === undefined) return maskedPath;
  const keys = query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => `${pair.split('=', 1)[0]}=[redacted]`);
  return `${maskedPath}?${keys.join('&')}`;
}

export const logRedaction = {
  paths: [
    'req.headers.authorization',
    'req.headers.cookie',
    'headers.authorization',
    'request.headers.authorization',
    'JIEBANG_ADMIN_TOKEN',
    'adminToken',
    'token',
    '*.token',
  ],
  censor: '[redacted]',
};

export const logSerializers = {
  req: (request: FastifyRequest) => ({
    method: request.method,
    url: redactUrl(request.url),
    remoteAddress: request.ip,
  }),
};
