/**
 * buildApp(options): the one way the service is assembled — by the server, the CLI and the
 * tests alike. Plugins in tiers: external (swagger), then the app's own (errors, engine, auth),
 * then routes.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fastifyHelmet from '@fastify/helmet';
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
import { type Db, isPostgresUrl, openDatabase } from './db/client.js';
import { type Clock, systemClock, testClock } from './engine/time/clock.js';
import { logRedaction, logSerializers } from './http/logging.js';
import authPlugin from './http/plugins/auth.js';
import denialsPlugin from './http/plugins/denials.js';
import enginePlugin from './http/plugins/engine.js';
import errorsPlugin from './http/plugins/errors.js';
import attachmentRoutes from './http/routes/attachments.js';
import auditRoutes from './http/routes/audit.js';
import challengeRoutes from './http/routes/challenges.js';
import denialRoutes from './http/routes/denials.js';
import healthRoutes from './http/routes/health.js';
import machineRoutes from './http/routes/machine.js';
import programmeRoutes from './http/routes/programmes.js';
import recordRoutes from './http/routes/records.js';
import registryRoutes from './http/routes/registry.js';
import testClockRoutes from './http/routes/test-clock.js';
import tokenRoutes from './http/routes/tokens.js';

export interface BuildOptions {
  config: Pick<Config, 'dbPath' | 'adminToken' | 'testClock' | 'logLevel'> &
    Partial<Pick<Config, 'synchronous' | 'rateLimitPerMinute' | 'requestTimeoutMs' | 'filesDir'>>;
  /** An open database (tests); otherwise `config.dbPath` is opened. */
  db?: Db;
  clock?: Clock;
  /** Fire timers by themselves (the server); tests may drive them through the test clock. */
  scheduler?: boolean;
  /** Pino options or false; the server passes its own. */
  logger?: boolean | Record<string, unknown>;
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

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    // Secrets and personal ids never reach the log (src/http/logging.ts, docs/security.md).
    logger: options.logger ?? { level: config.logLevel, redact: logRedaction, serializers: logSerializers },
    bodyLimit: BODY_LIMIT,
    // A slow or stalled client cannot hold a connection and a request open for ever.
    requestTimeout: config.requestTimeoutMs ?? 30_000,
    connectionTimeout: (config.requestTimeoutMs ?? 30_000) * 2,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Responses are built by our own code from typed values, so they are written with plain
  // JSON.stringify: re-validating each one through zod cost ~60 µs a request (measured). The zod
  // response schemas still document every route, and test/integration/contract.test.ts checks
  // real responses against them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // Every reply names its request id, the one in its log lines and in any error body.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  // Tier 1: external plugins.
  // Security headers. The CSP admits what Swagger UI at /docs needs (its own inline bootstrap).
  await app.register(fastifyHelmet, {
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
        description:
          'Runs challenges through the nine stages of the guide. Errors share one shape: {error:{code, clause?, message, message_zh, violations?, requestId}}.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  // Tier 2: the app's own plugins.
  await app.register(errorsPlugin);
  await app.register(enginePlugin, {
    db: options.db ?? openDatabase(config.dbPath, config.synchronous),
    clock: options.clock ?? (config.testClock ? testClock() : systemClock()),
    scheduler: options.scheduler ?? true,
    filesDir: filesDirOf(config),
  });
  await app.register(authPlugin, { adminToken: config.adminToken });
  await app.register(denialsPlugin);

  // Tier 3: routes.
  await app.register(healthRoutes);
  await app.register(
    async (api) => {
      await api.register(tokenRoutes);
      await api.register(programmeRoutes);
      await api.register(registryRoutes);
      await api.register(recordRoutes);
      await api.register(challengeRoutes);
      await api.register(auditRoutes);
      await api.register(attachmentRoutes);
      await api.register(machineRoutes);
      await api.register(denialRoutes);
      if (config.testClock) await api.register(testClockRoutes);
    },
    { prefix: API_PREFIX },
  );
  return app;
}
