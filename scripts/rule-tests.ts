/**
 * The tests of the rules, read as source with the TypeScript parser (never run): the
 * `describeRule(<rule>, …)` blocks of test/unit/rules/ with the `passes` and `violates` cases in
 * each, and the describe/it titles of test/integration/. The coverage test holds every rule to a
 * block with both kinds of case; docs/rules.md lists both per clause. A parser rather than
 * regular expressions, so a case in a comment or a string does not count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const REPO_ROOT = join(import.meta.dirname, '..');
export const RULE_TESTS_DIR = join(REPO_ROOT, 'test/unit/rules');
export const INTEGRATION_TESTS_DIR = join(REPO_ROOT, 'test/integration');

/** Modifiers that skip, focus or condition a test: none of them belongs in a rule test. */
export const SKIPPING_MODIFIERS = ['skip', 'only', 'todo', 'skipIf', 'runIf', 'fails'] as const;

export interface RuleTestBlock {
  /** Path from the repository root, e.g. `test/unit/rules/demand.test.ts`. */
  file: string;
  /** The rule's name as the first argument of `describeRule` spells it (`Q1a_totalInvestment`). */
  ruleName: string;
  /** Calls of `passes(…)` and `violates(…)` inside the block (call sites; a loop counts once). */
  passes: number;
  violates: number;
}

export interface TestTitle {
  file: string;
  kind: 'describe' | 'it';
  /** The titles of the enclosing describe blocks, outermost first, then this one's. */
  path: string[];
}

export const testFilesIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => join(dir, name));

const parse = (file: string): ts.SourceFile =>
  ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);

const fromRoot = (file: string): string => relative(REPO_ROOT, file).split('\\').join('/');

/** The identifier a call is made through and the modifiers on the way: `it.each([…])(…)` → it, [each]. */
function calleeOf(call: ts.CallExpression): { name: string; modifiers: string[] } | null {
  const modifiers: string[] = [];
  let callee: ts.Expression = call.expression;
  for (;;) {
    if (ts.isIdentifier(callee)) return { name: callee.text, modifiers: modifiers.reverse() };
    if (ts.isPropertyAccessExpression(callee)) {
      modifiers.push(callee.name.text);
      callee = callee.expression;
    } else if (ts.isCallExpression(callee)) callee = callee.expression;
    else return null;
  }
}

/** A title as written: a string, or a template with its `${…}` parts left in place. */
function titleOf(node: ts.Expression | undefined): string | null {
  if (node === undefined) return null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.getText().slice(1, -1);
  return null;
}

/** The last name of an expression: `demand.Q1a_totalInvestment` → `Q1a_totalInvestment`. */
function nameOf(node: ts.Expression | undefined): string | null {
  if (node === undefined) return null;
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return null;
}

function eachCall(node: ts.Node, visit: (call: ts.CallExpression) => void): void {
  if (ts.isCallExpression(node)) visit(node);
  ts.forEachChild(node, (child) => eachCall(child, visit));
}

/** Every `describeRule(…)` block of the rule unit tests. */
export function ruleTestBlocks(dir = RULE_TESTS_DIR): RuleTestBlock[] {
  return testFilesIn(dir).flatMap((file) => {
    const blocks: RuleTestBlock[] = [];
    eachCall(parse(file), (call) => {
      if (calleeOf(call)?.name !== 'describeRule') return;
      const block: RuleTestBlock = {
        file: fromRoot(file),
        ruleName: nameOf(call.arguments[0]) ?? '?',
        passes: 0,
        violates: 0,
      };
      for (const body of call.arguments.slice(1))
        eachCall(body, (inner) => {
          const name = calleeOf(inner)?.name;
          if (name === 'passes') block.passes += 1;
          if (name === 'violates') block.violates += 1;
        });
      blocks.push(block);
    });
    return blocks;
  });
}

/** Where the files in `dir` skip, focus or condition a test (`it.skip`, `describe.only`, …), as `file: call`. */
export function skippedTests(dir = RULE_TESTS_DIR): string[] {
  return testFilesIn(dir).flatMap((file) => {
    const found: string[] = [];
    eachCall(parse(file), (call) => {
      const callee = calleeOf(call);
      if (!callee || !['describe', 'it', 'test', 'describeRule'].includes(callee.name)) return;
      const skipping = callee.modifiers.filter((m) => (SKIPPING_MODIFIERS as readonly string[]).includes(m));
      if (skipping.length > 0) found.push(`${fromRoot(file)}: ${callee.name}.${callee.modifiers.join('.')}`);
    });
    return found;
  });
}

/** Every describe and it (or test) title of the test files in `dir`, with the describe blocks around it. */
export function testTitles(dir = INTEGRATION_TESTS_DIR): TestTitle[] {
  return testFilesIn(dir).flatMap((file) => {
    const titles: TestTitle[] = [];
    const walk = (node: ts.Node, path: string[]): void => {
      if (ts.isCallExpression(node)) {
        const callee = calleeOf(node);
        const title = titleOf(node.arguments[0]);
        const kind =
          callee?.name === 'describe' ? 'describe' : callee?.name === 'it' || callee?.name === 'test' ? 'it' : null;
        if (kind && title !== null) {
          const own = [...path, title];
          titles.push({ file: fromRoot(file), kind, path: own });
          for (const arg of node.arguments.slice(1)) walk(arg, kind === 'describe' ? own : path);
          return;
        }
      }
      ts.forEachChild(node, (child) => walk(child, path));
    };
    walk(parse(file), []);
    return titles;
  });
}
