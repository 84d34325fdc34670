/**
 * Stage 7, 资金拨付 (disbursement): technology contracts are registered, the paying side records
 * the challenge money it paid, finance disburses the city's support against it, and the bureau
 * starts implementation. Payments and disbursements go on in stage 8.
 */
import { z } from 'zod';
import { addMonths } from '../../calendar.js';
import { isoDate } from '../../programme.js';
import { updateTrack } from '../context.js';
import { staffEvent } from '../event.js';
import * as money from '../rules/money.js';
import { P1_trackExists, P7_filesUploaded } from '../rules/process.js';
import { cny, id, sha256 } from '../schemas.js';

export const REGISTER_CONTRACT = staffEvent({
  type: 'REGISTER_CONTRACT',
  payload: z.strictObject({
    trackId: id,
    contractNo: z.string().trim().min(1).max(100),
    registeredOn: isoDate,
  }),
  senders: { bureau: 'any' },
  rules: [P1_trackExists, money.Q6_registerOnce],
  apply: (ctx, e) => ({
    tracks: updateTrack(ctx, e.trackId, () => ({
      contract: { contractNo: e.contractNo, registeredOn: e.registeredOn },
    })),
  }),
});

/**
 * The challenge money is recorded by the side that pays it — the issuer for a technology
 * breakthrough, the solver for an achievement transfer — or by finance.
 */
export const RECORD_PAYMENT = staffEvent({
  type: 'RECORD_PAYMENT',
  payload: z.strictObject({
    trackId: id,
    amountCny: cny.min(1),
    paidOn: isoDate,
    evidenceSha256: sha256,
  }),
  senders: {
    issuer: { scope: 'issuerUnit', kinds: ['techBreakthrough'] },
    solver: { scope: 'trackHolder', kinds: ['achievementTransfer'] },
    finance: 'any',
  },
  files: (body) => [body.evidenceSha256],
  rules: [P1_trackExists, money.H5_trackActive, P7_filesUploaded, money.Q1a_paidWithinAgreed],
  apply: (ctx, e) => ({ tracks: updateTrack(ctx, e.trackId, (t) => ({ paidCny: t.paidCny + e.amountCny })) }),
});

/** Finance pays the city's support to a track; the receiving unit is a member of its bid (P-9). */
export const DISBURSE = staffEvent({
  type: 'DISBURSE',
  payload: z.strictObject({
    trackId: id,
    amountCny: cny.min(1),
    phase: z.enum(['first', 'later']),
    payeeUnit: id
      .optional()
      .describe("the unit that receives the money: a member of the track's bid; its lead unit when left out"),
  }),
  senders: { finance: 'any' },
  rules: [
    P1_trackExists,
    money.P9_payeeInBid,
    money.H5_trackActive,
    money.Q6_contractBeforeSupport,
    money.X5_paidFirst,
    money.Q1b_shareOfPaid,
    money.Q1c_challengeCap,
    money.H4_firstPhase,
    money.H5_laterAfterContinue,
  ],
  apply: (ctx, e, version) => ({
    tracks: updateTrack(ctx, e.trackId, (t) => ({
      disbursedCny: t.disbursedCny + e.amountCny,
      firstPhaseCny: t.firstPhaseCny + (e.phase === 'first' ? e.amountCny : 0),
      // Version 1 did not record the payee (its histories replay without it).
      ...(version >= 2
        ? {
            disbursements: [
              ...(t.disbursements ?? []),
              { amountCny: e.amountCny, phase: e.phase, payeeUnit: e.payeeUnit ?? t.solverUnit, at: e.at },
            ],
          }
        : {}),
    })),
  }),
});

export const START_IMPLEMENTATION = staffEvent({
  type: 'START_IMPLEMENTATION',
  payload: z.strictObject({ startedOn: isoDate }),
  senders: { bureau: 'any' },
  rules: [money.Q6_allRegistered],
  apply: (ctx, e) => ({ startedOn: e.startedOn, plannedEnd: addMonths(e.startedOn, ctx.draft.periodMonths) }),
});

export const disbursementEvents = [REGISTER_CONTRACT, RECORD_PAYMENT, DISBURSE, START_IMPLEMENTATION] as const;
