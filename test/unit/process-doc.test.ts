/**
 * docs/process.md is generated from the machine; changing a state, a transition, a guard or the
 * clauses a guard checks without regenerating it fails here (and so in CI).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { machineDiagram, processDocument } from '../../src/chart/diagram.js';
import { machineTransitions } from '../../src/chart/machine-graph.js';
import { PROCESS_DOC } from '../../src/cli/process-doc.js';

describe('docs/process.md', () => {
  it('is what the machine generates now', () => {
    const committed = readFileSync(PROCESS_DOC, 'utf8');
    expect(
      committed === processDocument(),
      'docs/process.md is stale: run `npm run docs:process` and commit the result',
    ).toBe(true);
  });

  it('holds the Mermaid diagram and a row for every transition', () => {
    const doc = processDocument();
    expect(doc).toContain(`\`\`\`mermaid\n${machineDiagram()}\`\`\``);
    const transitions = machineTransitions();
    expect(doc).toContain(`## Every transition (${transitions.length})`);
    for (const t of transitions) expect(doc).toContain(`| \`${t.source}\` | \`${t.event}\` | ${t.branch} |`);
  });

  it('draws every transition that changes state as an arrow labelled with its clauses', () => {
    const diagram = machineDiagram();
    expect(diagram.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(diagram).toContain('  matching: matching 揭榜对接\n  state matching {\n');
    expect(diagram).toContain('matching_bidding --> unfilled: BIDDING_CLOSED [W-0] when isHorseRace (outcome H-3)');
    const arrows = diagram.split('\n').filter((l) => l.includes(' --> ') && !l.includes('[*]'));
    const moving = machineTransitions().filter((t) => t.targets.length > 0);
    expect(arrows).toHaveLength(moving.reduce((n, t) => n + t.targets.length, 0));
  });
});
