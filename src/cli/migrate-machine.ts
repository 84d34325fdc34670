/**
 * `jiebang migrate-machine <challenge> --to <version>`: moves a live challenge to another machine
 * version by a recorded MIGRATE_MACHINE event carrying the declared state mapping
 * (src/engine/write/migrate-machine.ts). Refused when no migration is declared or the challenge's state
 * has no mapping; the challenge then stays where it is. Run it with the server stopped or
 * running: the challenge's version check keeps the two writers apart.
 */
import type { Command } from 'commander';
import { loadConfig } from '../base/config.js';
import { AppError } from '../base/errors.js';
import { openDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { createStore } from '../engine/store.js';
import { systemClock } from '../engine/time/clock.js';
import { migrateMachine } from '../engine/write/migrate-machine.js';

export function registerMigrateMachineCommand(program: Command): void {
  program
    .command('migrate-machine')
    .description('move a challenge to another machine version (a recorded MIGRATE_MACHINE event)')
    .argument('<challenge>', 'the challenge id')
    .requiredOption('--to <version>', 'the machine version to move to')
    .option('--by <label>', 'who asks for the move, recorded as the actor id', 'cli')
    .action(async (challengeId: string, flags: { to: string; by: string }) => {
      const config = loadConfig();
      const db = openDatabase(config.dbPath, config.synchronous);
      try {
        await migrateDatabase(db, new Date().toISOString());
        const result = await migrateMachine(
          { store: createStore(db), clock: systemClock() },
          { challengeId, to: flags.to, caller: { tokenId: `cli:${flags.by}`, role: 'admin' } },
        );
        console.log(
          `${challengeId}: moved from machine version ${result.from} to ${result.to} (${result.stateBefore} → ${result.stateAfter}), event ${result.version}`,
        );
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        console.error(`${challengeId}: ${err.message}`);
        process.exitCode = 1;
      } finally {
        await db.$port.close();
      }
    });
}
