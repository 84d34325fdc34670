/**
 * The rules and the events that use them: every rule is named after its one clause, every rule
 * serves some event, and an event's clause list (the diagram's labels, the `rulesAllow` guard)
 * is exactly the clauses of its rules. Replaces the compiler-parsed clause table: the list is
 * derived now, so these tests hold the derivation to what it claims.
 */
import { describe, expect, it } from 'vitest';
import {
  clausesOf,
  eventDefinitions,
  staffEventTypes,
  systemEventTypes,
  violationsOf,
} from '../../machines/challenge/events.js';
import { namePrefixOf, ruleCatalogue } from '../../machines/challenge/rules/index.js';
import type { ChallengeContext } from '../../machines/challenge/types.js';

describe('rule catalogue', () => {
  it.each(ruleCatalogue.map((e) => [e.name, e] as const))('%s is named after its clause', (name, entry) => {
    expect(name.split('_')[0]).toBe(namePrefixOf(entry.rule.clause));
    expect(name.split('_')[1], 'a rule name says what it checks after the clause').toMatch(/^[a-z][A-Za-z]+$/);
  });

  it('every rule serves at least one event, and every event rule is in the catalogue', () => {
    const used = new Set(eventDefinitions.flatMap((d) => d.rules as readonly unknown[]));
    const unused = ruleCatalogue.filter((e) => !used.has(e.rule)).map((e) => e.name);
    expect(unused).toEqual([]);
    const catalogued = new Set<unknown>(ruleCatalogue.map((e) => e.rule));
    for (const d of eventDefinitions) for (const r of d.rules) expect(catalogued.has(r), d.type).toBe(true);
  });

  it('defines every event type once', () => {
    const types = eventDefinitions.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
    expect([...types].sort()).toEqual([...staffEventTypes, ...systemEventTypes].sort());
  });

  it.each(eventDefinitions.map((d) => [d.type, d] as const))(
    "%s: its clause list is its rules' clauses, in rule order",
    (type, d) => {
      expect(clausesOf(type)).toEqual([...new Set(d.rules.map((r) => r.clause))]);
    },
  );

  it('RECORD_PAYMENT cites P-1, H-5, P-7 and Q-1a; an unknown track is refused with P-1 alone', () => {
    expect(clausesOf('RECORD_PAYMENT')).toEqual(['P-1', 'H-5', 'P-7', 'Q-1a']);
    const ctx = { tracks: [] } as unknown as ChallengeContext;
    const event = {
      type: 'RECORD_PAYMENT',
      trackId: 'nope',
      amountCny: 1,
      paidOn: '2026-07-01',
      evidenceSha256: 'a'.repeat(64),
      at: '2026-07-01T00:00:00Z',
      actor: { id: 'f', role: 'finance' },
    } as const;
    expect(violationsOf(ctx, event).map((v) => v.clause)).toEqual(['P-1']);
  });
});
