import { createReadStream, existsSync } from 'node:fs';
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rolesFor, uploaderRoles } from '../../access/policy.js';
import { AppError, forbidden, notFound } from '../../base/errors.js';
import { attachments } from '../../db/schema.js';
import { loadChallenge } from '../../engine/load-challenge.js';
import { visibilityOf } from '../../engine/read/view.js';
import { malformedUpload, uploadAttachment } from '../../engine/write/upload-attachment.js';
import { errors } from '../schemas.js';

/** Uploads: multipart in, `{sha256, size, filename}` out; then ATTACH (or a payment, a report) names the hash. */
const attachmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const { deps, db, files, clock } = app.jiebang;
  app.post(
    '/challenges/:id/attachments',
    {
      config: { roles: uploaderRoles(), recordsDenials: true, eventType: 'UPLOAD' },
      schema: {
        tags: ['challenges'],
        summary: 'Upload a file to a challenge (multipart/form-data, one file)',
        description:
          "Stored content-addressed by SHA-256, never under the client's file name. The size limit and allowed types are the programme's `uploads` settings. ATTACH, RECORD_PAYMENT and SUBMIT_FINAL_REPORT then name the hash; one not uploaded to this challenge is refused (P-7).",
        consumes: ['multipart/form-data'],
        params: z.object({ id: z.string().min(1).max(100) }),
        response: {
          201: z.object({ sha256: z.string(), size: z.number(), filename: z.string(), contentType: z.string() }),
          ...errors.write,
        },
      },
    },
    async (request, reply) => {
      // Fastify's own 4xx (not multipart at all) pass through; a broken body is a 400, not a 500.
      const part = await app.fileWithinDeadline(request, reply).catch((err: { statusCode?: number }) => {
        if (err instanceof AppError || (err.statusCode !== undefined && err.statusCode < 500)) throw err;
        return malformedUpload(err);
      });
      const result = await uploadAttachment(
        { ...deps, db, files },
        {
          challengeId: request.params.id,
          caller: request.caller,
          file: part ? { stream: part.file, filename: part.filename, mimetype: part.mimetype } : undefined,
          at: clock.now().toISOString(),
        },
      );
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/challenges/:id/attachments/:sha256',
    {
      config: { roles: rolesFor('readChallenges') },
      schema: {
        tags: ['challenges'],
        summary: 'Download a file uploaded to a challenge (those who see the challenge whole)',
        description:
          "The bytes as uploaded, with the uploader's file name; for the roles that see this challenge in full (the bureau, finance, auditors, its issuing and recommending units). Others read a published call without its files (403), an unpublished one as absent (404).",
        params: z.object({ id: z.string().min(1).max(100), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
        response: { 200: z.any().describe('the file'), ...errors.read },
      },
    },
    async (request, reply) => {
      const { id, sha256 } = request.params;
      const loaded = await loadChallenge(deps, id);
      if (!loaded) throw notFound('challenge', id, '榜单');
      const seen = visibilityOf(loaded.snapshot, request.caller);
      if (seen === 'none') throw notFound('challenge', id, '榜单');
      if (seen !== 'full')
        throw forbidden(
          "A challenge's files are for those who see it whole.",
          '榜单附件仅向市科技局、财务、审计人员及本榜单发榜、推荐单位开放。',
        );
      const row = await db
        .select()
        .from(attachments)
        .where(and(eq(attachments.challengeId, id), eq(attachments.sha256, sha256), isNull(attachments.removedAt)))
        .get();
      const path = row ? files.pathOf(sha256) : undefined;
      if (!row || !path || !existsSync(path)) throw notFound('attachment', sha256, '附件');
      return reply
        .type(row.contentType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(row.filename)}`)
        .send(createReadStream(path));
    },
  );
};
export default attachmentRoutes;
