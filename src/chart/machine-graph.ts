/**
 * The machine's transitions as a flat list: one entry per (source state, event, guard branch),
 * with its targets and the clauses its `rulesAllow` guard checks. The diagram draws this list,
 * `GET /machine` serialises the same structure, and the model-based tests count their coverage
 * against it, so "every transition" means the same thing everywhere.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { clausesOf } from '../../machines/challenge/events.js';
import { challengeMachine } from '../../machines/challenge/machine.js';
import { stageMeta, stages } from '../../machines/challenge/stage.js';

export interface MachineTransition {
  /** Stable id: `source EVENT #branch`. */
  id: string;
  /** Dotted path of the source state node (`matching.bidding`, or a stage for its shared events). */
  source: string;
  event: string;
  /** Position among the candidates for this event on this node: XState takes the first whose guard passes. */
  branch: number;
  /** Guard names in the order they are checked (`rulesAllow`, then any branch guard). */
  guards: string[];
  /** The clauses the event's `rulesAllow` guard checks; empty when the transition has no such guard. */
  clauses: readonly string[];
  /** Dotted paths of the target nodes; empty for a transition that stays (records data only). */
  targets: string[];
  /** The clause recorded as the reason of the outcome this transition ends in, if any. */
  outcomeClause: string | null;
}

export const pathOf = (node: AnyStateNode): string => node.path.join('.');

/** Guard names of a transition: a named guard, an `and([...])`, or the `a && b` string form of GET /machine. */
export function guardNames(guard: unknown): string[] {
  if (guard === undefined || guard === null) return [];
  if (typeof guard === 'string') return guard.split(' && ');
  const composite = (guard as { guards?: unknown }).guards;
  if (typeof guard === 'function' && Array.isArray(composite)) return composite.flatMap(guardNames);
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string')
    return guardNames((guard as { type: string }).type);
  throw new Error(`unnamed guard ${String(guard)}: name every guard so the diagram can show it`);
}

function outcomeClauseOf(t: AnyTransitionDefinition): string | null {
  for (const action of t.actions as unknown[]) {
    const a = action as { type?: unknown; params?: { clause?: unknown } };
    if (a?.type === 'setOutcome' && typeof a.params?.clause === 'string') return a.params.clause;
  }
  return null;
}

function nodesOf(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states as Record<string, AnyStateNode>).flatMap(nodesOf)];
}

/** Every transition of the machine, in document order (stage by stage, parent before children). */
export function machineTransitions(machine: AnyStateMachine = challengeMachine): MachineTransition[] {
  const out: MachineTransition[] = [];
  for (const node of nodesOf(machine.root)) {
    for (const [event, candidates] of node.transitions) {
      candidates.forEach((t: AnyTransitionDefinition, branch: number) => {
        const guards = guardNames(t.guard);
        const source = pathOf(node);
        out.push({
          id: `${source} ${event} #${branch}`,
          source,
          event,
          branch,
          guards,
          clauses: guards.includes('rulesAllow') ? clausesOf(event) : [],
          targets: (t.target ?? []).map(pathOf),
          outcomeClause: outcomeClauseOf(t),
        });
      });
    }
  }
  return out;
}

/** The Chinese names of the stages and outcomes, as the chart's `meta` gives them. */
export const stageNames: Readonly<Record<string, string>> = Object.fromEntries(
  stages.map((stage) => [stage, stageMeta(stage).zh]),
);
