/**
 * Every rule of the catalogue has its unit tests, both ways: a `describeRule(<rule>, …)` block
 * in test/unit/rules/<its module>.test.ts with at least one `passes(…)` and one `violates(…)`
 * case. The test files are read as source (scripts/rule-tests.ts parses them), so a rule added
 * without tests, or a block that only ever passes, fails here rather than going unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { ruleCatalogue } from '../../../machines/challenge/rules/index.js';
import { ruleTestBlocks, skippedTests } from '../../../scripts/rule-tests.js';

const blocks = ruleTestBlocks();

describe('rule unit tests', () => {
  it('finds describeRule blocks to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(ruleCatalogue.length);
  });

  it.each(ruleCatalogue.map((entry) => [entry.name, entry.module] as const))(
    '%s has a describeRule block in test/unit/rules/%s.test.ts with a passing and a violating case',
    (name, module) => {
      const own = blocks.filter((b) => b.ruleName === name);
      expect(
        own.map((b) => b.file),
        `no describeRule(${name}, …) in test/unit/rules/`,
      ).toEqual([`test/unit/rules/${module}.test.ts`]);
      for (const block of own) {
        expect(block.passes, `describeRule(${name}) has no passes(…) case`).toBeGreaterThan(0);
        expect(block.violates, `describeRule(${name}) has no violates(…) case`).toBeGreaterThan(0);
      }
    },
  );

  it('describes only rules of the catalogue', () => {
    const names = new Set(ruleCatalogue.map((e) => e.name));
    expect(blocks.filter((b) => !names.has(b.ruleName)).map((b) => `${b.file}: ${b.ruleName}`)).toEqual([]);
  });

  it('skips, focuses or conditions no test', () => {
    expect(skippedTests()).toEqual([]);
  });
});
