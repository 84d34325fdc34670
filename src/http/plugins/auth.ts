/**
 * Who calls: a bearer token, or a signed-in session's cookie (issue 12) — a session acts exactly
 * as the account's token would, and a write with the cookie must also send the session's CSRF
 * token (`x-csrf-token`), else 403. 401 without either; the role each route declares in
 * `config.roles` (403 for any other role).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { TokenRole } from '../../access/policy.js';
import { createTokenResolver } from '../../access/tokens.js';
import type { AccountRow } from '../../accounts/accounts.js';
import {
  callerOfSession,
  csrfMatches,
  resolveSession,
  SESSION_COOKIE,
  type SessionRow,
} from '../../accounts/sessions.js';
import type { Caller } from '../../base/caller.js';
import { AppError, forbidden } from '../../base/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
    /** The session and its account, when the caller signed in with a password. */
    signedIn: { session: SessionRow; account: AccountRow } | null;
  }
  interface FastifyContextConfig {
    /** Roles that may call the route; absent = any authenticated caller. */
    roles?: readonly TokenRole[];
    /** The route needs no token (health, docs). */
    public?: boolean;
    /** A signed-in account that must change its password may still call it. */
    beforePasswordChange?: boolean;
  }
}

const unauthenticated = (why: string, whyZh: string) => new AppError('UNAUTHENTICATED', why, whyZh);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The header by which a signed-in unit account chooses which of its roles acts (issuer or solver). */
export const ROLE_HEADER = 'x-jiebang-role';

export default fp(
  async (app: FastifyInstance, opts: { adminToken: string | undefined }) => {
    const { db, clock } = app.jiebang;
    const resolve = createTokenResolver(db, opts.adminToken);
    app.decorateRequest('caller', null as unknown as Caller);
    app.decorateRequest('signedIn', null);
    // Callback-style hooks: the token's or session's look-up is the only promise (SQLite answers it at once).
    app.addHook('onRequest', (request, _reply, done) => {
      if (request.routeOptions.config.public || !request.url.startsWith('/api/')) return done();
      const header = request.headers.authorization;
      const secret = request.cookies?.[SESSION_COOKIE];
      if (!header && secret) {
        resolveSession(db, secret, clock.now()).then((found) => {
          if (!found) return done(unauthenticated('The session has ended; sign in again.', '登录已失效，请重新登录。'));
          const wanted = request.headers[ROLE_HEADER];
          const caller = callerOfSession(found.account, typeof wanted === 'string' ? wanted : undefined);
          if (!caller)
            return done(
              forbidden(
                `This account does not hold the role ${String(wanted)}.`,
                `该账号不具有角色 ${String(wanted)}。`,
              ),
            );
          if (!SAFE_METHODS.has(request.method)) {
            const sent = request.headers['x-csrf-token'];
            if (!csrfMatches(found.session, typeof sent === 'string' ? sent : undefined))
              return done(
                forbidden(
                  'A write with the session cookie sends the session’s CSRF token in x-csrf-token.',
                  '使用登录会话提交修改时，须在请求头 x-csrf-token 中携带会话的 CSRF 令牌。',
                ),
              );
          }
          if (found.account.mustChangePassword && !request.routeOptions.config.beforePasswordChange)
            return done(
              forbidden(
                'The password was reset: change it first (PUT /api/v1/me/password).',
                '密码已被重置，请先修改密码。',
              ),
            );
          request.caller = caller;
          request.signedIn = found;
          return done();
        }, done);
        return;
      }
      const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!match?.[1])
        return done(
          unauthenticated('Send Authorization: Bearer <token>.', '请在请求头中携带 Authorization: Bearer <令牌>。'),
        );
      resolve(match[1], clock.now()).then((caller) => {
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
