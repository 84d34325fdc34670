/**
 * machines/ is pure (design.md): time comes in the event, ids from the context, no I/O.
 * Biome's noRestrictedImports/noRestrictedGlobals cover imports and globals; this covers the
 * calls a lint rule cannot single out without banning `Date` and `Math` outright.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../machines');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
const forbidden = [
  /Date\.now\(/,
  /new Date\(\s*\)/,
  /Math\.random\(/,
  /randomUUID\(/,
  /performance\.now\(/,
  /\bafter:\s*\{/,
  /\binvoke:\s*\{/,
];

describe('machines/ is pure', () => {
  it('has source files to check', () => {
    expect(files(root).length).toBeGreaterThan(5);
  });

  it.each(files(root).map((f) => [f.slice(root.length + 1), f]))(
    '%s reads no clock, randomness, after or invoke',
    (_name, file) => {
      const source = readFileSync(file, 'utf8');
      expect(forbidden.filter((re) => re.test(source)).map(String)).toEqual([]);
    },
  );
});
