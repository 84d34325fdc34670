/**
 * buildApp(options): the one way the service is assembled — by the server, the CLI and the
 * tests alike. Plugins in tiers: external (swagger), then the app's own (errors, engine, auth),
 * then routes.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './base/config.js';
import { AppError } from './base/errors.js';
import { dataKeyPathFor, loadOrGenerateDataKey } from './crypto/data-key.js';
import { type Db, isPostgresUrl, openDatabase } from './db/client.js';
import { type Clock, systemClock, testClock } from './engine/time/clock.js';
import { learnRoute, logRedaction, logSerializers } from './http/logging.js';
import { finishDocument } from './http/openapi.js';
import authPlugin from './http/plugins/auth.js';
import bodyDeadlinePlugin from './http/plugins/body-deadline.js';
import denialsPlugin from './http/plugins/denials.js';
import enginePlugin from './http/plugins/engine.js';
import errorsPlugin from './http/plugins/errors.js';
import metricsPlugin from './http/plugins/metrics.js';
import notifyPlugin from './http/plugins/notify.js';
import personalDataPlugin from './http/plugins/personal-data.js';
import securityHeadersPlugin from './http/plugins/security-headers.js';
import attachmentRoutes from './http/routes/attachments.js';
import auditRoutes from './http/routes/audit.js';
import challengeRoutes from './http/routes/challenges.js';
import checkpointRoutes from './http/routes/checkpoints.js';
import consoleRoutes from './http/routes/console.js';
import denialRoutes from './http/routes/denials.js';
import healthRoutes from './http/routes/health.js';
import machineRoutes from './http/routes/machine.js';
import mailRoutes from './http/routes/mail.js';
import programmeRoutes from './http/routes/programmes.js';
import publicRoutes from './http/routes/public.js';
import recordRoutes from './http/routes/records.js';
import registrationRoutes from './http/routes/registrations.js';
import registryRoutes from './http/routes/registry.js';
import sessionRoutes from './http/routes/sessions.js';
import streamRoutes, { type StreamOptions } from './http/routes/stream.js';
import testClockRoutes from './http/routes/test-clock.js';
import tokenRoutes from './http/routes/tokens.js';
import webRoutes from './http/routes/web.js';
import webhookRoutes from './http/routes/webhooks.js';

export interface BuildOptions {
  config: Pick<Config, 'dbPath' | 'adminToken' | 'testClock' | 'logLevel'> &
    Partial<
      Pick<
        Config,
        | 'synchronous'
        | 'rateLimitPerMinute'
        | 'requestTimeoutMs'
        | 'filesDir'
        | 'smtpUrl'
        | 'mailFrom'
        | 'retryBaseMs'
        | 'maxAttempts'
        | 'objectionsPerHour'
        | 'trustProxy'
        | 'hashAlgorithm'
        | 'signingKeyPath'
        | 'dataKeyPath'
      >
    >;
  /** An open database (tests); otherwise `config.dbPath` is opened. */
  db?: Db;
  clock?: Clock;
  /** Fire timers by themselves (the server); tests may drive them through the test clock. */
  scheduler?: boolean;
  /** Deliver the outbox (webhooks, mail) after commit; default on. */
  dispatcher?: boolean;
  /** Group commit (default on); false commits each request on its own (the bench compares). */
  groupCommit?: boolean;
  /** Pino options or false; the server passes its own. */
  logger?: boolean | Record<string, unknown>;
  /** Issue 13: the event stream's poll for other processes' commits and its heartbeat (defaults 500 ms, 15 s). */
  stream?: Partial<StreamOptions>;
}

export const API_PREFIX = '/api/v1';
/** A challenge event is small; the largest body is a programme's settings. */
const BODY_LIMIT = 1024 * 1024;
/** No programme may allow more per file (machines/programme.ts caps `uploads.maxBytes` the same). */
const UPLOAD_HARD_LIMIT = 100 * 1024 * 1024;

/** Uploads live beside the database unless JIEBANG_FILES says where. */
const filesDirOf = (config: BuildOptions['config']) => {
  if (config.filesDir) return config.filesDir;
  if (config.dbPath === ':memory:') return join(tmpdir(), 'jiebang-files');
  // PostgreSQL: every process must name the same shared folder (JIEBANG_FILES, docs/decisions.md).
  if (isPostgresUrl(config.dbPath)) return join('data', 'files');
  return join(dirname(config.dbPath), 'files');
};

/**
 * Issue 16: the SM2 signing key lives in the data folder unless JIEBANG_SIGNING_KEY says where:
 * beside the SQLite file; for PostgreSQL beside the shared files folder (every process must read
 * the same key); an in-memory database gets a key that lives as long as the process.
 */
const signingKeyPathOf = (config: BuildOptions['config']): string | undefined => {
  if (config.signingKeyPath) return config.signingKeyPath;
  if (config.dbPath === ':memory:') return undefined;
  if (isPostgresUrl(config.dbPath)) return join(dirname(filesDirOf(config)), 'signing-key.pem');
  return join(dirname(config.dbPath), 'signing-key.pem');
};

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const requestTimeoutMs = config.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    // Secrets and personal ids never reach the log (src/http/logging.ts, docs/security.md).
    logger: options.logger ?? { level: config.logLevel, redact: logRedaction, serializers: logSerializers },
    bodyLimit: BODY_LIMIT,
    // A slow or stalled client cannot hold a connection and a request open for ever. A body is cut
    // at the deadline by body-deadline.ts (408 in the error shape); Node's own check, a second
    // later, is the backstop for headers that never finish and for uploads.
    requestTimeout: requestTimeoutMs + 1000,
    connectionTimeout: requestTimeoutMs * 2,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { coerceTypes: false } },
    trustProxy: config.trustProxy ?? false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Responses are built by our own code from typed values, so they are written with plain
  // JSON.stringify: re-validating each one through zod cost ~60 µs a request (measured). The zod
  // response schemas still document every route, and test/integration/contract.test.ts checks
  // real responses against them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // The log keeps only the fixed words of these routes in a URL (src/http/logging.ts).
  app.addHook('onRoute', (route) => learnRoute(route.url));
  // Every reply names its request id, the one in its log lines and in any error body.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  // Tier 1: external plugins.
  // Security headers. The CSP admits what Swagger UI at /docs needs (its own inline bootstrap).
  await app.register(securityHeadersPlugin, {
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'", "'unsafe-inline'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
      },
    },
  });
  // Per token (keyed by its hash, so the secret is not kept in memory as a key), or per client
  // address for a request without one; every request counts, refused ones included.
  await app.register(fastifyRateLimit, {
    max: config.rateLimitPerMinute ?? 1200,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const auth = request.headers.authorization;
      return auth ? `t:${createHash('sha256').update(auth).digest('base64url')}` : `a:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'RATE_LIMITED',
        `Too many requests: at most ${context.max} a minute; retry in ${context.after}.`,
        `请求过于频繁：每分钟至多 ${context.max} 次，请在 ${context.after} 后重试。`,
      ),
  });
  // One file per request, a few small fields; the programme's own limit is checked while streaming.
  await app.register(fastifyMultipart, {
    limits: { files: 1, fields: 5, fieldSize: 1024, parts: 6, headerPairs: 50, fileSize: UPLOAD_HARD_LIMIT },
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'jiebang — 揭榜挂帅 challenge service',
        version: '0.1.0',
        license: { name: 'Proprietary: Urumqi Science and Technology Bureau' },
        description:
          'Runs challenges through the nine stages of the guide. Errors share one shape: {error:{code, clause?, message, message_zh, violations?, requestId}}.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    // Issue 14: operationIds, servers, response headers, examples (src/http/openapi.ts).
    transformObject: (input) => finishDocument(jsonSchemaTransformObject(input) as Record<string, unknown>) as never,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  // The session cookie of signed-in accounts (issue 12; src/accounts/sessions.ts).
  await app.register(fastifyCookie);

  // Tier 2: the app's own plugins.
  await app.register(errorsPlugin);
  await app.register(bodyDeadlinePlugin, { timeoutMs: requestTimeoutMs });
  await app.register(metricsPlugin);
  await app.register(enginePlugin, {
    db: options.db ?? openDatabase(config.dbPath, config.synchronous),
    clock: options.clock ?? (config.testClock ? testClock() : systemClock()),
    scheduler: options.scheduler ?? true,
    filesDir: filesDirOf(config),
    hashAlgorithm: config.hashAlgorithm ?? 'sha256',
    signingKeyPath: signingKeyPathOf(config),
    ...(options.groupCommit === false ? { groupCommit: false } : {}),
  });
  await app.register(notifyPlugin, {
    dispatch: options.dispatcher ?? true,
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom ?? '揭榜挂帅 <noreply@localhost>',
    retryBaseMs: config.retryBaseMs ?? 5000,
    maxAttempts: config.maxAttempts ?? 12,
  });
  await app.register(authPlugin, { adminToken: config.adminToken });
  await app.register(denialsPlugin);
  const dataKeyPath = dataKeyPathFor(config.dbPath, config.dataKeyPath, config.filesDir);
  const dataKey = loadOrGenerateDataKey(dataKeyPath);
  if (dataKey.generated)
    app.log.info({ path: dataKeyPath, keyId: dataKey.key.id }, 'generated a new data key for personal data');
  // After authentication: only a caller let in gets personal data sealed or revealed.
  await app.register(personalDataPlugin, { key: dataKey.key });

  // Tier 3: routes.
  await app.register(healthRoutes);
  await app.register(webRoutes);
  await app.register(
    async (api) => {
      await api.register(tokenRoutes);
      await api.register(programmeRoutes);
      await api.register(registryRoutes);
      await api.register(recordRoutes);
      await api.register(challengeRoutes);
      await api.register(consoleRoutes);
      await api.register(auditRoutes);
      await api.register(streamRoutes, options.stream ?? {});
      await api.register(checkpointRoutes);
      await api.register(attachmentRoutes);
      await api.register(machineRoutes);
      await api.register(denialRoutes);
      await api.register(webhookRoutes);
      await api.register(mailRoutes);
      await api.register(registrationRoutes);
      await api.register(sessionRoutes);
      await api.register(publicRoutes, { objectionsPerHour: config.objectionsPerHour ?? 10 });
      if (config.testClock) await api.register(testClockRoutes);
    },
    { prefix: API_PREFIX },
  );
  return app;
}
