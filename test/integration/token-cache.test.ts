/**
 * Issue 15: the service keeps the token rows it has read, so a request need not read its
 * token again — but never past a revocation: one made through the service (api.test.ts), or
 * one made by another connection to the database (another process, `jiebang` on the same
 * file): the next request with the token is 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeToken } from '../../src/access/tokens.js';
import { openDatabase } from '../../src/db/client.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('token look-ups kept between requests', () => {
  it('a token revoked by another connection is refused on its next request', async () => {
    const issued = await h.request('POST', '/api/v1/tokens', ADMIN_TOKEN, { role: 'bureau', label: '科技局' });
    const { id, token: secret } = issued.body as { id: string; token: string };
    // Read twice: the second request may be answered from what the first read.
    expect((await h.request('GET', '/api/v1/programmes', secret)).status).toBe(200);
    expect((await h.request('GET', '/api/v1/programmes', secret)).status).toBe(200);
    const other = openDatabase(h.dbFile);
    try {
      await revokeToken(other, id, h.now());
    } finally {
      await other.$port.close();
    }
    const refused = await h.request('GET', '/api/v1/programmes', secret);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHENTICATED');
  });
});
