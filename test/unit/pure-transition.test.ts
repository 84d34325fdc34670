import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import type { ChallengeEvent } from '../../machines/challenge/events.js';
import { challengeMachine } from '../../machines/challenge/machine.js';
import { completeDraft } from '../../machines/challenge/schemas.js';
import { wlmq2026 } from '../../machines/programme.js';
import { pureInitialOf, pureTransition } from '../../src/engine/pure-transition.js';

const issuer = { id: 'issuer-token', role: 'issuer' as const };
const at = '2026-05-06T02:00:00.000Z';
const createInput = {
  id: 'wlmq-2026-0001',
  programmeId: 'wlmq-2026',
  settings: wlmq2026,
  draft: completeDraft({ kind: 'techBreakthrough', domain: 'ai', title: 't', issuerUnit: 'U', districtUnit: 'D' }),
  at,
  actor: issuer,
};
const [start] = initialTransition(challengeMachine, createInput);

const events = [
  { type: 'UPDATE', title: '新标题', at, actor: issuer },
  { type: 'ATTACH', kind: 'unitPledge', sha256: 'a'.repeat(64), at, actor: issuer },
  { type: 'SUBMIT', confirmDetails: true, at, actor: issuer }, // refused: Q-2/3, Q-4 …
  { type: 'RECOMMEND', opinion: 'x', at, actor: { id: 'd', role: 'district' } }, // not taken in collection
  { type: 'WITHDRAW', reason: '撤回', at, actor: issuer },
  { type: 'UPDATE', title: 'after the end', at, actor: issuer }, // an outcome takes nothing
] as ChallengeEvent[];

describe('pureTransition', () => {
  it('gives the snapshots XState transition() gives, accepted or not', () => {
    let ours = start;
    let theirs = start;
    for (const event of events) {
      const nextOurs = pureTransition(ours, event);
      const [nextTheirs] = transition(challengeMachine, theirs, event);
      expect(nextOurs.value).toEqual(nextTheirs.value);
      expect(nextOurs.context).toEqual(nextTheirs.context);
      expect(nextOurs.status).toBe(nextTheirs.status);
      // Refusal is the same object back, as with transition().
      expect(nextOurs === ours).toBe(nextTheirs === theirs);
      ours = nextOurs;
      theirs = nextTheirs;
    }
    expect(ours.value).toBe('withdrawn');
  });
});

describe('pureInitialOf', () => {
  it('gives the snapshot XState initialTransition() gives, call after call', () => {
    for (const title of ['一', '二']) {
      const input = { ...createInput, draft: { ...createInput.draft, title } };
      const ours = pureInitialOf(challengeMachine, input);
      const [theirs] = initialTransition(challengeMachine, input);
      expect(ours.value).toEqual(theirs.value);
      expect(ours.context).toEqual(theirs.context);
      expect(ours.status).toBe(theirs.status);
      expect(ours.context.draft.title).toBe(title);
    }
  });
});
