/**
 * Machine versions, proven with a machine modified in the test: the outcome state `closed`
 * renamed `completed`. Put in place of version 1, it fails the golden histories; registered as
 * version 2 beside the untouched version 1, with a declared migration, the old histories still
 * replay under version 1, and a challenge moved by a MIGRATE_MACHINE event carries on under 2.
 * The move on a real database, and its refusal when a state has no mapping, are tested too.
 */

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { type ChallengeMachine, challengeMachine } from '../../machines/challenge/machine.js';
import {
  defineRegistry,
  leafStates,
  type MachineRegistry,
  MIGRATE_MACHINE,
  machineRegistry,
} from '../../machines/challenge/versions.js';
import { AppError } from '../../src/base/errors.js';
import { Replayer } from '../../src/engine/audit/replay.js';
import { verifyChallenge, verifyLog } from '../../src/engine/audit/verify.js';
import { canonicalJson, GENESIS_HASH, storedRowHash } from '../../src/engine/canonical.js';
import { persist } from '../../src/engine/snapshots.js';
import { migrateMachine } from '../../src/engine/write/migrate-machine.js';
import { type GoldenEvent, loadGoldens, replayGolden } from '../golden/golden.js';
import { registerParties } from '../helpers/fixtures.js';
import { startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { databaseEnv } from '../helpers/store.js';

/** The challenge machine with one top-level state renamed, every target to it rewritten. */
function renameState(machine: ChallengeMachine, from: string, to: string): ChallengeMachine {
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') return value === `#challenge.${from}` ? `#challenge.${to}` : value;
    if (Array.isArray(value)) return value.map(rewrite);
    // Plain objects only: guards built by and() and the context factory are functions, kept as they are.
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  const config = rewrite(machine.config) as { states: Record<string, unknown> };
  config.states = Object.fromEntries(Object.entries(config.states).map(([k, v]) => [k === from ? to : k, v]));
  // The same named guards and actions: only the state's name differs.
  return createMachine(config as never, machine.implementations as never) as unknown as ChallengeMachine;
}

const renamed = renameState(challengeMachine, 'closed', 'completed');
const identity = Object.fromEntries(leafStates(challengeMachine).map((s) => [s, s]));

/** The service's own versions: 1, the golden histories' (frozen), and 2, the current machine. */
const v1 = machineRegistry.machines.get('1') as ChallengeMachine;
/** Someone edited version 1 without bumping its version: the same rename, on version 1's rules. */
const editedInPlace: MachineRegistry = {
  current: '1',
  machines: new Map([['1', renameState(v1, 'closed', 'completed')]]),
  migrations: [],
};
/** The same change done properly: version 3 beside version 1, with a migration. */
const withMigration = defineRegistry({
  current: '3',
  machines: new Map([
    ['1', v1],
    ['2', challengeMachine],
    ['3', renamed],
  ]),
  migrations: [
    ...machineRegistry.migrations,
    { from: '1', to: '3', states: { ...identity, closed: 'completed' } },
    { from: '2', to: '3', states: { ...identity, closed: 'completed' } },
  ],
});

const goldens = loadGoldens();
const golden = (name: string) => {
  const g = goldens.find((x) => x.name === name);
  if (!g) throw new Error(`no golden ${name}`);
  return g;
};

describe('a machine change that renames a state', () => {
  it('really renames it: the modified machine has `completed` and no `closed`', () => {
    expect(leafStates(renamed)).toContain('completed');
    expect(leafStates(renamed)).not.toContain('closed');
    expect(leafStates(renamed)).toHaveLength(leafStates(challengeMachine).length);
  });

  it('fails the golden histories that reach the state when it replaces version 1', () => {
    const failures = goldens.flatMap((g) => {
      const found = replayGolden(g.events, g.head, editedInPlace);
      return found ? [{ name: g.name, seq: found.seq, check: found.check, found: found.found }] : [];
    });
    expect(failures).toEqual([
      {
        name: 'closed-horse-race-rectify',
        seq: golden('closed-horse-race-rectify').events.length,
        check: 'stateAfter',
        found: '"closed"',
      },
      { name: 'closed-passed', seq: golden('closed-passed').events.length, check: 'stateAfter', found: '"closed"' },
    ]);
  });

  it('passes when registered as version 3 with a migration: old histories replay under version 1', () => {
    for (const g of goldens) expect(replayGolden(g.events, g.head, withMigration)).toBeNull();
  });

  it('a registry refuses a migration to a state the new machine does not have', () => {
    expect(() =>
      defineRegistry({ ...withMigration, migrations: [{ from: '1', to: '3', states: { closed: 'closed' } }] }),
    ).toThrow(/closed is not a state of version 3/);
  });
});

/** Appends a row to a history, hashed as commit.ts hashes it, its state_after from the replay. */
function appendRow(
  rows: GoldenEvent[],
  replayer: Replayer,
  e: Omit<GoldenEvent, 'seq' | 'prevHash' | 'hash' | 'stateAfter' | 'challengeId'>,
) {
  const prev = rows.at(-1);
  const base = { ...e, challengeId: prev?.challengeId ?? '', seq: rows.length + 1, stateAfter: '' };
  const stateAfter = canonicalJson(replayer.step(base).value);
  const prevHash = prev?.hash ?? GENESIS_HASH;
  const row = { ...base, stateAfter, prevHash, hash: '' };
  row.hash = storedRowHash(prevHash, row);
  rows.push(row);
}

describe('moving a live challenge to version 3', () => {
  const original = golden('closed-passed');
  const cut = original.events.findIndex((e) => e.type === 'START_IMPLEMENTATION') + 1;
  const admin = { id: 'admin', role: 'admin' };

  /** The golden history up to implementation, a MIGRATE_MACHINE event, then the rest under version 3. */
  function migratedHistory(states: Record<string, string>) {
    const replayer = new Replayer(withMigration);
    const rows: GoldenEvent[] = [];
    for (const e of original.events.slice(0, cut)) {
      replayer.step(e);
      rows.push(e);
    }
    const at = (rows.at(-1) as GoldenEvent).at;
    appendRow(rows, replayer, {
      type: MIGRATE_MACHINE,
      payload: canonicalJson({ from: '1', to: '3', states }),
      facts: null,
      actor: canonicalJson(admin),
      at,
      machineVersion: '3',
    });
    for (const e of original.events.slice(cut)) appendRow(rows, replayer, { ...e, machineVersion: '3' });
    const head = {
      id: original.head.id,
      version: rows.length,
      headHash: (rows.at(-1) as GoldenEvent).hash,
      machineVersion: '3',
      snapshot: JSON.stringify(persist(replayer.snapshot as never)),
    };
    return { rows, head };
  }

  it('is a recorded event; the history carries on under version 3 and replays exactly', () => {
    const { rows, head } = migratedHistory({ ...identity, closed: 'completed' });
    expect(rows[cut]).toMatchObject({ seq: cut + 1, type: MIGRATE_MACHINE, machineVersion: '3' });
    expect(JSON.parse((rows[cut] as GoldenEvent).stateAfter)).toEqual({ management: 'implementing' });
    expect((rows.at(-1) as GoldenEvent).stateAfter).toBe('"completed"');
    expect(replayGolden(rows, head, withMigration)).toBeNull();
    // Without version 3 registered the same history cannot replay, and verify says where.
    expect(replayGolden(rows, head, machineRegistry)).toMatchObject({ seq: cut + 1, check: 'replay' });
  });

  it('an event under version 3 with no MIGRATE_MACHINE before it is a divergence', () => {
    // The golden history with its later events relabelled version 3, hashed consistently.
    const rows: GoldenEvent[] = [];
    for (const [i, e] of original.events.entries()) {
      const prevHash = rows.at(-1)?.hash ?? GENESIS_HASH;
      const row = { ...e, prevHash, machineVersion: i < cut ? '1' : '3' };
      rows.push({ ...row, hash: storedRowHash(prevHash, row) });
    }
    expect(replayGolden(rows, original.head, withMigration)).toMatchObject({
      seq: cut + 1,
      check: 'replay',
      what: expect.stringContaining(`no ${MIGRATE_MACHINE} event moved it`),
    });
  });

  it('on a real database: recorded in the chain, verified under the registry; refused without a mapping', async () => {
    const h = await startHarness();
    const p = await registerParties(h);
    const s = await new ChallengeDriver(h, p).create();
    await s.toManagement();
    const deps = h.app.jiebang.deps;
    const admin = { tokenId: 'admin', role: 'admin' as const };
    const before = (await s.view()).version as number;

    const unmapped = defineRegistry({
      ...withMigration,
      migrations: [{ from: '2', to: '3', states: { closed: 'completed' } }],
    });
    const refusal = await migrateMachine(deps, { challengeId: s.id, to: '3', caller: admin }, unmapped).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'EVENT_NOT_ALLOWED' });
    expect((refusal as Error).message).toContain('maps no state for management.implementing');
    expect((await s.view()).version).toBe(before);
    await expect(
      migrateMachine(deps, { challengeId: s.id, to: '3', caller: { tokenId: 'x', role: 'bureau' } }, withMigration),
    ).rejects.toThrow(/Only an admin/);
    await expect(migrateMachine(deps, { challengeId: s.id, to: '4', caller: admin }, withMigration)).rejects.toThrow(
      /No migration from machine version 2 to 4/,
    );

    const moved = await migrateMachine(deps, { challengeId: s.id, to: '3', caller: admin }, withMigration);
    expect(moved).toEqual({
      version: before + 1,
      from: '2',
      to: '3',
      stateBefore: 'management.implementing',
      stateAfter: 'management.implementing',
    });
    const history = (await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.auditor)).body.items;
    expect(history.at(-1)).toMatchObject({
      type: MIGRATE_MACHINE,
      machineVersion: '3',
      payload: { from: '2', to: '3' },
    });
    expect(await verifyChallenge(h.app.jiebang.db, s.id, withMigration)).toMatchObject({ ok: true });
    expect(await verifyLog(h.app.jiebang.db, { registry: withMigration })).toMatchObject({ ok: true });
    expect((await verifyLog(h.app.jiebang.db)).firstDivergence).toMatchObject({
      challengeId: s.id,
      seq: before + 1,
      check: 'replay',
    });
    // The harness replays every challenge under the service's own registry on close: the moved
    // challenge cannot replay there, because version 3 exists only in this test.
    await expect(h.close()).rejects.toThrow(/version 3, which is not registered/);
  });
});

describe('the live engine and machine versions', () => {
  it('takes no event on a challenge recorded under another version until it is moved, and the command refuses an undeclared move', async () => {
    const h = await startHarness();
    try {
      const p = await registerParties(h);
      const s = await new ChallengeDriver(h, p).create();
      const port = h.app.jiebang.db.$port;
      const versionNow = () => port.query('SELECT version FROM challenges WHERE id = ?', [s.id]);
      // As if the challenge had been recorded under an older machine the service no longer runs.
      await port.run("UPDATE challenges SET machine_version = '0' WHERE id = ?", [s.id]);
      const before = await versionNow();
      const reply = await s.send(p.issuer, { type: 'UPDATE', title: '新标题' });
      expect(reply.status).toBe(422);
      expect(reply.body.error.code).toBe('EVENT_NOT_ALLOWED');
      expect(reply.body.error.message).toContain(`jiebang migrate-machine ${s.id} --to 2`);
      expect(await versionNow()).toEqual(before);

      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'migrate-machine', s.id, '--to', '2'], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        env: { ...process.env, ...databaseEnv(h.dbFile, h.dir), NODE_OPTIONS: '' },
        encoding: 'utf8',
      });
      expect(run.status, run.stdout + run.stderr).toBe(1);
      expect(run.stderr).toContain('No migration from machine version 0 to 2 is declared.');
      expect(await versionNow()).toEqual(before);
      await port.run("UPDATE challenges SET machine_version = '2' WHERE id = ?", [s.id]);
    } finally {
      await h.close();
    }
  });
});
