/**
 * `jiebang personal-data …` (issue 16): the operator's steps on sealed personal data, each
 * recorded in `personal_data_steps`:
 *  - `seal-existing`: moves a database that holds clear personal data to refs (what it cannot
 *    reach, the events, it counts and records);
 *  - `erase`: crypto-shreds values on a lawful request (found by their blind index);
 *  - `rotate-key`: re-wraps every record's key under a new data key (the chains untouched).
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../base/config.js';
import { dataKeyPathFor, generateDataKey, loadOrGenerateDataKey, readDataKey } from '../crypto/data-key.js';
import { type Db, openDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { eraseValues } from '../personal/erase.js';
import type { PersonalKind } from '../personal/kinds.js';
import { sealExisting } from '../personal/seal-existing.js';
import { rotateDataKey, type Vault } from '../personal/vault.js';

async function withVault<T>(fn: (vault: Vault, keyPath: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db: Db = openDatabase(config.dbPath, config.synchronous);
  try {
    await migrateDatabase(db, new Date().toISOString());
    const keyPath = dataKeyPathFor(config.dbPath, config.dataKeyPath, config.filesDir);
    const { key, generated } = loadOrGenerateDataKey(keyPath);
    if (generated) console.log(`generated a new data key at ${keyPath} (key id ${key.id})`);
    return await fn({ db, key }, keyPath);
  } finally {
    await db.$port.close();
  }
}

const DB_OPTION = ['--db <file>', 'the SQLite file (default: $JIEBANG_DB or ./data/jiebang.db)'] as const;

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerPersonalDataCommand(program: Command): void {
  const command = program
    .command('personal-data')
    .description('seal, erase or re-key personal data at rest (docs/security.md)');

  command
    .command('seal-existing')
    .description('seal the clear personal data of an existing database; recorded as a step')
    .requiredOption('--by <who>', 'who runs the step (recorded)')
    .option(...DB_OPTION)
    .action(async (options: { by: string }) => {
      const report = await withVault((vault) => sealExisting(vault, new Date().toISOString(), options.by));
      console.log(JSON.stringify(report, null, 2));
      if (report.eventsWithClearIdNumbers > 0 || report.objectionsInClear > 0)
        console.log(
          'The events recorded before sealing keep what they hold (append-only, chained); see docs/security.md.',
        );
    });

  command
    .command('erase')
    .description('crypto-shred values on a lawful request: the refs stay, the chains verify, the values are gone')
    .requiredOption('--by <who>', 'who asked, and under what request (recorded)')
    .option(...DB_OPTION)
    .option('--id-number <n>', 'a national ID number (repeatable)', collect)
    .option('--name <name>', 'a name (repeatable)', collect)
    .option('--phone <phone>', 'a phone number (repeatable)', collect)
    .option('--email <address>', 'an e-mail address (repeatable)', collect)
    .option('--contact <contact>', "an objector's contact (repeatable)", collect)
    .action(
      async (options: {
        by: string;
        idNumber?: string[];
        name?: string[];
        phone?: string[];
        email?: string[];
        contact?: string[];
      }) => {
        const values: { kind: PersonalKind; value: string }[] = [
          ...(options.idNumber ?? []).map((value) => ({ kind: 'personId' as const, value })),
          ...(options.name ?? []).map((value) => ({ kind: 'name' as const, value })),
          ...(options.phone ?? []).map((value) => ({ kind: 'phone' as const, value })),
          ...(options.email ?? []).map((value) => ({ kind: 'email' as const, value })),
          ...(options.contact ?? []).map((value) => ({ kind: 'contact' as const, value })),
        ];
        if (values.length === 0) throw new Error('name at least one value to erase (--id-number, --name, …)');
        const erased = await withVault((vault) => eraseValues(vault, values, new Date().toISOString(), options.by));
        console.log(`erased ${erased} of ${values.length} values (the others were not on record or already erased)`);
      },
    );

  command
    .command('rotate-key')
    .description('re-wrap every record under a new data key (generated when the file is absent)')
    .requiredOption('--new-key <file>', 'the new key file')
    .option(...DB_OPTION)
    .requiredOption('--by <who>', 'who runs the step (recorded)')
    .action(async (options: { newKey: string; by: string }) => {
      const next = existsSync(options.newKey) ? readDataKey(options.newKey) : generateDataKey(options.newKey);
      const rewrapped = await withVault((vault) =>
        rotateDataKey(vault.db, vault.key, next, new Date().toISOString(), options.by),
      );
      console.log(
        `re-wrapped ${rewrapped} records under key ${next.id}. Point JIEBANG_DATA_KEY at ${options.newKey} (or move it over the old file), restart, and destroy the old key file.`,
      );
    });
}
