/**
 * Stage 1, 榜单征集 (list collection): the issuer drafts its demand, attaches its materials and
 * submits it inside the window; a draft not submitted when the window closes is not accepted.
 */
import { z } from 'zod';
import { justAfter } from '../../calendar.js';
import { staffEvent, systemEvent } from '../event.js';
import * as demand from '../rules/demand.js';
import * as parties from '../rules/parties.js';
import { P7_filesUploaded } from '../rules/process.js';
import * as restrictions from '../rules/restrictions.js';
import { W1_submissionWindow, W3_submissionClosed } from '../rules/windows.js';
import { attachmentKinds, draftFieldsSchema, sha256, text } from '../schemas.js';

export const UPDATE = staffEvent({
  type: 'UPDATE',
  payload: draftFieldsSchema.partial(),
  senders: { issuer: 'issuerUnit' },
  rules: [demand.Q10_notMarkedClassified],
  apply: (ctx, e) => {
    const { type: _t, at: _a, actor: _ac, facts: _f, ...fields } = e;
    const draft = { ...ctx.draft, ...fields };
    return { draft, kind: draft.kind };
  },
});

export const ATTACH = staffEvent({
  type: 'ATTACH',
  payload: z.strictObject({ kind: z.enum(attachmentKinds), sha256 }),
  senders: { issuer: 'issuerUnit' },
  files: (body) => [body.sha256],
  rules: [P7_filesUploaded],
  apply: (ctx, e) => ({
    attachments: [...ctx.attachments.filter((a) => a.kind !== e.kind), { kind: e.kind, sha256: e.sha256, at: e.at }],
  }),
});

export const SUBMIT = staffEvent({
  type: 'SUBMIT',
  payload: z.strictObject({ confirmDetails: z.boolean() }),
  senders: { issuer: 'issuerUnit' },
  // Q-2/3, T-1, C-1, T-2.2, L-1, L-2a (the issuing unit); Q-2/3, L-3, L-2b (its team).
  facts: (ctx) => [
    { unit: ctx.draft.issuerUnit, credit: true, projects: true },
    { unit: ctx.draft.districtUnit },
    { team: ctx.draft.team, top: ctx.settings.restrictions.countedTeamMembers },
  ],
  rules: [
    W1_submissionWindow,
    demand.Q23_registeredAndConfirmed,
    demand.Q10_notClassified,
    demand.T24_demandStated,
    demand.T25_endUser,
    demand.C22_ipAndMarket,
    demand.C23_supportTeam,
    demand.Q1a_totalInvestment,
    demand.Q1d_period,
    demand.Q4_formAndPledges,
    demand.Q5T_evidence,
    demand.Q5C_evidence,
    demand.Q9_ethics,
    demand.H1_horseRaceShape,
    demand.H1_enterpriseIssuer,
    demand.H2_routeInvestment,
    parties.T1_issuer,
    parties.T22_issuerCredit,
    parties.C1_issuer,
    parties.X12_draftTeamOfIssuer,
    restrictions.L1_applicantNoOverdue,
    restrictions.L2a_applicantOngoing,
    restrictions.L2b_applicantTeamLoad,
    restrictions.L3_applicantNoPenalty,
  ],
  apply: (_ctx, e) => ({ submittedAt: e.at }),
});

/** The issuer withdraws its demand (collection or review): an outcome, set by the chart. */
export const WITHDRAW = staffEvent({
  type: 'WITHDRAW',
  payload: z.strictObject({ reason: text }),
  senders: { issuer: 'issuerUnit' },
  rules: [],
});

export const SUBMISSION_WINDOW_CLOSED = systemEvent({
  type: 'SUBMISSION_WINDOW_CLOSED',
  due: (ctx) => justAfter(ctx.settings.submission.closesAt),
  rules: [W3_submissionClosed],
});

export const collectionEvents = [UPDATE, ATTACH, SUBMIT, WITHDRAW, SUBMISSION_WINDOW_CLOSED] as const;
