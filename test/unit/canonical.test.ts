import { describe, expect, it } from 'vitest';
import { canonicalJson, eventHash, GENESIS_HASH, sha256Hex } from '../../src/engine/canonical.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('encodes equal values to equal bytes whatever their key order', () => {
    const one = { type: 'BID', payload: { members: ['a', 'b'], bidId: 'x' }, at: '2026-01-01T00:00:00.000Z' };
    const two = { at: '2026-01-01T00:00:00.000Z', payload: { bidId: 'x', members: ['a', 'b'] }, type: 'BID' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('keeps strings, numbers and null as JSON writes them', () => {
    expect(canonicalJson(['中文', 1.5, null, true, 'a"b'])).toBe('["中文",1.5,null,true,"a\\"b"]');
  });
});

describe('event hash', () => {
  const fields = {
    challengeId: 'c',
    seq: 1,
    type: 'CREATE',
    payload: { a: 1 },
    facts: null,
    actor: { id: 'x', role: 'issuer' },
    at: '2026-05-06T02:00:00.000Z',
    machineVersion: '1',
    stateAfter: { collection: 'draft' },
  };

  it('is sha256 of the previous hash followed by the canonical row', () => {
    expect(eventHash(GENESIS_HASH, fields)).toBe(sha256Hex(GENESIS_HASH + canonicalJson(fields)));
  });

  it('changes when any field or the previous hash changes', () => {
    const base = eventHash(GENESIS_HASH, fields);
    expect(eventHash(GENESIS_HASH, { ...fields, seq: 2 })).not.toBe(base);
    expect(eventHash('1'.repeat(64), fields)).not.toBe(base);
  });
});
