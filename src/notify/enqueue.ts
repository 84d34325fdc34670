/**
 * The one call the commit path makes (src/engine/write/commit.ts): inside the transaction that
 * appends an event, write an outbox row for every notification the event causes — a webhook
 * delivery per matching subscription, a mail per recipient concerned. Written in the same
 * transaction, they exist exactly when the event does; the dispatcher delivers them after commit.
 */
import { randomUUID } from 'node:crypto';
import type { ChallengeSnapshot } from '../../machines/challenge/machine.js';
import { stageOf } from '../../machines/challenge/stage.js';
import type { Db } from '../db/client.js';
import { type MailRecipient, mailsFor } from './mail/mails-for.js';
import type { MailKind } from './mail/templates.js';
import { subscriptionsFor } from './subscriptions.js';
import { wakeDispatchers } from './wake.js';

/** What the commit hands over: the event just appended and the states either side of it. */
export interface Committed {
  challengeId: string;
  seq: number;
  type: string;
  at: string;
  previous: ChallengeSnapshot | null;
  next: ChallengeSnapshot;
}

/** The webhook body of api.md "Notifications and integrations". */
export interface WebhookBody {
  deliveryId: string;
  eventId: string;
  challengeId: string;
  programmeId: string;
  seq: number;
  type: string;
  at: string;
  stage: string;
  state: unknown;
}

const INSERT_OUTBOX = `INSERT INTO outbox (delivery_id, channel, target, challenge_id, seq, event_type, body, status, attempts, next_attempt_ms, created_at)
   VALUES (@deliveryId, @channel, @target, @challengeId, @seq, @eventType, @body, @status, 0, @nextAttemptMs, @at)`;

/** The event's id as receivers see it: stable across attempts and unique in the log. */
export const eventIdOf = (challengeId: string, seq: number) => `${challengeId}:${seq}`;

/** Call inside the commit transaction, after the event row is written. */
export async function enqueueNotifications(db: Db, committed: Committed): Promise<void> {
  const { challengeId, seq, type, at, next } = committed;
  const programmeId = next.context.programmeId;
  const nextAttemptMs = Date.now();
  let written = 0;
  for (const hook of await subscriptionsFor(db, programmeId)) {
    const { events } = hook;
    if (!events.includes('*') && !events.includes(type)) continue;
    const deliveryId = randomUUID();
    const body: WebhookBody = {
      deliveryId,
      eventId: eventIdOf(challengeId, seq),
      challengeId,
      programmeId,
      seq,
      type,
      at,
      stage: stageOf(next.value),
      state: next.value,
    };
    await db.$port.run(INSERT_OUTBOX, {
      deliveryId,
      channel: 'webhook',
      target: hook.id,
      challengeId,
      seq,
      eventType: type,
      body: JSON.stringify(body),
      status: 'pending',
      nextAttemptMs,
      at,
    });
    written++;
  }
  for (const mail of mailsFor(committed))
    written += await queueMail(db, { challengeId, seq, eventType: type, at, ...mail });
  if (written > 0) wakeDispatchers();
}

export interface MailToQueue {
  challengeId: string;
  seq: number;
  eventType: string;
  at: string;
  kind: MailKind;
  subject: string;
  text: string;
  /** Whether a recipient is concerned. */
  to: (r: MailRecipient) => boolean;
}

/** Writes one outbox row per recipient concerned that has not turned this kind off. Returns how many. */
export async function queueMail(db: Db, mail: MailToQueue): Promise<number> {
  let written = 0;
  const recipients = await db.$port.query<{
    address: string;
    unit: string | null;
    person: string | null;
    role: string;
    optOuts: string;
  }>('SELECT address, unit, person, role, opt_outs AS optOuts FROM mail_recipients');
  for (const r of recipients) {
    if (!mail.to(r)) continue;
    if ((JSON.parse(r.optOuts) as string[]).includes(mail.kind)) continue;
    await db.$port.run(INSERT_OUTBOX, {
      deliveryId: randomUUID(),
      channel: 'mail',
      target: r.address,
      challengeId: mail.challengeId,
      seq: mail.seq,
      eventType: mail.eventType,
      body: JSON.stringify({ kind: mail.kind, to: r.address, subject: mail.subject, text: mail.text }),
      status: 'pending',
      nextAttemptMs: Date.now(),
      at: mail.at,
    });
    written++;
  }
  if (written > 0) wakeDispatchers();
  return written;
}
