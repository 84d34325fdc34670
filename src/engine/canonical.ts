/**
 * Canonical JSON and the event hash. Canonical form: object keys sorted by UTF-16 code units
 * (as JSON.stringify of a sorted object), no whitespace, `undefined` members dropped, numbers
 * and strings as JSON.stringify writes them. Two equal values always encode to the same bytes.
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The prev_hash of a challenge's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event row that its hash covers (everything but the hashes and global_seq). */
export interface HashedEventFields {
  challengeId: string;
  seq: number;
  type: string;
  payload: unknown;
  facts: unknown;
  actor: unknown;
  at: string;
  machineVersion: string;
  stateAfter: unknown;
}

/** hash = sha256(prev_hash ‖ canonical JSON of the row's fields). */
export function eventHash(prevHash: string, fields: HashedEventFields): string {
  return sha256Hex(prevHash + canonicalJson(fields));
}
