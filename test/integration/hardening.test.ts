/**
 * Hardening (issue 5): security headers, 413 and 429 in the error shape, refusals on record with
 * GET /denials, and a log that holds no token or personal id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/client.js';
import { logRedaction, logSerializers, redactUrl } from '../../src/http/logging.js';
import { type Parties, registerParties, UNITS } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { freshDatabase, type TestDatabase } from '../helpers/store.js';

let h: Harness;
let p: Parties;
beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
const ownDatabases: { dir: string; database: TestDatabase }[] = [];
afterAll(async () => {
  await h.close();
  for (const { dir, database } of ownDatabases) {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A database of its own for a second app: a file on SQLite, a fresh database on PostgreSQL. */
async function ownDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'jiebang-hardening-'));
  const database = await freshDatabase(dir);
  ownDatabases.push({ dir, database });
  return database;
}

describe('security headers', () => {
  it('every reply carries helmet headers', async () => {
    const r = await h.request('GET', '/health', p.auditor);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['strict-transport-security']).toEqual(expect.stringContaining('max-age='));
    expect(r.headers['content-security-policy']).toEqual(expect.stringContaining("default-src 'self'"));
  });

  it('Swagger UI and the OpenAPI document still load under the CSP', async () => {
    const ui = await h.app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-security-policy']).toEqual(expect.stringContaining('script-src'));
    const doc = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(JSON.parse(doc.body).paths).toHaveProperty(['/api/v1/challenges/{id}/attachments']);
    expect(JSON.parse(doc.body).paths).toHaveProperty(['/api/v1/denials']);
  });
});

describe('body size', () => {
  it('a body over 1 MiB is 413 PAYLOAD_TOO_LARGE in the error shape, and nothing changes', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const before = await s.view();
    const r = await s.send(p.issuer, { type: 'UPDATE', summary: 'x'.repeat(1_100_000) });
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', requestId: expect.any(String) });
    expect((await s.view()).version).toBe(before.version);
  });
});

describe('refusals on record', () => {
  it('401, 403, 404 and 422 on events each write a denials row; the challenge is untouched', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const before = await s.view();
    const other = await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, {
      role: 'issuer',
      unit: UNITS.solverC,
      label: 'another issuer',
    });
    const r401 = await s.send('not-a-token', { type: 'SUBMIT', confirmDetails: true });
    const r403 = await s.send(p.bureau, { type: 'UPDATE', title: 'x' });
    const r404 = await s.send(other.body.token, { type: 'UPDATE', title: 'x' });
    const r422 = await s.send(p.issuer, { type: 'SUBMIT', confirmDetails: true });
    expect([r401.status, r403.status, r404.status, r422.status]).toEqual([401, 403, 404, 422]);
    expect((await s.view()).version).toBe(before.version);

    const list = await h.request('GET', `/api/v1/denials?challenge=${s.id}`, p.auditor);
    expect(list.status).toBe(200);
    const rows = list.body.items;
    expect(rows.map((d: { status: number }) => d.status)).toEqual([422, 404, 403, 401]);
    const [d422, d404, d403, d401] = rows;
    expect(d401).toMatchObject({
      tokenId: null,
      role: null,
      code: 'UNAUTHENTICATED',
      route: '/api/v1/challenges/:id/events',
    });
    expect(d403).toMatchObject({ role: 'bureau', eventType: 'UPDATE', code: 'FORBIDDEN', challengeId: s.id });
    expect(d404).toMatchObject({ role: 'issuer', unit: UNITS.solverC, code: 'NOT_FOUND' });
    expect(d422).toMatchObject({ role: 'issuer', unit: UNITS.issuer, eventType: 'SUBMIT', code: 'RULE_VIOLATION' });
    expect(d422.clause).toEqual(d422.clauses[0]);
    expect(d422.clauses.length).toBeGreaterThan(0);
    expect(d422.requestId).toBe(r422.body.error.requestId);
    // The Chinese message is kept as answered, for the console's list of refused attempts.
    expect(d422.messageZh).toBe(r422.body.error.message_zh);
    expect(d403.messageZh).toBe(r403.body.error.message_zh);
    expect(d401.messageZh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('filters and pages with a cursor; bureau may read, others may not', async () => {
    const s = await new ChallengeDriver(h, p).create();
    for (let i = 0; i < 5; i++) await s.send(p.finance, { type: 'UPDATE', title: `t${i}` });
    const page1 = await h.request('GET', `/api/v1/denials?challenge=${s.id}&limit=2&role=finance`, p.bureau);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await h.request(
      'GET',
      `/api/v1/denials?challenge=${s.id}&limit=2&role=finance&cursor=${page1.body.nextCursor}`,
      p.bureau,
    );
    const page3 = await h.request(
      'GET',
      `/api/v1/denials?challenge=${s.id}&limit=2&role=finance&cursor=${page2.body.nextCursor}`,
      p.bureau,
    );
    expect(page3.body.nextCursor).toBeNull();
    const ids = [...page1.body.items, ...page2.body.items, ...page3.body.items].map((d: { id: number }) => d.id);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect(
      (await h.request('GET', `/api/v1/denials?code=FORBIDDEN&challenge=${s.id}`, p.auditor)).body.items,
    ).toHaveLength(5);
    expect(
      (await h.request('GET', `/api/v1/denials?code=NOT_FOUND&challenge=${s.id}`, p.auditor)).body.items,
    ).toHaveLength(0);
    for (const who of [p.issuer, p.solverA, p.finance, p.district])
      expect((await h.request('GET', '/api/v1/denials', who)).status).toBe(403);
    expect((await h.request('GET', '/api/v1/denials?cursor=abc', p.auditor)).status).toBe(400);
  });

  it('the denials table refuses UPDATE and DELETE', async () => {
    const port = h.app.jiebang.db.$port;
    await expect(port.run("UPDATE denials SET code = 'X'")).rejects.toThrow(/append-only/);
    await expect(port.run('DELETE FROM denials')).rejects.toThrow(/append-only/);
  });
});

describe('rate limit and log', () => {
  it('past the limit a token gets 429 RATE_LIMITED with Retry-After; the log holds no secret or person id', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const { location, filesDir } = await ownDatabase();
    const app = await buildApp({
      config: {
        dbPath: location,
        filesDir,
        adminToken: ADMIN_TOKEN,
        testClock: false,
        logLevel: 'info',
        rateLimitPerMinute: 5,
      },
      db: openDatabase(location),
      scheduler: false,
      logger: {
        level: 'info',
        stream: sink,
        redact: logRedaction,
        serializers: logSerializers,
      },
    });
    try {
      const statuses: number[] = [];
      let last: { statusCode: number; headers: Record<string, unknown>; body: string } | undefined;
      for (let i = 0; i < 7; i++) {
        last = await app.inject({
          method: 'GET',
          url: '/api/v1/persons/p-secret-person?x=y',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        statuses.push(last.statusCode);
      }
      expect(statuses.slice(5)).toEqual([429, 429]);
      expect(last?.headers['retry-after']).toBeDefined();
      expect(JSON.parse(last?.body ?? '{}').error).toMatchObject({
        code: 'RATE_LIMITED',
        requestId: expect.any(String),
      });
      const log = lines.join('');
      expect(log).toContain('/persons/[redacted]');
      expect(log).not.toContain('p-secret-person');
      expect(log).not.toContain(ADMIN_TOKEN);
    } finally {
      await app.close();
    }
  });

  it('redactUrl masks person and unit ids and query values', () => {
    expect(redactUrl('/api/v1/persons/abc?x=1&y=2', true)).toBe('/api/v1/persons/[redacted]?x=[redacted]&y=[redacted]');
    expect(redactUrl('/api/v1/units/9165', true)).toBe('/api/v1/units/[redacted]');
    expect(redactUrl('/api/v1/challenges/c1', true)).toBe('/api/v1/challenges/c1');
    // A path that matched no route keeps only the service's own words.
    expect(redactUrl('/api/v1/Persons/p-9', false)).toBe('/api/v1/[redacted]/[redacted]');
    expect(redactUrl('/api/v1/persons;p-9', false)).toBe('/api/v1/[redacted]');
    expect(redactUrl('/api/v1/challenges/c1/p-9', false)).toBe('/api/v1/challenges/[redacted]/[redacted]');
  });

  it('a person id in a path that matches no route is not logged, whatever its spelling', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const { location, filesDir } = await ownDatabase();
    const app = await buildApp({
      config: { dbPath: location, filesDir, adminToken: ADMIN_TOKEN, testClock: false, logLevel: 'info' },
      db: openDatabase(location),
      scheduler: false,
      logger: { level: 'info', stream: sink, redact: logRedaction, serializers: logSerializers },
    });
    try {
      const secret = 'p-secret-person';
      for (const url of [
        `/api/v1/Persons/${secret}`,
        `/persons;${secret}`,
        `/api/v1/persons;${secret}`,
        `/api/v1/%70ersons/${secret}`,
        `/api/v1/persons/${secret}/extra`,
        `/${secret}`,
      ]) {
        const r = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        expect(r.statusCode, url).toBe(404);
      }
      const log = lines.join('');
      expect(log).toContain('[redacted]');
      expect(log).not.toContain(secret);
    } finally {
      await app.close();
    }
  });
});

describe('request timeout', () => {
  it('a slow authenticated body is cut at the deadline with 408 REQUEST_TIMEOUT in the error shape', async () => {
    const { app, port } = await listeningWithTimeout(await ownDatabase());
    try {
      const body = JSON.stringify({ role: 'auditor', label: 'x'.repeat(150) });
      const { answer, elapsed } = await drip(
        port,
        `POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
        body,
      );
      expect(answer.startsWith('HTTP/1.1 408'), answer).toBe(true);
      const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      expect(json.error).toMatchObject({ code: 'REQUEST_TIMEOUT', requestId: expect.any(String) });
      expect(json.error.message_zh).toContain('秒');
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(1900);
    } finally {
      await app.close();
    }
  });

  it('a slow upload (multipart) is cut at the same deadline, with 408 REQUEST_TIMEOUT in the error shape', async () => {
    const slow = await startHarness(undefined, { requestTimeoutMs: 1000 });
    try {
      const parties = await registerParties(slow);
      const c = await new ChallengeDriver(slow, parties).create();
      await slow.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = slow.app.server.address() as { port: number };
      const boundary = 'jiebangslowupload';
      const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 ${'x'.repeat(200)}\r\n--${boundary}--\r\n`;
      const { answer, elapsed, answeredAfter } = await drip(
        port,
        `POST /api/v1/challenges/${c.id}/attachments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${parties.issuer}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
        body,
      );
      expect(answer.startsWith('HTTP/1.1 408'), answer).toBe(true);
      const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      expect(json.error).toMatchObject({ code: 'REQUEST_TIMEOUT', requestId: expect.any(String) });
      // Node's own backstop (requestTimeout, checked on an interval) would answer a bare 408 later.
      expect(answeredAfter).toBeLessThan(5000);
      expect(elapsed).toBeLessThan(5000);
    } finally {
      await slow.close();
    }
  });

  it('a client that never finishes its request is cut off after the timeout (Node closes it, at most with a 408)', async () => {
    const { app, port } = await listeningWithTimeout(await ownDatabase());
    try {
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write('POST /api/v1/challenges HTTP/1.1\r\nHost: x\r\n'),
        );
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk.toString();
        });
        socket.on('close', () => resolve(text));
      });
      const elapsed = Date.now() - started;
      // Without the timeout Node would wait 60 s for the headers.
      expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(10_000);
    } finally {
      await app.close();
    }
  });
});

/**
 * Sends a request's head at once and its body one byte every 50 ms on a raw socket; resolves with
 * all the server answered once it closes the connection, and how long that took.
 */
function drip(
  port: number,
  head: string,
  body: string,
): Promise<{ answer: string; elapsed: number; answeredAfter: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent < body.length && !socket.destroyed) socket.write(body.charAt(sent++));
      }, 50);
    });
    let answer = '';
    let answeredAfter = -1;
    socket.on('data', (chunk) => {
      if (answeredAfter < 0) answeredAfter = Date.now() - started;
      answer += chunk.toString();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, elapsed: Date.now() - started, answeredAfter });
    });
  });
}

/** A service on a database of its own, listening on a free port, whose request deadline is 1 s. */
async function listeningWithTimeout({ location, filesDir }: TestDatabase) {
  const app = await buildApp({
    config: {
      dbPath: location,
      filesDir,
      adminToken: ADMIN_TOKEN,
      testClock: false,
      logLevel: 'silent',
      requestTimeoutMs: 1000,
    },
    db: openDatabase(location),
    scheduler: false,
    logger: false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as { port: number }).port };
}
