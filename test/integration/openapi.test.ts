/**
 * The OpenAPI document a client generator trusts (issue 14): an operationId on every route,
 * servers, enums for stage and allowedEvents, response headers, the multipart upload, text
 * answers declared as text, a valid example for every JSON request body (from the fixtures,
 * and current: `npm run docs:openapi`), Redocly's linter with no error — and every real response
 * of a full lifecycle valid against the document, checked by ajv in strict mode.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffEventTypes } from '../../machines/challenge/events.js';
import { stages } from '../../machines/challenge/stage.js';
import { openapiDocument, redoclyLint } from '../../scripts/openapi-document.js';
import { EXAMPLES_FILE, renderExamples } from '../../scripts/openapi-examples.js';
import { horseRace, type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import { type Harness, type Json, type Reply, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

type Doc = {
  servers: unknown[];
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
};
let doc: Doc;
let h: Harness;
let p: Parties;

beforeAll(async () => {
  doc = (await openapiDocument()) as Doc;
  h = await startHarness();
  p = await registerParties(h);
});
afterAll(async () => h.close());

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * An OpenAPI 3.0 schema as JSON Schema (draft 7) for ajv: 3.0 writes an exclusive bound as
 * `minimum` with `exclusiveMinimum: true` (draft 4 style); draft 7 as `exclusiveMinimum: <n>`.
 */
function asJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = asJsonSchema(value);
  for (const [bound, exclusive] of [
    ['minimum', 'exclusiveMinimum'],
    ['maximum', 'exclusiveMaximum'],
  ] as const)
    if (out[exclusive] === true) {
      out[exclusive] = out[bound];
      delete out[bound];
    } else if (out[exclusive] === false) delete out[exclusive];
  return out;
}

/** ajv in strict mode, knowing the document's components and OpenAPI 3.0's own keywords. */
function strictAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  // OpenAPI 3.0 schema keywords that are not JSON Schema: declared, so strict mode accepts them.
  ajv.addKeyword({ keyword: 'example' });
  ajv.addVocabulary(['xml', 'externalDocs', 'discriminator']);
  ajv.addFormat('binary', true);
  for (const [name, schema] of Object.entries(doc.components.schemas))
    ajv.addSchema(asJsonSchema(schema) as object, `#/components/schemas/${name}`);
  return ajv;
}

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );

describe('the OpenAPI document', () => {
  it('names every operation once, and its servers', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('has enums for stage and allowedEvents, null in the nullable enum of Track.midterm', () => {
    const challenge = doc.components.schemas.Challenge;
    expect(challenge.properties.stage.enum).toEqual([...stages]);
    expect(challenge.properties.allowedEvents.items.enum).toEqual([...staffEventTypes]);
    expect(doc.components.schemas.Track.properties.midterm).toMatchObject({
      nullable: true,
      enum: ['continue', 'stop', null],
    });
  });

  it('declares the response headers, the upload body, the text answers, and /health without a token', () => {
    for (const { op } of operations())
      for (const response of Object.values(op.responses as Record<string, Json>))
        expect(response.headers).toHaveProperty('x-request-id');
    const events = doc.paths['/api/v1/challenges/{id}/events'] as Json;
    expect(Object.keys(events.post.responses['200'].headers).sort()).toEqual([
      'etag',
      'idempotent-replayed',
      'x-request-id',
    ]);
    expect(events.post.responses['429'].headers).toHaveProperty('retry-after');
    const upload = (doc.paths['/api/v1/challenges/{id}/attachments'] as Json).post;
    expect(upload.requestBody.content['multipart/form-data'].schema.properties.file).toEqual(
      expect.objectContaining({ type: 'string', format: 'binary' }),
    );
    expect(Object.keys((doc.paths['/api/v1/machine/diagram'] as Json).get.responses['200'].content)).toEqual([
      'text/plain',
    ]);
    expect((doc.paths['/health'] as Json).get.security).toEqual([]);
    expect((doc.paths['/metrics'] as Json).get.security).toEqual([]);
  });

  it('has a valid example for every JSON request body, from the current fixtures', () => {
    expect(readFileSync(EXAMPLES_FILE, 'utf8'), 'stale: run npm run docs:openapi').toBe(renderExamples());
    const ajv = strictAjv();
    let checked = 0;
    for (const { path, method, op } of operations()) {
      const media = op.requestBody?.content?.['application/json'];
      if (!media) continue;
      const examples = Object.entries((media.examples ?? {}) as Record<string, { value: unknown }>);
      expect(examples.length, `${method} ${path} has no example`).toBeGreaterThan(0);
      const validate = ajv.compile(asJsonSchema(media.schema) as object);
      for (const [name, { value }] of examples) {
        expect(validate(value), `${method} ${path} example ${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(staffEventTypes.length);
  });

  it('passes Redocly lint with no error', () => {
    const file = join(tmpdir(), `jiebang-openapi-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(doc));
    // redoclyLint throws (non-zero exit) on any error; warnings are allowed.
    expect(redoclyLint(file)).toBeDefined();
  });
});

describe('real responses of a full lifecycle against the document (ajv strict)', () => {
  it('every answer of a horse race from draft to closed validates', async () => {
    const ajv = strictAjv();
    const compiled = new Map<string, ValidateFunction>();
    const checked: string[] = [];
    const check = (method: string, url: string, reply: Reply) => {
      const path = url.split('?')[0] ?? '';
      const entry = Object.entries(doc.paths).find(([template]) =>
        new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
      );
      expect(entry, `${method} ${path} is not in the document`).toBeDefined();
      const [template, methods] = entry as [string, Record<string, Json>];
      const op = methods[method.toLowerCase()];
      expect(op, `${method} ${template} is not in the document`).toBeDefined();
      const response = op.responses[String(reply.status)];
      expect(response, `${method} ${template} ${reply.status} is not documented`).toBeDefined();
      const schema = response.content?.['application/json']?.schema;
      if (!schema) return;
      const key = `${method} ${template} ${reply.status}`;
      const validate = compiled.get(key) ?? ajv.compile(asJsonSchema(schema) as object);
      compiled.set(key, validate);
      expect(validate(reply.body), `${key}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      checked.push(key);
    };
    const recording: Harness = {
      ...h,
      request: async (...args) => {
        const reply = await h.request(...args);
        check(args[0], args[1], reply);
        return reply;
      },
      send: async (token, id, event, headers) => {
        const reply = await h.send(token, id, event, headers);
        check('POST', `/api/v1/challenges/${id}/events`, reply);
        return reply;
      },
    };
    const c = new ChallengeDriver(recording, p);
    await c.create(techDraft({ horseRace }));
    await c.send(p.issuer, { type: 'SUBMIT', confirmDetails: true }); // refused: 422
    await c.toManagement([
      { bidId: 'race-a', route: horseRace.routes[0]?.name },
      { bidId: 'race-b', route: horseRace.routes[1]?.name },
    ]);
    await c.decideMidterm('race-b', 'stop', '中期评估不通过');
    await c.reportProgress('race-a');
    await c.runOutThePeriod();
    await c.submitFinalReport('race-a');
    await c.decideAcceptance('passed', '验收通过');
    await c.history();
    for (const url of [
      `/api/v1/challenges/${c.id}/state?seq=3`,
      `/api/v1/challenges/${c.id}/verify`,
      '/api/v1/challenges',
      '/api/v1/denials',
    ])
      await recording.request('GET', url, p.auditor);
    await recording.request('GET', '/api/v1/machine', p.bureau);
    const kinds = new Set(checked);
    expect(checked.length).toBeGreaterThan(60);
    expect(kinds).toContain('POST /api/v1/challenges/{id}/events 422');
    expect(kinds).toContain('GET /api/v1/challenges/{id}/history 200');
    expect((await c.view()).stage).toBe('closed');
  });
});
