/** The challenge's context: everything the guards need, copied or derived from events. */
import type { ProgrammeSettings } from '../programme.js';
import type { Actor } from './event.js';
import type { AttachmentKind, ChallengeKind, DraftFields } from './schemas.js';

export interface Attachment {
  kind: AttachmentKind;
  sha256: string;
  at: string;
}

export interface Bid {
  bidId: string;
  /** Unit codes of the solver side; the first is the lead unit. */
  members: string[];
  leader: string;
  team: string[];
  plan: string;
  route: string | null;
  requestedFundingCny: number;
  submittedAt: string;
  submittedBy: string;
  withdrawn: boolean;
  agreedFundingCny: number | null;
}

export interface Score {
  expert: string;
  bidId: string;
  score: number;
  comment: string;
  at: string;
}

export type TrackStatus = 'active' | 'stopped' | 'reported';

/** One selected bid (one parallel team in a horse race); `trackId` is the bid's `bidId`. */
export interface Track {
  trackId: string;
  solverUnit: string;
  route: string | null;
  agreedFundingCny: number;
  status: TrackStatus;
  contract: { contractNo: string; registeredOn: string } | null;
  /** Challenge money actually paid for this track (the base of Q-1b). */
  paidCny: number;
  /** Fiscal support disbursed to this track, all phases. */
  disbursedCny: number;
  /** Fiscal support disbursed to this track in the first phase (H-4). */
  firstPhaseCny: number;
  midterm: 'continue' | 'stop' | null;
  /**
   * Every disbursement of fiscal support to this track with the unit that received it (a member
   * of its bid; machine version 2 on, absent before).
   */
  disbursements?: Disbursement[];
  progress: { milestone: string; text: string; at: string }[];
  finalReportSha256: string | null;
}

export interface Disbursement {
  amountCny: number;
  phase: 'first' | 'later';
  payeeUnit: string;
  at: string;
}

export interface Objection {
  objectionId: string;
  objector: { name: string } | { unit: string };
  text: string;
  at: string;
  status: 'open' | 'upheld' | 'dismissed';
  opinion: string | null;
}

/** An outcome: a final state of the chart (machine.ts). */
export type { OutcomeKind } from './machine.js';

import type { OutcomeKind } from './machine.js';

export interface Outcome {
  kind: OutcomeKind;
  /** The clause that decided it, where one did (W-3 for a missed window). */
  clause: string | null;
  reason: string;
  at: string;
}

export interface Opinion {
  event: string;
  text: string;
  by: Actor['role'];
  at: string;
}

export interface ChallengeContext {
  id: string;
  programmeId: string;
  settings: ProgrammeSettings;
  createdAt: string;
  createdBy: string;
  kind: ChallengeKind;
  draft: DraftFields;
  attachments: Attachment[];
  submittedAt: string | null;
  recommendedAt: string | null;
  demandApprovedAt: string | null;
  publishedAt: string | null;
  biddingClosesAt: string | null;
  bids: Bid[];
  panel: string[];
  scores: Score[];
  selectedAt: string | null;
  tracks: Track[];
  objections: Objection[];
  /** The last instant of the public notice, set when the announcement starts. */
  noticeEndsAt: string | null;
  noticeEnded: boolean;
  startedOn: string | null;
  plannedEnd: string | null;
  extensionUsed: boolean;
  changes: { kind: string; detail: string; at: string }[];
  rectifyUsed: boolean;
  /** The last instant of the rectification period (X-3, `rectifyMonths`; version 2 on). */
  rectifyDueAt?: string;
  /** When the rectification period passed without a decision: listed as overdue. */
  rectifyOverdueSince?: string;
  acceptanceResult: 'passed' | 'failed' | null;
  /** Set by ACCEPTANCE_OVERDUE: the issuer and solver units count as overdue for L-1. */
  overdue: boolean;
  opinions: Opinion[];
  outcome: Outcome | null;
}

export interface CreateInput {
  id: string;
  programmeId: string;
  settings: ProgrammeSettings;
  draft: DraftFields;
  at: string;
  actor: Actor;
}

/** A reason a rule refused an event, in both languages; `clause` is an ID from rules.md. */
export interface Violation {
  clause: string;
  message: string;
  message_zh: string;
}
