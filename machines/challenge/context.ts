/**
 * The context a challenge starts with, and the small pieces the events' reducers share: an
 * opinion on record, a change to one track, the outcome an ending sets. Pure: ids (objections)
 * are numbered from the context, never random.
 */
import type { Actor, Envelope } from './event.js';
import type { ChallengeContext, CreateInput, OutcomeKind, Track } from './types.js';

export function initialContext(input: CreateInput): ChallengeContext {
  return {
    id: input.id,
    programmeId: input.programmeId,
    settings: input.settings,
    createdAt: input.at,
    createdBy: input.actor.id,
    kind: input.draft.kind,
    draft: input.draft,
    attachments: [],
    submittedAt: null,
    recommendedAt: null,
    demandApprovedAt: null,
    publishedAt: null,
    biddingClosesAt: null,
    bids: [],
    panel: [],
    scores: [],
    selectedAt: null,
    tracks: [],
    objections: [],
    noticeEndsAt: null,
    noticeEnded: false,
    startedOn: null,
    plannedEnd: null,
    extensionUsed: false,
    changes: [],
    rectifyUsed: false,
    acceptanceResult: null,
    overdue: false,
    opinions: [],
    outcome: null,
  };
}

/** The opinions with this event's text added (who gave it, when). */
export const withOpinion = (
  ctx: ChallengeContext,
  e: Envelope & { type: string },
  text: string,
): Pick<ChallengeContext, 'opinions'> => ({
  opinions: [...ctx.opinions, { event: e.type, text, by: e.actor.role, at: e.at }],
});

/** The tracks with `trackId` changed. */
export const updateTrack = (ctx: ChallengeContext, trackId: string, change: (t: Track) => Partial<Track>): Track[] =>
  ctx.tracks.map((t) => (t.trackId === trackId ? { ...t, ...change(t) } : t));

/** The text a decision was taken with: the reason, opinion or comment of the event. */
function reasonOf(e: object): string {
  if ('reason' in e && typeof e.reason === 'string') return e.reason;
  if ('opinion' in e && typeof e.opinion === 'string') return e.opinion;
  return '';
}

/** The outcome an ending transition sets (chart: `setOutcome`). */
export function outcome(
  e: { at: string; actor: Actor },
  kind: OutcomeKind,
  clause: string | null,
): Pick<ChallengeContext, 'outcome'> {
  return { outcome: { kind, clause, reason: reasonOf(e), at: e.at } };
}
