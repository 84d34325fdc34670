/**
 * The machine as a Mermaid `stateDiagram-v2`, generated from the definition so it is never
 * stale: the nine stages with their Chinese names, their sub-states, the outcomes, and every
 * transition labelled with its event (self-transitions that only record data are listed as a
 * note per state, to keep the picture readable).
 */
import type { AnyStateNode } from 'xstate';
import { challengeMachine } from '../../machines/challenge/challenge.machine.js';

export const stageNames: Record<string, string> = {
  collection: '榜单征集',
  review: '审核推荐',
  publication: '榜单发布',
  matching: '揭榜对接',
  expertReview: '专家评榜',
  announcement: '开榜公告',
  disbursement: '资金拨付',
  management: '项目管理',
  evaluation: '总结评价',
  withdrawn: '撤回',
  notAccepted: '不予受理',
  rejected: '未通过',
  unfilled: '流榜',
  terminated: '终止',
  closed: '结题归档',
};

const nodeId = (node: AnyStateNode) => node.path.join('_');

function transitionsOf(node: AnyStateNode, lines: string[], recorded: Map<string, string[]>) {
  for (const [event, list] of node.transitions) {
    const targets = new Set<string>();
    for (const t of list) for (const target of t.target ?? []) targets.add(target === node ? '' : nodeId(target));
    if (targets.size === 0 || (targets.size === 1 && targets.has(''))) {
      recorded.set(nodeId(node), [...(recorded.get(nodeId(node)) ?? []), event]);
      continue;
    }
    for (const target of targets) if (target !== '') lines.push(`  ${nodeId(node)} --> ${target}: ${event}`);
  }
}

export function machineDiagram(): string {
  const lines = ['stateDiagram-v2'];
  const recorded = new Map<string, string[]>();
  const root = challengeMachine.root;
  lines.push(`  [*] --> ${nodeId(root.states.collection as AnyStateNode)}`);
  for (const stage of Object.values(root.states) as AnyStateNode[]) {
    const label = `${stage.key} ${stageNames[stage.key] ?? ''}`.trim();
    if (stage.type === 'final') {
      lines.push(`  state "${label}" as ${nodeId(stage)}`, `  ${nodeId(stage)} --> [*]`);
      continue;
    }
    lines.push(`  state "${label}" as ${nodeId(stage)} {`);
    const children = Object.values(stage.states) as AnyStateNode[];
    const initial = children.find((c) => c.key === stage.config.initial);
    if (initial) lines.push(`    [*] --> ${nodeId(initial)}`);
    for (const child of children) lines.push(`    state "${child.key}" as ${nodeId(child)}`);
    lines.push('  }');
  }
  for (const stage of Object.values(root.states) as AnyStateNode[]) {
    transitionsOf(stage, lines, recorded);
    for (const child of Object.values(stage.states) as AnyStateNode[]) transitionsOf(child, lines, recorded);
  }
  for (const [id, events] of recorded) lines.push(`  note right of ${id}: ${events.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
