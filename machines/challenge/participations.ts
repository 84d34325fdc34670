/**
 * Who takes part in a challenge, as the restrictions of §4 count it (L-1, L-2a, L-2b): the
 * issuer's unit and the top `countedTeamMembers` of its team, and the lead unit and top team of
 * each bid or track. Derived from the snapshot alone, so the engine keeps it as a projection in
 * the commit transaction and can rebuild it from the snapshots at any time.
 */
import type { ParticipationStatus } from './facts.js';
import { type Stage, stageHasTag } from './stage.js';
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

/**
 * The participations of a challenge in `stage`, as the chart's tags say: a stage tagged
 * `application` counts the issuer's demand (and its bids or tracks) as applications of this
 * year, one tagged `project` as ongoing projects (overdue once acceptance is). A draft, and every
 * outcome, has none: only live applications and ongoing projects count against a party.
 */
export function participationsOf(ctx: ChallengeContext, stage: Stage): Participation[] {
  const out: Participation[] = [];
  const top = ctx.settings.restrictions.countedTeamMembers;
  const projectStatus: ParticipationStatus = ctx.overdue ? 'overdue' : 'ongoing';
  const add = (ref: string, role: Participation['role'], unit: string, team: string[], status: ParticipationStatus) => {
    const base = { ref, challengeId: ctx.id, programmeId: ctx.programmeId, role, status, plannedEnd: ctx.plannedEnd };
    out.push({ ...base, party: 'unit', subject: unit });
    for (const person of new Set(team.slice(0, top))) out.push({ ...base, party: 'person', subject: person });
  };

  const application = stageHasTag(stage, 'application');
  if (application) add(ctx.id, 'issuer', ctx.draft.issuerUnit, ctx.draft.team, 'application');
  else if (stageHasTag(stage, 'project')) add(ctx.id, 'issuer', ctx.draft.issuerUnit, ctx.draft.team, projectStatus);

  if (stageHasTag(stage, 'bidsUnderReview')) {
    for (const bid of ctx.bids)
      if (!bid.withdrawn && bid.members[0] !== undefined)
        add(`${ctx.id}/${bid.bidId}`, 'solver', bid.members[0], bid.team, 'application');
  } else if (stageHasTag(stage, 'tracksAwarded')) {
    for (const track of ctx.tracks) {
      if (track.status === 'stopped') continue;
      const bid = ctx.bids.find((b) => b.bidId === track.trackId);
      const status = application ? 'application' : projectStatus;
      add(`${ctx.id}/${track.trackId}`, 'solver', track.solverUnit, bid?.team ?? [], status);
    }
  }
  return out;
}
