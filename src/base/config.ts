/** The environment, parsed once (api.md "Running it"). */
import { z } from 'zod';
import { POSTGRES_URL } from './database-url.js';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  JIEBANG_DB: z.string().min(1).default('./data/jiebang.db'),
  JIEBANG_DATABASE_URL: z.string().regex(POSTGRES_URL, 'JIEBANG_DATABASE_URL must be a postgres:// URL').optional(),
  JIEBANG_ADMIN_TOKEN: z.string().min(16, 'JIEBANG_ADMIN_TOKEN must be at least 16 characters').optional(),
  JIEBANG_TEST_CLOCK: flag,
  JIEBANG_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
  JIEBANG_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  JIEBANG_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  JIEBANG_FILES: z.string().min(1).optional(),
  JIEBANG_TRUST_PROXY: flag,
  JIEBANG_OBJECTIONS_PER_HOUR: z.coerce.number().int().min(10).max(100_000).default(10),
  JIEBANG_SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  JIEBANG_SMTP_URL: z.string().url().optional(),
  JIEBANG_MAIL_FROM: z.string().min(3).default('揭榜挂帅 <noreply@localhost>'),
  JIEBANG_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5000),
  JIEBANG_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  JIEBANG_HASH: z.enum(['sha256', 'sm3']).default('sha256'),
  JIEBANG_SIGNING_KEY: z.string().min(1).optional(),
  JIEBANG_DATA_KEY: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  /** The SQLite file, or the PostgreSQL URL when JIEBANG_DATABASE_URL is set (it wins). */
  dbPath: string;
  adminToken: string | undefined;
  testClock: boolean;
  synchronous: 'normal' | 'full';
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  /** Requests per token (or per client address without one) per minute. */
  rateLimitPerMinute: number;
  /** A request that takes longer is answered 408 and its socket closed. */
  requestTimeoutMs: number;
  /** Where uploads are stored, content-addressed; default: `files/` beside the database. */
  filesDir: string | undefined;
  /**
   * Behind a reverse proxy that terminates TLS: believe its X-Forwarded-For/-Proto, so the
   * client's address (rate limits) and https (the session cookie's Secure flag) are seen.
   */
  trustProxy: boolean;
  /** Public objections accepted per client address per hour (api.md: at least 10). */
  objectionsPerHour: number;
  /** On SIGTERM, how long to keep answering before the server stops listening. */
  shutdownDrainMs: number;
  /** Issue 14: SMTP for mail (`smtp://…`, `smtps://…`); without it mail stays pending in the outbox. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The first retry step of a failed delivery (doubling, with jitter, up to an hour). */
  retryBaseMs: number;
  /** Attempts before a delivery becomes a dead letter. */
  maxAttempts: number;
  /** Issue 16: the hash of the chains for events from now on (api.md "Cryptography"). */
  hashAlgorithm: 'sha256' | 'sm3';
  /** Issue 16: the SM2 private key (PEM) that signs checkpoints; default: in the data folder. */
  signingKeyPath: string | undefined;
  /**
   * Issue 16: the key file sealing personal data at rest; default `data.key` beside the
   * database (PostgreSQL: `data/data.key`); generated there on first start when absent.
   */
  dataKeyPath: string | undefined;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dbPath: e.JIEBANG_DATABASE_URL ?? e.JIEBANG_DB,
    adminToken: e.JIEBANG_ADMIN_TOKEN,
    testClock: e.JIEBANG_TEST_CLOCK,
    synchronous: e.JIEBANG_SYNCHRONOUS,
    logLevel: e.LOG_LEVEL,
    rateLimitPerMinute: e.JIEBANG_RATE_LIMIT,
    requestTimeoutMs: e.JIEBANG_REQUEST_TIMEOUT_MS,
    filesDir: e.JIEBANG_FILES,
    shutdownDrainMs: e.JIEBANG_SHUTDOWN_DRAIN_MS,
    smtpUrl: e.JIEBANG_SMTP_URL,
    mailFrom: e.JIEBANG_MAIL_FROM,
    retryBaseMs: e.JIEBANG_WEBHOOK_RETRY_BASE_MS,
    maxAttempts: e.JIEBANG_WEBHOOK_MAX_ATTEMPTS,
    objectionsPerHour: e.JIEBANG_OBJECTIONS_PER_HOUR,
    trustProxy: e.JIEBANG_TRUST_PROXY,
    hashAlgorithm: e.JIEBANG_HASH,
    signingKeyPath: e.JIEBANG_SIGNING_KEY,
    dataKeyPath: e.JIEBANG_DATA_KEY,
  };
}
