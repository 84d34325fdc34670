/**
 * Issue 13: the shapes of the API answers the auditor's time machine and the living statechart
 * read (api.md "Resources" and "What the console reads"). Kept apart from the console's other
 * types so each part of the console owns its own.
 */

/** One event of `GET /challenges/:id/history`. */
export interface HistoryEntry {
  seq: number;
  globalSeq: number;
  type: string;
  payload: unknown;
  facts: unknown;
  actor: { id: string; role: string; unit?: string; person?: string } | null;
  at: string;
  machineVersion: string;
  stateAfter: StateValue;
  prevHash: string | null;
  hash: string | null;
  withheld?: string[];
}

export type StateValue = string | { [key: string]: StateValue };

/** `GET /challenges/:id/state?seq=N`. */
export interface StateAt {
  seq: number;
  at: string;
  stage: string;
  state: StateValue;
  context: unknown;
}

/** `GET /challenges/:id/verify`. */
export interface VerifyResult {
  ok: boolean;
  checkedEvents: number;
  firstDivergence?: {
    challengeId: string;
    seq: number;
    globalSeq?: number;
    check: string;
    what: string;
    expected?: string;
    found?: string;
  };
}

/** One refused attempt of `GET /denials`. */
export interface Denial {
  id: number;
  at: string;
  tokenId: string | null;
  role: string | null;
  unit: string | null;
  person: string | null;
  method: string;
  route: string;
  challengeId: string | null;
  eventType: string | null;
  status: number;
  code: string;
  clause: string | null;
  clauses: string[] | null;
  message: string;
  /** The Chinese message as answered; null for refusals recorded before it was kept. */
  messageZh: string | null;
  requestId: string;
}

export interface DenialPage {
  items: Denial[];
  nextCursor: string | null;
}

/** `GET /machine`: the statechart as JSON config (src/chart/definition.ts). */
export interface MachineNode {
  id?: string;
  description?: string;
  initial?: string;
  type?: string;
  tags?: string[];
  meta?: { zh?: string; order?: number };
  on?: Record<string, MachineTransitionConfig | MachineTransitionConfig[]>;
  states?: Record<string, MachineNode>;
}

export interface MachineTransitionConfig {
  target?: string | string[];
  guard?: string;
  description?: string;
}

export interface MachineAnswer {
  id: string;
  version: string;
  definition: MachineNode;
}

/** The part of the challenge view the statechart reads. */
export interface ChallengeHead {
  id: string;
  title: string;
  stage: string;
  state: StateValue;
  version: number;
}

/** `data:` of one `event: committed` of `GET /challenges/:id/stream`. */
export interface CommittedEvent {
  seq: number;
  type: string;
  stage: string;
  state: StateValue;
  at: string;
}
