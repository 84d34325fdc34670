/**
 * Who takes part in a challenge, as the restrictions of §4 count it (L-1, L-2a, L-2b): the
 * issuer's unit and the top `countedTeamMembers` of its team, and the lead unit and top team of
 * each bid or track. Derived from the snapshot alone, so the engine keeps it as a projection in
 * the commit transaction and can rebuild it from the snapshots at any time.
 */
import type { ParticipationStatus } from './facts.js';
import type { ChallengeContext } from './types.js';

export interface Participation {
  ref: string;
  challengeId: string;
  programmeId: string;
  party: 'unit' | 'person';
  subject: string;
  role: 'issuer' | 'solver';
  status: ParticipationStatus;
  plannedEnd: string | null;
}

/** Stages in which a submitted challenge is an application of this year, not yet a project. */
const applicationStages = new Set(['review', 'publication', 'matching', 'expertReview', 'announcement']);
/** Stages of an awarded project until it is accepted or ends (市级在研项目). */
const projectStages = new Set(['disbursement', 'management', 'evaluation']);

/**
 * The participations of a challenge in `stage`. A draft, and every outcome (withdrawn,
 * notAccepted, rejected, unfilled, terminated, closed), has none: only live applications and
 * ongoing projects count against a party.
 */
export function participationsOf(ctx: ChallengeContext, stage: string): Participation[] {
  const out: Participation[] = [];
  const top = ctx.settings.restrictions.countedTeamMembers;
  const projectStatus: ParticipationStatus = ctx.overdue ? 'overdue' : 'ongoing';
  const add = (ref: string, role: Participation['role'], unit: string, team: string[], status: ParticipationStatus) => {
    const base = { ref, challengeId: ctx.id, programmeId: ctx.programmeId, role, status, plannedEnd: ctx.plannedEnd };
    out.push({ ...base, party: 'unit', subject: unit });
    for (const person of new Set(team.slice(0, top))) out.push({ ...base, party: 'person', subject: person });
  };

  if (applicationStages.has(stage)) add(ctx.id, 'issuer', ctx.draft.issuerUnit, ctx.draft.team, 'application');
  else if (projectStages.has(stage)) add(ctx.id, 'issuer', ctx.draft.issuerUnit, ctx.draft.team, projectStatus);

  if (stage === 'matching' || stage === 'expertReview') {
    for (const bid of ctx.bids)
      if (!bid.withdrawn && bid.members[0] !== undefined)
        add(`${ctx.id}/${bid.bidId}`, 'solver', bid.members[0], bid.team, 'application');
  } else if (stage === 'announcement' || projectStages.has(stage)) {
    for (const track of ctx.tracks) {
      if (track.status === 'stopped') continue;
      const bid = ctx.bids.find((b) => b.bidId === track.trackId);
      const status = stage === 'announcement' ? 'application' : projectStatus;
      add(`${ctx.id}/${track.trackId}`, 'solver', track.solverUnit, bid?.team ?? [], status);
    }
  }
  return out;
}
