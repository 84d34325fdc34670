/**
 * Issue 16, the operator's side through the real `jiebang` command on a SQLite file: an import
 * seals ID numbers and names, the data key is generated beside the database (0600), and
 * `personal-data erase`, `rotate-key` and `seal-existing` do what they say, each recorded.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { withIdCheckCharacter } from '../../src/personal/kinds.js';
import { withCheckCharacter } from '../../src/registry/uscc.js';

const dir = mkdtempSync(join(tmpdir(), 'jiebang-cli-pd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'j.db');
// The key is found beside the database, whatever the caller's environment says.
const { JIEBANG_DATA_KEY: _ignored, ...env } = process.env;

function jiebang(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args, '--db', db],
      { env: { ...env, LOG_LEVEL: 'silent' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

const bytes = () => [db, `${db}-wal`].filter(existsSync).map((f) => readFileSync(f));
const inClear = (value: string) => bytes().some((b) => b.includes(Buffer.from(value, 'utf8')));

describe('jiebang personal-data', () => {
  const UNIT = withCheckCharacter('91650100000000077');
  const ID = withIdCheckCharacter('65010219800101005');
  const NAME = '孙八斗';

  it('imports a person sealed, erases it on request, rotates the key and records every step', async () => {
    const units = join(dir, 'units.csv');
    writeFileSync(units, `code,name,type,inCity,legalPerson\n${UNIT},新疆乙公司,enterprise,true,true\n`);
    const u = await jiebang('import', units, '--kind', 'units');
    expect(u.code, u.stdout + u.stderr).toBe(0);
    const persons = join(dir, 'persons.json');
    writeFileSync(persons, JSON.stringify([{ id: ID, name: NAME, unit: UNIT }]));
    const imported = await jiebang('import', persons, '--kind', 'persons');
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    expect(statSync(join(dir, 'data.key')).mode & 0o777).toBe(0o600);
    expect(inClear(ID)).toBe(false);
    expect(inClear(NAME)).toBe(false);
    expect(inClear('新疆乙公司')).toBe(true);

    const erased = await jiebang(
      'personal-data',
      'erase',
      '--id-number',
      ID,
      '--name',
      NAME,
      '--by',
      '依申请删除 2026-001',
    );
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toContain('erased 2 of 2');
    const again = await jiebang('personal-data', 'erase', '--id-number', ID, '--by', 'again');
    expect(again.stdout).toContain('erased 0 of 1');

    const rotated = await jiebang('personal-data', 'rotate-key', '--new-key', join(dir, 'new.key'), '--by', 'ops');
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/re-wrapped 0 records under key [0-9a-f]{16}/);

    const sealed = await jiebang('personal-data', 'seal-existing', '--by', 'ops');
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(JSON.parse(sealed.stdout.slice(sealed.stdout.indexOf('{')))).toMatchObject({ personsSealed: 0 });

    const sqlite = new Database(db, { readonly: true });
    const steps = sqlite.prepare('SELECT kind, by FROM personal_data_steps ORDER BY id').all();
    const rows = sqlite.prepare('SELECT wrapped_key AS k, sealed AS s, erased_at AS e FROM personal_data').all();
    sqlite.close();
    expect(steps).toEqual([
      { kind: 'erase', by: '依申请删除 2026-001' },
      { kind: 'erase', by: 'again' },
      { kind: 'rotate-key', by: 'ops' },
      { kind: 'seal-existing', by: 'ops' },
    ]);
    expect(rows).toEqual([
      { k: null, s: null, e: expect.any(String) },
      { k: null, s: null, e: expect.any(String) },
    ]);
  });

  it('refuses an erase that names nothing, without a stack', async () => {
    const run = await jiebang('personal-data', 'erase', '--by', 'someone');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('name at least one value');
    expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});
