import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/client.js';
import type { Clock } from '../../src/engine/time/clock.js';
import { techDraft } from '../helpers/fixtures.js';
import { ADMIN_TOKEN } from '../helpers/harness.js';

/** A system clock the test can set anywhere, as an NTP correction might step it back. */
function steppedClock(start: number) {
  let now = start;
  const clock: Clock = { now: () => new Date(now), adjustable: false, advanceTo: () => new Date(now) };
  return { clock, set: (ms: number) => (now = ms) };
}

let app: FastifyInstance;
let dir: string;
const start = Date.parse('2026-05-06T02:00:00.000Z');
const stepped = steppedClock(start);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jiebang-clock-'));
  const file = join(dir, 'db.sqlite');
  app = await buildApp({
    config: { dbPath: file, adminToken: ADMIN_TOKEN, testClock: false, logLevel: 'silent' },
    db: openDatabase(file),
    clock: stepped.clock,
    scheduler: false,
    logger: false,
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: object) => {
  const res = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });
  return JSON.parse(res.body);
};

describe('event time', () => {
  it('never runs backwards within a challenge when the system clock is stepped back', async () => {
    await app.inject({
      method: 'PUT',
      url: `/api/v1/units/${techDraft().issuerUnit}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { name: '发榜单位', type: 'enterprise', inCity: true, legalPerson: true },
    });
    const { token } = await call('POST', '/api/v1/tokens', ADMIN_TOKEN, {
      role: 'issuer',
      unit: techDraft().issuerUnit,
      label: 'i',
    });
    const created = await call('POST', '/api/v1/challenges', token, techDraft());
    stepped.set(start - 5_000);
    await call('POST', `/api/v1/challenges/${created.id}/events`, token, {
      type: 'UPDATE',
      summary: 'after the step back',
    });
    stepped.set(start + 1_000);
    await call('POST', `/api/v1/challenges/${created.id}/events`, token, { type: 'UPDATE', summary: 'later' });
    const auditor = (await call('POST', '/api/v1/tokens', ADMIN_TOKEN, { role: 'auditor', label: 'a' })).token;
    const history = await call('GET', `/api/v1/challenges/${created.id}/history`, auditor);
    expect(history.items.map((e: { at: string }) => e.at)).toEqual([
      new Date(start).toISOString(),
      new Date(start).toISOString(),
      new Date(start + 1_000).toISOString(),
    ]);
  });
});
