/**
 * `jiebang process-doc [--check]` (npm run docs:process): writes docs/process.md, the Mermaid
 * diagram and transition table generated from the machine. `--check` only compares and exits 1
 * when the committed file is stale, for CI.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { processDocument } from '../chart/diagram.js';

export const PROCESS_DOC = join(import.meta.dirname, '../../docs/process.md');

export function registerProcessDocCommand(program: Command): void {
  program
    .command('process-doc')
    .description('regenerate docs/process.md (the statechart diagram) from the machine')
    .option('--check', 'do not write; exit 1 if docs/process.md is stale')
    .action((options: { check?: boolean }) => {
      const generated = processDocument();
      if (options.check) {
        let committed = '';
        try {
          committed = readFileSync(PROCESS_DOC, 'utf8');
        } catch {
          // Missing counts as stale.
        }
        if (committed !== generated) {
          console.error('docs/process.md is stale: run `npm run docs:process` and commit it');
          process.exitCode = 1;
        } else console.log('docs/process.md is up to date');
        return;
      }
      writeFileSync(PROCESS_DOC, generated);
      console.log(`wrote ${PROCESS_DOC}`);
    });
}
