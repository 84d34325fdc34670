import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { uploaderRoles } from '../../access/policy.js';
import { AppError } from '../../base/errors.js';
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
};
export default attachmentRoutes;
