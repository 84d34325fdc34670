import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnyStateMachine, type AnyStateNode, createMachine } from 'xstate';
import { challengeMachine } from '../../machines/challenge/machine.js';
import { MACHINE_VERSION } from '../../machines/challenge/version.js';
import { machineTransitions } from '../../src/chart/machine-graph.js';
import { PROCESS_DOC } from '../../src/cli/process-doc.js';
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

  it('serves a definition that round-trips: a machine built from it has every state and transition of the real one', async () => {
    const res = await h.request('GET', '/api/v1/machine', auditor);
    // Guards and actions are named only; createMachine accepts names without implementations.
    const rebuilt = createMachine(res.body.definition);
    expect(rebuilt.id).toBe(challengeMachine.id);
    const idsOf = (m: AnyStateMachine) => {
      const walk = (n: AnyStateNode): string[] => [n.id, ...Object.values(n.states).flatMap(walk)];
      return walk(m.root).sort();
    };
    expect(idsOf(rebuilt)).toEqual(idsOf(challengeMachine));
    // Every (source, event, branch): same guards (and([...]) included), targets and outcome clause.
    expect(machineTransitions(rebuilt)).toEqual(machineTransitions(challengeMachine));
    expect(machineTransitions(rebuilt).length).toBeGreaterThan(50);
    // XState's own JSON of the rebuilt machine matches the real machine's, guards aside
    // (XState drops and([...]) guards from its JSON; the served definition keeps their names).
    const noGuards = (m: AnyStateMachine) =>
      JSON.parse(JSON.stringify(m.definition, (k, v) => (k === 'guard' || k === 'description' ? undefined : v)));
    expect(noGuards(rebuilt)).toEqual(noGuards(challengeMachine));
    // Stages carry their Chinese names; guarded transitions say which clauses they check.
    expect(res.body.definition.states.matching.description).toBe('揭榜对接');
    expect(res.body.definition.states.matching.states.bidding.on.CLOSE_MATCHING[0]).toMatchObject({
      target: '#challenge.expertReview',
      guard: 'rulesAllow && enoughAgreedBids',
      description: 'rules checked: H-3',
    });
  });

  it('serves the diagram committed in docs/process.md', async () => {
    const res = await h.request('GET', '/api/v1/machine/diagram', auditor);
    expect(readFileSync(PROCESS_DOC, 'utf8')).toContain(`\`\`\`mermaid\n${String(res.body)}\`\`\``);
  });

  it('serves a Mermaid diagram with every stage, its Chinese name and the stage-changing events', async () => {
    const res = await h.request('GET', '/api/v1/machine/diagram', auditor);
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/plain');
    const text = String(res.body);
    expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
    for (const label of ['collection 榜单征集', 'expertReview 专家评榜', 'evaluation 总结评价', 'unfilled 流榜'])
      expect(text).toContain(label);
    expect(text).toContain('collection_draft --> review: SUBMIT [W-1, Q-2/3');
    expect(text).toContain('announcement_notice --> disbursement: NOTICE_PERIOD_ENDED [X-1] when noOpenObjection');
  });

  it('needs a token', async () => {
    expect((await h.request('GET', '/api/v1/machine', 'nope')).status).toBe(401);
  });
});
