/**
 * What the chart says about a state, for code that holds only a stored state value: its stage,
 * the stage's tags, Chinese name and number, its path, the system events (deadlines) its active
 * states take. Read from the chart's definition, so nothing outside machine.ts compares stage names.
 */
import type { AnyStateNode, StateValue } from 'xstate';
import { challengeMachine, type Stage, type StageMeta, type StageTag } from './machine.js';

export type { Stage, StageMeta, StageTag } from './machine.js';

/** Every stage of the chart, in its order (the nine stages, then the outcomes). */
export const stages = Object.keys(challengeMachine.root.states) as Stage[];

/** `collection.draft`-style path of the active leaf. */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0] ?? ['', ''];
  const rest = statePath(child as StateValue);
  return rest === '' ? key : `${key}.${rest}`;
}

/** `review.formalCheck` → `{review: 'formalCheck'}` (the inverse of `statePath`). */
export function stateValueOf(path: string): StateValue {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  return rest.length === 0 ? head : { [head]: stateValueOf(rest.join('.')) };
}

/** The stage a state value is in (its top-level state). */
export function stageOf(value: StateValue): Stage {
  return statePath(value).split('.')[0] as Stage;
}

const nodeOf = (stage: Stage): AnyStateNode | undefined => challengeMachine.root.states[stage];

function stageTags(stage: Stage): readonly StageTag[] {
  return (nodeOf(stage)?.tags ?? []) as StageTag[];
}

export const stageHasTag = (stage: Stage, tag: StageTag): boolean => stageTags(stage).includes(tag);

/** The stages that carry `tag`, in chart order (for queries on the stored stage column). */
export const stagesTagged = (tag: StageTag): Stage[] => stages.filter((s) => stageHasTag(s, tag));

export function stageMeta(stage: Stage): StageMeta {
  return (nodeOf(stage)?.meta ?? { zh: stage }) as StageMeta;
}

/** The chart's nodes active in a state value, outermost first. */
export function activeNodes(value: StateValue): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  let parent: AnyStateNode = challengeMachine.root;
  for (const key of statePath(value).split('.')) {
    const node: AnyStateNode | undefined = parent.states[key];
    if (!node) break;
    out.push(node);
    parent = node;
  }
  return out;
}
