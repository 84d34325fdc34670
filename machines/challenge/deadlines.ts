/**
 * The deadlines a state has, derived from the chart and the snapshot alone: each system event
 * the active states take runs as a deadline there, due when its definition says. The engine
 * writes them as timer rows in the transaction that enters the state and cancels the ones a
 * state no longer has, so deadlines survive restarts (XState's `after` would not) and replay
 * needs no clock. A deadline fires one millisecond after the instant it closes (W-0: windows
 * include both ends).
 */
import type { StateValue } from 'xstate';
import { dueAt, type SystemEventType, systemEventTypes } from './events.js';
import { activeNodes, statePath } from './stage.js';
import type { ChallengeContext } from './types.js';

export interface Deadline {
  type: SystemEventType;
  dueAt: string;
}

const deadlineTypesByPath = new Map<string, SystemEventType[]>();

/** The system events a state takes; fixed per state, so cached. */
function deadlineTypes(value: StateValue): SystemEventType[] {
  const path = statePath(value);
  let types = deadlineTypesByPath.get(path);
  if (!types) {
    const taken = new Set(activeNodes(value).flatMap((node) => node.ownEvents));
    types = systemEventTypes.filter((type) => taken.has(type));
    deadlineTypesByPath.set(path, types);
  }
  return types;
}

export function deadlinesOf(value: StateValue, ctx: ChallengeContext): Deadline[] {
  return deadlineTypes(value).flatMap((type) => {
    const at = dueAt(type, ctx);
    return at === null ? [] : [{ type, dueAt: new Date(Date.parse(at)).toISOString() }];
  });
}
