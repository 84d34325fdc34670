/**
 * Webhook subscriptions and their delivery log, as the HTTP routes (api.md "Notifications and
 * integrations") and the CLI need them. The secret is generated here and returned once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { AppError } from '../base/errors.js';
import { resendDead } from './resend.js';

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

export function createWebhook(client: Database, input: NewWebhook, createdBy: string, at: string) {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  client
    .prepare(
      `INSERT INTO webhooks (id, url, events, programme_id, secret, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, input.url, JSON.stringify(input.events), input.programmeId ?? null, secret, createdBy, at);
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

export function listWebhooks(client: Database): WebhookView[] {
  return client
    .prepare<[], WebhookRow>(`SELECT ${webhookColumns} FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at, id`)
    .all()
    .map(view);
}

function webhookRow(client: Database, id: string): WebhookRow {
  const row = client.prepare<[string], WebhookRow>(`SELECT ${webhookColumns} FROM webhooks WHERE id = ?`).get(id);
  if (!row) throw notFound('webhook', id);
  return row;
}

/** Stops the subscription; its log stays. Rows not yet delivered become dead when their turn comes. */
export function deleteWebhook(client: Database, id: string, at: string): void {
  const row = webhookRow(client, id);
  if (row.deletedAt === null) client.prepare('UPDATE webhooks SET deleted_at = ? WHERE id = ?').run(at, id);
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
export function listDeliveries(client: Database, webhookId: string, limit: number): DeliveryView[] {
  webhookRow(client, webhookId);
  const rows = client
    .prepare<[string, number], OutboxLogRow>(
      `SELECT id, delivery_id AS deliveryId, challenge_id AS challengeId, seq, event_type AS eventType, status,
              last_error AS lastError, created_at AS createdAt, settled_at AS settledAt
         FROM outbox WHERE channel = 'webhook' AND target = ? ORDER BY id DESC LIMIT ?`,
    )
    .all(webhookId, limit);
  const attemptsOf = client.prepare<[number], DeliveryView['attempts'][number]>(
    `SELECT attempt, at, status_code AS statusCode, error, duration_ms AS durationMs
       FROM delivery_attempts WHERE outbox_id = ? ORDER BY id`,
  );
  return rows.map((r) => ({
    deliveryId: r.deliveryId,
    eventId: `${r.challengeId}:${r.seq}`,
    challengeId: r.challengeId,
    seq: r.seq,
    type: r.eventType,
    status: r.status,
    attempts: attemptsOf.all(r.id),
    lastError: r.lastError,
    createdAt: r.createdAt,
    settledAt: r.settledAt,
  }));
}

/** Sends a dead webhook delivery again (resend.ts). */
export function retryDelivery(client: Database, webhookId: string, deliveryId: string): void {
  webhookRow(client, webhookId);
  resendDead(client, 'webhook', webhookId, deliveryId);
}
