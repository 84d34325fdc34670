/**
 * CLI polish (issue 14): `--version`; Chinese and English messages for a wrong command line;
 * `--db` on every command that opens a database; no stack traces — a busy port says so.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'jiebang-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

/** No line of a Node stack trace. */
const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe('the jiebang command', () => {
  it('prints its version', async () => {
    const run = await cli(['--version']);
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('refuses an unknown command and an unknown option, in Chinese and English, without a stack', async () => {
    const command = await cli(['serv']);
    expect(command.code).toBe(1);
    expect(command.stderr).toBe(
      "错误：未知命令「serv」。运行 jiebang --help 查看可用命令。\nError: unknown command 'serv'\n",
    );
    const option = await cli(['verify', '--bogus']);
    expect(option.code).toBe(1);
    expect(option.stderr).toContain('错误：未知选项「--bogus」');
    expect(option.stderr).toContain("Error: unknown option '--bogus'");
    noStack(command.stderr + option.stderr);
  });

  it('says a port is busy, in both languages, without a stack', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const run = await cli(['serve', '--db', join(dir, 'busy.db')], { PORT: String(port), HOST: '127.0.0.1' });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`错误：端口已被占用（127.0.0.1:${port}）`);
      expect(run.stderr).toContain('Error: the port is already in use');
      noStack(run.stderr);
    } finally {
      busy.close();
    }
  });

  it('takes --db on the commands that open a database', async () => {
    const file = join(dir, 'migrated.db');
    const run = await cli(['migrate', '--db', file], { JIEBANG_DB: join(dir, 'not-this.db') });
    expect(run).toMatchObject({ code: 0, stdout: `migrated ${file}\n` });
    expect(existsSync(file)).toBe(true);
    expect(existsSync(join(dir, 'not-this.db'))).toBe(false);
    const help = await Promise.all(
      ['serve', 'import', 'inspect', 'migrate-machine', 'verify', 'export'].map((c) => cli([c, '--help'])),
    );
    for (const h of help) expect(h.stdout).toContain('--db <file>');
  });
});
