/**
 * Issue 14: the OpenAPI document a client generator can trust. The routes' zod schemas give the
 * bodies; this module adds what they cannot say: an operationId per route, the servers, the
 * response headers (x-request-id on every answer, ETag on a challenge, Retry-After on 429, the
 * idempotent-replay marker), the multipart upload body, the content type of text answers,
 * request examples (generated from the tests' fixtures: openapi-examples.json), and `null` in
 * the enum of a nullable enum (OpenAPI 3.0 validators check the enum before `nullable`).
 */
import examples from './openapi-examples.json' with { type: 'json' };

/** `METHOD /path` → operationId. A route missing here fails the document (test/integration/openapi.test.ts). */
export const operationIds: Record<string, string> = {
  'GET /health': 'getHealth',
  'GET /ready': 'getReadiness',
  'GET /metrics': 'getMetrics',
  'POST /api/v1/tokens': 'issueToken',
  'DELETE /api/v1/tokens/{id}': 'revokeToken',
  'PUT /api/v1/programmes/{id}': 'putProgramme',
  'GET /api/v1/programmes/{id}': 'getProgramme',
  'GET /api/v1/programmes': 'listProgrammes',
  'PUT /api/v1/units/{code}': 'putUnit',
  'GET /api/v1/units/{code}': 'getUnit',
  'PUT /api/v1/persons/{id}': 'putPerson',
  'GET /api/v1/persons/{id}': 'getPerson',
  'POST /api/v1/records': 'createRecord',
  'GET /api/v1/records': 'listRecords',
  'POST /api/v1/challenges': 'createChallenge',
  'GET /api/v1/challenges': 'listChallenges',
  'GET /api/v1/challenges/{id}': 'getChallenge',
  'POST /api/v1/challenges/{id}/events': 'sendEvent',
  'GET /api/v1/challenges/{id}/history': 'getHistory',
  'GET /api/v1/challenges/{id}/state': 'getStateAt',
  'GET /api/v1/challenges/{id}/verify': 'verifyChallenge',
  'GET /api/v1/challenges/{id}/reconciliation': 'getReconciliation',
  'GET /api/v1/challenges/{id}/stream': 'streamChallengeEvents',
  'GET /api/v1/audit/verify': 'verifyLog',
  'GET /api/v1/audit/public-key': 'getSigningPublicKey',
  'GET /api/v1/public/checkpoints': 'listSignedCheckpoints',
  'POST /api/v1/challenges/{id}/attachments': 'uploadAttachment',
  'GET /api/v1/challenges/{id}/attachments/{sha256}': 'downloadAttachment',
  'GET /api/v1/machine': 'getMachine',
  'GET /api/v1/machine/diagram': 'getMachineDiagram',
  'GET /api/v1/machine/events': 'getMachineEvents',
  'GET /api/v1/inbox': 'getInbox',
  'GET /api/v1/stats': 'getStats',
  'GET /api/v1/denials': 'listDenials',
  'POST /api/v1/webhooks': 'createWebhook',
  'GET /api/v1/webhooks': 'listWebhooks',
  'DELETE /api/v1/webhooks/{id}': 'deleteWebhook',
  'GET /api/v1/webhooks/{id}/deliveries': 'listDeliveries',
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/retry': 'retryDelivery',
  'PUT /api/v1/mail/recipients/{address}': 'putMailRecipient',
  'GET /api/v1/mail/recipients': 'listMailRecipients',
  'PUT /api/v1/mail/recipients/{address}/opt-outs': 'putMailOptOuts',
  'GET /api/v1/mail/outbox': 'listMail',
  'POST /api/v1/mail/outbox/{deliveryId}/retry': 'retryMail',
  'POST /api/v1/registrations': 'registerUnit',
  'GET /api/v1/registrations': 'listRegistrations',
  'POST /api/v1/registrations/{id}/decision': 'decideRegistration',
  'POST /api/v1/sessions': 'signIn',
  'DELETE /api/v1/sessions': 'signOut',
  'GET /api/v1/me': 'getMe',
  'PUT /api/v1/me/password': 'changePassword',
  'POST /api/v1/accounts': 'createAccount',
  'GET /api/v1/accounts': 'listAccounts',
  'GET /api/v1/accounts/log': 'listAccountLog',
  'POST /api/v1/accounts/{id}/password-reset': 'resetPassword',
  'GET /api/v1/public/challenges': 'listPublicChallenges',
  'GET /api/v1/public/challenges/{id}': 'getPublicChallenge',
  'GET /api/v1/public/challenges/{id}/notice': 'getPublicNotice',
  'GET /api/v1/public/challenges/{id}/notice.pdf': 'getPublicNoticePdf',
  'POST /api/v1/public/challenges/{id}/objections': 'fileObjection',
  'POST /api/v1/public/challenges/{id}/evidence': 'uploadObjectionEvidence',
  'GET /api/v1/public/feed.atom': 'getPublicFeed',
  'POST /api/v1/test/clock': 'moveTestClock',
};

/** Answers that are text, not JSON. */
const textAnswers: Record<string, string> = {
  'GET /api/v1/machine/diagram': 'text/plain',
  'GET /api/v1/challenges/{id}/stream': 'text/event-stream',
  'GET /metrics': 'text/plain',
  'GET /api/v1/public/challenges/{id}/notice.pdf': 'application/pdf',
  'GET /api/v1/public/feed.atom': 'application/atom+xml',
  'GET /api/v1/challenges/{id}/attachments/{sha256}': 'application/octet-stream',
};

/** Answers carrying a challenge (ETag) and writes that take an Idempotency-Key (the replay marker). */
const etagged = new Set([
  'GET /api/v1/challenges/{id}',
  'POST /api/v1/challenges',
  'POST /api/v1/challenges/{id}/events',
]);
const idempotent = new Set(['POST /api/v1/challenges', 'POST /api/v1/challenges/{id}/events']);

type Json = Record<string, unknown>;
type Operation = {
  operationId?: string;
  requestBody?: { content?: Record<string, { schema?: Json; examples?: Json; example?: unknown }> };
  responses?: Record<string, { description?: string; headers?: Json; content?: Record<string, { schema?: Json }> }>;
  security?: unknown[];
};

const header = (description: string, schema: Json = { type: 'string' }) => ({ description, schema });

/**
 * OpenAPI-3.0 fixes for nullable schemas: `null` must be in a nullable enum too, and a nullable
 * reference (`allOf: [{$ref}]`, which zod emits for a named object schema) needs its `type`
 * beside `nullable` (the named schemas referenced this way are objects).
 */
function nullInNullableEnums(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) nullInNullableEnums(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const schema = node as Json;
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
  if (schema.nullable === true && schema.type === undefined && Array.isArray(schema.allOf)) schema.type = 'object';
  for (const value of Object.values(schema)) nullInNullableEnums(value);
}

/** Finishes the document @fastify/swagger built (its `transformObject` hook). */
export function finishDocument(doc: Json): Json {
  doc.servers = [{ url: '/', description: 'this service (the API is under /api/v1)' }];
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const requestExamples = examples as Record<string, Record<string, unknown>>;
  const unnamed = Object.entries(paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .map((method) => `${method.toUpperCase()} ${path}`)
      .filter((key) => !operationIds[key]),
  );
  // All at once, so a developer adding routes fixes the table in one go.
  if (unnamed.length > 0) throw new Error(`no operationId for ${unnamed.join(', ')}: add them to src/http/openapi.ts`);
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const key = `${method.toUpperCase()} ${path}`;
      const id = operationIds[key] as string;
      op.operationId = id;
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        response.headers = {
          ...response.headers,
          'x-request-id': header('the id of this request, also in the log and in any error body'),
        };
        if (status === '429')
          response.headers['retry-after'] = header('seconds to wait before retrying', { type: 'integer' });
        if (status.startsWith('2') && etagged.has(key))
          response.headers.etag = header('the challenge version, quoted: send it back as If-Match');
        if (status.startsWith('2') && idempotent.has(key))
          response.headers['idempotent-replayed'] = header(
            '"true" when this is the stored answer to an Idempotency-Key already used (nothing was done again)',
            { type: 'string', enum: ['true'] },
          );
        const text = textAnswers[key];
        if (text && status.startsWith('2')) response.content = { [text]: { schema: { type: 'string' } } };
      }
      if (key === 'POST /api/v1/challenges/{id}/attachments')
        op.requestBody = {
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: { file: { type: 'string', format: 'binary', description: 'the one file' } },
              },
            },
          },
        };
      const media = op.requestBody?.content?.['application/json'];
      const named = requestExamples[id];
      if (media && named)
        media.examples = Object.fromEntries(Object.entries(named).map(([name, value]) => [name, { value }]));
    }
  }
  nullInNullableEnums(doc.components);
  nullInNullableEnums(doc.paths);
  dropUnusedSchemas(doc);
  return doc;
}

/** The zod transform adds an `…Input` twin of each named schema; those no route names are left out. */
function dropUnusedSchemas(doc: Json): void {
  const schemas = (doc.components as { schemas?: Record<string, unknown> } | undefined)?.schemas;
  if (!schemas) return;
  for (;;) {
    const text = JSON.stringify({ paths: doc.paths, schemas });
    const unused = Object.keys(schemas).filter((name) => !text.includes(`"#/components/schemas/${name}"`));
    if (unused.length === 0) return;
    for (const name of unused) delete schemas[name];
  }
}
