/**
 * Writes the OpenAPI document the service serves at /docs/json to a file (default: openapi.json
 * in the temp folder) and runs Redocly's linter on it: `npm run lint:openapi`. It must report no
 * error (test/integration/openapi.test.ts runs the same).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';

export async function openapiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApp({
    config: { dbPath: ':memory:', adminToken: 'openapi-document-token', testClock: true, logLevel: 'silent' },
    scheduler: false,
    dispatcher: false,
    logger: false,
  });
  await app.ready();
  const doc = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
}

const root = fileURLToPath(new URL('..', import.meta.url));
export function redoclyLint(file: string): string {
  return execFileSync(join(root, 'node_modules/.bin/redocly'), ['lint', '--config', join(root, 'redocly.yaml'), file], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? join(tmpdir(), 'jiebang-openapi.json');
  writeFileSync(file, JSON.stringify(await openapiDocument(), null, 2));
  console.log(`${file} written`);
  console.log(redoclyLint(file));
}
