/**
 * `jiebang copy --from <sqlite file> --to <postgres url>`: moves a database to PostgreSQL, then
 * verifies both and compares them: the same number of events and the same head of the global
 * chain, or exit code 1.
 */
import type { Command } from 'commander';
import { isPostgresUrl, openDatabase } from '../db/client.js';
import { copyDatabase } from '../db/copy.js';
import { verifyLog } from '../engine/audit/verify.js';
import { reindexPublicSearch } from '../engine/public/listing.js';
import { openForAudit } from './audit-database.js';

export function registerCopyCommand(program: Command): void {
  program
    .command('copy')
    .description('copy a SQLite database into a new PostgreSQL database, then verify both')
    .requiredOption('--from <file>', 'the SQLite file (opened read-only; stop the server first)')
    .requiredOption('--to <url>', 'the postgres:// URL of an empty database')
    .action(async (flags: { from: string; to: string }) => {
      if (!isPostgresUrl(flags.to)) throw new Error('--to is a postgres:// URL');
      const from = openForAudit(flags.from);
      const to = openDatabase(flags.to);
      try {
        await copyDatabase(from, to, (table, rows) => console.log(`${table}: ${rows} rows`));
        // The public search is each dialect's own table: written from the copied public rows.
        console.log(`public search: ${await reindexPublicSearch(to)} calls indexed`);
        const [source, copy] = [await verifyLog(from), await verifyLog(to)];
        const [sourceHead, copyHead] = [await globalHead(from), await globalHead(to)];
        console.log(
          `verify ${flags.from}: ${source.ok ? 'ok' : 'DIVERGENCE'}, ${source.checkedEvents} events, head ${sourceHead}`,
        );
        console.log(
          `verify ${to.$port.location}: ${copy.ok ? 'ok' : 'DIVERGENCE'}, ${copy.checkedEvents} events, head ${copyHead}`,
        );
        if (!source.ok || !copy.ok || source.checkedEvents !== copy.checkedEvents || sourceHead !== copyHead)
          process.exitCode = 1;
      } finally {
        await from.$port.close();
        await to.$port.close();
      }
    });
}

async function globalHead(db: ReturnType<typeof openDatabase>): Promise<string> {
  const [head] = await db.$port.query<{ globalHash: string }>(
    'SELECT global_hash AS globalHash FROM events ORDER BY global_seq DESC LIMIT 1',
  );
  return head?.globalHash ?? '(empty)';
}
