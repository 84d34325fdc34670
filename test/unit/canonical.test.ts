import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  canonicalRowText,
  eventHash,
  GENESIS_HASH,
  globalChainHash,
  type HashedEventFields,
  sha256Hex,
  storedRowHash,
} from '../../src/engine/canonical.js';

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

describe('the canonical text of a stored row', () => {
  const fields: Omit<HashedEventFields, 'payload' | 'actor' | 'stateAfter'> & {
    payload: object;
    actor: object;
    stateAfter: object;
  } = {
    challengeId: 'wlmq-2026-0001',
    seq: 7,
    type: 'BID',
    payload: { team: ['a-lead', 'a-m1'], plan: '有限元优化\n"热处理"', requestedFundingCny: 3_000_000 },
    facts: { units: { U: { registered: true, inCity: false } } },
    actor: { id: 't', role: 'solver', unit: 'U' },
    at: '2026-05-06T02:00:00.000Z',
    machineVersion: '1',
    stateAfter: { matching: 'bidding' },
  };
  const stored = (f: typeof fields, facts: unknown) => ({
    ...f,
    payload: canonicalJson(f.payload),
    facts: facts === null ? null : canonicalJson(facts),
    actor: canonicalJson(f.actor),
    stateAfter: canonicalJson(f.stateAfter),
  });

  it('is byte for byte the canonical JSON of the fields, so both hashes agree', () => {
    expect(canonicalRowText(stored(fields, fields.facts))).toBe(canonicalJson(fields));
    expect(storedRowHash(GENESIS_HASH, stored(fields, fields.facts))).toBe(eventHash(GENESIS_HASH, fields));
    const noFacts = { ...fields, facts: null };
    expect(storedRowHash(GENESIS_HASH, stored(noFacts, null))).toBe(eventHash(GENESIS_HASH, noFacts));
  });

  it('keeps the stored bytes: a space added to a payload changes the hash', () => {
    const row = stored(fields, fields.facts);
    expect(storedRowHash(GENESIS_HASH, { ...row, payload: row.payload.replace(',', ', ') })).not.toBe(
      storedRowHash(GENESIS_HASH, row),
    );
  });

  it('chains the global log onto the previous global hash', () => {
    expect(globalChainHash(GENESIS_HASH, 'ab')).toBe(sha256Hex(`${GENESIS_HASH}ab`));
  });
});
