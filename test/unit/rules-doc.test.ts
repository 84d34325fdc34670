/**
 * docs/rules.md is generated from docs/rules.template.md, the rule catalogue, the event
 * definitions and the tests (scripts/rules-doc.ts); adding, renaming or moving a rule, or a test
 * title that names a clause, without regenerating it fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruleCatalogue } from '../../machines/challenge/rules/index.js';
import { RULES_DOC, renderRulesDoc } from '../../scripts/rules-doc.js';

describe('docs/rules.md', () => {
  const rendered = renderRulesDoc();

  it('is what the rules and their tests generate now', () => {
    expect(
      readFileSync(RULES_DOC, 'utf8') === rendered,
      'docs/rules.md is stale: run `npm run docs:rules` and commit the result',
    ).toBe(true);
  });

  it.each(ruleCatalogue.map((e) => [e.name, e.module, e.rule.clause] as const))(
    'lists %s with its file and its unit tests',
    (name, module, clause) => {
      expect(rendered).toContain(`| [\`${name}\`](../machines/challenge/rules/${module}.ts) |`);
      expect(rendered).toContain(`[${module}.test.ts](../test/unit/rules/${module}.test.ts) › ${name} (${clause})`);
    },
  );
});
