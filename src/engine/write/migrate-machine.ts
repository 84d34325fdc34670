/**
 * Moves a live challenge to another machine version: itself a recorded event (MIGRATE_MACHINE)
 * whose payload is the declared mapping, appended to the challenge's chain like any other, so
 * the move is visible in the history and replays without code (design.md, "Audit log"). It is
 * refused when no migration is declared between the two versions, or when the challenge's
 * current state has no mapping: a state the new machine cannot place stays where it is.
 */

import type { ChallengeSnapshot } from '../../../machines/challenge/machine.js';
import { statePath } from '../../../machines/challenge/stage.js';
import {
  type MachineRegistry,
  MIGRATE_MACHINE,
  type MigrationPayload,
  machineRegistry,
  migrateSnapshot,
} from '../../../machines/challenge/versions.js';
import { rolesFor } from '../../access/policy.js';
import type { Caller } from '../../base/caller.js';
import { AppError, forbidden, notFound } from '../../base/errors.js';
import { storedSnapshot } from '../../db/stored-snapshot.js';
import type { EngineDeps } from '../engine.js';
import { appendEvent } from './commit.js';
import { actorOf } from './send-event.js';

export interface MigrateMachineInput {
  challengeId: string;
  /** The version to move to. */
  to: string;
  caller: Caller;
}

export interface MigrateMachineResult {
  version: number;
  from: string;
  to: string;
  stateBefore: string;
  stateAfter: string;
}

export async function migrateMachine(
  deps: Pick<EngineDeps, 'store' | 'clock'>,
  input: MigrateMachineInput,
  registry: MachineRegistry = machineRegistry,
): Promise<MigrateMachineResult> {
  const { store, clock } = deps;
  if (!rolesFor('migrateMachine').includes(input.caller.role))
    throw forbidden(
      'Only an admin moves a challenge to another machine version.',
      '只有管理员可以迁移榜单的状态机版本。',
    );
  const row = await store.challengeById.get({ id: input.challengeId });
  if (!row) throw notFound('challenge', input.challengeId, '榜单');
  const from = row.machineVersion;
  const declared = registry.migrations.find((m) => m.from === from && m.to === input.to);
  const toMachine = registry.machines.get(input.to);
  const fromMachine = registry.machines.get(from);
  if (!declared || !toMachine || !fromMachine)
    throw new AppError(
      'VALIDATION_FAILED',
      `No migration from machine version ${from} to ${input.to} is declared.`,
      `未声明从状态机版本 ${from} 到 ${input.to} 的迁移。`,
      { issues: [{ path: 'to', message: 'no declared migration' }] },
    );
  const current: ChallengeSnapshot = fromMachine.resolveState(
    await storedSnapshot(row.snapshot, (challengeId) => store.listItemsOf.all({ challengeId })),
  );
  const next = migrateSnapshot(current, declared.states, toMachine);
  const stateBefore = statePath(current.value);
  if (!next)
    throw new AppError(
      'EVENT_NOT_ALLOWED',
      `The migration from version ${from} to ${input.to} maps no state for ${stateBefore}: the challenge stays on version ${from}.`,
      `从版本 ${from} 到 ${input.to} 的迁移未声明状态 ${stateBefore} 的对应状态，榜单仍保留在版本 ${from}。`,
      { allowedEvents: [] },
    );
  const payload: MigrationPayload = { from, to: input.to, states: { ...declared.states } };
  const at = clock.now().toISOString();
  const appended = await store.transaction(() =>
    appendEvent(store, {
      challengeId: row.id,
      expectedVersion: row.version,
      expectedMachineVersion: row.machineVersion,
      headHash: row.headHash,
      previous: current,
      type: MIGRATE_MACHINE,
      payload,
      facts: undefined,
      actor: actorOf(input.caller),
      at,
      next,
      machineVersion: input.to,
    }),
  );
  return { version: appended.version, from, to: input.to, stateBefore, stateAfter: statePath(next.value) };
}
