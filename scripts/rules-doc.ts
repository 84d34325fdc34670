/**
 * `npm run docs:rules`: writes docs/rules.md, clause by clause, from docs/rules.template.md, the
 * rule catalogue, the event definitions and the tests. The template holds the prose and the
 * clauses in the order of ../shared/rules.md, one `{{clause ID | title}}` line each; this fills
 * each with the rules that cite the clause (and what each checks, from its doc comment), the
 * events whose guard runs each rule, its unit tests and the integration tests that name the
 * clause. test/unit/rules-doc.test.ts compares the committed file with `renderRulesDoc()`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { eventDefinitions } from '../machines/challenge/events.js';
import { type CatalogueEntry, ruleCatalogue } from '../machines/challenge/rules/index.js';
import { REPO_ROOT, type RuleTestBlock, ruleTestBlocks, type TestTitle, testTitles } from './rule-tests.js';

export const RULES_DOC = join(REPO_ROOT, 'docs/rules.md');
export const RULES_TEMPLATE = join(REPO_ROOT, 'docs/rules.template.md');

/** A clause's place in the template: `{{clause Q-1a | total investment …}}` on a line of its own. */
const CLAUSE_LINE = /^\{\{clause (\S+) \| (.+)\}\}$/;
const SUMMARY_LINE = '{{summary}}';

const rulesSource = (module: string) => `machines/challenge/rules/${module}.ts`;

/** What each exported rule of a rules module checks: its doc comment, on one line. */
function docCommentsOf(module: string): Map<string, string> {
  const file = join(REPO_ROOT, rulesSource(module));
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const comments = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const ranges = ts.getLeadingCommentRanges(text, statement.pos) ?? [];
    const doc = ranges
      .map((r) => text.slice(r.pos, r.end))
      .filter((c) => c.startsWith('/**'))
      .pop();
    if (doc === undefined) continue;
    const words = doc
      .replace(/^\/\*\*|\*\/$/g, '')
      .split('\n')
      .map((line) => line.replace(/^\s*\*\s?/, '').trim())
      .join(' ')
      .trim();
    for (const declaration of statement.declarationList.declarations)
      if (ts.isIdentifier(declaration.name)) comments.set(declaration.name.text, words);
  }
  return comments;
}

/** Text for a table cell: no line breaks, pipes escaped. */
const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `Q-1` does not name `Q-1a`, nor `X-1` `X-11`, nor `T-2` `T-2.2`. */
const namesClause = (clause: string) => {
  const pattern = new RegExp(`(?<![A-Za-z0-9-])${escapeRegExp(clause)}(?![A-Za-z0-9]|\\.\\d)`);
  return (title: string) => pattern.test(title);
};

const fileLink = (path: string) => `[${path.split('/').pop()}](../${path})`;

/**
 * The integration tests that name `clause` in a title: a describe block that names it (not each
 * test inside), and any test that names it inside a describe block that does not.
 */
function integrationTestsOf(clause: string, titles: readonly TestTitle[]): string[] {
  const names = namesClause(clause);
  return titles
    .filter((t) => names(t.path[t.path.length - 1] ?? '') && !t.path.slice(0, -1).some(names))
    .map((t) => `${fileLink(t.file)} › ${t.path.join(' › ')}`);
}

interface Sources {
  comments: Map<string, Map<string, string>>;
  blocks: readonly RuleTestBlock[];
  titles: readonly TestTitle[];
}

function ruleRow(entry: CatalogueEntry, sources: Sources): string {
  const { name, module, rule } = entry;
  const source = rulesSource(module);
  const checks = (sources.comments.get(module)?.get(name) ?? '').replace(`${rule.clause}: `, '');
  const events = eventDefinitions
    .filter((d) => (d.rules as readonly unknown[]).includes(rule))
    .map((d) => `\`${d.type}\``)
    .join(', ');
  const tests = sources.blocks
    .filter((b) => b.ruleName === name)
    .map((b) => `${fileLink(b.file)} › ${name} (${rule.clause})`)
    .join('<br>');
  return `| [\`${name}\`](../${source}) | ${cell(checks)} | ${events} | ${tests || 'none'} |`;
}

/**
 * Where a rule first acts in the guide's order: the first event (in `eventDefinitions`) whose
 * guard runs it, and its place among that event's rules. The catalogue's own order cannot serve:
 * it follows the module namespace objects, whose key order differs between Node's loader
 * (sorted) and Vite's (as declared), so the document would depend on who renders it.
 */
function guideOrder(entry: CatalogueEntry): [number, number] {
  const event = eventDefinitions.findIndex((d) => (d.rules as readonly unknown[]).includes(entry.rule));
  const place = (eventDefinitions[event]?.rules as readonly unknown[] | undefined)?.indexOf(entry.rule) ?? -1;
  return [event, place];
}

const byGuideOrder = (a: CatalogueEntry, b: CatalogueEntry): number => {
  const [eventA, placeA] = guideOrder(a);
  const [eventB, placeB] = guideOrder(b);
  return eventA - eventB || placeA - placeB || (a.name < b.name ? -1 : 1);
};

function clauseBlock(clause: string, title: string, sources: Sources): string[] {
  const rules = ruleCatalogue.filter((e) => e.rule.clause === clause).sort(byGuideOrder);
  const integration = integrationTestsOf(clause, sources.titles);
  const heading = [`### ${clause} — ${title}`, ''];
  const listed = ['Integration tests:', ...integration.map((t) => `- ${t}`), ''];
  if (rules.length === 0)
    return [...heading, 'No rule checks this clause.', '', ...(integration.length > 0 ? listed : [])];
  return [
    ...heading,
    '| rule | checks | events | unit tests |',
    '|---|---|---|---|',
    ...rules.map((entry) => ruleRow(entry, sources)),
    '',
    ...(integration.length > 0 ? listed : ['Integration tests: no title names this clause.', '']),
  ];
}

/** Clause ID → title, in the template's order; the template must place every clause a rule cites, once. */
function templateClauses(lines: readonly string[]): Map<string, string> {
  const clauses = new Map<string, string>();
  for (const line of lines) {
    const match = CLAUSE_LINE.exec(line);
    if (!match) continue;
    const [, clause = '', title = ''] = match;
    if (clauses.has(clause)) throw new Error(`docs/rules.template.md places ${clause} twice`);
    clauses.set(clause, title);
  }
  const unplaced = ruleCatalogue.filter((e) => !clauses.has(e.rule.clause)).map((e) => `${e.rule.clause} (${e.name})`);
  if (unplaced.length > 0)
    throw new Error(`docs/rules.template.md has no {{clause ID | title}} line for: ${unplaced.join(', ')}`);
  return clauses;
}

function summary(clauses: Map<string, string>): string {
  const cited = new Set(ruleCatalogue.map((e) => e.rule.clause));
  const unchecked = [...clauses.keys()].filter((c) => !cited.has(c));
  return (
    `${ruleCatalogue.length} rules check ${cited.size} clauses, each rule one clause. ` +
    `${unchecked.length} clauses have no rule (${unchecked.join(', ')}): each says how the service ` +
    'holds it, or that it is not enforced yet.'
  );
}

/** docs/rules.md as the template, the rules and the tests make it now. */
export function renderRulesDoc(): string {
  const lines = readFileSync(RULES_TEMPLATE, 'utf8').split('\n');
  const clauses = templateClauses(lines);
  const modules = [...new Set(ruleCatalogue.map((e) => e.module))];
  const sources: Sources = {
    comments: new Map(modules.map((m) => [m, docCommentsOf(m)])),
    blocks: ruleTestBlocks(),
    titles: testTitles(),
  };
  return lines
    .flatMap((line) => {
      if (line === SUMMARY_LINE) return [summary(clauses)];
      const match = CLAUSE_LINE.exec(line);
      return match ? clauseBlock(match[1] ?? '', match[2] ?? '', sources) : [line];
    })
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

const runDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (runDirectly) {
  writeFileSync(RULES_DOC, renderRulesDoc());
  console.log(`wrote ${RULES_DOC}`);
}
