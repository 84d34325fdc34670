/**
 * `describeRule(rule, ({ passes, violates }) => …)`: the cases of one rule of the catalogue,
 * in a describe block named `<ruleName> (<clause>)`, so a rule's tests are found by its name
 * (test/unit/rules/coverage.test.ts and docs/rules.md look for exactly this call). `passes` and
 * `violates` are bound to the rule, so a case cannot test another rule by mistake; each is one
 * test named "given …, when EVENT, it passes / it violates <clause>".
 */
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../../machines/challenge/rule.js';
import { ruleName } from '../../../machines/challenge/rules/index.js';
import type { ChallengeContext, Violation } from '../../../machines/challenge/types.js';

/** Any Han character: a message_zh without one is not Chinese. */
const HAN = /\p{Script=Han}/u;

export interface RuleCases<E> {
  /** Given `ctx` (described by `given`), when `event`, the rule finds nothing. */
  passes(given: string, ctx: ChallengeContext, event: E & { type: string }): void;
  /**
   * Given `ctx`, when `event`, the rule finds something: every violation cites the rule's clause
   * with a message in English and in Chinese, and together they mention each of `mentions`.
   */
  violates(given: string, ctx: ChallengeContext, event: E & { type: string }, mentions?: readonly string[]): void;
}

function expectWellFormed(violations: Violation[], clause: string, mentions: readonly string[]): void {
  expect(violations.length, 'the rule found nothing').toBeGreaterThan(0);
  for (const v of violations) {
    expect(v.clause).toBe(clause);
    expect(v.message.trim()).not.toBe('');
    expect(v.message_zh.trim()).not.toBe('');
    expect(v.message_zh).toMatch(HAN);
  }
  const messages = violations.map((v) => `${v.message}\n${v.message_zh}`).join('\n');
  for (const text of mentions) expect(messages).toContain(text);
}

export function describeRule<E>(rule: Rule<E>, body: (cases: RuleCases<E>) => void): void {
  const name = ruleName(rule);
  // A rule outside the catalogue is not enforced by any event's guard; testing it would prove nothing.
  if (name === undefined) throw new Error(`describeRule: a rule of ${rule.clause} that is not in ruleCatalogue`);
  describe(`${name} (${rule.clause})`, () =>
    body({
      passes: (given, ctx, event) =>
        it(`given ${given}, when ${event.type}, it passes`, () => {
          expect(rule.check(ctx, event)).toEqual([]);
        }),
      violates: (given, ctx, event, mentions = []) =>
        it(`given ${given}, when ${event.type}, it violates ${rule.clause}`, () => {
          expectWellFormed(rule.check(ctx, event), rule.clause, mentions);
        }),
    }));
}
