/**
 * `jiebang rebuild-public`: rebuilds the public list and its search index from the log (issue
 * 12), e.g. after a unit's name changed in the registry. Stop the server first or run it on a
 * copy: it rewrites the projection in one transaction.
 */
import type { Command } from 'commander';
import { loadConfig } from '../base/config.js';
import { openDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { rebuildPublicListing } from '../engine/public/listing.js';

export function registerRebuildPublicCommand(program: Command): void {
  program
    .command('rebuild-public')
    .description('rebuild the public list and its Chinese search index from the event log')
    .action(async () => {
      const config = loadConfig();
      const db = openDatabase(config.dbPath, config.synchronous);
      const now = new Date().toISOString();
      await migrateDatabase(db, now);
      const started = process.hrtime.bigint();
      const written = await rebuildPublicListing(db, now);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      await db.$port.close();
      console.log(`rebuilt ${written} public calls from the log of ${config.dbPath} in ${ms.toFixed(0)} ms`);
    });
}
