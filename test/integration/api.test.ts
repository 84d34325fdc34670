/**
 * The HTTP contract of api.md, driven through the real app: authentication, roles, validation,
 * the error shape, the registry, programmes (and that a challenge keeps the settings it was
 * created under), the list with its filters and cursor, the hash-chained history, the OpenAPI
 * document and the test clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wlmq2026 } from '../../machines/programme.js';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/client.js';
import { eventHash } from '../../src/engine/canonical.js';
import { code, type Parties, registerParties, techDraft, token, transferDraft, UNITS } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, type Json, type Reply, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

/** A request with exactly these headers (no bearer token added), for the 401 cases. */
async function raw(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  headers: Record<string, string> = {},
  payload?: string | Record<string, unknown>,
): Promise<Reply> {
  const res = await h.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  let body: unknown = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    // not JSON
  }
  return { status: res.statusCode, body, headers: res.headers };
}

/** api.md's error shape, with no internals: no stack frames, no file paths. */
function expectError(r: Reply, status: number, code: string): Json {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  const e = r.body.error;
  expect(e.code).toBe(code);
  expect(typeof e.message).toBe('string');
  expect(e.message.length).toBeGreaterThan(0);
  expect(typeof e.message_zh).toBe('string');
  expect(e.message_zh.length).toBeGreaterThan(0);
  expect(typeof e.requestId).toBe('string');
  const text = JSON.stringify(r.body);
  expect(text).not.toMatch(/\bat \S+ \(?\/?[\w./-]+:\d+:\d+/);
  expect(text).not.toMatch(/node_modules|\.ts:\d+|\.js:\d+|stack/i);
  return e;
}

const sorted = (list: readonly string[]) => [...list].sort();

describe('authentication (401) and tokens', () => {
  it('refuses a missing, malformed or unknown bearer token', async () => {
    const headers: Record<string, string>[] = [
      {},
      { authorization: '' },
      { authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: 'Bearer two tokens' },
      { authorization: ADMIN_TOKEN },
      { authorization: 'Bearer jb_this-token-was-never-issued' },
      { authorization: `Bearer ${ADMIN_TOKEN}x` },
    ];
    for (const hdr of headers) {
      const r = await raw('GET', '/api/v1/programmes', hdr);
      expectError(r, 401, 'UNAUTHENTICATED');
    }
    // A write without a token changes nothing.
    const s = await new ChallengeDriver(h, p).create();
    const r = await raw('POST', `/api/v1/challenges/${s.id}/events`, {}, { type: 'WITHDRAW', reason: 'x' });
    expectError(r, 401, 'UNAUTHENTICATED');
    expect((await s.view()).version).toBe(1);
  });

  it('JIEBANG_ADMIN_TOKEN is an admin token; only an admin issues tokens', async () => {
    expect((await h.request('GET', '/api/v1/programmes', ADMIN_TOKEN)).status).toBe(200);
    const issued = await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, { role: 'auditor', label: '审计' });
    expect(issued.status).toBe(201);
    expect(typeof issued.body.id).toBe('string');
    expect(typeof issued.body.token).toBe('string');
    expect((await h.request('GET', '/api/v1/programmes', issued.body.token)).status).toBe(200);

    for (const who of [p.bureau, p.issuer, p.auditor]) {
      const r = await h.request('POST', '/api/v1/tokens', who, { role: 'admin', label: 'self-promotion' });
      expectError(r, 403, 'FORBIDDEN');
    }
  });

  it('issuer, solver and district tokens name a unit; an expert token names a person (400)', async () => {
    for (const role of ['issuer', 'solver', 'district']) {
      const r = await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, { role, label: role });
      const e = expectError(r, 400, 'VALIDATION_FAILED');
      expect(e.issues).toEqual([{ path: 'unit', message: expect.any(String) }]);
    }
    const expert = await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, { role: 'expert', label: 'e' });
    expect(expectError(expert, 400, 'VALIDATION_FAILED').issues[0].path).toBe('person');
    const unknownRole = await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, { role: 'system', label: 's' });
    expectError(unknownRole, 400, 'VALIDATION_FAILED');
    // With their scope they are issued.
    const ok = await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, { role: 'expert', person: 'e1', label: 'e' });
    expect(ok.status).toBe(201);
  });

  it('a token acts for someone registered: a bad credit code is 400, an unknown unit or person 404', async () => {
    const good = UNITS.solverA;
    const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const bad = expectError(
      await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, { role: 'solver', unit: wrongCheck, label: 's' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(bad.issues[0].path).toBe('unit');
    expect(bad.message_zh).toContain('校验');
    for (const role of ['issuer', 'solver', 'district']) {
      const r = await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, { role, unit: code(777), label: role });
      expect(expectError(r, 404, 'NOT_FOUND').message).toContain(code(777));
    }
    const ghost = await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, {
      role: 'expert',
      person: 'ghost',
      label: 'e',
    });
    expect(expectError(ghost, 404, 'NOT_FOUND').message).toContain('ghost');
    // The registered ones are issued.
    expect(
      (await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, { role: 'solver', unit: good, label: 's' })).status,
    ).toBe(201);
  });

  it('a revoked token is refused', async () => {
    const issued = await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, { role: 'bureau', label: '科技局' });
    const { id, token: secret } = issued.body;
    expect((await h.request('GET', '/api/v1/programmes', secret)).status).toBe(200);

    expectError(await h.request('DELETE', `/api/v1/tokens/${id}`, p.bureau), 403, 'FORBIDDEN');
    expect((await h.request('GET', '/api/v1/programmes', secret)).status).toBe(200);
    const revoked = await h.request('DELETE', `/api/v1/tokens/${id}`, ADMIN_TOKEN);
    expect(revoked.status).toBe(204);
    expectError(await h.request('GET', '/api/v1/programmes', secret), 401, 'UNAUTHENTICATED');
    expectError(await h.request('DELETE', '/api/v1/tokens/no-such-token', ADMIN_TOKEN), 404, 'NOT_FOUND');
  });

  it('an expired token is refused once the clock passes expiresAt', async () => {
    const expiresAt = new Date(Date.parse(h.now()) + 3_600_000).toISOString();
    const issued = await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, {
      role: 'auditor',
      label: '临时审计',
      expiresAt,
    });
    const secret = issued.body.token;
    await h.at(new Date(Date.parse(expiresAt) - 1).toISOString());
    expect((await h.request('GET', '/api/v1/programmes', secret)).status).toBe(200);
    await h.at(new Date(Date.parse(expiresAt) + 1).toISOString());
    expectError(await h.request('GET', '/api/v1/programmes', secret), 401, 'UNAUTHENTICATED');
    // Other tokens are unaffected.
    expect((await h.request('GET', '/api/v1/programmes', p.auditor)).status).toBe(200);
  });
});

describe('roles (403)', () => {
  it('a role that may not send an event is refused and nothing changes', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.attachAll();
    const before = await s.view();
    const historyBefore = (await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.auditor)).body.items;

    const attempts: [string, Record<string, unknown>][] = [
      [p.solverA, { type: 'SUBMIT', confirmDetails: true }],
      [p.bureau, { type: 'SUBMIT', confirmDetails: true }],
      [p.auditor, { type: 'UPDATE', title: '审计员不写' }],
      [p.finance, { type: 'WITHDRAW', reason: 'x' }],
      [p.district, { type: 'PASS_FORMAL_CHECK', opinion: 'x' }],
      [ADMIN_TOKEN, { type: 'WITHDRAW', reason: 'x' }],
    ];
    for (const [who, event] of attempts) {
      const e = expectError(await s.send(who, event as { type: string }), 403, 'FORBIDDEN');
      expect(e.message).toContain(String(event.type));
    }
    expect(await s.view()).toEqual(before);
    const historyAfter = (await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.auditor)).body.items;
    expect(historyAfter).toEqual(historyBefore);
    // The issuer may.
    expect((await s.send(p.issuer, { type: 'SUBMIT', confirmDetails: true })).status).toBe(200);
  });
});

describe('validation (400) and not found (404)', () => {
  it('malformed JSON, unknown types, wrong field types and unknown fields are 400, never 500', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const auth = { authorization: `Bearer ${p.issuer}` };
    const json = { ...auth, 'content-type': 'application/json' };
    const url = `/api/v1/challenges/${s.id}/events`;

    const replies: Reply[] = [
      await raw('POST', url, json, '{"type": "SUBMIT", '),
      await raw('POST', url, json, 'not json at all'),
      await raw('POST', '/api/v1/challenges', json, '{'),
      await raw('POST', url, { ...auth, 'content-type': 'text/plain' }, 'SUBMIT'),
      await s.send(p.issuer, { type: 'FLY_TO_THE_MOON' }),
      await s.send(p.issuer, { type: 'SUBMIT', confirmDetails: 'yes' }),
      await s.send(p.issuer, { type: 'SUBMIT', confirmDetails: true, sneaky: 1 }),
      await s.send(p.issuer, { type: 'UPDATE', periodMonths: 'twelve' }),
      await s.send(p.issuer, { type: 'UPDATE', investment: { ownPilotCny: -1, solverFundingCny: 0 } }),
      await s.send(p.issuer, { type: 'ATTACH', kind: 'applicationForm', sha256: 'not-a-digest' }),
      await s.send(p.issuer, { type: 'SUBMIT', confirmDetails: true }, { 'if-match': 'yesterday' }),
      await h.request('POST', url, p.issuer, {}),
      await h.request('POST', '/api/v1/challenges', p.issuer, techDraft({ periodMonths: '24' })),
      await h.request('POST', '/api/v1/challenges', p.issuer, techDraft({ unexpected: true })),
      await h.request('POST', '/api/v1/challenges', p.issuer, { programmeId: 'wlmq-2026' }),
    ];
    for (const r of replies) expectError(r, 400, 'VALIDATION_FAILED');
    expect((await s.view()).version).toBe(1);
    const list = await h.request('GET', '/api/v1/challenges', p.bureau);
    expect(list.body.items).toHaveLength(1);
  });

  it('an unknown challenge or route is 404 in the error shape', async () => {
    expectError(await h.request('GET', '/api/v1/challenges/wlmq-2026-9999', p.bureau), 404, 'NOT_FOUND');
    expectError(await h.send(p.issuer, 'wlmq-2026-9999', { type: 'WITHDRAW', reason: 'x' }), 404, 'NOT_FOUND');
    expectError(await h.request('GET', '/api/v1/challenges/wlmq-2026-9999/history', p.auditor), 404, 'NOT_FOUND');
    expectError(await h.request('GET', '/api/v1/no-such-thing', p.bureau), 404, 'NOT_FOUND');
    expectError(await h.request('DELETE', '/api/v1/programmes/wlmq-2026', ADMIN_TOKEN), 404, 'NOT_FOUND');
    expectError(await raw('GET', '/no-such-page'), 404, 'NOT_FOUND');
  });
});

describe('events a state does not take, and allowedEvents by role', () => {
  it('EVENT_NOT_ALLOWED lists the events the caller may send now', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const issuerNow = expectError(
      await s.send(p.issuer, { type: 'AGREE', bidId: 'b', agreedFundingCny: 1 }),
      422,
      'EVENT_NOT_ALLOWED',
    );
    expect(sorted(issuerNow.allowedEvents)).toEqual(['ATTACH', 'SUBMIT', 'UPDATE', 'WITHDRAW']);
    expect(issuerNow.message).toContain('collection');
    const bureauNow = expectError(
      await s.send(p.bureau, { type: 'PUBLISH', biddingClosesAt: '2026-07-01T00:00:00+08:00' }),
      422,
      'EVENT_NOT_ALLOWED',
    );
    expect(bureauNow.allowedEvents).toEqual([]);

    await s.submit();
    const submitted = await s.view();
    const again = expectError(
      await s.send(p.issuer, { type: 'SUBMIT', confirmDetails: true }),
      422,
      'EVENT_NOT_ALLOWED',
    );
    expect(again.allowedEvents).toEqual(['WITHDRAW']);
    const early = expectError(
      await s.send(p.bureau, { type: 'PASS_FORMAL_CHECK', opinion: '太早' }),
      422,
      'EVENT_NOT_ALLOWED',
    );
    expect(sorted(early.allowedEvents)).toEqual(['DECLINE', 'RETURN']);
    expect(await s.view()).toEqual(submitted);
  });

  it("the view's allowedEvents differ by role, stage by stage", async () => {
    const s = await new ChallengeDriver(h, p).create();
    const expectAllowed = async (expected: Record<string, string[]>) => {
      const who: Record<string, string> = {
        issuer: p.issuer,
        district: p.district,
        bureau: p.bureau,
        solver: p.solverA,
        expert: p.experts.e1 as string,
        finance: p.finance,
        auditor: p.auditor,
      };
      const published = (await s.view()).details.publishedAt !== null;
      for (const [role, tokenValue] of Object.entries(who)) {
        // Solvers and experts do not see a challenge before it is published (docs/security.md).
        if (!published && (role === 'solver' || role === 'expert')) {
          expect((await h.request('GET', `/api/v1/challenges/${s.id}`, tokenValue)).status).toBe(404);
          continue;
        }
        const v = await s.view(tokenValue);
        expect(sorted(v.allowedEvents), `${v.stage} as ${role}`).toEqual(sorted(expected[role] ?? []));
      }
    };
    await expectAllowed({ issuer: ['UPDATE', 'ATTACH', 'SUBMIT', 'WITHDRAW'] });
    await s.submit();
    await expectAllowed({
      issuer: ['WITHDRAW'],
      district: ['RECOMMEND', 'RETURN', 'DECLINE'],
      bureau: ['RETURN', 'DECLINE'],
    });
    await s.recommend();
    await expectAllowed({
      issuer: ['WITHDRAW'],
      district: ['RETURN', 'DECLINE'],
      bureau: ['RETURN', 'DECLINE', 'PASS_FORMAL_CHECK'],
    });
    await s.passFormalCheck('通过');
    await expectAllowed({ bureau: ['DECLINE', 'PUBLISH', 'APPROVE_DEMAND'] });
    await s.approveDemand('通过');
    await s.publish('2026-06-30T18:00:00+08:00');
    await expectAllowed({
      // WITHDRAW_BID appears once the solver's unit leads a bid here (its scope).
      solver: ['BID'],
      issuer: ['AGREE'],
      bureau: ['EXTEND_BIDDING', 'CLOSE_MATCHING', 'DECLARE_UNFILLED'],
    });
  });
});

describe('the unit and person registry', () => {
  it('accepts a valid unified social credit code and explains an invalid one by position', async () => {
    const valid = code(42);
    const put = await h.request('PUT', `/api/v1/units/${valid}`, p.bureau, {
      name: '某新材料有限公司',
      type: 'enterprise',
      inCity: true,
      legalPerson: true,
    });
    expect(put.status).toBe(200);
    expect(put.body.code).toBe(valid);
    const got = await h.request('GET', `/api/v1/units/${valid}`, p.solverA);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ code: valid, name: '某新材料有限公司', type: 'enterprise', inCity: true });

    const body = { name: '某单位', type: 'enterprise', inCity: true, legalPerson: true };
    const wrongCheck = `${valid.slice(0, 17)}${valid.endsWith('0') ? '1' : '0'}`;
    const e = expectError(
      await h.request('PUT', `/api/v1/units/${wrongCheck}`, ADMIN_TOKEN, body),
      400,
      'VALIDATION_FAILED',
    );
    expect(e.message).toContain('Character 18');
    expect(e.message_zh).toContain('第18位');

    const letters = ['I', 'O', 'S', 'V', 'Z'];
    for (const [i, letter] of letters.entries()) {
      const position = 3 + i * 3; // 3, 6, 9, 12, 15
      const bad = valid.slice(0, position - 1) + letter + valid.slice(position);
      expect(bad).toHaveLength(18);
      const err = expectError(
        await h.request('PUT', `/api/v1/units/${bad}`, ADMIN_TOKEN, body),
        400,
        'VALIDATION_FAILED',
      );
      expect(err.message).toContain(`Character ${position} ("${letter}")`);
    }
    for (const wrongLength of [valid.slice(0, 17), `${valid}1`]) {
      const err = expectError(
        await h.request('PUT', `/api/v1/units/${wrongLength}`, ADMIN_TOKEN, body),
        400,
        'VALIDATION_FAILED',
      );
      expect(err.message).toContain('18 characters');
    }
    // None of the refused codes was stored.
    expectError(await h.request('GET', `/api/v1/units/${wrongCheck}`, p.bureau), 404, 'NOT_FOUND');
    // Only admin and bureau register units.
    expectError(await h.request('PUT', `/api/v1/units/${code(43)}`, p.issuer, body), 403, 'FORBIDDEN');
  });

  it('a person needs a registered unit; unknown units and persons are 404', async () => {
    const unregistered = code(77);
    const refused = await h.request('PUT', '/api/v1/persons/x-lead', ADMIN_TOKEN, { name: '某人', unit: unregistered });
    expect(expectError(refused, 400, 'VALIDATION_FAILED').clause).toBe('Q-2/3');
    expectError(await h.request('GET', '/api/v1/persons/x-lead', p.bureau), 404, 'NOT_FOUND');
    expectError(await h.request('GET', `/api/v1/units/${unregistered}`, p.bureau), 404, 'NOT_FOUND');

    const ok = await h.request('PUT', '/api/v1/persons/x-lead', p.bureau, { name: '某人', unit: UNITS.issuer });
    expect(ok.status).toBe(200);
    expect((await h.request('GET', '/api/v1/persons/x-lead', p.auditor)).body).toMatchObject({
      id: 'x-lead',
      unit: UNITS.issuer,
    });
  });
});

describe('programmes', () => {
  it("wlmq-2026 holds the guide's values", async () => {
    const r = await h.request('GET', '/api/v1/programmes/wlmq-2026', p.solverA);
    expect(r.status).toBe(200);
    const s = r.body.settings;
    expect(s.amounts).toMatchObject({
      minTotalInvestmentCny: 5_000_000,
      fiscalSharePercent: 40,
      fiscalCapCny: 3_000_000,
      maxPeriodMonths: 36,
      horseRaceFirstPhasePercent: 20,
    });
    expect(s.submission).toEqual({ opensAt: '2026-04-25T10:00:00+08:00', closesAt: '2026-06-10T19:30:00+08:00' });
    expect(s.recommendationClosesAt).toBe('2026-06-12T19:30:00+08:00');
    expect(s.timezone).toBe('Asia/Shanghai');
    expect(s.catalogue.domains).toContain('lowAltitude');
    expect(s.catalogue.domains).toHaveLength(15);
    const all = await h.request('GET', '/api/v1/programmes', p.auditor);
    expect(all.body.items.map((x: Json) => x.id)).toContain('wlmq-2026');
    expectError(await h.request('GET', '/api/v1/programmes/wlmq-2099', p.bureau), 404, 'NOT_FOUND');
  });

  it('a new programme (admin only); a challenge keeps the settings it was created under', async () => {
    const pilot = structuredClone(wlmq2026);
    pilot.name = '试点批次';
    pilot.catalogue = { domains: ['equipment', 'ai'] };
    expectError(await h.request('PUT', '/api/v1/programmes/pilot-2026', p.bureau, pilot), 403, 'FORBIDDEN');
    const invalid = {
      ...pilot,
      submission: { opensAt: pilot.submission.closesAt, closesAt: pilot.submission.opensAt },
    };
    expectError(
      await h.request('PUT', '/api/v1/programmes/pilot-2026', ADMIN_TOKEN, invalid),
      400,
      'VALIDATION_FAILED',
    );
    const put = await h.request('PUT', '/api/v1/programmes/pilot-2026', ADMIN_TOKEN, pilot);
    expect(put.status).toBe(200);
    expect(put.body.settings.amounts.minTotalInvestmentCny).toBe(5_000_000);

    // 3,000,000 in total: below the programme's 5,000,000 minimum (Q-1a).
    const draft = techDraft({
      programmeId: 'pilot-2026',
      investment: { ownPilotCny: 1_000_000, solverFundingCny: 2_000_000 },
    });
    const before = await new ChallengeDriver(h, p).create(draft);
    expect(before.id).toBe('pilot-2026-0001');
    expect((await before.view()).programmeId).toBe('pilot-2026');
    const textile = await h.request('POST', '/api/v1/challenges', p.issuer, { ...draft, domain: 'textile' });
    expectError(textile, 400, 'VALIDATION_FAILED');

    // The bureau lowers the minimum and moves the deadlines later.
    const edited = structuredClone(pilot);
    edited.amounts.minTotalInvestmentCny = 1_000_000;
    edited.submission.closesAt = '2026-06-30T19:30:00+08:00';
    edited.recommendationClosesAt = '2026-07-02T19:30:00+08:00';
    expect((await h.request('PUT', '/api/v1/programmes/pilot-2026', ADMIN_TOKEN, edited)).status).toBe(200);
    const reread = await h.request('GET', '/api/v1/programmes/pilot-2026', p.bureau);
    expect(reread.body.settings.amounts.minTotalInvestmentCny).toBe(1_000_000);

    const after = await new ChallengeDriver(h, p).create(draft);
    for (const s of [before, after]) await s.attachAll();
    // The old challenge still has the old deadline and the old minimum.
    expect((await before.view()).deadlines).toEqual([
      { type: 'SUBMISSION_WINDOW_CLOSED', dueAt: '2026-06-10T11:30:00.001Z' },
    ]);
    expect((await after.view()).deadlines).toEqual([
      { type: 'SUBMISSION_WINDOW_CLOSED', dueAt: '2026-06-30T11:30:00.001Z' },
    ]);
    const refused = await before.send(p.issuer, { type: 'SUBMIT', confirmDetails: true });
    const e = expectError(refused, 422, 'RULE_VIOLATION');
    expect(e.violations).toEqual([expect.objectContaining({ clause: 'Q-1a' })]);
    expect(e.message).toContain('5,000,000');
    // The new one, created after the edit, runs under the new settings.
    const accepted = await after.send(p.issuer, { type: 'SUBMIT', confirmDetails: true });
    expect(accepted.status).toBe(200);
    expect(accepted.body.stage).toBe('review');
    expect(accepted.body.deadlines).toEqual([
      { type: 'RECOMMENDATION_DEADLINE_PASSED', dueAt: '2026-07-02T11:30:00.001Z' },
    ]);
  });

  it('a domain outside the catalogue is 400, an unknown programme 404', async () => {
    const outside = await h.request('POST', '/api/v1/challenges', p.issuer, techDraft({ domain: 'astrology' }));
    expect(expectError(outside, 400, 'VALIDATION_FAILED').issues[0].path).toBe('domain');
    const unknown = await h.request('POST', '/api/v1/challenges', p.issuer, techDraft({ programmeId: 'nowhere-2030' }));
    expectError(unknown, 404, 'NOT_FOUND');
    expect((await h.request('GET', '/api/v1/challenges', p.bureau)).body.items).toEqual([]);
  });
});

describe('the challenge list', () => {
  it('filters by programme, stage, kind, domain, issuer and district; the cursor visits each once', async () => {
    const issuer2 = code(11);
    const district2 = code(12, '11650103');
    const unit = (c: string, type: string) =>
      h.request('PUT', `/api/v1/units/${c}`, ADMIN_TOKEN, { name: c, type, inCity: true, legalPerson: true });
    expect((await unit(issuer2, 'enterprise')).status).toBe(200);
    expect((await unit(district2, 'districtDept')).status).toBe(200);
    const issuer2Token = await token(h, 'issuer', { unit: issuer2 });
    const holderToken = await token(h, 'issuer', { unit: UNITS.transferHolder });
    const pilot = structuredClone(wlmq2026);
    expect((await h.request('PUT', '/api/v1/programmes/pilot-2026', ADMIN_TOKEN, pilot)).status).toBe(200);

    const c1 = await new ChallengeDriver(h, p).create();
    const c2 = await new ChallengeDriver(h, p, { issuer: holderToken }).create(transferDraft());
    await c2.submit();
    const c3 = await new ChallengeDriver(h, p, { issuer: issuer2Token }).create(
      techDraft({ domain: 'ai', issuerUnit: issuer2, districtUnit: district2 }),
    );
    const c4 = await new ChallengeDriver(h, p).create(techDraft({ programmeId: 'pilot-2026' }));
    const c5 = await new ChallengeDriver(h, p).create();
    await c5.ok(p.issuer, { type: 'WITHDRAW', reason: '撤回' });

    const ids = async (query: string, who = p.auditor) => {
      const r = await h.request('GET', `/api/v1/challenges${query}`, who);
      expect(r.status).toBe(200);
      return sorted(r.body.items.map((x: Json) => x.id));
    };
    expect(await ids('')).toEqual(sorted([c1.id, c2.id, c3.id, c4.id, c5.id]));
    expect(await ids('?programme=wlmq-2026')).toEqual(sorted([c1.id, c2.id, c3.id, c5.id]));
    expect(await ids('?programme=pilot-2026')).toEqual([c4.id]);
    expect(await ids('?stage=review')).toEqual([c2.id]);
    expect(await ids('?stage=withdrawn')).toEqual([c5.id]);
    expect(await ids('?stage=collection')).toEqual(sorted([c1.id, c3.id, c4.id]));
    expect(await ids('?kind=achievementTransfer')).toEqual([c2.id]);
    expect(await ids('?kind=techBreakthrough')).toEqual(sorted([c1.id, c3.id, c4.id, c5.id]));
    expect(await ids('?domain=ai')).toEqual([c3.id]);
    expect(await ids(`?issuer=${issuer2}`)).toEqual([c3.id]);
    expect(await ids(`?issuer=${UNITS.transferHolder}`)).toEqual([c2.id]);
    expect(await ids(`?district=${district2}`)).toEqual([c3.id]);
    expect(await ids(`?district=${UNITS.district}&programme=wlmq-2026&domain=equipment`)).toEqual(
      sorted([c1.id, c5.id]),
    );
    expect(await ids('?domain=textile')).toEqual([]);
    // A solver sees published calls only; an issuer its own unit's challenges and published calls.
    expect(await ids('', p.solverB)).toEqual([]);
    expect(await ids('', issuer2Token)).toEqual([c3.id]);
    expect(await ids('', p.issuer)).toEqual(sorted([c1.id, c4.id, c5.id]));

    // Cursor pagination: every challenge exactly once, in id order.
    for (const [limit, query] of [
      [2, ''],
      [1, ''],
      [1, '&programme=wlmq-2026'],
      [5, ''],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const qs: string = `?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`;
        const r = await h.request('GET', `/api/v1/challenges${qs}`, p.bureau);
        expect(r.status).toBe(200);
        expect(r.body.items.length).toBeLessThanOrEqual(limit);
        seen.push(...r.body.items.map((x: Json) => x.id));
        cursor = r.body.nextCursor;
        pages += 1;
        expect(pages).toBeLessThan(10);
      } while (cursor !== null);
      const expected = await ids(query.replace('&', '?'));
      expect(seen).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / limit));
    }

    for (const bad of [
      'cursor=not-a-cursor!',
      'cursor=%3D%3D',
      'cursor=ab%2B%2F',
      'limit=0',
      'limit=many',
      'limit=201',
    ]) {
      expectError(await h.request('GET', `/api/v1/challenges?${bad}`, p.bureau), 400, 'VALIDATION_FAILED');
    }
  });
});

describe('history', () => {
  it('returns every event, seq 1..n, each hash chained to the previous one', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.submit();
    await s.recommend();
    const r = await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.auditor);
    expect(r.status).toBe(200);
    const items: Json[] = r.body.items;
    // CREATE, 7 ATTACH, SUBMIT, RECOMMEND
    expect(items.map((e) => e.type)).toEqual(['CREATE', ...Array(7).fill('ATTACH'), 'SUBMIT', 'RECOMMEND']);
    expect(items.map((e) => e.seq)).toEqual(items.map((_, i) => i + 1));
    expect(items.length).toBe((await s.view()).version);
    let prev = '0'.repeat(64);
    for (const e of items) {
      expect(e.prevHash).toBe(prev);
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
      const fields = {
        challengeId: s.id,
        seq: e.seq,
        type: e.type,
        payload: e.payload,
        facts: e.facts,
        actor: e.actor,
        at: e.at,
        machineVersion: e.machineVersion,
        stateAfter: e.stateAfter,
      };
      expect(eventHash(e.prevHash, fields)).toBe(e.hash);
      prev = e.hash;
    }
    expect(items.at(-1).stateAfter).toEqual({ review: 'formalCheck' });
    expect(items.at(-1).actor.role).toBe('district');

    for (const who of [p.bureau, p.issuer]) {
      expect((await h.request('GET', `/api/v1/challenges/${s.id}/history`, who)).body.items).toEqual(items);
    }
    for (const who of [p.solverA, p.finance, p.experts.e1 as string]) {
      expectError(await h.request('GET', `/api/v1/challenges/${s.id}/history`, who), 403, 'FORBIDDEN');
    }
  });
});

/** Every route the app registered, as "METHOD /path", read from Fastify's own route tree. */
function registeredRoutes(app: FastifyInstance): Set<string> {
  const out = new Set<string>();
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    const path = (depth > 0 ? (prefixes[depth - 1] ?? '') : '') + m[2];
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) if (method !== 'HEAD') out.add(`${method} ${path}`);
  }
  return out;
}

describe('documentation and service routes', () => {
  it('the OpenAPI 3 document covers every /api/v1 route, each with a 4xx response', async () => {
    const r = await raw('GET', '/docs/json');
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toMatch(/^3\./);

    const routes = [...registeredRoutes(h.app)];
    // The parser read the tree (guards against an empty, vacuous comparison).
    expect(routes).toContain('POST /api/v1/challenges/:id/events');
    expect(routes).toContain('GET /health');
    expect(routes).toContain('DELETE /api/v1/tokens/:id');
    expect(routes).toContain('GET /api/v1/challenges/:id/history');
    const api = routes.filter((x) => x.split(' ')[1]?.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThanOrEqual(15);
    for (const route of api) {
      const [method = '', path = ''] = route.split(' ');
      const op = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      expect(op, `${route} is documented`).toBeDefined();
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((st) => /^4\d\d$/.test(st)),
        `${route} documents a 4xx`,
      ).toBe(true);
    }
    // And nothing is documented that does not exist.
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) {
        expect(routes, `${method} ${path}`).toContain(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
      }
    }
  });

  it('/docs serves the Swagger UI and /health needs no token', async () => {
    let res = await h.app.inject({ method: 'GET', url: '/docs' });
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops++) {
      const location = String(res.headers.location);
      res = await h.app.inject({ method: 'GET', url: location.startsWith('/') ? location : `/docs/${location}` });
    }
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/html');
    expect(res.body.toLowerCase()).toContain('swagger');

    const health = await raw('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', database: 'ok' });
    expect(health.body.time).toBe(h.now());
  });

  it('the test clock only moves forward, and only an admin moves it', async () => {
    const start = h.now();
    const back = await h.request('POST', '/api/v1/test/clock', ADMIN_TOKEN, { now: '2026-05-01T00:00:00+08:00' });
    expectError(back, 400, 'VALIDATION_FAILED');
    expect(h.now()).toBe(start);
    expectError(await h.request('POST', '/api/v1/test/clock', p.bureau, { advanceBy: 'P1D' }), 403, 'FORBIDDEN');
    const fwd = await h.request('POST', '/api/v1/test/clock', ADMIN_TOKEN, { advanceBy: 'P1D' });
    expect(fwd.status).toBe(200);
    expect(fwd.body.now).toBe(new Date(Date.parse(start) + 86_400_000).toISOString());
    expect(h.now()).toBe(fwd.body.now);
    expectError(
      await h.request('POST', '/api/v1/test/clock', ADMIN_TOKEN, { advanceBy: 'soon' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('the test clock moves at most ten years a call, so every event keeps a four-digit year', async () => {
    const start = h.now();
    for (const body of [{ advanceBy: 'P99999Y' }, { advanceBy: 'P10Y1D' }, { now: '9999-01-01T00:00:00Z' }]) {
      const e = expectError(await h.request('POST', '/api/v1/test/clock', ADMIN_TOKEN, body), 400, 'VALIDATION_FAILED');
      expect(e.message_zh).toContain('10 年');
      expect(h.now()).toBe(start);
    }
    const tenYears = await h.request('POST', '/api/v1/test/clock', ADMIN_TOKEN, { advanceBy: 'P10Y' });
    expect(tenYears.status).toBe(200);
    expect(tenYears.body.now.slice(0, 4)).toBe(String(Number(start.slice(0, 4)) + 10));
  });

  it('without testClock the test-clock route does not exist (404)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jiebang-noclock-'));
    const file = join(dir, 'jiebang.db');
    const app = await buildApp({
      config: { dbPath: file, adminToken: ADMIN_TOKEN, testClock: false, logLevel: 'silent' },
      db: openDatabase(file),
      scheduler: false,
      logger: false,
    });
    try {
      await app.ready();
      const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/test/clock',
        headers: auth,
        payload: { advanceBy: 'P1D' },
      });
      expect(res.statusCode).toBe(404);
      expect(JSON.parse(res.body).error.code).toBe('NOT_FOUND');
      // The rest of the app is there.
      expect((await app.inject({ method: 'GET', url: '/api/v1/programmes/wlmq-2026', headers: auth })).statusCode).toBe(
        200,
      );
      const doc = JSON.parse((await app.inject({ method: 'GET', url: '/docs/json' })).body);
      expect(Object.keys(doc.paths)).not.toContain('/api/v1/test/clock');
      expect(Object.keys(doc.paths)).toContain('/api/v1/challenges');
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
