/**
 * `jiebang export`: one challenge's or a programme's events, or the daily checkpoints of the
 * global chain, as JSON lines or CSV (optionally with Chinese headers and a BOM, so Excel opens
 * it as UTF-8). Streams to stdout or a file: a programme of any size exports in flat memory.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify';
import { loadConfig } from '../base/config.js';
import { dataKeyPathFor, readDataKey } from '../crypto/data-key.js';
import type { Db } from '../db/client.js';
import {
  checkpointColumns,
  type ExportedEvent,
  type ExportScope,
  eventColumns,
  exportCheckpoints,
  exportEvents,
  exportReconciliation,
  reconciliationColumns,
} from '../engine/audit/export.js';
import { type ExportReader, exportReaders, parseExportReader, shownForReader } from '../personal/export-reader.js';
import type { Vault } from '../personal/vault.js';
import { openForAudit } from './audit-database.js';

interface ExportFlags {
  db?: string;
  challenge?: string;
  programme?: string;
  checkpoints?: boolean;
  reconciliation?: boolean;
  format: string;
  zh?: boolean;
  out?: string;
  as: ExportReader;
}

/** The JSON-valued columns: JSON lines hold their values, CSV their exact canonical text. */
const jsonColumns = ['payload', 'facts', 'actor', 'stateAfter'] as const;

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export the events of a challenge or a programme (with facts and hashes), or the daily checkpoints')
    .option(
      '--db <file>',
      'the SQLite file (opened read-only) or a postgres:// URL (default: $JIEBANG_DATABASE_URL, $JIEBANG_DB or ./data/jiebang.db)',
    )
    .option('--challenge <id>', 'one challenge')
    .option('--programme <id>', 'every challenge of a programme')
    .option('--checkpoints', 'the daily checkpoints of the global chain, then its current head')
    .option(
      '--reconciliation',
      "with --challenge or --programme: each track's money (declared, requested, agreed, paid, disbursed) against its caps",
    )
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .option('--zh', 'CSV with Chinese column headers (and a UTF-8 BOM for Excel)')
    .option('--out <file>', 'write to a file instead of stdout')
    .option(
      '--as <reader>',
      `whom the export is for (${exportReaders.join(', ')}): personal data in full for the admin, the bureau and auditors, masked for the other roles and by default, the refs as stored with "stored" (docs/security.md)`,
      parseExportReader,
      'masked',
    )
    .action(async (flags: ExportFlags) => {
      const chosen = [flags.challenge, flags.programme, flags.checkpoints].filter((x) => x !== undefined);
      if (chosen.length !== 1) throw new Error('give exactly one of --challenge, --programme, --checkpoints');
      if (flags.reconciliation && flags.checkpoints)
        throw new Error('--reconciliation goes with --challenge or --programme');
      if (flags.format !== 'jsonl' && flags.format !== 'csv') throw new Error('--format is jsonl or csv');
      const db = openForAudit(flags.db);
      const vault = () => vaultFor(db, flags.db);
      const out: Writable = flags.out ? createWriteStream(flags.out) : process.stdout;
      try {
        if (flags.checkpoints) {
          const rows = shownForReader(await exportCheckpoints(db), flags.as, vault);
          await write(rows, checkpointColumns, flags, out, (r) => r);
        } else {
          const scope: ExportScope = flags.challenge
            ? { challenge: flags.challenge }
            : { programme: flags.programme as string };
          if (flags.reconciliation)
            await write(
              shownForReader(await exportReconciliation(db, scope), flags.as, vault),
              reconciliationColumns,
              flags,
              out,
              (r) => r,
            );
          else
            await write(
              shownForReader(await exportEvents(db, scope), flags.as, vault, jsonColumns),
              eventColumns,
              flags,
              out,
              (row) => (flags.format === 'jsonl' ? parseJsonColumns(row) : row),
            );
        }
      } finally {
        await db.$port.close();
      }
      if (out !== process.stdout) {
        out.end();
        await finished(out);
      }
    });
}

/** The vault of the exported database: its data key, found as the service finds it. */
function vaultFor(db: Db, dbFlag: string | undefined): Vault {
  const config = loadConfig();
  const path = dataKeyPathFor(dbFlag ?? config.dbPath, config.dataKeyPath, config.filesDir);
  try {
    return { db, key: readDataKey(path) };
  } catch {
    throw new Error(
      `the export holds personal data and there is no data key at ${path}: set JIEBANG_DATA_KEY, or export --as stored`,
    );
  }
}

function parseJsonColumns(row: ExportedEvent): Record<string, unknown> {
  const parsed: Record<string, unknown> = { ...row };
  for (const c of jsonColumns) {
    const text = row[c];
    parsed[c] = typeof text === 'string' ? (JSON.parse(text) as unknown) : null;
  }
  return parsed;
}

async function write<T extends object>(
  rows: Iterable<T> | AsyncIterable<T>,
  columns: { key: keyof T; en: string; zh: string }[],
  flags: ExportFlags,
  out: Writable,
  shape: (row: T) => object,
): Promise<void> {
  if (flags.format === 'jsonl') {
    for await (const row of rows) if (!out.write(`${JSON.stringify(shape(row))}\n`)) await once(out, 'drain');
    return;
  }
  const csv = stringify({
    header: true,
    bom: flags.zh === true,
    columns: columns.map((c) => ({ key: String(c.key), header: flags.zh ? c.zh : c.en })),
  });
  csv.pipe(out, { end: false });
  for await (const row of rows) if (!csv.write(shape(row))) await once(csv, 'drain');
  csv.end();
  await finished(csv);
}
