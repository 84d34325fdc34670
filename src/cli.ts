/** The `jiebang` command: serve, migrate, import, verify, export, copy, migrate-machine, process-doc, inspect, rebuild-public, personal-data. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { loadConfig } from './base/config.js';
import { registerCopyCommand } from './cli/copy.js';
import { describeCliError } from './cli/errors.js';
import { registerExportCommand } from './cli/export.js';
import { registerImportCommand } from './cli/import.js';
import { registerInspectCommand } from './cli/inspect.js';
import { registerMigrateMachineCommand } from './cli/migrate-machine.js';
import { registerPersonalDataCommand } from './cli/personal-data.js';
import { registerProcessDocCommand } from './cli/process-doc.js';
import { registerRebuildPublicCommand } from './cli/rebuild-public.js';
import { registerVerifyCommand } from './cli/verify.js';
import { openDatabase } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { startServer } from './server.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const DB_OPTION = ['--db <file>', 'the SQLite file (default: $JIEBANG_DB or ./data/jiebang.db)'] as const;

const program = new Command('jiebang')
  .description('揭榜挂帅 challenge service')
  .version(version, '-V, --version', 'print the version')
  // Errors are printed by describeCliError, in both languages; commander only throws them.
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

// `--db` of a command that opens the database through the configuration stands for JIEBANG_DB.
program.hook('preAction', (_program, command) => {
  const { db } = command.opts<{ db?: string }>();
  if (db !== undefined) process.env.JIEBANG_DB = db;
});

program
  .command('serve', { isDefault: true })
  .description('run the HTTP API (migrates the database first)')
  .option(...DB_OPTION)
  .action(async () => {
    await startServer(loadConfig());
  });

program
  .command('migrate')
  .description('apply pending migrations and seed the guide programme, then exit')
  .option(...DB_OPTION)
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
registerRebuildPublicCommand(program);
registerCopyCommand(program);
registerPersonalDataCommand(program);

for (const name of ['import', 'inspect', 'migrate-machine']) {
  const command = program.commands.find((c) => c.name() === name);
  if (command && !command.options.some((o) => o.long === '--db')) command.option(...DB_OPTION);
}

/** `serve` is the default command, so commander would take an unknown word as its argument. */
function refuseUnknownCommand(argv: string[]): void {
  const first = argv[2];
  if (first === undefined || first.startsWith('-')) return;
  const known = program.commands.flatMap((c) => [c.name(), ...c.aliases()]).concat('help');
  if (!known.includes(first))
    throw new CommanderError(1, 'commander.unknownCommand', `error: unknown command '${first}'`);
}

try {
  refuseUnknownCommand(process.argv);
  await program.parseAsync();
} catch (err) {
  const text = describeCliError(err);
  if (text === null) process.exit(0);
  console.error(text);
  process.exit(1);
}
