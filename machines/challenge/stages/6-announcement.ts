/**
 * Stage 6, 开榜公告 (announcement): the selection is on public notice; objections are lodged and
 * resolved. An upheld objection sends the challenge back to scoring (chart).
 */
import { z } from 'zod';
import { justAfter } from '../../calendar.js';
import { staffEvent, systemEvent } from '../event.js';
import { X1_noticeOver, X2_objection } from '../rules/announcement.js';
import { P1_openObjection } from '../rules/process.js';
import { id, objector, text } from '../schemas.js';

export const OBJECT = staffEvent({
  type: 'OBJECT',
  payload: z.strictObject({
    objector: objector.optional().describe('a real name or a unit (X-2); missing → refused'),
    text,
  }),
  senders: { bureau: 'any' },
  rules: [X2_objection],
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

export const announcementEvents = [OBJECT, RESOLVE_OBJECTION, NOTICE_PERIOD_ENDED] as const;
