/**
 * Replay: fold a challenge's stored events through the pure machine, from its CREATE event.
 * Each event is rebuilt exactly as the engine sent it — payload, facts, actor, time — and run
 * under the machine version it recorded (machines/challenge/versions.ts), so the fold must
 * reproduce every stored `state_after` and the stored snapshot, or it found a bug or a tamper.
 */

import type { Actor, ChallengeEvent } from '../../../machines/challenge/events.js';
import type { ChallengeMachine, ChallengeSnapshot } from '../../../machines/challenge/machine.js';
import { statePath } from '../../../machines/challenge/stage.js';
import type { CreateInput } from '../../../machines/challenge/types.js';
import {
  type MachineRegistry,
  MIGRATE_MACHINE,
  type MigrationPayload,
  machineRegistry,
  migrateSnapshot,
} from '../../../machines/challenge/versions.js';
import { joinSnapshot, type ListItemRow } from '../../db/stored-snapshot.js';
import { canonicalJson } from '../canonical.js';
import { pureInitialOf, pureTransitionOf } from '../pure-transition.js';
import { type PersistedSnapshot, persist } from '../snapshots.js';
import type { EventRow } from '../store.js';

/** What replay reads of a stored event. */
export type ReplayRow = Pick<
  EventRow,
  'challengeId' | 'seq' | 'type' | 'payload' | 'facts' | 'actor' | 'at' | 'machineVersion'
>;

export interface ReplayStep {
  seq: number;
  snapshot: ChallengeSnapshot;
}

/** Replay could not apply a stored event: the message says why. */
export class ReplayError extends Error {
  constructor(
    readonly seq: number,
    message: string,
  ) {
    super(message);
    this.name = 'ReplayError';
  }
}

/** The machine event an event row stands for. */
export function eventOfRow(row: ReplayRow): ChallengeEvent {
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  const facts = row.facts === null ? undefined : (JSON.parse(row.facts) as unknown);
  return {
    type: row.type,
    ...payload,
    at: row.at,
    actor: JSON.parse(row.actor) as Actor,
    ...(facts ? { facts } : {}),
  } as ChallengeEvent;
}

/** Folds one challenge's events, one at a time, each under the machine version it recorded. */
export class Replayer {
  snapshot: ChallengeSnapshot | undefined;
  /** The machine version the snapshot is under. */
  version: string | undefined;

  constructor(private readonly registry: MachineRegistry = machineRegistry) {}

  private machine(version: string, seq: number): ChallengeMachine {
    const machine = this.registry.machines.get(version);
    if (!machine)
      throw new ReplayError(seq, `event ${seq} ran under machine version ${version}, which is not registered`);
    return machine;
  }

  /** Applies the next stored event; throws ReplayError when it cannot be applied. */
  step(row: ReplayRow): ChallengeSnapshot {
    const { seq } = row;
    const machine = this.machine(row.machineVersion, seq);
    if (this.snapshot === undefined) {
      if (row.type !== 'CREATE')
        throw new ReplayError(seq, `a history starts with CREATE, event ${seq} is ${row.type}`);
      const payload = JSON.parse(row.payload) as Omit<CreateInput, 'at' | 'actor'>;
      const input: CreateInput = { ...payload, at: row.at, actor: JSON.parse(row.actor) as Actor };
      this.snapshot = pureInitialOf(machine, input);
    } else if (row.type === MIGRATE_MACHINE) {
      const move = JSON.parse(row.payload) as MigrationPayload;
      if (move.from !== this.version || move.to !== row.machineVersion)
        throw new ReplayError(
          seq,
          `event ${seq} moves from version ${move.from} to ${move.to}, but the challenge was on ${this.version} and the event records ${row.machineVersion}`,
        );
      const next = migrateSnapshot(this.snapshot, move.states, machine);
      if (!next)
        throw new ReplayError(
          seq,
          `event ${seq} moves to version ${move.to}, but maps no state for ${statePath(this.snapshot.value)}`,
        );
      this.snapshot = next;
    } else {
      if (row.machineVersion !== this.version)
        throw new ReplayError(
          seq,
          `event ${seq} ran under machine version ${row.machineVersion}, but the challenge was on ${this.version} and no ${MIGRATE_MACHINE} event moved it`,
        );
      const before: ChallengeSnapshot = this.snapshot;
      this.snapshot = pureTransitionOf(machine, before, eventOfRow(row));
      if (this.snapshot === before)
        throw new ReplayError(seq, `event ${seq} (${row.type}) is refused on replay: the machine does not accept it`);
    }
    this.version = row.machineVersion;
    return this.snapshot;
  }
}

/** Calls `onStep` with the snapshot after each event, in seq order. */
export function replayEvents(
  rows: Iterable<ReplayRow>,
  onStep: (step: ReplayStep) => void,
  registry: MachineRegistry = machineRegistry,
): ChallengeSnapshot | undefined {
  const replayer = new Replayer(registry);
  for (const row of rows) onStep({ seq: row.seq, snapshot: replayer.step(row) });
  return replayer.snapshot;
}

export interface Divergence {
  seq: number;
  what: string;
}

/** Replays and compares each step with the stored state_after and the end with the stored snapshot. */
export function firstDivergence(
  rows: (ReplayRow & Pick<EventRow, 'stateAfter'>)[],
  storedSnapshot: string,
  registry: MachineRegistry = machineRegistry,
  /** The snapshot's list rows (src/db/stored-snapshot.ts). */
  storedItems: readonly ListItemRow[] = [],
): Divergence | null {
  let found: Divergence | null = null;
  try {
    const last = replayEvents(
      rows,
      ({ seq, snapshot }) => {
        const row = rows[seq - 1];
        if (!found && row && canonicalJson(snapshot.value) !== row.stateAfter)
          found = { seq, what: `state_after is ${row.stateAfter}, replay gives ${canonicalJson(snapshot.value)}` };
      },
      registry,
    );
    if (found) return found;
    const stored = joinSnapshot(JSON.parse(storedSnapshot) as PersistedSnapshot, storedItems);
    if (last && canonicalJson(persist(last)) !== canonicalJson(stored))
      return { seq: rows.length, what: 'the stored snapshot differs from the replayed one' };
    return null;
  } catch (err) {
    if (err instanceof ReplayError) return { seq: err.seq, what: err.message };
    return { seq: 0, what: err instanceof Error ? err.message : String(err) };
  }
}
