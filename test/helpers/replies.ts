/** Assertions on one reply of the events route: accepted, or refused by a named clause. */
import { expect } from 'vitest';
import type { Json, Reply } from './harness.js';

const CJK = /[\u4e00-\u9fff]/;

/** A 422 RULE_VIOLATION naming `clause` among its violations, each in English and Chinese. */
export function expectRefused(reply: Reply, clause: string): Json[] {
  expect(reply.status, JSON.stringify(reply.body)).toBe(422);
  expect(reply.body.error.code).toBe('RULE_VIOLATION');
  const violations: Json[] = reply.body.error.violations;
  const of = violations.filter((v) => v.clause === clause);
  expect(of.length, JSON.stringify(violations)).toBeGreaterThan(0);
  for (const v of of) {
    expect(v.message.trim()).not.toBe('');
    expect(v.message_zh).toMatch(CJK);
  }
  return of;
}

export function expectAccepted(reply: Reply): Json {
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
}
