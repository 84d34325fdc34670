/**
 * The open call (api.md): what anyone may read or do without an account — the public list with
 * Chinese search, one call, its notice, the Atom feed, and an objection to a notice. Answers are
 * built from the public projection only (src/engine/public/), never from a challenge's view.
 */

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Feed } from 'feed';
import { z } from 'zod';
import { challengeKinds, sha256 } from '../../../machines/challenge/schemas.js';
import { AppError } from '../../base/errors.js';
import { noticePdf } from '../../engine/public/notice-pdf.js';
import {
  feedEntries,
  listPublicChallenges,
  noticePrintout,
  readPublicChallenge,
  readPublicNotice,
} from '../../engine/public/queries.js';
import { lodgePublicObjection } from '../../engine/write/public-objection.js';
import { malformedUpload, uploadPublicEvidence } from '../../engine/write/upload-attachment.js';
import { errorSchema } from '../schemas.js';
import { signedCheckpointSchema } from './checkpoints.js';

const e = errorSchema;
const idParams = z.object({ id: z.string().min(1).max(100) });

const publicItem = z
  .object({
    id: z.string(),
    title: z.string(),
    kind: z.string(),
    domain: z.string(),
    summary: z.string(),
    issuerName: z.string(),
    districtName: z.string(),
    indicators: z.array(z.string()),
    periodMonths: z.number(),
    solverFundingCny: z.number(),
    biddingClosesAt: z.string().nullable(),
    stage: z.string(),
  })
  .meta({ id: 'PublicChallenge' });

const noticeSchema = z
  .object({
    challengeId: z.string(),
    title: z.string(),
    selected: z.array(
      z.object({
        bidId: z.string(),
        leadUnitName: z.string(),
        memberUnitNames: z.array(z.string()),
        panelScore: z.number().nullable(),
      }),
    ),
    noticeEndsAt: z.string().nullable(),
    objectionsOpen: z.boolean(),
    checkpoint: signedCheckpointSchema
      .nullable()
      .describe('issue 16: the first signed daily checkpoint covering the notice; null until it is recorded'),
  })
  .meta({ id: 'PublicNotice' });

const publicDetail = publicItem
  .extend({
    programmeId: z.string(),
    publishedAt: z.string(),
    biddingOpen: z.boolean(),
    contacts: z.array(z.object({ office: z.string(), name: z.string(), phones: z.array(z.string()) })),
    horseRace: z.object({ routes: z.array(z.object({ name: z.string(), investmentCny: z.number() })) }).nullable(),
    notice: noticeSchema.nullable(),
  })
  .meta({ id: 'PublicChallengeDetail' });

const listQuery = z.object({
  q: z.string().max(200).optional().describe('Chinese full text over title, summary, indicators and issuer name'),
  domain: z.string().max(64).optional(),
  kind: z.enum(challengeKinds).optional(),
  district: z.string().max(64).optional().describe("the recommending unit's credit code"),
  open: z.enum(['true', 'false']).optional().describe('true: only calls still taking bids'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const objectionBody = z.strictObject({
  name: z.string().trim().max(100).describe('real name (X-2: anonymous objections are refused)'),
  contact: z.string().trim().min(1).max(200).describe('phone or e-mail; read by the bureau and auditors only'),
  unit: z.string().trim().max(200).optional(),
  text: z.string().trim().min(1).max(20_000),
  evidenceSha256: sha256.optional().describe('a file uploaded first to …/evidence'),
});

const publicRoutes: FastifyPluginAsyncZod<{ objectionsPerHour: number }> = async (app, opts) => {
  const { db, clock, deps } = app.jiebang;

  app.get(
    '/public/challenges',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        summary: 'Published calls, searchable, for anyone',
        security: [],
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(publicItem), nextCursor: z.string().nullable() }), 400: e },
      },
    },
    async (request) => {
      const q = request.query;
      return listPublicChallenges(
        db,
        {
          q: q.q,
          domain: q.domain,
          kind: q.kind,
          district: q.district,
          open: q.open === 'true',
          cursor: q.cursor,
          limit: q.limit,
        },
        clock.now(),
      );
    },
  );

  app.get(
    '/public/challenges/:id',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        summary: 'One published call, with the contact desks, horse-race routes and notice',
        security: [],
        params: idParams,
        response: { 200: publicDetail, 404: e },
      },
    },
    async (request) => readPublicChallenge(db, request.params.id, clock.now()),
  );

  app.get(
    '/public/challenges/:id/notice',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        summary: 'The notice of the selection (开榜公告); 404 before the announcement',
        security: [],
        params: idParams,
        response: { 200: noticeSchema, 404: e },
      },
    },
    async (request) => readPublicNotice(db, request.params.id, clock.now()),
  );

  app.get(
    '/public/challenges/:id/notice.pdf',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        summary: 'The printable notice (开榜公告) as a PDF with an embedded Chinese font; 404 before the announcement',
        security: [],
        params: idParams,
        response: { 200: z.string().describe('application/pdf'), 404: e },
      },
      serializerCompiler:
        ({ httpStatus }) =>
        (data) =>
          httpStatus === '200' ? (data as string) : JSON.stringify(data),
    },
    async (request, reply) => {
      const now = clock.now();
      const pdf = await noticePdf({ ...(await noticePrintout(db, request.params.id, now)), at: now });
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="notice-${request.params.id}.pdf"`)
        .send(pdf as unknown as string);
    },
  );

  app.post(
    '/public/challenges/:id/objections',
    {
      config: {
        public: true,
        // Per client address: a public form must not become a way to flood the bureau's queue.
        rateLimit: { max: opts.objectionsPerHour, timeWindow: 3_600_000, keyGenerator: (r) => `obj:${r.ip}` },
      },
      schema: {
        tags: ['public'],
        summary: 'Object to a notice, with a real name (recorded as OBJECT, actor role public)',
        security: [],
        params: idParams,
        body: objectionBody,
        response: { 201: z.object({ objectionId: z.string() }), 400: e, 404: e, 422: e, 429: e },
      },
    },
    async (request, reply) => {
      const objectionId = await deps.commits.run(() => lodgePublicObjection(deps, request.params.id, request.body));
      return reply.code(201).send({ objectionId });
    },
  );

  app.post(
    '/public/challenges/:id/evidence',
    {
      config: {
        public: true,
        rateLimit: { max: opts.objectionsPerHour, timeWindow: 3_600_000, keyGenerator: (r) => `evidence:${r.ip}` },
      },
      schema: {
        tags: ['public'],
        summary: 'Upload one file of evidence for an objection, while the notice takes objections',
        description: "The programme's upload limits apply; the objection then names the returned sha256.",
        security: [],
        consumes: ['multipart/form-data'],
        params: idParams,
        response: {
          201: z.object({ sha256: z.string(), size: z.number(), filename: z.string(), contentType: z.string() }),
          400: e,
          404: e,
          413: e,
          422: e,
          429: e,
        },
      },
    },
    async (request, reply) => {
      const part = await app.fileWithinDeadline(request, reply).catch((err: { statusCode?: number }) => {
        if (err instanceof AppError || (err.statusCode !== undefined && err.statusCode < 500)) throw err;
        return malformedUpload(err);
      });
      const result = await uploadPublicEvidence(
        { ...deps, db, files: app.jiebang.files },
        {
          challengeId: request.params.id,
          file: part ? { stream: part.file, filename: part.filename, mimetype: part.mimetype } : undefined,
          at: clock.now().toISOString(),
        },
      );
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/public/feed.atom',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        summary: 'Atom feed of published calls and notices, newest first (application/atom+xml)',
        security: [],
        response: { 200: z.string().describe('an Atom 1.0 document'), 429: e },
      },
      // The 200 is XML text, written as it is; errors stay JSON.
      serializerCompiler:
        ({ httpStatus }) =>
        (data) =>
          httpStatus === '200' ? String(data) : JSON.stringify(data),
    },
    async (request, reply) => {
      const base = `${request.protocol}://${request.host}`;
      const entries = await feedEntries(db, 50);
      const feed = new Feed({
        title: '揭榜挂帅 · 榜单与开榜公告',
        description: '乌鲁木齐市科技局“揭榜挂帅”项目：公开榜单与开榜公告',
        id: `${base}/`,
        link: `${base}/`,
        language: 'zh-CN',
        copyright: '乌鲁木齐市科学技术局',
        updated: entries[0] ? new Date(entries[0].at) : new Date(0),
        feedLinks: { atom: `${base}/api/v1/public/feed.atom` },
      });
      for (const entry of entries) {
        const notice = entry.kind === 'notice';
        feed.addItem({
          title: notice ? `开榜公告：${entry.title}` : `榜单发布：${entry.title}`,
          id: `${base}/challenges/${entry.challengeId}${notice ? '/notice' : ''}`,
          link: `${base}/challenges/${entry.challengeId}${notice ? '/notice' : ''}`,
          description: notice ? `“${entry.title}”揭榜结果公示，欢迎社会监督。` : entry.summary.slice(0, 500),
          author: [{ name: entry.issuerName }],
          date: new Date(entry.at),
        });
      }
      return reply.type('application/atom+xml; charset=utf-8').send(feed.atom1());
    },
  );
};
export default publicRoutes;
