/** The `jiebang` command: serve, migrate, import, verify, export, copy, migrate-machine, process-doc, inspect. */
import { Command } from 'commander';
import { loadConfig } from './base/config.js';
import { registerCopyCommand } from './cli/copy.js';
import { registerExportCommand } from './cli/export.js';
import { registerImportCommand } from './cli/import.js';
import { registerInspectCommand } from './cli/inspect.js';
import { registerMigrateMachineCommand } from './cli/migrate-machine.js';
import { registerProcessDocCommand } from './cli/process-doc.js';
import { registerVerifyCommand } from './cli/verify.js';
import { openDatabase } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { startServer } from './server.js';

const program = new Command('jiebang').description('揭榜挂帅 challenge service');

program
  .command('serve', { isDefault: true })
  .description('run the HTTP API (migrates the database first)')
  .action(async () => {
    await startServer(loadConfig());
  });

program
  .command('migrate')
  .description('apply pending migrations and seed the guide programme, then exit')
  .action(async () => {
    const config = loadConfig();
    const db = openDatabase(config.dbPath, config.synchronous);
    await migrateDatabase(db, new Date().toISOString());
    await db.$port.close();
    console.log(`migrated ${config.dbPath}`);
  });

registerImportCommand(program);
registerProcessDocCommand(program);
registerInspectCommand(program);
registerMigrateMachineCommand(program);
registerVerifyCommand(program);
registerExportCommand(program);
registerCopyCommand(program);

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
