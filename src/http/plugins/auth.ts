/**
 * Bearer tokens on every /api/v1 request (401 without a valid one), and the role each route
 * declares in `config.roles` (403 for any other role).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { TokenRole } from '../../access/policy.js';
import { createTokenResolver } from '../../access/tokens.js';
import type { Caller } from '../../base/caller.js';
import { AppError, forbidden } from '../../base/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
  interface FastifyContextConfig {
    /** Roles that may call the route; absent = any authenticated caller. */
    roles?: readonly TokenRole[];
    /** The route needs no token (health, docs). */
    public?: boolean;
  }
}

const unauthenticated = (why: string, whyZh: string) => new AppError('UNAUTHENTICATED', why, whyZh);

export default fp(
  async (app: FastifyInstance, opts: { adminToken: string | undefined }) => {
    const resolve = createTokenResolver(app.jiebang.db, opts.adminToken);
    app.decorateRequest('caller', null as unknown as Caller);
    // Callback-style hooks: the token's look-up is the only promise (SQLite answers it at once).
    app.addHook('onRequest', (request, _reply, done) => {
      if (request.routeOptions.config.public || !request.url.startsWith('/api/')) return done();
      const header = request.headers.authorization;
      const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!match?.[1])
        return done(
          unauthenticated('Send Authorization: Bearer <token>.', '请在请求头中携带 Authorization: Bearer <令牌>。'),
        );
      resolve(match[1], app.jiebang.clock.now()).then((caller) => {
        if (!caller)
          return done(unauthenticated('The token is unknown, revoked or expired.', '令牌无效、已撤销或已过期。'));
        request.caller = caller;
        done();
      }, done);
    });
    app.addHook('preHandler', (request, _reply, done) => {
      const roles = request.routeOptions.config.roles;
      if (roles && !roles.includes(request.caller.role))
        return done(
          forbidden(
            `This needs one of the roles ${roles.join(', ')}; the token's role is ${request.caller.role}.`,
            `此操作需要以下角色之一：${roles.join('、')}；当前令牌角色为 ${request.caller.role}。`,
          ),
        );
      done();
    });
  },
  { name: 'auth', dependencies: ['engine'] },
);
