/**
 * Signing in and out, who am I, passwords, and staff accounts (issue 12, api.md "The open
 * call"). The session cookie is HttpOnly and SameSite=Strict, Secure when the request came over
 * TLS; the sign-in answer hands out the CSRF token a write with the cookie must echo.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rolesFor } from '../../access/policy.js';
import { readAccountLog } from '../../accounts/account-log.js';
import {
  accountById,
  changePassword,
  createStaffAccount,
  listAccounts,
  resetPassword,
  staffAccountRoles,
  whoAmI,
} from '../../accounts/accounts.js';
import { SESSION_COOKIE, SESSION_HOURS, signIn, signOut } from '../../accounts/sessions.js';
import { forbidden } from '../../base/errors.js';
import { errorSchema, errors } from '../schemas.js';

const e = errorSchema;
const username = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'letters, digits and . _ @ - only');
const password = z.string().min(1).max(128);

const meSchema = z
  .object({
    id: z.string().optional(),
    username: z.string().optional(),
    name: z.string().optional(),
    role: z.string(),
    roles: z.array(z.string()),
    unit: z.string().optional(),
    person: z.string().optional(),
    mustChangePassword: z.boolean().optional(),
    csrfToken: z.string().optional().describe('echo it in x-csrf-token on every write with the session cookie'),
  })
  .meta({ id: 'Me' });

const sessionRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.jiebang;

  app.post(
    '/sessions',
    {
      config: { public: true, rateLimit: { max: 60, timeWindow: 60_000, keyGenerator: (r) => `signin:${r.ip}` } },
      schema: {
        tags: ['accounts'],
        summary: 'Sign in with username and password (sets the session cookie)',
        security: [],
        body: z.strictObject({ username: z.string().min(1).max(64), password }),
        response: { 200: meSchema, 400: e, 401: e, 403: e, 429: e },
      },
    },
    async (request, reply) => {
      const done = await signIn(db, request.body, request.ip, clock.now());
      reply.setCookie(SESSION_COOKIE, done.secret, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        maxAge: SESSION_HOURS * 3600,
      });
      const roles = JSON.parse(done.account.roles) as string[];
      return whoAmI(done.account, roles[0] as never, done.csrfToken);
    },
  );

  app.delete(
    '/sessions',
    {
      config: { beforePasswordChange: true },
      schema: {
        tags: ['accounts'],
        summary: 'Sign out (ends the session)',
        response: { 204: z.null(), ...errors.write },
      },
    },
    async (request, reply) => {
      if (request.signedIn)
        await signOut(db, request.signedIn.session, request.signedIn.account, request.ip, clock.now());
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      config: { beforePasswordChange: true },
      schema: { tags: ['accounts'], summary: 'Who am I', response: { 200: meSchema, ...errors.read } },
    },
    async (request) => {
      if (request.signedIn)
        return whoAmI(request.signedIn.account, request.caller.role, request.signedIn.session.csrf_token);
      const c = request.caller;
      return {
        role: c.role,
        roles: [c.role],
        ...(c.unit ? { unit: c.unit } : {}),
        ...(c.person ? { person: c.person } : {}),
      };
    },
  );

  app.put(
    '/me/password',
    {
      config: { beforePasswordChange: true },
      schema: {
        tags: ['accounts'],
        summary: "Change the signed-in account's password",
        body: z.strictObject({ currentPassword: password, newPassword: password }),
        response: { 204: z.null(), ...errors.write },
      },
    },
    async (request, reply) => {
      if (!request.signedIn)
        throw forbidden(
          'Only a signed-in account changes its password here; tokens have none.',
          '仅登录账号可在此修改密码；令牌没有密码。',
        );
      await changePassword(
        db,
        request.signedIn.account.id,
        request.body.currentPassword,
        request.body.newPassword,
        request.signedIn.session.id,
        clock.now().toISOString(),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/accounts',
    {
      config: { roles: rolesFor('manageAccounts') },
      schema: {
        tags: ['accounts'],
        summary: 'Create a staff or expert account',
        body: z.strictObject({
          username,
          password,
          name: z.string().trim().min(1).max(100),
          role: z.enum(staffAccountRoles),
          unit: z.string().max(64).optional(),
          person: z.string().max(64).optional(),
          mobile: z.string().max(32).optional(),
          email: z.email().max(200).optional(),
        }),
        response: {
          201: z.object({ id: z.string(), username: z.string(), role: z.string() }),
          ...errors.write,
          409: e,
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createStaffAccount(db, request.body, request.caller, clock.now().toISOString())),
  );

  app.get(
    '/accounts',
    {
      config: { roles: rolesFor('readAccounts') },
      schema: {
        tags: ['accounts'],
        summary: 'Accounts (no password hashes), by username or unit',
        querystring: z.object({ username: z.string().max(64).optional(), unit: z.string().max(64).optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                username: z.string(),
                name: z.string(),
                roles: z.array(z.string()),
                unit: z.string().nullable(),
                person: z.string().nullable(),
                status: z.string(),
                lockedUntil: z.string().nullable(),
                mustChangePassword: z.boolean(),
                createdAt: z.string(),
              }),
            ),
          }),
          ...errors.read,
        },
      },
    },
    async (request) => listAccounts(db, request.query),
  );

  app.get(
    '/accounts/log',
    {
      config: { roles: rolesFor('readAccounts') },
      schema: {
        tags: ['accounts'],
        summary: 'Every sign-in, failure, lock-out, sign-out, password change or reset, registration and decision',
        querystring: z.object({
          account: z.string().max(64).optional(),
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                at: z.string(),
                kind: z.string(),
                accountId: z.string().nullable(),
                username: z.string().nullable(),
                by: z.string().nullable(),
                ip: z.string().nullable(),
                detail: z.string().nullable(),
              }),
            ),
            nextBefore: z.number().nullable(),
          }),
          ...errors.read,
        },
      },
    },
    async (request) => readAccountLog(db, request.query),
  );

  app.post(
    '/accounts/:id/password-reset',
    {
      config: { roles: rolesFor('decideRegistrations') },
      schema: {
        tags: ['accounts'],
        summary: "The bureau resets an account's password (to be changed at the next sign-in)",
        params: z.object({ id: z.string().min(1).max(64) }),
        body: z.strictObject({ password }),
        response: { 204: z.null(), ...errors.write },
      },
    },
    async (request, reply) => {
      await accountById(db, request.params.id);
      await resetPassword(db, request.params.id, request.body.password, request.caller, clock.now().toISOString());
      return reply.code(204).send(null);
    },
  );
};
export default sessionRoutes;
