/**
 * `jiebang import`, run as a real process on a real database — a SQLite file, or a PostgreSQL
 * database given by its URL (the `postgres` project): a file with bad rows is
 * reported row by row (line and reason) and imports nothing; a clean file imports every row in
 * one go, and the imported records are what the rules then read.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { code } from '../helpers/fixtures.js';
import { databaseEnv, databaseOfThisFile } from '../helpers/store.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const own = databaseOfThisFile('jiebang-import-');
const { dir } = own;

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function jiebang(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...databaseEnv(own.database.location, dir),
          NODE_OPTIONS: '',
        },
      },
      (error, stdout, stderr) => resolve({ exitCode: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const count = async (table: string) => {
  const db = openDatabase(own.database.location);
  try {
    return (await db.$port.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n;
  } catch {
    return 0; // not migrated yet
  } finally {
    await db.$port.close();
  }
};

const A = code(810_001);
const B = code(810_002);

describe('jiebang import', () => {
  it('reports every bad row of a CSV by line and reason, and imports nothing from it', async () => {
    const wrongCheck = `${A.slice(0, 17)}${A.endsWith('0') ? '1' : '0'}`;
    const csv = file(
      'units-bad.csv',
      [
        '统一社会信用代码,单位名称,单位类型,是否市域内,是否独立法人,所在区县',
        `${A},新疆甲公司,enterprise,是,是,天山区`,
        `${wrongCheck},新疆乙公司,enterprise,是,是,`,
        `${B},"跨行的
名称",factory,是,否,`,
        `${A},重复的甲公司,enterprise,是,是,`,
      ].join('\n'),
    );
    const report = join(dir, 'rejected.csv');
    const run = await jiebang('import', csv, '--kind', 'units', '--report', report);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stdout).toContain('3 of 4 rows rejected; nothing imported.');
    expect(run.stdout).toMatch(/line 3: code: Character 18, the check character/);
    expect(run.stdout).toMatch(/line 4: type: /);
    expect(run.stdout).toContain(`line 6: code ${A} is already on line 2 of this file`);
    expect(readFileSync(report, 'utf8').split('\n')[0]).toBe('line,reason');
    expect(await count('units')).toBe(0);
  });

  it('imports units, then persons (JSON), then records (CSV and JSON Lines), each file whole', async () => {
    const units = file(
      'units.csv',
      [
        'code,name,type,inCity,legalPerson',
        `${A},新疆甲公司,enterprise,true,true`,
        `${B},甲公司的子公司,enterprise,1,0`,
      ].join('\n'),
    );
    const u = await jiebang('import', units, '--kind', 'units');
    expect(u.exitCode, u.stdout + u.stderr).toBe(0);
    expect(u.stdout).toContain('imported 2 units');

    const persons = file('persons.json', JSON.stringify([{ id: 'imp-1', name: '张三', unit: A }]));
    const p = await jiebang('import', persons, '--kind', 'persons');
    expect(p.exitCode, p.stdout + p.stderr).toBe(0);

    const records = file(
      'records.csv',
      [
        '主体单位,主体人员,类别,起始日期,截止日期,关联单位,关系,项目编号,状态,计划结束日期,备注',
        `${A},,affiliation,2020-01-01,,${B},subordination,,,,全资子公司`,
        `,imp-1,misconduct,2025-01-01,2027-12-31,,,,,,通报`,
        `${A},,cityProject,2024-01-01,,,,2024-XM-01,ongoing,2026-12-31,`,
      ].join('\n'),
    );
    const r = await jiebang('import', records, '--kind', 'records');
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('imported 3 records');
    expect(await count('records')).toBe(3);
  });

  it('refuses a JSON Lines file with a broken line and a record about someone unregistered, naming their lines', async () => {
    const before = await count('records');
    const jsonl = file(
      'records.jsonl',
      [
        JSON.stringify({ subject: { unit: A }, kind: 'dishonesty', from: '2025-03-01' }),
        '{"subject": {"unit": ',
        '',
        JSON.stringify({ subject: { person: 'nobody' }, kind: 'misconduct', from: '2025-03-01' }),
      ].join('\n'),
    );
    const run = await jiebang('import', jsonl, '--kind', 'records');
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('line 2: not valid JSON');
    expect(run.stdout).toContain('line 4: subject.person: Person nobody is not registered');
    expect(await count('records')).toBe(before);
  });

  it('checks without importing on --dry-run, and refuses an unreadable file with exit code 2', async () => {
    const units = file(
      'more.csv',
      ['code,name,type,inCity,legalPerson', `${code(810_003)},丙,institute,否,是`].join('\n'),
    );
    const dry = await jiebang('import', units, '--kind', 'units', '--dry-run');
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('all 1 rows are valid');
    expect(await count('units')).toBe(2);
    const broken = await jiebang('import', file('broken.json', '[{"code": '), '--kind', 'units');
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain('not valid JSON');
  });
});
