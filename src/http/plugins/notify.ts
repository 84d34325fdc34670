/**
 * Issue 14: starts the outbox dispatcher (src/notify/dispatcher.ts) when the app is ready and
 * stops it before the database closes. Mail goes through SMTP when `JIEBANG_SMTP_URL` is set;
 * otherwise it stays in the outbox, pending, for staff to see.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import nodemailer from 'nodemailer';
import { Dispatcher } from '../../notify/dispatcher.js';

export interface NotifyOptions {
  /** Deliver at all (tests of other concerns may leave it on: it finds nothing to do). */
  dispatch: boolean;
  smtpUrl?: string | undefined;
  mailFrom: string;
  retryBaseMs: number;
  maxAttempts: number;
  /** No answer within this fails the attempt (api.md: 10 s). */
  timeoutMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    dispatcher: Dispatcher;
  }
}

export default fp(
  async (app: FastifyInstance, opts: NotifyOptions) => {
    const { db, clock } = app.jiebang;
    const dispatcher = new Dispatcher(db.$client, clock, app.log.child({ component: 'dispatcher' }), {
      retryBaseMs: opts.retryBaseMs,
      maxAttempts: opts.maxAttempts,
      timeoutMs: opts.timeoutMs ?? 10_000,
      ...(opts.smtpUrl ? { mail: { transport: nodemailer.createTransport(opts.smtpUrl), from: opts.mailFrom } } : {}),
    });
    app.decorate('dispatcher', dispatcher);
    if (opts.dispatch) app.addHook('onReady', async () => dispatcher.start());
    // preClose: before the engine's onClose closes the database.
    app.addHook('preClose', async () => dispatcher.stop());
  },
  { name: 'notify', dependencies: ['engine'] },
);
