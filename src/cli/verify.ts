/**
 * `jiebang verify`: the whole log (or one challenge) recomputed and replayed, with a progress
 * bar on stderr, and the first divergence printed exactly. Exit code 0 when the log checks out,
 * 1 when it does not (or the database cannot be read). Memory stays flat: verify streams.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type VerifyReport, verifyChallenge, verifyLog } from '../engine/audit/verify.js';
import { openForAudit } from './audit-database.js';

interface VerifyFlags {
  db?: string;
  challenge?: string;
  json?: boolean;
  progress: boolean;
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('recompute every hash, replay every challenge, check the global chain and its checkpoints')
    .option(
      '--db <file>',
      'the SQLite file (opened read-only) or a postgres:// URL (default: $JIEBANG_DATABASE_URL, $JIEBANG_DB or ./data/jiebang.db)',
    )
    .option('--challenge <id>', 'verify one challenge only')
    .option('--json', 'print the report as one JSON object')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: VerifyFlags) => {
      const db = openForAudit(flags.db);
      const started = process.hrtime.bigint();
      let report: VerifyReport;
      if (flags.challenge) {
        report = await verifyChallenge(db, flags.challenge);
      } else {
        // The bar is redrawn from verify's update() calls: cli-progress does
        // that on a terminal only. Elsewhere (a log file, CI) a plain line every 10 s says the same.
        const tty = process.stderr.isTTY === true;
        const bar =
          flags.progress && tty
            ? new SingleBar(
                {
                  stream: process.stderr,
                  format:
                    'verify |{bar}| {percentage}% | {value}/{total} checks | {rate} checks/s | ETA {eta_formatted}',
                  etaBuffer: 50,
                },
                Presets.shades_classic,
              )
            : undefined;
        let barStarted = false;
        let lastLine = Date.now();
        report = await verifyLog(db, {
          workers: true,
          onProgress: (done, total) => {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            // Each event is checked twice: its challenge's chain and replay, then the global chain.
            const rate = Math.round(done / Math.max(seconds, 1e-3));
            if (bar) {
              if (!barStarted) bar.start(total, done, { rate });
              else bar.update(done, { rate });
              barStarted = true;
            } else if (flags.progress && Date.now() - lastLine >= 10_000) {
              lastLine = Date.now();
              const percent = Math.floor((100 * done) / Math.max(total, 1));
              process.stderr.write(`verify: ${percent}% ${done}/${total} checks, ${rate} checks/s\n`);
            }
          },
        });
        if (barStarted) bar?.stop();
      }
      await db.$port.close();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const figures = {
        seconds: Math.round(seconds * 100) / 100,
        eventsPerSecond: Math.round(report.checkedEvents / Math.max(seconds, 1e-3)),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      };
      if (flags.json) console.log(JSON.stringify({ ...report, ...figures }));
      else console.log(describe(report, figures));
      if (!report.ok) process.exitCode = 1;
    });
}

function describe(report: VerifyReport, f: { seconds: number; eventsPerSecond: number; peakRssMb: number }): string {
  const summary = `${report.checkedEvents} events checked in ${f.seconds} s (${f.eventsPerSecond} events/s, peak memory ${f.peakRssMb} MB)`;
  const d = report.firstDivergence;
  if (report.ok || !d) return `ok: ${summary}`;
  return [
    `DIVERGENCE in challenge ${d.challengeId || '(none)'} at seq ${d.seq}${d.globalSeq === undefined ? '' : ` (global_seq ${d.globalSeq})`}`,
    `  check:    ${d.check}`,
    `  what:     ${d.what}`,
    ...(d.expected === undefined ? [] : [`  expected: ${d.expected}`]),
    ...(d.found === undefined ? [] : [`  found:    ${d.found}`]),
    `  (${summary} before it)`,
  ].join('\n');
}
