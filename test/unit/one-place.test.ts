/**
 * "One event, one place" (docs/architecture.md, How to add …): for every staff event type, the
 * source files that name it — as an identifier or as a whole string literal, comments and prose
 * inside longer messages aside — are its stage file and the chart, and nothing else; and the
 * stage names appear in the chart only. Source files are the service's code: machines/, src/,
 * scripts/ and bin/ (tests, benchmarks and docs are clients of the API and may name anything).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { staffEventTypes, systemEventTypes } from '../../machines/challenge/events.js';
import { stages } from '../../machines/challenge/stage.js';

const root = new URL('../../', import.meta.url);
const CHART = 'machines/challenge/machine.ts';

const sourceFiles = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', 'machines', 'src', 'scripts', 'bin'],
  {
    cwd: root,
    encoding: 'utf8',
  },
)
  .split('\n')
  .filter((f) => /\.(ts|js|mjs)$/.test(f));

/** What a file names: its identifiers, and its whole string literals (comments are not in the tree). */
function namesIn(file: string): { identifiers: Set<string>; strings: Set<string> } {
  const source = ts.createSourceFile(file, readFileSync(new URL(file, root), 'utf8'), ts.ScriptTarget.Latest, true);
  const identifiers = new Set<string>();
  const strings = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) identifiers.add(node.text);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) strings.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { identifiers, strings };
}

const names = new Map(sourceFiles.map((f) => [f, namesIn(f)]));
/** Files naming an event type: as an identifier (an object key, a property) or a string. */
const filesNaming = (name: string) =>
  sourceFiles.filter((f) => names.get(f)?.identifiers.has(name) || names.get(f)?.strings.has(name));
/** Files comparing or listing a stage by name: a string literal (`review` the module is another thing). */
const filesQuoting = (name: string) => sourceFiles.filter((f) => names.get(f)?.strings.has(name));

describe('one event, one place', () => {
  it('reads the service source (the scan is not empty)', () => {
    expect(sourceFiles).toContain(CHART);
    expect(sourceFiles.length).toBeGreaterThan(50);
  });

  it.each([...staffEventTypes, ...systemEventTypes])('%s is named by its stage file and the chart only', (type) => {
    const naming = filesNaming(type);
    const stageFiles = naming.filter((f) => f.startsWith('machines/challenge/stages/'));
    expect(stageFiles, 'defined in exactly one stage file').toHaveLength(1);
    expect(naming.sort()).toEqual([CHART, ...stageFiles].sort());
  });

  /**
   * One word names another thing too: `terminated` is also a status of the city's project records
   * imported into the registry (facts.ts), which are not challenges of this service.
   */
  const otherMeanings: Partial<Record<string, string[]>> = { terminated: ['machines/challenge/facts.ts'] };

  it.each(stages)('the stage %s is named by the chart only', (stage) => {
    expect(filesNaming(stage)).toContain(CHART);
    const elsewhere = filesQuoting(stage).filter((f) => f !== CHART && !otherMeanings[stage]?.includes(f));
    expect(elsewhere).toEqual([]);
  });
});
