/**
 * The machine as plain JSON config, the form `createMachine` (and Stately Studio's import)
 * takes: states, initial states, `on` with targets, guards and actions by name. XState's own
 * `machine.definition` drops guards built with `and([...])`, so a transition guarded by
 * `rulesAllow && enoughAgreedBids` would look unguarded; here every guard keeps its names, and
 * each stage and transition carries a description (Chinese stage name, clauses checked), and
 * each stage its tags and meta.
 * `test/integration/machine.test.ts` rebuilds a machine from this JSON and compares every
 * transition with the real one.
 */
import type { AnyStateMachine } from 'xstate';
import { clausesOf } from '../../machines/challenge/events.js';
import { challengeMachine } from '../../machines/challenge/machine.js';
import { guardNames, stageNames } from './machine-graph.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function transitionJson(event: string, t: unknown): Json {
  const src = (typeof t === 'string' ? { target: t } : t) as Record<string, unknown>;
  const out: { [key: string]: Json } = {};
  if (src.target !== undefined) out.target = src.target as Json;
  if (src.guard !== undefined) {
    const names = guardNames(src.guard);
    out.guard = names.join(' && ');
    if (names.includes('rulesAllow')) {
      const clauses = clausesOf(event);
      if (clauses.length > 0) out.description = `rules checked: ${clauses.join(', ')}`;
    }
  }
  if (src.actions !== undefined) out.actions = JSON.parse(JSON.stringify(src.actions)) as Json;
  return out;
}

function nodeJson(config: Record<string, unknown>, key: string | null): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  if (typeof config.id === 'string') out.id = config.id;
  if (key !== null && stageNames[key]) out.description = stageNames[key];
  if (typeof config.initial === 'string') out.initial = config.initial;
  if (typeof config.type === 'string') out.type = config.type;
  // What the chart says a stage is: its tags (published, application, project, …) and meta.
  if (Array.isArray(config.tags)) out.tags = config.tags as Json;
  if (config.meta !== undefined) out.meta = JSON.parse(JSON.stringify(config.meta)) as Json;
  const on = config.on as Record<string, unknown> | undefined;
  if (on) {
    const events: { [key: string]: Json } = {};
    for (const [event, value] of Object.entries(on))
      events[event] = Array.isArray(value) ? value.map((t) => transitionJson(event, t)) : transitionJson(event, value);
    out.on = events;
  }
  const states = config.states as Record<string, Record<string, unknown>> | undefined;
  if (states) {
    const children: { [key: string]: Json } = {};
    for (const [childKey, child] of Object.entries(states)) children[childKey] = nodeJson(child, childKey);
    out.states = children;
  }
  return out;
}

/** The machine's config as JSON (no context: it is built from the creation input). */
export function machineDefinition(machine: AnyStateMachine = challengeMachine): { [key: string]: Json } {
  return nodeJson(machine.config as Record<string, unknown>, null);
}
