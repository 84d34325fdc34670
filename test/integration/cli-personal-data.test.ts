/**
 * Issue 16, the operator's side through the real `jiebang` command on a database of its own (a
 * SQLite file, or a PostgreSQL database in the `postgres` project): an import
 * seals ID numbers and names, the data key is generated beside the database (0600), and
 * `personal-data erase`, `rotate-key` and `seal-existing` do what they say, each recorded.
 */
import { execFile } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { withIdCheckCharacter } from '../../src/personal/kinds.js';
import { withCheckCharacter } from '../../src/registry/uscc.js';
import { clearIn, storedBytes } from '../helpers/at-rest.js';
import { databaseEnv, databaseOfThisFile } from '../helpers/store.js';

const own = databaseOfThisFile('jiebang-cli-pd-');
const { dir } = own;
// The key is found beside the database, whatever the caller's environment says.
const { JIEBANG_DATA_KEY: _ignored, ...env } = process.env;

function jiebang(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { env: { ...env, ...databaseEnv(own.database.location, dir), LOG_LEVEL: 'silent' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** The database's own statements, for what the commands left behind. */
async function withDb<T>(fn: (db: ReturnType<typeof openDatabase>) => Promise<T>): Promise<T> {
  const db = openDatabase(own.database.location);
  try {
    return await fn(db);
  } finally {
    await db.$port.close();
  }
}
const inClear = (value: string) => withDb(async (db) => clearIn(await storedBytes(db.$port), value));

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
    expect(await inClear(ID)).toBe(false);
    expect(await inClear(NAME)).toBe(false);
    expect(await inClear('新疆乙公司')).toBe(true);

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

    const { steps, rows } = await withDb(async (db) => ({
      steps: await db.$port.query('SELECT kind, "by" FROM personal_data_steps ORDER BY id'),
      rows: await db.$port.query('SELECT wrapped_key AS k, sealed AS s, erased_at AS e FROM personal_data'),
    }));
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
