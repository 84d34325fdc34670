/**
 * The registry of machine versions. Every event and snapshot records the version it ran under;
 * replay looks the machine up here, so an old history replays under the rules it ran under. A
 * change that could make a stored history replay differently bumps MACHINE_VERSION, registers
 * the new machine beside the old one (kept as a frozen copy), and declares a migration: for each
 * leaf state of the old machine, the state of the new one a live challenge moves to. Moving a
 * challenge is itself a recorded event (`MIGRATE_MACHINE`) carrying that mapping; a challenge
 * whose state has no mapping is refused. Pure: no I/O.
 */
import { type ChallengeMachine, type ChallengeSnapshot, challengeMachine, challengeMachineAt } from './machine.js';
import { statePath, stateValueOf } from './stage.js';
import { MACHINE_VERSION } from './version.js';

/** The event type that moves a challenge from one machine version to another. */
export const MIGRATE_MACHINE = 'MIGRATE_MACHINE';

export interface VersionMigration {
  from: string;
  to: string;
  /** Leaf state path of `from` (e.g. `review.formalCheck`) → leaf state path of `to`. */
  states: Readonly<Record<string, string>>;
}

export interface MachineRegistry {
  /** The version new challenges and new events run under. */
  current: string;
  machines: ReadonlyMap<string, ChallengeMachine>;
  migrations: readonly VersionMigration[];
}

/** The payload a MIGRATE_MACHINE event records: the whole declared mapping, so replay needs no code. */
export interface MigrationPayload {
  from: string;
  to: string;
  states: Record<string, string>;
}

/** Every leaf state of a machine, as paths. */
export function leafStates(machine: ChallengeMachine): string[] {
  const out: string[] = [];
  const walk = (node: { path: string[]; states: Record<string, unknown> }) => {
    const children = Object.values(node.states) as (typeof node)[];
    if (children.length === 0) out.push(node.path.join('.'));
    for (const child of children) walk(child);
  };
  walk(machine.root as unknown as { path: string[]; states: Record<string, unknown> });
  return out;
}

/**
 * Checks a registry once, where it is built: the current version is registered, and every
 * migration joins two registered versions and maps leaf states of one to leaf states of the
 * other. (A migration need not map every state: a challenge in an unmapped state is refused.)
 */
export function defineRegistry(registry: MachineRegistry): MachineRegistry {
  const machineOf = (v: string) => {
    const m = registry.machines.get(v);
    if (!m) throw new Error(`machine version ${v} is not registered`);
    return m;
  };
  machineOf(registry.current);
  for (const m of registry.migrations) {
    const from = new Set(leafStates(machineOf(m.from)));
    const to = new Set(leafStates(machineOf(m.to)));
    for (const [a, b] of Object.entries(m.states)) {
      if (!from.has(a)) throw new Error(`migration ${m.from}→${m.to}: ${a} is not a state of version ${m.from}`);
      if (!to.has(b)) throw new Error(`migration ${m.from}→${m.to}: ${b} is not a state of version ${m.to}`);
    }
  }
  return registry;
}

const machineV1 = challengeMachineAt(1);

/**
 * The machines the service knows. Version 2 (issue 11, "Close the holes") is the machine of
 * machine.ts; version 1 is the same chart without the rules marked `since: 2` and with the
 * reducers of version 1 (it never records a payee, a rectification deadline or a raised funding).
 * Every leaf state of version 1 is a state of version 2, so the migration maps each to itself.
 */
export const machineRegistry: MachineRegistry = defineRegistry({
  current: MACHINE_VERSION,
  machines: new Map([
    ['1', machineV1],
    ['2', challengeMachine],
  ]),
  migrations: [{ from: '1', to: '2', states: Object.fromEntries(leafStates(machineV1).map((s) => [s, s])) }],
});

/**
 * The snapshot a challenge has after moving to `to` under `mapping`: the mapped state, the same
 * context. `undefined` when the current state has no mapping (the move is refused).
 */
export function migrateSnapshot(
  snapshot: ChallengeSnapshot,
  mapping: Readonly<Record<string, string>>,
  to: ChallengeMachine,
): ChallengeSnapshot | undefined {
  const from = statePath(snapshot.value);
  const target = Object.hasOwn(mapping, from) ? mapping[from] : undefined;
  if (target === undefined) return undefined;
  return to.resolveState({ value: stateValueOf(target), context: snapshot.context });
}
