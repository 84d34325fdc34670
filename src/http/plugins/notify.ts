/**
 * Issue 14: starts the outbox dispatcher (src/notify/dispatcher.ts) when the app is ready and
 * stops it before the database closes. Mail goes through SMTP when `JIEBANG_SMTP_URL` is set;
 * otherwise it stays in the outbox, pending, for staff to see.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import nodemailer from 'nodemailer';
import { Dispatcher } from '../../notify/dispatcher.js';
import { Reminders } from '../../notify/reminders.js';
import { isRef } from '../../personal/kinds.js';
import { reveal } from '../../personal/vault.js';

/** How often reminders are looked for (they are due at 09:00 on working days: a second is plenty). */
const REMINDER_SWEEP_MS = 1000;

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
    reminders: Reminders;
  }
}

export default fp(
  async (app: FastifyInstance, opts: NotifyOptions) => {
    const { db, clock } = app.jiebang;
    const dispatcher = new Dispatcher(db, clock, app.log.child({ component: 'dispatcher' }), {
      retryBaseMs: opts.retryBaseMs,
      maxAttempts: opts.maxAttempts,
      timeoutMs: opts.timeoutMs ?? 10_000,
      // Issue 16: addresses are sealed; the vault (decorated after this plugin) opens one to send.
      openAddress: async (to) => {
        if (!isRef(to)) return to;
        const found = (await reveal(app.vault, [to])).get(to);
        if (!found) return to;
        return 'erased' in found ? null : found.value;
      },
      ...(opts.smtpUrl
        ? {
            mail: {
              // A mail server that stalls fails the attempt like a webhook that does (10 s), not after minutes.
              transport: nodemailer.createTransport({
                url: opts.smtpUrl,
                connectionTimeout: opts.timeoutMs ?? 10_000,
                greetingTimeout: opts.timeoutMs ?? 10_000,
                socketTimeout: opts.timeoutMs ?? 10_000,
              }),
              from: opts.mailFrom,
            },
          }
        : {}),
    });
    const reminders = new Reminders(db, clock);
    app.decorate('dispatcher', dispatcher);
    app.decorate('reminders', reminders);
    let sweeping: NodeJS.Timeout | undefined;
    let closing = false;
    const sweep = () => {
      const again = (ms: number) => {
        if (closing) return;
        sweeping = setTimeout(sweep, ms);
        sweeping.unref();
      };
      reminders.sweep().then(
        ({ sent, more }) => {
          if (sent > 0) app.log.info({ sent }, 'reminders sent');
          again(more ? 0 : REMINDER_SWEEP_MS);
        },
        (err: unknown) => {
          app.log.error({ err }, 'reminder sweep failed; trying again');
          again(REMINDER_SWEEP_MS * 5);
        },
      );
    };
    if (opts.dispatch)
      app.addHook('onReady', async () => {
        dispatcher.start();
        sweep();
      });
    // preClose: before the engine's onClose closes the database.
    app.addHook('preClose', async () => {
      closing = true;
      clearTimeout(sweeping);
      sweeping = undefined;
      await dispatcher.stop();
    });
  },
  { name: 'notify', dependencies: ['engine'] },
);
