/** What the inspector may see: people pseudonymised, contacts and free text removed, the rest kept. */
import { describe, expect, it } from 'vitest';
import { createSanitizer } from '../../src/inspect/sanitize.js';

describe('inspector sanitizer', () => {
  const { sanitizeContext, sanitizeEvent, pseudonym } = createSanitizer('fixed-salt-for-test');

  it('pseudonymises people, the same person the same way, and keeps units, amounts and routes', () => {
    const ctx = sanitizeContext({
      draft: {
        leader: 'p-lead',
        team: ['p-lead', 'p-m1'],
        issuerUnit: '91650100MA0000001X',
        horseRace: { routes: [{ name: '陶瓷混合轴承', investmentCny: 1_500_000 }] },
      },
      panel: ['e1', 'e2'],
      scores: [{ expert: 'e1', bidId: 'bid-1', score: 80, comment: '方案可行' }],
      objections: [{ objectionId: 'obj-1', objector: { name: '张某' }, text: '对结果有异议' }],
      settings: {
        name: '乌鲁木齐市2026年度',
        contacts: [{ office: '资源配置与管理科', name: '李莉', phones: ['0991-2824158'] }],
      },
    });
    expect(ctx.draft.leader).toBe(pseudonym('p-lead'));
    expect(ctx.draft.team).toEqual([pseudonym('p-lead'), pseudonym('p-m1')]);
    expect(ctx.panel[0]).toBe(ctx.scores[0]?.expert);
    expect(ctx.scores[0]?.comment).toBe('[redacted 4 chars]');
    expect(ctx.objections[0]?.objector).toEqual({ name: pseudonym('张某') });
    expect(ctx.objections[0]?.text).toMatch(/^\[redacted/);
    expect(ctx.settings.contacts[0]).toEqual({
      office: '资源配置与管理科',
      name: pseudonym('李莉'),
      phones: [],
    });
    // Not people: kept.
    expect(ctx.draft.issuerUnit).toBe('91650100MA0000001X');
    expect(ctx.draft.horseRace.routes[0]).toEqual({ name: '陶瓷混合轴承', investmentCny: 1_500_000 });
    expect(ctx.settings.name).toBe('乌鲁木齐市2026年度');
    expect(ctx.scores[0]?.score).toBe(80);
  });

  it('sanitises events: the actor person, registry facts keyed by person, opinions', () => {
    const event = sanitizeEvent({
      type: 'SUBMIT',
      actor: { id: 'tok-1', role: 'expert', person: 'e3' },
      facts: { persons: { 'p-lead': { registered: true, unit: 'U1' } }, units: { U1: { registered: true } } },
      opinion: '同意推荐',
    });
    expect(event.actor).toEqual({ id: 'tok-1', role: 'expert', person: pseudonym('e3') });
    expect(Object.keys(event.facts.persons)).toEqual([pseudonym('p-lead')]);
    expect(event.facts.units).toEqual({ U1: { registered: true } });
    expect(event.opinion).toBe('[redacted 4 chars]');
    expect(JSON.stringify(event)).not.toContain('p-lead');
  });

  it('uses a fresh salt per session unless given one', () => {
    expect(createSanitizer().pseudonym('p-lead')).not.toBe(createSanitizer().pseudonym('p-lead'));
  });
});
