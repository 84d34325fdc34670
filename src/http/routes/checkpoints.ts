/**
 * Issue 16: what anyone needs to check the bureau's log against checkpoints they keep — the SM2
 * public key (and every key that signed before it) and the signed daily checkpoints (api.md
 * "Cryptography"). Public: no token, public fields only (a checkpoint is a hash of the whole log
 * and its position, nothing of any challenge).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { signedCheckpoints, signingKeyHistory } from '../../engine/audit/checkpoint-signatures.js';
import { errors } from '../schemas.js';

export const signedCheckpointSchema = z
  .object({
    day: z.string().describe('the Beijing date the checkpoint closes'),
    globalSeq: z.number().int().describe('the last event of that day in the whole log'),
    globalHash: z.string().describe('the head of the global chain after it'),
    hashAlgorithm: z.string().describe('`sha256` or `sm3`: the hash that event was chained with'),
    signature: z
      .string()
      .describe('base64 DER of SM2-with-SM3 over the UTF-8 of `day|globalSeq|globalHash|hashAlgorithm`, with distId'),
  })
  .meta({ id: 'SignedCheckpoint' });

const keySchema = z.object({
  keyId: z.string().describe('SM3 of the DER SubjectPublicKeyInfo, hex'),
  publicKeyPem: z.string(),
  distId: z.string(),
  firstUsedAt: z.string(),
});

const publicKeySchema = z
  .object({
    algorithm: z.literal('SM2'),
    publicKeyPem: z.string().describe('the key that signs checkpoints from now on (SubjectPublicKeyInfo, PEM)'),
    distId: z.string().describe('the SM2 distinguishing id the signatures use'),
    history: z
      .array(keySchema)
      .describe(
        'every key that has signed checkpoints, oldest first: a checkpoint signed before a key rotation verifies under its own key',
      ),
  })
  .meta({ id: 'PublicKey' });

const checkpointRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, signer } = app.jiebang;

  app.get(
    '/audit/public-key',
    {
      config: { public: true },
      schema: {
        tags: ['audit'],
        summary: 'The SM2 public key that signs the daily checkpoints, with the keys that signed before it',
        security: [],
        response: { 200: publicKeySchema, 429: errors.read[429] },
      },
    },
    async () => ({
      algorithm: 'SM2' as const,
      publicKeyPem: signer.publicKeyPem,
      distId: signer.distId,
      history: await signingKeyHistory(db.$port),
    }),
  );

  app.get(
    '/public/checkpoints',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        summary: 'The signed daily checkpoints of the global chain, oldest first, for anyone to keep',
        security: [],
        response: { 200: z.object({ items: z.array(signedCheckpointSchema) }), 429: errors.read[429] },
      },
    },
    async () => ({ items: await signedCheckpoints(db.$port) }),
  );
};

export default checkpointRoutes;
