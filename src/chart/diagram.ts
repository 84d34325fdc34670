/**
 * The machine as a Mermaid `stateDiagram-v2`, generated from the definition so it is never
 * stale: the nine stages with their Chinese names, their sub-states, the outcomes, and every
 * transition (one arrow per guard branch) labelled with its event, the clauses its rules check
 * and the branch guard that picks it. Transitions that stay in their state and only record data
 * are listed in a note on that state, to keep the picture readable.
 * `npm run docs:process` writes `processDocument()` to docs/process.md; a test fails when the
 * committed file differs from what the machine generates now.
 */
import type { AnyStateNode } from 'xstate';
import { challengeMachine } from '../../machines/challenge/machine.js';
import { MACHINE_VERSION } from '../../machines/challenge/version.js';
import { type MachineTransition, machineTransitions, stageNames } from './machine-graph.js';

const nodeId = (path: string) => path.replaceAll('.', '_');

/** `SUBMIT [W-1, Q-2/3] when completesReports (outcome X-3)`: what one arrow says. */
function label(t: MachineTransition, all: MachineTransition[]): string {
  const branchGuards = t.guards.filter((g) => g !== 'rulesAllow');
  const siblings = all.filter((o) => o.source === t.source && o.event === t.event);
  const parts = [t.event];
  if (t.clauses.length > 0) parts.push(`[${t.clauses.join(', ')}]`);
  if (branchGuards.length > 0) parts.push(`when ${branchGuards.join(' and ')}`);
  else if (siblings.length > 1 && t.branch > 0) parts.push('otherwise');
  if (t.outcomeClause) parts.push(`(outcome ${t.outcomeClause})`);
  return parts.join(' ');
}

export function machineDiagram(): string {
  const lines = ['stateDiagram-v2'];
  const root = challengeMachine.root;
  const transitions = machineTransitions(challengeMachine);
  lines.push(`  [*] --> ${String(root.config.initial)}`);
  const stays = new Map<string, string[]>();
  for (const t of transitions)
    if (t.targets.length === 0) stays.set(t.source, [...(stays.get(t.source) ?? []), label(t, transitions)]);
  const note = (source: string, indent: string) => {
    const labels = stays.get(source);
    if (!labels) return;
    lines.push(`${indent}note right of ${nodeId(source)}`, `${indent}  stays, recording data:`);
    for (const l of labels) lines.push(`${indent}  ${l}`);
    lines.push(`${indent}end note`);
  };
  for (const stage of Object.values(root.states) as AnyStateNode[]) {
    const title = `${stage.key} ${stageNames[stage.key] ?? ''}`.trim();
    if (stage.type === 'final') {
      lines.push(`  state "${title}" as ${stage.key}`, `  ${stage.key} --> [*]`);
      continue;
    }
    // Named composite: the description line first, then the block (Mermaid's documented form;
    // `state "…" as id {` is not reliably referenced by later arrows). Notes on sub-states go
    // inside the block, next to their state.
    lines.push(`  ${stage.key}: ${title}`, `  state ${stage.key} {`);
    const children = Object.values(stage.states) as AnyStateNode[];
    lines.push(`    [*] --> ${nodeId(`${stage.key}.${String(stage.config.initial)}`)}`);
    for (const child of children) lines.push(`    state "${child.key}" as ${nodeId(child.path.join('.'))}`);
    for (const child of children) note(child.path.join('.'), '    ');
    lines.push('  }');
    note(stage.key, '  ');
  }
  for (const t of transitions)
    for (const target of t.targets) lines.push(`  ${nodeId(t.source)} --> ${nodeId(target)}: ${label(t, transitions)}`);
  return `${lines.join('\n')}\n`;
}

/** docs/process.md: the diagram and, below it, every transition as a table row. */
export function processDocument(): string {
  const transitions = machineTransitions(challengeMachine);
  const rows = transitions.map(
    (t) =>
      `| \`${t.source}\` | \`${t.event}\` | ${t.branch} | ${t.guards.map((g) => `\`${g}\``).join(' and ') || '—'} | ${
        t.targets.length === 0 ? '(stays)' : t.targets.map((x) => `\`${x}\``).join(', ')
      } | ${t.clauses.join(', ') || '—'} | ${t.outcomeClause ?? ''} |`,
  );
  return [
    '# The challenge process (generated)',
    '',
    '<!-- Generated from machines/challenge by `npm run docs:process`; do not edit by hand.',
    '     test/unit/process-doc.test.ts fails when this file differs from what the machine generates. -->',
    '',
    `Machine \`${challengeMachine.id}\`, version ${MACHINE_VERSION}. Stages carry their Chinese names`,
    '(rules.md, "The nine stages"); each arrow is one guard branch of one event, labelled with the',
    "clauses its `rulesAllow` guard checks (the clauses of the event's rules, in its definition under machines/challenge/stages/),",
    'the branch guard that picks it, and the clause an outcome records. `GET /api/v1/machine/diagram`',
    'serves the same diagram text; `GET /api/v1/machine` the definition as JSON.',
    '',
    '```mermaid',
    machineDiagram().trimEnd(),
    '```',
    '',
    `## Every transition (${transitions.length})`,
    '',
    'XState tries the branches of an event in order and takes the first whose guards all pass; a',
    'refused event (no branch passes) leaves the challenge unchanged and is answered with the',
    'violations of its clauses.',
    '',
    '| from | event | branch | guards | to | clauses checked | outcome clause |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
