/**
 * What the console reads, typed for the pages: the inbox, the challenge view, its history and
 * reconciliation, the dashboard numbers, and the machine itself (its stages with their Chinese
 * names, and each event's payload as JSON Schema, from which the action forms are generated).
 * Hand-kept types for the few answers the console reads (docs/decisions.md, issue 13).
 */
import type { JsonSchema } from '../console/form-values';
import { api } from './client';

export interface Deadline {
  kind: string;
  at: string;
  workingDaysLeft: number;
}
export interface InboxItem {
  challengeId: string;
  title: string;
  stage: string;
  allowedEvents: string[];
  deadline?: Deadline;
}
export interface Inbox {
  items: InboxItem[];
  counts: Record<string, number>;
}

export interface Track {
  trackId: string;
  solverUnit: string;
  route: string | null;
  agreedFundingCny: number;
  status: string;
  contract: { contractNo: string; registeredOn: string } | null;
  paidCny: number;
  disbursedCny: number;
}
export interface Bid {
  bidId: string;
  members: string[];
  leader: string;
  plan: string;
  route: string | null;
  requestedFundingCny: number;
  withdrawn: boolean;
  agreedFundingCny: number | null;
}
/** An event's answer: the view without `details` (GET /challenges/:id has them). */
export type ChallengeSummary = Omit<ChallengeView, 'details'>;

export interface ChallengeView {
  id: string;
  programmeId: string;
  kind: string;
  domain: string;
  title: string;
  issuerUnit: string;
  districtUnit: string;
  version: number;
  stage: string;
  state: unknown;
  outcome?: { kind: string };
  tracks: Track[];
  deadlines: { type: string; dueAt: string }[];
  allowedEvents: string[];
  panelScores: Record<string, number | null>;
  details: {
    draft: Record<string, unknown> & { summary: string; indicators: string[]; periodMonths: number };
    attachments: { kind: string; sha256: string; at: string }[];
    bids: Bid[];
    panel: string[];
    scores: { expert: string; bidId: string; score: number; comment: string; at: string }[];
    objections: {
      objectionId: string;
      objector: { name?: string; unit?: string };
      text: string;
      at: string;
      status: string;
    }[];
    opinions: { event: string; text: string; by: string; at: string }[];
    biddingClosesAt: string | null;
    plannedEnd: string | null;
  };
}
export interface HistoryEntry {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  actor: { role?: string; unit?: string; person?: string; id?: string };
  at: string;
}
export interface Denial {
  at: string;
  role: string;
  eventType: string | null;
  code: string;
  clause: string | null;
  challengeId: string | null;
}
export interface Reconciliation {
  trackId: string;
  payeeUnit: string;
  declaredCny: number;
  requestedCny: number;
  agreedCny: number;
  paidByIssuerCny: number;
  disbursedCny: number;
  caps: { shareCny: number; capCny: number; firstPhaseCny?: number };
  remainingCny: number;
}
export interface Stats {
  byStage: Record<string, number>;
  byDomain: Record<string, number>;
  byDistrict: Record<string, number>;
  byKind: Record<string, number>;
  money: { agreedCny: number; paidByIssuerCny: number; disbursedCny: number; fiscalSupportCapCny: number };
  dueWithin7Days: { challengeId: string; kind: string; at: string }[];
  overdue: { challengeId: string; kind: string; since: string }[];
}

export type { JsonSchema };
export interface EventDefinition {
  type: string;
  senders: string[];
  clauses: string[];
  schema: JsonSchema;
}
export interface StageInfo {
  id: string;
  zh: string;
  order?: number;
}

let machine: Promise<{ stages: StageInfo[]; events: Map<string, EventDefinition> }> | undefined;

/** The machine's stages and event definitions, read once per page load. */
export function loadMachine() {
  machine ??= (async () => {
    const [chart, events] = await Promise.all([
      api<{ definition: { states: Record<string, { meta?: { zh: string; order?: number } }> } }>('GET', '/machine'),
      api<{ items: EventDefinition[] }>('GET', '/machine/events'),
    ]);
    const stages = Object.entries(chart.definition.states).map(([id, s]) => ({
      id,
      zh: s.meta?.zh ?? id,
      ...(s.meta?.order === undefined ? {} : { order: s.meta.order }),
    }));
    return { stages, events: new Map(events.items.map((e) => [e.type, e])) };
  })();
  return machine;
}
