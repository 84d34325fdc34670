/**
 * What the request log may hold (docs/security.md "What is logged"). Bearer tokens, cookies and
 * the admin token never; request bodies never; and no identifier of a person or a unit anywhere
 * in a URL. A URL is logged by what the service knows of it, not by what a client may send: a
 * path segment is kept only when it is a fixed word of one of the service's routes (`api`,
 * `challenges`, `history` …) or, on a route that matched, the id of a challenge, programme or
 * token; every other segment — an id after `persons` or `units`, a segment of a path that matches
 * no route (`/api/v1/Persons/<id>`, `/persons;<id>`), anything percent-encoded — is written as
 * `[redacted]`, and so is every query value.
 */
import type { FastifyRequest } from 'fastify';

const MASK = '[redacted]';

/** The fixed words of every route path the service registered (`onRoute`: `learnRoute`). */
const routeWords = new Set<string>();

/** Collections whose ids name no person or unit: kept in the log where a route matched them. */
const IMPERSONAL_COLLECTIONS = new Set(['challenges', 'programmes', 'tokens']);

/** Remembers the fixed words of a route path (`/api/v1/persons/:id` → api, v1, persons). */
export function learnRoute(path: string): void {
  for (const segment of path.split('/')) if (segment !== '' && !/[:*]/.test(segment)) routeWords.add(segment);
}

/**
 * The URL with every segment that is not a fixed route word masked (and, when `matched`, the
 * ids of impersonal collections kept), and every query value removed.
 */
export function redactUrl(url: string, matched = false): string {
  const [path = '', query] = url.split('?', 2);
  const segments = path.split('/');
  const maskedPath = segments
    .map((segment, i) => {
      if (segment === '' || routeWords.has(segment)) return segment;
      const collection = segments[i - 1];
      return matched && collection !== undefined && IMPERSONAL_COLLECTIONS.has(collection) ? segment : MASK;
    })
    .join('/');
  if (query === undefined) return maskedPath;
  const keys = query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const key = pair.split('=', 1)[0] ?? '';
      return `${/^[A-Za-z][A-Za-z0-9_]*$/.test(key) ? key : MASK}=${MASK}`;
    });
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
  censor: MASK,
};

export const logSerializers = {
  req: (request: FastifyRequest) => ({
    method: request.method,
    url: redactUrl(request.url, request.routeOptions?.url !== undefined),
    remoteAddress: request.ip,
  }),
};
