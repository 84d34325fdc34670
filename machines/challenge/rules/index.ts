/**
 * Every rule of the challenge, by name: the catalogue docs/rules.md is generated from and the
 * rule tests walk. A rule's name is its clause with the punctuation dropped, then what it checks
 * (`Q1a_totalInvestment` checks Q-1a): one rule, one clause, one function.
 */
import type { Rule } from '../rule.js';
import * as announcement from './announcement.js';
import * as demand from './demand.js';
import * as evaluation from './evaluation.js';
import * as matching from './matching.js';
import * as money from './money.js';
import * as parties from './parties.js';
import * as process from './process.js';
import * as restrictions from './restrictions.js';
import * as review from './review.js';
import * as windows from './windows.js';

export interface CatalogueEntry {
  name: string;
  /** The module under rules/ it is defined in (`demand`, `money`, …). */
  module: string;
  rule: Rule;
}

const modules = { windows, demand, parties, restrictions, matching, review, announcement, money, evaluation, process };

const isRule = (value: unknown): value is Rule =>
  typeof value === 'object' && value !== null && 'clause' in value && 'check' in value;

export const ruleCatalogue: readonly CatalogueEntry[] = Object.entries(modules).flatMap(([module, exports]) =>
  Object.entries(exports)
    .filter((entry): entry is [string, Rule] => isRule(entry[1]))
    .map(([name, rule]) => ({ name, module, rule })),
);

/** The name prefix a rule of `clause` carries: `Q-2/3` → `Q23`, `T-2.2` → `T22`, `S-T1` → `ST1`. */
export const namePrefixOf = (clause: string): string => clause.replace(/[-./]/g, '');

/** The catalogue name of a rule object (as the stage files reference it). */
export function ruleName(rule: Rule): string | undefined {
  return ruleCatalogue.find((entry) => entry.rule === rule)?.name;
}
