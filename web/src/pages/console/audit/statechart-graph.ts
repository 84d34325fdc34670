/**
 * The statechart as a graph to draw, read from the machine's JSON definition (`GET /machine`,
 * src/chart/definition.ts): one node per state (stages with their sub-states inside), one edge
 * per guard branch of an event that moves the challenge, and per state the events that keep it
 * where it is (they only record data; listed beside it, as docs/process.md does). Each edge
 * carries its event and the clauses its rules check. Pure: no Vue, no layout.
 */
import type { MachineNode, MachineTransitionConfig, StateValue } from '../../../api/audit-types.js';
import { eventName, subStateName } from '../../../api/labels.js';

export interface ChartNode {
  /** Dotted path: `review`, `review.formalCheck`. */
  path: string;
  key: string;
  parent: string | null;
  /** What a person reads: the Chinese name, then the key. */
  label: string;
  final: boolean;
  /** The events that stay in this state (record data only). */
  stays: string[];
}

export interface ChartEdge {
  id: string;
  source: string;
  target: string;
  event: string;
  clauses: string[];
  /** The branch guard that picks this target among several (not `rulesAllow`). */
  when: string | null;
  label: string;
}

export interface Chart {
  nodes: ChartNode[];
  edges: ChartEdge[];
  initial: string;
}

const clausesOf = (t: MachineTransitionConfig): string[] =>
  t.description?.startsWith('rules checked: ') ? t.description.slice('rules checked: '.length).split(', ') : [];

/** `#challenge.review.formalCheck` → `review.formalCheck`; a bare key is a sibling of the source. */
function resolveTarget(target: string, source: string): string {
  if (target.startsWith('#')) return target.split('.').slice(1).join('.');
  const parent = source.includes('.') ? source.slice(0, source.lastIndexOf('.')) : '';
  return parent ? `${parent}.${target}` : target;
}

export function chartOf(definition: MachineNode): Chart {
  const nodes: ChartNode[] = [];
  const edges: ChartEdge[] = [];
  const visit = (node: MachineNode, path: string, key: string, parent: string | null) => {
    const stays: string[] = [];
    for (const [event, config] of Object.entries(node.on ?? {})) {
      const branches = Array.isArray(config) ? config : [config];
      branches.forEach((t, branch) => {
        const targets = t.target === undefined ? [] : Array.isArray(t.target) ? t.target : [t.target];
        if (targets.length === 0) {
          if (!stays.includes(event)) stays.push(event);
          return;
        }
        const clauses = clausesOf(t);
        const when =
          t.guard
            ?.split(' && ')
            .filter((g) => g !== 'rulesAllow')
            .join('、') || null;
        for (const target of targets) {
          const to = resolveTarget(target, path);
          const parts = [eventName(event)];
          if (clauses.length > 0) parts.push(`〔${clauses.join('、')}〕`);
          edges.push({
            id: `${path} ${event} #${branch} ${to}`,
            source: path,
            target: to,
            event,
            clauses,
            when,
            label: parts.join(' '),
          });
        }
      });
    }
    if (path !== '') {
      const zh = node.description ?? subStateName(key);
      nodes.push({
        path,
        key,
        parent,
        label: zh && zh !== key ? `${zh}（${key}）` : key,
        final: node.type === 'final',
        stays,
      });
    }
    for (const [childKey, child] of Object.entries(node.states ?? {}))
      visit(child, path ? `${path}.${childKey}` : childKey, childKey, path || null);
  };
  visit(definition, '', '', null);
  return { nodes, edges, initial: definition.initial ?? '' };
}

/** `{review: 'formalCheck'}` → `review.formalCheck` (the challenge machine has no parallel states). */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0] ?? ['', ''];
  return `${key}.${statePath(child)}`.replace(/\.$/, '');
}

const within = (path: string, ancestor: string) => path === ancestor || path.startsWith(`${ancestor}.`);

/** One step of a history: the state before (none for CREATE), the event, the state after. */
export interface Step {
  before: string | null;
  type: string;
  after: string;
}

/** The edges a history took: for each step, an edge of that event from the state (or a stage around it) to the state after (or a stage around it). */
export function takenEdges(chart: Chart, steps: readonly Step[]): Set<string> {
  const taken = new Set<string>();
  for (const step of steps) {
    const before = step.before;
    if (before === null || before === step.after) continue;
    const edge = chart.edges
      .filter((e) => e.event === step.type && within(before, e.source) && within(step.after, e.target))
      // The innermost source and the deepest target: the branch the machine really took.
      .sort((a, b) => b.source.length - a.source.length || b.target.length - a.target.length)[0];
    if (edge) taken.add(edge.id);
  }
  return taken;
}

/** The steps of a list of states after each event, in order. */
export function stepsOf(events: readonly { type: string; state: StateValue }[]): Step[] {
  let before: string | null = null;
  return events.map((e) => {
    const after = statePath(e.state);
    const step = { before, type: e.type, after };
    before = after;
    return step;
  });
}
