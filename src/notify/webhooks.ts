/**
 * Webhook subscriptions and their delivery log, as the HTTP routes (api.md "Notifications and
 * integrations") and the CLI need them. The secret is generated here and returned once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../base/errors.js';
import type { Db } from '../db/client.js';
import { resendDead } from './resend.js';
import { subscriptionsChanged } from './subscriptions.js';

export interface NewWebhook {
  url: string;
  events: string[];
  programmeId?: string | undefined;
}

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  programmeId: string | null;
  createdAt: string;
  deletedAt: string | null;
}

export interface DeliveryView {
  deliveryId: string;
  eventId: string;
  challengeId: string;
  seq: number;
  type: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: { attempt: number; at: string; statusCode: number | null; error: string | null; durationMs: number }[];
  lastError: string | null;
  createdAt: string;
  settledAt: string | null;
}

const notFound = (what: string, id: string) =>
  new AppError('NOT_FOUND', `No ${what} ${id}.`, `找不到${what === 'webhook' ? '订阅' : '投递'} ${id}。`);

export async function createWebhook(db: Db, input: NewWebhook, createdBy: string, at: string) {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  // Under the writers' turn, as events are written: the commit path keeps what it read of the
  // subscriptions while no writer commits (src/notify/subscriptions.ts). Marked changed inside
  // the transaction, so a batch waiting for this turn does not keep the old list.
  await db.$port.withTransaction(async () => {
    await db.$port.run(
      `INSERT INTO webhooks (id, url, events, programme_id, secret, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [id, input.url, JSON.stringify(input.events), input.programmeId ?? null, secret, createdBy, at],
    );
    subscriptionsChanged(db);
  });
  return { id, secret };
}

interface WebhookRow {
  id: string;
  url: string;
  events: string;
  programmeId: string | null;
  createdAt: string;
  deletedAt: string | null;
}
const webhookColumns = 'id, url, events, programme_id AS programmeId, created_at AS createdAt, deleted_at AS deletedAt';
const view = (row: WebhookRow): WebhookView => ({ ...row, events: JSON.parse(row.events) as string[] });

export async function listWebhooks(db: Db): Promise<WebhookView[]> {
  const rows = await db.$port.query<WebhookRow>(
    `SELECT ${webhookColumns} FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at, id`,
  );
  return rows.map(view);
}

async function webhookRow(db: Db, id: string): Promise<WebhookRow> {
  const [row] = await db.$port.query<WebhookRow>(`SELECT ${webhookColumns} FROM webhooks WHERE id = ?`, [id]);
  if (!row) throw notFound('webhook', id);
  return row;
}

export async function deleteWebhook(db: Db, id: string, at: string): Promise<void> {
  const row = await webhookRow(db, id);
  if (row.deletedAt !== null) return;
  await db.$port.withTransaction(async () => {
    await db.$port.run('UPDATE webhooks SET deleted_at = ? WHERE id = ?', [at, id]);
    subscriptionsChanged(db);
  });
}

interface OutboxLogRow {
  id: number;
  deliveryId: string;
  challengeId: string;
  seq: number;
  eventType: string;
  status: DeliveryView['status'];
  lastError: string | null;
  createdAt: string;
  settledAt: string | null;
}

/** Newest first, each with its attempts in order. */
export async function listDeliveries(db: Db, webhookId: string, limit: number): Promise<DeliveryView[]> {
  await webhookRow(db, webhookId);
  const rows = await db.$port.query<OutboxLogRow>(
    `SELECT id, delivery_id AS deliveryId, challenge_id AS challengeId, seq, event_type AS eventType, status,
              last_error AS lastError, created_at AS createdAt, settled_at AS settledAt
         FROM outbox WHERE channel = 'webhook' AND target = ? ORDER BY id DESC LIMIT ?`,
    [webhookId, limit],
  );
  const attempts = new Map<number, DeliveryView['attempts']>();
  for (const r of rows)
    attempts.set(
      r.id,
      await db.$port.query<DeliveryView['attempts'][number]>(
        `SELECT attempt, at, status_code AS statusCode, error, duration_ms AS durationMs
       FROM delivery_attempts WHERE outbox_id = ? ORDER BY id`,
        [r.id],
      ),
    );
  return rows.map((r) => ({
    deliveryId: r.deliveryId,
    eventId: `${r.challengeId}:${r.seq}`,
    challengeId: r.challengeId,
    seq: r.seq,
    type: r.eventType,
    status: r.status,
    attempts: attempts.get(r.id) ?? [],
    lastError: r.lastError,
    createdAt: r.createdAt,
    settledAt: r.settledAt,
  }));
}

/** Sends a dead webhook delivery again (resend.ts). */
export async function retryDelivery(db: Db, webhookId: string, deliveryId: string): Promise<void> {
  await webhookRow(db, webhookId);
  await resendDead(db, 'webhook', webhookId, deliveryId);
}
