/**
 * Issue 13, the console's pure parts: the statechart drawn from `GET /machine`'s definition has
 * exactly the machine's transitions (src/chart/machine-graph.ts), a history marks the edges it
 * took, the difference between two points lists what changed, and the CSV export has Chinese
 * headers and quotes what needs quoting.
 */
import { describe, expect, it } from 'vitest';
import { machineDefinition } from '../../src/chart/definition.js';
import { machineTransitions } from '../../src/chart/machine-graph.js';
import type { HistoryEntry, MachineNode } from '../../web/src/api/audit-types.js';
import { CSV_HEADERS, historyCsv, historyJsonLines } from '../../web/src/pages/console/audit/history-export.js';
import { differences } from '../../web/src/pages/console/audit/state-diff.js';
import { chartOf, statePath, stepsOf, takenEdges } from '../../web/src/pages/console/audit/statechart-graph.js';

const chart = chartOf(machineDefinition() as MachineNode);

describe('the statechart drawn from the definition', () => {
  it('has one node per state and, per target, the machine’s moving transitions; the rest are listed as stays', () => {
    const moving = machineTransitions().filter((t) => t.targets.length > 0);
    expect(chart.edges.map((e) => `${e.source} ${e.event} ${e.target}`).sort()).toEqual(
      moving.flatMap((t) => t.targets.map((target) => `${t.source} ${t.event} ${target}`)).sort(),
    );
    const staying = machineTransitions().filter((t) => t.targets.length === 0);
    for (const t of staying) expect(chart.nodes.find((n) => n.path === t.source)?.stays).toContain(t.event);
    for (const e of chart.edges) expect(chart.nodes.some((n) => n.path === e.target)).toBe(true);
    expect(chart.nodes.find((n) => n.path === 'review')?.label).toBe('审核推荐（review）');
    expect(chart.edges.find((e) => e.event === 'RECOMMEND')?.label).toBe('推荐 RECOMMEND 〔W-2〕');
  });

  it('marks the edges a history took, the innermost source first, and none for events that stay', () => {
    const steps = stepsOf([
      { type: 'CREATE', state: { collection: 'draft' } },
      { type: 'UPDATE', state: { collection: 'draft' } },
      { type: 'SUBMIT', state: { review: 'awaitingRecommendation' } },
      { type: 'RECOMMEND', state: { review: 'formalCheck' } },
      { type: 'WITHDRAW', state: 'withdrawn' },
    ]);
    expect([...takenEdges(chart, steps)]).toEqual([
      'collection.draft SUBMIT #0 review',
      'review.awaitingRecommendation RECOMMEND #0 review.formalCheck',
      'review WITHDRAW #0 withdrawn',
    ]);
    // Just outside: the same event from a state it does not leave marks nothing.
    expect(
      takenEdges(chart, [{ before: 'collection.draft', type: 'RECOMMEND', after: 'review.formalCheck' }]).size,
    ).toBe(0);
    expect(statePath({ expertReview: 'scoring' })).toBe('expertReview.scoring');
    expect(statePath('closed')).toBe('closed');
  });
});

describe('the difference between two points', () => {
  it('lists changed, added and removed fields by path, and nothing for equal values', () => {
    expect(
      differences(
        { draft: { title: '甲', team: ['p1'] }, bids: [] },
        { draft: { title: '乙', team: ['p1'] }, bids: [{ bidId: 'b1' }] },
      ),
    ).toEqual([
      { path: 'bids', before: '[]', after: undefined },
      { path: 'bids[0].bidId', before: undefined, after: '"b1"' },
      { path: 'draft.title', before: '"甲"', after: '"乙"' },
    ]);
    expect(differences({ a: 1 }, { a: 1 })).toEqual([]);
  });
});

describe('the history downloads', () => {
  const entry = (seq: number, type: string, payload: unknown): HistoryEntry => ({
    seq,
    globalSeq: seq + 100,
    type,
    payload,
    facts: null,
    actor: { id: 'tok-1', role: 'issuer', unit: 'U1' },
    at: '2026-05-06T02:00:00.000Z',
    machineVersion: '2',
    stateAfter: { collection: 'draft' },
    prevHash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
  });

  it('CSV: byte-order mark, Chinese headers, Beijing time, Chinese names, and quotes around commas and quotes', () => {
    const csv = historyCsv([entry(1, 'CREATE', { title: '风电, "轴承"' })]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const [head, row] = csv.slice(1).trimEnd().split('\r\n');
    expect(head).toBe(CSV_HEADERS.join(','));
    expect(row).toBe(
      `1,101,CREATE,创建榜单,发榜单位,tok-1,2026-05-06 10:00:00,2,榜单征集 · 草稿,${'a'.repeat(64)},${'b'.repeat(64)},"{""title"":""风电, \\""轴承\\""""}"`,
    );
  });

  it('JSON Lines: one entry per line, as given', () => {
    const items = [entry(1, 'CREATE', {}), entry(2, 'UPDATE', { summary: '改' })];
    expect(
      historyJsonLines(items)
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(items);
    expect(historyJsonLines([])).toBe('');
  });
});
