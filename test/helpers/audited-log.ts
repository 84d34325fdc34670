/**
 * The log the auditors' command tests read (cli-audit.test.ts on both stores, cli-audit-file.test.ts
 * on a SQLite file): two challenges whose events interleave, one taken into matching; the log
 * starts under SHA-256 and goes on under SM3 (issue 16), so every check crosses a switch, and
 * the second day's events close the first day's checkpoint.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Parties, registerParties } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';
import { ChallengeDriver } from './lifecycle.js';
import { databaseEnv } from './store.js';

export const runFile = promisify(execFile);

export interface AuditedLog {
  h: Harness;
  p: Parties;
  a: ChallengeDriver;
  b: ChallengeDriver;
}

export async function startAuditedLog(): Promise<AuditedLog> {
  const h = await startHarness();
  const p = await registerParties(h);
  const a = await new ChallengeDriver(h, p).create();
  const b = await new ChallengeDriver(h, p).create();
  await a.toMatching();
  await h.restart({ hashAlgorithm: 'sm3' });
  await h.at('2026-05-08T09:00:00+08:00');
  await b.submit();
  return { h, p, a, b };
}

/** `jiebang …` as a user runs it, on the harness's database (a SQLite file or a PostgreSQL URL). */
export async function jiebang(
  h: Harness,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await runFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { ...process.env, ...databaseEnv(h.dbFile, h.dir) },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
