import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MACHINE_VERSION } from '../../machines/challenge/version.js';
import { registerParties } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
let auditor: string;
beforeAll(async () => {
  h = await startHarness();
  auditor = (await registerParties(h)).auditor;
});
afterAll(async () => h.close());

describe('the machine over HTTP', () => {
  it('serves the definition with its version', async () => {
    const res = await h.request('GET', '/api/v1/machine', auditor);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe('challenge');
    expect(res.body.version).toBe(MACHINE_VERSION);
    expect(Object.keys(res.body.definition.states)).toEqual([
      'collection',
      'review',
      'publication',
      'matching',
      'expertReview',
      'announcement',
      'disbursement',
      'management',
      'evaluation',
      'withdrawn',
      'notAccepted',
      'rejected',
      'unfilled',
      'terminated',
      'closed',
    ]);
  });

  it('serves a Mermaid diagram with every stage, its Chinese name and the stage-changing events', async () => {
    const res = await h.request('GET', '/api/v1/machine/diagram', auditor);
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/plain');
    const text = String(res.body);
    expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
    for (const label of ['collection 榜单征集', 'expertReview 专家评榜', 'evaluation 总结评价', 'unfilled 流榜'])
      expect(text).toContain(label);
    expect(text).toContain('collection_draft --> review: SUBMIT');
    expect(text).toContain('announcement_notice --> disbursement: NOTICE_PERIOD_ENDED');
  });

  it('needs a token', async () => {
    expect((await h.request('GET', '/api/v1/machine', 'nope')).status).toBe(401);
  });
});
