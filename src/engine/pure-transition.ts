/**
 * The machine's pure transition, as XState's `transition(machine, snapshot, event)` computes it,
 * without its per-call cost: `transition()` builds a fresh inert actor scope on every call, and
 * building one runs the machine's initial state (measured: most of the engine's CPU per event).
 * The challenge machine has no child actors and no actions but `assign`, so nothing is ever
 * scheduled on the scope and one inert scope per machine serves every call.
 * `test/unit/pure-transition.test.ts` proves it gives the same snapshots as `transition()`;
 * xstate is pinned to an exact version. Each registered machine version (machines/challenge/
 * versions.ts) gets its own scope, so an old history replays under its own machine.
 */
import { type AnyActorScope, createActor } from 'xstate';
import type { ChallengeEvent } from '../../machines/challenge/events.js';
import { type ChallengeMachine, type ChallengeSnapshot, challengeMachine } from '../../machines/challenge/machine.js';
import type { ChallengeContext, CreateInput } from '../../machines/challenge/types.js';

function inertScope(machine: ChallengeMachine): AnyActorScope {
  // An actor restored into a final state: it never starts, so its scope has no side effects.
  const final = Object.values(machine.root.states).find((s) => s.type === 'final');
  if (!final) throw new Error(`machine ${machine.id} has no final state to park an inert actor in`);
  const parked = machine.resolveState({ value: final.key, context: {} as ChallengeContext });
  // `input` only seeds a fresh start; a restored actor never reads it.
  const actor = createActor(machine, { snapshot: parked, input: undefined as unknown as CreateInput });
  // `_actorScope` is private in xstate's types but is the scope `transition()` would build.
  const scope = (actor as unknown as { _actorScope: AnyActorScope })._actorScope;
  scope.actionExecutor = (action) => {
    throw new Error(`the challenge machine has no effectful actions (got ${action.type})`);
  };
  return scope;
}

const scopes = new WeakMap<ChallengeMachine, AnyActorScope>();

function scopeOf(machine: ChallengeMachine): AnyActorScope {
  let scope = scopes.get(machine);
  if (!scope) {
    scope = inertScope(machine);
    scopes.set(machine, scope);
  }
  return scope;
}

/** The next snapshot under `machine`; the same object when the event is not accepted. */
export function pureTransitionOf(
  machine: ChallengeMachine,
  snapshot: ChallengeSnapshot,
  event: ChallengeEvent,
): ChallengeSnapshot {
  return machine.transition(snapshot, event, scopeOf(machine));
}

/**
 * The snapshot a challenge starts in, as XState's `initialTransition(machine, input)` computes
 * it, on the same inert scope: `initialTransition` builds a new actor (and runs the machine's
 * initial state once more) for every call, the largest cost of replaying a CREATE event.
 */
export function pureInitialOf(machine: ChallengeMachine, input: CreateInput): ChallengeSnapshot {
  return machine.getInitialSnapshot(scopeOf(machine), input);
}

/** The next snapshot under the current machine; the same object when the event is not accepted. */
export const pureTransition = (snapshot: ChallengeSnapshot, event: ChallengeEvent): ChallengeSnapshot =>
  pureTransitionOf(challengeMachine, snapshot, event);
