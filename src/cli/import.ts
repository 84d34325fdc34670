/** `jiebang import <file>`: bulk registry import with a progress bar and a report of rejected rows. */
import { readFileSync, writeFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import { loadConfig } from '../base/config.js';
import { dataKeyPathFor, loadOrGenerateDataKey } from '../crypto/data-key.js';
import { openDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { sealImportRows } from '../personal/pseudonymise.js';
import { applyImport, type ImportKind, importKinds, planImport } from '../registry/import.js';
import { formatOf, ImportFileError, type ImportFormat, readRows } from '../registry/import-rows.js';

interface ImportOptions {
  kind: ImportKind;
  format?: ImportFormat;
  dryRun?: boolean;
  report?: string;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'import units, persons or records from CSV, JSON or JSON Lines; nothing is imported if any row is rejected',
    )
    .argument('<file>', 'the file to import')
    .addOption(new Option('--kind <kind>', 'what the file holds').choices(importKinds).makeOptionMandatory())
    .addOption(
      new Option('--format <format>', 'file format (default: from the extension)').choices(['csv', 'json', 'jsonl']),
    )
    .option('--dry-run', 'check every row and report, import nothing')
    .option('--report <path>', 'also write the rejected rows to this CSV file (line,reason)')
    .action(async (file: string, options: ImportOptions) => {
      process.exitCode = await runImport(file, options);
    });
}

/** Returns the exit code: 0 imported (or checked), 1 rows rejected, 2 the file itself is unusable. */
async function runImport(file: string, options: ImportOptions): Promise<number> {
  const format = options.format ?? formatOf(file);
  if (!format) {
    console.error(`${file}: say --format csv|json|jsonl (the extension does not tell)`);
    return 2;
  }
  let rows: ReturnType<typeof readRows>;
  try {
    rows = readRows(readFileSync(file, 'utf8'), format);
  } catch (err) {
    console.error(`${file}: ${err instanceof ImportFileError || err instanceof Error ? err.message : String(err)}`);
    return 2;
  }

  const config = loadConfig();
  const db = openDatabase(config.dbPath, config.synchronous);
  try {
    await migrateDatabase(db, new Date().toISOString());
    // The bar goes to stderr and draws only on a terminal, so piped output stays a clean report.
    const bar = new SingleBar({
      format: '{phase} [{bar}] {value}/{total} rows',
      stream: process.stderr,
      hideCursor: true,
    });
    // Issue 16: ID numbers and names are sealed before anything is checked or written.
    const { key } = loadOrGenerateDataKey(dataKeyPathFor(config.dbPath, config.dataKeyPath, config.filesDir));
    const sealed = await sealImportRows({ db, key }, options.kind, rows, new Date().toISOString());
    bar.start(rows.length, 0, { phase: 'checking ' });
    const plan = await planImport(db, options.kind, sealed, () => bar.increment());
    if (plan.rejected.length > 0 || options.dryRun) {
      bar.stop();
      return report(file, rows.length, plan.rejected, options);
    }
    bar.setTotal(plan.accepted.length);
    bar.update(0, { phase: 'importing' });
    const imported = await applyImport(db, plan, new Date().toISOString(), () => bar.increment());
    bar.stop();
    console.log(`${file}: imported ${imported} ${options.kind} into ${config.dbPath}`);
    return 0;
  } finally {
    await db.$port.close();
  }
}

function report(
  file: string,
  total: number,
  rejected: { line: number; reason: string }[],
  options: ImportOptions,
): number {
  if (options.report)
    writeFileSync(
      options.report,
      `${['line,reason', ...rejected.map((r) => `${r.line},"${r.reason.replaceAll('"', '""')}"`)].join('\n')}\n`,
    );
  if (rejected.length === 0) {
    console.log(`${file}: all ${total} rows are valid (dry run: nothing imported)`);
    return 0;
  }
  console.log(`${file}: ${rejected.length} of ${total} rows rejected; nothing imported.`);
  const where = formatOf(file) === 'json' || options.format === 'json' ? 'item' : 'line';
  for (const r of rejected) console.log(`  ${where} ${r.line}: ${r.reason}`);
  return 1;
}
