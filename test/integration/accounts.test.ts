/**
 * Self-registration, accounts and sessions (issue 12, api.md "The open call"), each both ways on
 * the real app: a unit registers, the bureau decides, its account signs in and acts as its
 * token would; CSRF on cookie writes; lock-out; password rules, change and reset; everything on
 * record in the account log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/client.js';
import { manualClock } from '../../src/engine/time/clock.js';
import { code, type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, type Json, startHarness } from '../helpers/harness.js';
import { NEW_UNIT, unitApplication } from '../helpers/open-call-fixtures.js';
import { anonymous } from '../helpers/public.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

const application = unitApplication;

interface Session {
  cookie: string;
  csrf: string;
  body: Json;
  setCookie: string;
}

async function signIn(username: string, password: string): Promise<Session> {
  const r = await anonymous(h, 'POST', '/api/v1/sessions', { username, password });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const setCookie = String(r.headers['set-cookie']);
  const cookie = setCookie.split(';')[0] as string;
  return { cookie, csrf: r.body.csrfToken, body: r.body, setCookie };
}

const withSession = (
  s: Session,
  method: string,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) => anonymous(h, method, url, payload, { cookie: s.cookie, ...headers });
const write = (s: Session, method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  withSession(s, method, url, payload, { 'x-csrf-token': s.csrf, ...headers });

async function registeredAndApproved(): Promise<string> {
  const r = await anonymous(h, 'POST', '/api/v1/registrations', application());
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const d = await h.request('POST', `/api/v1/registrations/${r.body.registrationId}/decision`, p.bureau, {
    approve: true,
  });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  return r.body.registrationId;
}

const logKinds = async (username: string) =>
  (
    await h.app.jiebang.db.$port.query<{ kind: string }>(
      'SELECT kind FROM account_log WHERE username = ? OR account_id IN (SELECT id FROM accounts WHERE username = ?) ORDER BY id',
      [username, username],
    )
  ).map((r) => r.kind);

describe('self-registration', () => {
  it('takes a unit with a valid code pending the bureau, who approves it into the registry; its account then signs in as issuer and solver', async () => {
    const r = await anonymous(h, 'POST', '/api/v1/registrations', application());
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ registrationId: expect.any(String), status: 'pending' });

    // Pending: not in the registry, and the account cannot sign in yet.
    expect((await h.request('GET', `/api/v1/units/${NEW_UNIT}`, p.bureau)).status).toBe(404);
    expect(
      (await anonymous(h, 'POST', '/api/v1/sessions', { username: 'fengdian', password: 'Wind2026power' })).status,
    ).toBe(403);

    const queue = await h.request('GET', '/api/v1/registrations?status=pending', p.bureau);
    expect(queue.status).toBe(200);
    expect(queue.body.items).toMatchObject([
      { id: r.body.registrationId, unit: { code: NEW_UNIT }, account: { username: 'fengdian', mobile: '13912345678' } },
    ]);
    expect(JSON.stringify(queue.body)).not.toContain('Wind2026power');
    expect(JSON.stringify(queue.body)).not.toContain('argon2');

    const decided = await h.request('POST', `/api/v1/registrations/${r.body.registrationId}/decision`, p.bureau, {
      approve: true,
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'approved', decidedAt: expect.any(String) });
    expect((await h.request('GET', `/api/v1/units/${NEW_UNIT}`, p.bureau)).body).toMatchObject({
      name: '新疆风电运维科技有限公司',
    });
    const again = await h.request('POST', `/api/v1/registrations/${r.body.registrationId}/decision`, p.bureau, {
      approve: false,
      reason: '重复',
    });
    expect(again.status).toBe(409);

    const s = await signIn('fengdian', 'Wind2026power');
    expect(s.body).toMatchObject({ role: 'issuer', roles: ['issuer', 'solver'], unit: NEW_UNIT });
    expect(s.setCookie).toMatch(/HttpOnly/i);
    expect(s.setCookie).toMatch(/SameSite=Strict/i);
    expect(s.setCookie).not.toMatch(/Secure/i); // plain HTTP here; Secure when the request came over TLS
    expect(await logKinds('fengdian')).toEqual(['registered', 'signInFailed', 'registrationApproved', 'signIn']);
  });

  it('refuses a wrong credit code naming the character, a code or username already taken (409), a weak password, and needs the bureau to decide', async () => {
    const bad = await anonymous(
      h,
      'POST',
      '/api/v1/registrations',
      application({ unit: { code: `${NEW_UNIT.slice(0, 17)}0` } }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message_zh).toContain('第18位');
    const letterO = await anonymous(
      h,
      'POST',
      '/api/v1/registrations',
      application({ unit: { code: `O${NEW_UNIT.slice(1)}` } }),
    );
    expect(letterO.status).toBe(400);
    expect(letterO.body.error.message_zh).toContain('第1位字符“O”');
    const weak = await anonymous(h, 'POST', '/api/v1/registrations', application({ account: { password: 'short1' } }));
    expect(weak.status).toBe(400);
    expect(weak.body.error.message_zh).toContain('密码长度');
    const noDigit = await anonymous(
      h,
      'POST',
      '/api/v1/registrations',
      application({ account: { password: 'onlyletters' } }),
    );
    expect(noDigit.status).toBe(400);
    const hasName = await anonymous(
      h,
      'POST',
      '/api/v1/registrations',
      application({ account: { password: 'fengdian2026' } }),
    );
    expect(hasName.status).toBe(400);
    expect(hasName.body.error.message_zh).toContain('用户名');

    expect(
      (await anonymous(h, 'POST', '/api/v1/registrations', application({ unit: { code: p && code(1) } }))).status,
    ).toBe(409); // the cast's issuer, in the registry
    const first = await anonymous(h, 'POST', '/api/v1/registrations', application());
    expect(first.status).toBe(201);
    expect(
      (await anonymous(h, 'POST', '/api/v1/registrations', application({ account: { username: 'other' } }))).status,
    ).toBe(409);
    expect(
      (await anonymous(h, 'POST', '/api/v1/registrations', application({ unit: { code: code(78) } }))).status,
    ).toBe(409); // username

    // Only the bureau reads the queue and decides.
    expect((await anonymous(h, 'GET', '/api/v1/registrations')).status).toBe(401);
    expect((await h.request('GET', '/api/v1/registrations', p.solverA)).status).toBe(403);
    const url = `/api/v1/registrations/${first.body.registrationId}/decision`;
    expect((await h.request('POST', url, p.issuer, { approve: true })).status).toBe(403);
    // A refusal gives its reason, is recorded, and the unit may apply again.
    expect((await h.request('POST', url, p.bureau, { approve: false })).status).toBe(400);
    const refused = await h.request('POST', url, p.bureau, { approve: false, reason: '营业执照信息不一致' });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ status: 'refused', reason: '营业执照信息不一致' });
    expect((await h.request('GET', `/api/v1/units/${NEW_UNIT}`, p.bureau)).status).toBe(404);
    expect(
      (await anonymous(h, 'POST', '/api/v1/sessions', { username: 'fengdian', password: 'Wind2026power' })).status,
    ).toBe(403);
    expect(await logKinds('fengdian')).toContain('registrationRefused');
    const retry = await anonymous(
      h,
      'POST',
      '/api/v1/registrations',
      application({ account: { username: 'fengdian2' } }),
    );
    expect(retry.status).toBe(201);
  });
});

describe('sessions', () => {
  it('acts exactly as the unit’s token would; a cookie write without the CSRF token is 403; sign-out ends it', async () => {
    await registeredAndApproved();
    const s = await signIn('fengdian', 'Wind2026power');
    const me = await withSession(s, 'GET', '/api/v1/me');
    expect(me.body).toMatchObject({ username: 'fengdian', role: 'issuer', unit: NEW_UNIT, csrfToken: s.csrf });

    const draft = techDraft({ issuerUnit: NEW_UNIT, leader: '', team: [] });
    const noCsrf = await withSession(s, 'POST', '/api/v1/challenges', draft);
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.message_zh).toContain('CSRF');
    expect((await withSession(s, 'POST', '/api/v1/challenges', draft, { 'x-csrf-token': 'wrong' })).status).toBe(403);
    const created = await write(s, 'POST', '/api/v1/challenges', draft);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // The session's unit scopes it like a token's: another unit's draft is refused.
    expect((await write(s, 'POST', '/api/v1/challenges', techDraft())).status).toBe(403);
    const history = await h.request('GET', `/api/v1/challenges/${created.body.id}/history`, p.bureau);
    expect(history.body.items[0].actor).toMatchObject({ role: 'issuer', unit: NEW_UNIT });
    // As its unit's solver, by choosing the role; a role it does not hold is refused.
    expect((await withSession(s, 'GET', '/api/v1/me', undefined, { 'x-jiebang-role': 'solver' })).body.role).toBe(
      'solver',
    );
    expect((await withSession(s, 'GET', '/api/v1/me', undefined, { 'x-jiebang-role': 'bureau' })).status).toBe(403);
    // The bureau's routes stay the bureau's.
    expect((await withSession(s, 'GET', '/api/v1/registrations')).status).toBe(403);

    expect((await withSession(s, 'DELETE', '/api/v1/sessions')).status).toBe(403);
    expect((await write(s, 'DELETE', '/api/v1/sessions')).status).toBe(204);
    expect((await withSession(s, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await logKinds('fengdian')).slice(-2)).toEqual(['signIn', 'signOut']);
  });

  it('locks the account after five wrong passwords in 15 minutes (429), records it, and lets it in 15 minutes later', async () => {
    await registeredAndApproved();
    const attempt = (password: string) => anonymous(h, 'POST', '/api/v1/sessions', { username: 'fengdian', password });
    for (let i = 0; i < 4; i++) {
      const r = await attempt('Wrong2026power');
      expect(r.status).toBe(401);
      expect(r.body.error.message_zh).toBe('用户名或密码错误。');
    }
    const fifth = await attempt('Wrong2026power');
    expect(fifth.status).toBe(429);
    expect(fifth.body.error.code).toBe('ACCOUNT_LOCKED');
    const locked = await attempt('Wind2026power');
    expect(locked.status).toBe(429);
    await h.at(new Date(Date.parse(h.now()) + 15 * 60_000 - 1000).toISOString());
    expect((await attempt('Wind2026power')).status).toBe(429);
    await h.at(new Date(Date.parse(h.now()) + 2000).toISOString());
    expect((await attempt('Wind2026power')).status).toBe(200);
    expect(await logKinds('fengdian')).toEqual([
      'registered',
      'registrationApproved',
      'signInFailed',
      'signInFailed',
      'signInFailed',
      'signInFailed',
      'signInFailed',
      'lockedOut',
      'signInRefusedLocked',
      'signInRefusedLocked',
      'signIn',
    ]);
    // The bureau and auditors read the record and the account's state; no one else does.
    const found = await h.request('GET', '/api/v1/accounts?username=fengdian', p.auditor);
    expect(found.status).toBe(200);
    expect(found.body.items).toMatchObject([{ username: 'fengdian', roles: ['issuer', 'solver'], status: 'active' }]);
    expect(JSON.stringify(found.body)).not.toMatch(/argon2|passwordHash/);
    const log = await h.request('GET', `/api/v1/accounts/log?account=${found.body.items[0].id}&limit=3`, p.auditor);
    expect(log.status).toBe(200);
    expect(log.body.items.map((e: Json) => e.kind)).toEqual(['signIn', 'signInRefusedLocked', 'signInRefusedLocked']);
    expect(log.body.items[0].ip).toBe('127.0.0.1');
    const older = await h.request(
      'GET',
      `/api/v1/accounts/log?account=${found.body.items[0].id}&limit=3&before=${log.body.nextBefore}`,
      p.bureau,
    );
    expect(older.body.items.map((e: Json) => e.kind)).toEqual(['lockedOut', 'signInFailed', 'signInFailed']);
    expect((await h.request('GET', '/api/v1/accounts/log', p.issuer)).status).toBe(403);
    expect((await h.request('GET', '/api/v1/accounts', p.solverA)).status).toBe(403);
    // Four failures do not lock; an unknown username is a failure on record too.
    expect((await anonymous(h, 'POST', '/api/v1/sessions', { username: 'nobody', password: 'x' })).status).toBe(401);
    expect(await logKinds('nobody')).toEqual(['signInFailed']);
  });

  it('changes a password (current one checked, rules applied); the bureau resets one, which must be changed before anything else', async () => {
    await registeredAndApproved();
    const s = await signIn('fengdian', 'Wind2026power');
    expect(
      (await write(s, 'PUT', '/api/v1/me/password', { currentPassword: 'nope', newPassword: 'Better2027wind' })).status,
    ).toBe(400);
    expect(
      (await write(s, 'PUT', '/api/v1/me/password', { currentPassword: 'Wind2026power', newPassword: 'short' })).status,
    ).toBe(400);
    expect(
      (
        await write(s, 'PUT', '/api/v1/me/password', {
          currentPassword: 'Wind2026power',
          newPassword: 'Better2027wind',
        })
      ).status,
    ).toBe(204);
    expect(
      (await anonymous(h, 'POST', '/api/v1/sessions', { username: 'fengdian', password: 'Wind2026power' })).status,
    ).toBe(401);
    await signIn('fengdian', 'Better2027wind');

    const accountId = s.body.id as string;
    expect(
      (await h.request('POST', `/api/v1/accounts/${accountId}/password-reset`, p.issuer, { password: 'Reset2027temp' }))
        .status,
    ).toBe(403);
    expect(
      (await h.request('POST', `/api/v1/accounts/${accountId}/password-reset`, p.bureau, { password: 'Reset2027temp' }))
        .status,
    ).toBe(204);
    expect((await withSession(s, 'GET', '/api/v1/me')).status).toBe(401); // sessions end with a reset
    const after = await signIn('fengdian', 'Reset2027temp');
    expect(after.body.mustChangePassword).toBe(true);
    expect((await write(after, 'POST', '/api/v1/challenges', techDraft({ issuerUnit: NEW_UNIT }))).status).toBe(403);
    expect(
      (
        await write(after, 'PUT', '/api/v1/me/password', {
          currentPassword: 'Reset2027temp',
          newPassword: 'Own2027secret',
        })
      ).status,
    ).toBe(204);
    expect((await withSession(after, 'GET', '/api/v1/me')).body.mustChangePassword).toBe(false);
    expect(await logKinds('fengdian')).toEqual(expect.arrayContaining(['passwordChanged', 'passwordReset']));
  });

  it('the admin or bureau creates staff and expert accounts; an approved unit adds its own people only', async () => {
    const expert = await h.request('POST', '/api/v1/accounts', p.bureau, {
      username: 'expert.e1',
      password: 'Expert2026one',
      name: '专家一',
      role: 'expert',
      person: 'e1',
    });
    expect(expert.status, JSON.stringify(expert.body)).toBe(201);
    expect(expert.body).toEqual({ id: expect.any(String), username: 'expert.e1', role: 'expert' });
    const s = await signIn('expert.e1', 'Expert2026one');
    expect(s.body).toMatchObject({ role: 'expert', person: 'e1' });
    expect(
      (
        await h.request('POST', '/api/v1/accounts', p.bureau, {
          username: 'x.e2',
          password: 'Expert2026two',
          name: '二',
          role: 'expert',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await h.request('POST', '/api/v1/accounts', p.bureau, {
          username: 'expert.e1',
          password: 'Expert2026one',
          name: '重',
          role: 'expert',
          person: 'e2',
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await h.request('POST', '/api/v1/accounts', p.issuer, {
          username: 'yyyy',
          password: 'Expert2026two',
          name: '二',
          role: 'auditor',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await h.request('POST', '/api/v1/accounts', p.bureau, {
          username: 'adm',
          password: 'Admin2026root',
          name: '管',
          role: 'admin',
        })
      ).status,
    ).toBe(400);

    await registeredAndApproved();
    const unit = await signIn('fengdian', 'Wind2026power');
    const own = await write(unit, 'PUT', '/api/v1/persons/fd-lead', { name: '赵六', unit: NEW_UNIT });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect((await write(unit, 'PUT', '/api/v1/persons/fd-x', { name: '外人', unit: code(1) })).status).toBe(403);
    expect((await write(unit, 'PUT', '/api/v1/persons/p-lead', { name: '抢', unit: NEW_UNIT })).status).toBe(403);
  });
});

describe('behind a TLS-terminating proxy', () => {
  it('with JIEBANG_TRUST_PROXY the session cookie is Secure when the proxy says https, and not without it', async () => {
    const app = await buildApp({
      config: { dbPath: ':memory:', adminToken: ADMIN_TOKEN, testClock: false, logLevel: 'silent', trustProxy: true },
      db: openDatabase(':memory:'),
      clock: manualClock(new Date('2026-05-06T10:00:00+08:00')),
      scheduler: false,
      logger: false,
    });
    try {
      const made = await app.inject({
        method: 'POST',
        url: '/api/v1/accounts',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        payload: { username: 'auditor1', password: 'Audit2026check', name: '审计员', role: 'auditor' },
      });
      expect(made.statusCode).toBe(201);
      const signIn = (headers: Record<string, string>) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/sessions',
          headers,
          payload: { username: 'auditor1', password: 'Audit2026check' },
        });
      const overTls = await signIn({ 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' });
      expect(overTls.statusCode).toBe(200);
      expect(String(overTls.headers['set-cookie'])).toMatch(/; Secure/i);
      const plain = await signIn({});
      expect(String(plain.headers['set-cookie'])).not.toMatch(/; Secure/i);
      const ips = (
        await app.jiebang.db.$port.query<{ ip: string }>("SELECT ip FROM account_log WHERE kind = 'signIn' ORDER BY id")
      ).map((r) => r.ip);
      expect(ips).toEqual(['203.0.113.9', '127.0.0.1']);
    } finally {
      await app.close();
    }
  });
});

describe('limits and tokens', () => {
  it('takes at least 20 registrations an hour from one address, then 429', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await anonymous(
        h,
        'POST',
        '/api/v1/registrations',
        application({ unit: { code: code(600 + i) }, account: { username: `unit${i}` } }),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const limited = await anonymous(
      h,
      'POST',
      '/api/v1/registrations',
      application({ unit: { code: code(700) }, account: { username: 'unit-late' } }),
    );
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  });

  it('takes 60 sign-in attempts a minute from one address, then 429 whatever the account', async () => {
    for (let i = 0; i < 60; i++)
      expect((await anonymous(h, 'POST', '/api/v1/sessions', { username: `guess${i}`, password: 'x' })).status).toBe(
        401,
      );
    const limited = await anonymous(h, 'POST', '/api/v1/sessions', { username: 'guess-late', password: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  });

  it('GET /me answers a token too (its role, unit or person); without a token or cookie it is 401', async () => {
    expect((await h.request('GET', '/api/v1/me', p.solverA)).body).toEqual({
      role: 'solver',
      roles: ['solver'],
      unit: code(3),
    });
    expect((await h.request('GET', '/api/v1/me', p.experts.e1 as string)).body).toMatchObject({
      role: 'expert',
      person: 'e1',
    });
    expect((await anonymous(h, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await anonymous(h, 'GET', '/api/v1/me', undefined, { cookie: 'jb_session=forged' })).status).toBe(401);
    // A token's writes need no CSRF token (no cookie is involved), and it cannot change a password here.
    expect(
      (await h.request('PUT', '/api/v1/me/password', p.issuer, { currentPassword: 'x', newPassword: 'Abcdefgh12' }))
        .status,
    ).toBe(403);
  });
});
