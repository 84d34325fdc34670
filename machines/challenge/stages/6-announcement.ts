/**
 * Stage 6, 开榜公告 (announcement): the selection is on public notice; objections are lodged and
 * resolved. An upheld objection sends the challenge back to scoring (chart).
 */
import { z } from 'zod';
import { justAfter } from '../../calendar.js';
import { staffEvent, systemEvent } from '../event.js';
import { X1_noticeOver, X2_objection } from '../rules/announcement.js';
import { P1_openObjection, P7_filesUploaded } from '../rules/process.js';
import { id, objector, sha256, text } from '../schemas.js';

export const OBJECT = staffEvent({
  type: 'OBJECT',
  payload: z.strictObject({
    objector: objector.optional().describe('a real name or a unit (X-2); missing → refused'),
    text,
    contact: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('how to reach the objector (phone or e-mail); read by the bureau and auditors only'),
    affiliation: z.string().trim().min(1).max(200).optional().describe("the objector's unit, if any"),
    evidenceSha256: sha256.optional().describe('a file of evidence uploaded to the challenge first (P-7)'),
  }),
  // Staff type in what they received on paper; anyone lodges one through the public notice
  // (POST /public/challenges/:id/objections, actor role `public`).
  senders: { bureau: 'any' },
  confidential: ['contact'],
  files: (body) => (body.evidenceSha256 ? [body.evidenceSha256] : []),
  rules: [X2_objection, P7_filesUploaded],
  apply: (ctx, e) => ({
    objections: [
      ...ctx.objections,
      {
        objectionId: `obj-${ctx.objections.length + 1}`,
        // The rule guarantees a named objector; the fallback only satisfies the type.
        objector: e.objector ?? { name: '' },
        text: e.text,
        at: e.at,
        status: 'open' as const,
        opinion: null,
      },
    ],
  }),
});

export const RESOLVE_OBJECTION = staffEvent({
  type: 'RESOLVE_OBJECTION',
  payload: z.strictObject({ objectionId: id, upheld: z.boolean(), opinion: text }),
  senders: { bureau: 'any' },
  rules: [P1_openObjection],
  apply: (ctx, e) => ({
    objections: ctx.objections.map((o) =>
      o.objectionId === e.objectionId
        ? { ...o, status: e.upheld ? ('upheld' as const) : ('dismissed' as const), opinion: e.opinion }
        : o,
    ),
    ...(e.upheld ? { tracks: [], selectedAt: null, noticeEndsAt: null, noticeEnded: false } : {}),
  }),
});

export const NOTICE_PERIOD_ENDED = systemEvent({
  type: 'NOTICE_PERIOD_ENDED',
  due: (ctx) => (ctx.noticeEndsAt === null ? null : justAfter(ctx.noticeEndsAt)),
  rules: [X1_noticeOver],
  apply: () => ({ noticeEnded: true }),
});

/** The one event anyone may send, without an account, through the public notice (issue 12). */
export const publicObjectionEvent = OBJECT;

export const announcementEvents = [OBJECT, RESOLVE_OBJECTION, NOTICE_PERIOD_ENDED] as const;
