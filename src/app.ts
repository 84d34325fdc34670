/**
 * buildApp(options): the one way the service is assembled — by the server, the CLI and the
 * tests alike. Plugins in tiers: external (swagger), then the app's own (errors, engine, auth),
 * then routes.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import { type Db, openDatabase } from './db/client.js';
import { type Clock, systemClock, testClock } from './engine/clock.js';
import authPlugin from './http/plugins/auth.js';
import enginePlugin from './http/plugins/engine.js';
import errorsPlugin from './http/plugins/errors.js';
import auditRoutes from './http/routes/audit.js';
import challengeRoutes from './http/routes/challenges.js';
import healthRoutes from './http/routes/health.js';
import machineRoutes from './http/routes/machine.js';
import programmeRoutes from './http/routes/programmes.js';
import recordRoutes from './http/routes/records.js';
import registryRoutes from './http/routes/registry.js';
import testClockRoutes from './http/routes/test-clock.js';
import tokenRoutes from './http/routes/tokens.js';

export interface BuildOptions {
  config: Pick<Config, 'dbPath' | 'adminToken' | 'testClock' | 'logLevel'> & Partial<Pick<Config, 'synchronous'>>;
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

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    // Bearer tokens never reach the log, whatever a serializer is later taught to include.
    logger: options.logger ?? { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: BODY_LIMIT,
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
  });
  await app.register(authPlugin, { adminToken: config.adminToken });

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
      await api.register(machineRoutes);
      if (config.testClock) await api.register(testClockRoutes);
    },
    { prefix: API_PREFIX },
  );
  return app;
}
