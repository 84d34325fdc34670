/**
 * What a rule is: one clause of the guide (rules.md, or a P-n process rule of docs/rules.md),
 * checked by one pure function of the challenge's context and an event. The function returns
 * what it found wrong, in English and Chinese; `rule()` stamps every finding with the rule's
 * clause, so a rule cannot cite a clause other than its own. The machine's guard for an event is
 * "none of its rules found anything"; the engine calls the same rules to explain a refusal.
 * Time is read only from `event.at`, registry facts only from `event.facts`.
 */
import type { ChallengeContext, Violation } from './types.js';

/** A problem a rule found, before the rule stamps it with its clause. */
export interface Finding {
  message: string;
  message_zh: string;
}

export interface Rule<E = unknown> {
  /** The clause ID the rule checks: the only clause its violations cite. */
  readonly clause: string;
  /**
   * The machine version the rule was added in (versions.ts): an older machine does not check it,
   * so the histories recorded under that version replay as they ran.
   */
  readonly since?: number;
  check(ctx: ChallengeContext, event: E): Violation[];
}

/** Options of a rule: `since`, the machine version that added it. */
export interface RuleOptions {
  since?: number;
}

/** A rule for `clause`: `find` returns what it found wrong; every finding cites `clause`. */
export function rule<E>(
  clause: string,
  find: (ctx: ChallengeContext, event: E) => Finding[],
  options: RuleOptions = {},
): Rule<E> {
  return {
    clause,
    ...(options.since === undefined ? {} : { since: options.since }),
    check: (ctx, event) => find(ctx, event).map((f) => ({ clause, message: f.message, message_zh: f.message_zh })),
  };
}

export const finding = (message: string, message_zh: string): Finding => ({ message, message_zh });

/** One finding when `failed`, none otherwise; the messages are built only when needed. */
export const when = (failed: boolean, found: () => Finding): Finding[] => (failed ? [found()] : []);

export const yuan = (n: number) => `${n.toLocaleString('en-US')} CNY`;
