/**
 * Sends a dead letter again: pending, due now, its attempts counted afresh (the log keeps the
 * old ones), the same delivery id. Only a dead delivery may be resent: a pending one is already
 * on its way and a delivered one arrived.
 */
import { AppError } from '../base/errors.js';
import type { Db } from '../db/client.js';
import { wakeDispatchers } from './wake.js';

/** `target`: the webhook id, or null for mail (any address). */
export async function resendDead(
  db: Db,
  channel: 'webhook' | 'mail',
  target: string | null,
  deliveryId: string,
): Promise<void> {
  const [row] = await db.$port.query<{ id: number; status: string }>(
    `SELECT id, status FROM outbox WHERE channel = ? AND (CAST(? AS TEXT) IS NULL OR target = ?) AND delivery_id = ?`,
    [channel, target, target, deliveryId],
  );
  if (!row) throw new AppError('NOT_FOUND', `No delivery ${deliveryId}.`, `找不到投递 ${deliveryId}。`);
  if (row.status !== 'dead')
    throw new AppError(
      'VERSION_CONFLICT',
      `Delivery ${deliveryId} is ${row.status}, not dead: only a dead delivery is resent.`,
      `投递 ${deliveryId} 的状态为 ${row.status === 'pending' ? '待投递' : '已送达'}，只有失败（死信）的投递可以重发。`,
    );
  await db.$port.run(
    `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = ?, settled_at = NULL WHERE id = ?`,
    [Date.now(), row.id],
  );
  wakeDispatchers();
}
