/**
 * A challenge's state at a point of its history: the snapshot after event `seq`, or after the
 * last event at or before `asOf`, rebuilt by replaying its events from CREATE, each under the
 * machine version it recorded. The stored snapshot is never read: this is what an auditor
 * would compute from the log alone (and `verify` proves the two agree).
 */
import type { StateValue } from 'xstate';
import { stageOf } from '../../../machines/challenge/stage.js';
import type { ChallengeContext } from '../../../machines/challenge/types.js';
import { type MachineRegistry, machineRegistry } from '../../../machines/challenge/versions.js';
import { AppError, notFound } from '../../base/errors.js';
import type { Db } from '../../db/client.js';
import { Replayer, type ReplayRow } from './replay.js';

export type PointInTime = { seq: number; asOf?: undefined } | { asOf: string; seq?: undefined };

export interface StateAt {
  seq: number;
  at: string;
  stage: string;
  state: StateValue;
  context: ChallengeContext;
}

export async function stateAt(
  db: Db,
  id: string,
  point: PointInTime,
  registry: MachineRegistry = machineRegistry,
): Promise<StateAt> {
  const [head] = await db.$port.query<{ version: number }>('SELECT version FROM challenges WHERE id = ?', [id]);
  if (!head) throw notFound('challenge', id, '榜单');
  const asOfMs = point.asOf === undefined ? undefined : Date.parse(point.asOf);
  if (point.seq !== undefined && point.seq > head.version)
    throw new AppError(
      'NOT_FOUND',
      `Challenge ${id} has ${head.version} events; there is no event ${point.seq}.`,
      `榜单 ${id} 共有 ${head.version} 个事件，不存在第 ${point.seq} 个。`,
    );

  const rows = db.$port.each<ReplayRow>(
    `SELECT challenge_id AS challengeId, seq, type, payload, facts, actor, at, machine_version AS machineVersion
     FROM events WHERE challenge_id = ? ORDER BY seq`,
    [id],
  );
  const replayer = new Replayer(registry);
  let reached: { seq: number; at: string } | undefined;
  for await (const row of rows) {
    // Events of a challenge are in time order, so the first one after `asOf` ends the replay.
    if (asOfMs !== undefined && Date.parse(row.at) > asOfMs) break;
    replayer.step(row);
    reached = { seq: row.seq, at: row.at };
    if (row.seq === point.seq) break;
  }
  const snapshot = replayer.snapshot;
  if (!reached || !snapshot)
    throw new AppError(
      'NOT_FOUND',
      `Challenge ${id} was created after ${point.asOf}; it had no state then.`,
      `榜单 ${id} 创建于 ${point.asOf} 之后，当时尚无状态。`,
    );
  return { ...reached, stage: stageOf(snapshot.value), state: snapshot.value, context: snapshot.context };
}
