/**
 * Canonical JSON and the event hash. Canonical form: object keys sorted by UTF-16 code units
 * (as JSON.stringify of a sorted object), no whitespace, `undefined` members dropped, numbers
 * and strings as JSON.stringify writes them. Two equal values always encode to the same bytes.
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Plain loops, no intermediate arrays of entries (issue 15: this runs on every event). The
  // bytes are those of the map/filter/sort/join form it replaced, holes of a sparse array included.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const v: unknown = value[i];
      out += v !== undefined ? canonicalJson(v) : i in value ? 'null' : '';
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // The default sort orders by UTF-16 code units, as the comparison `a < b` does.
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The hashes the chains may use (issue 16, api.md "Cryptography": `JIEBANG_HASH`). */
export const HASH_ALGORITHMS = ['sha256', 'sm3'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];
/** Events recorded before any switch point were chained with SHA-256. */
export const ORIGINAL_HASH: HashAlgorithm = 'sha256';

/**
 * The chains' one hash: lowercase hex of `algorithm` (SHA-256, or SM3 of GB/T 32905 from Node's
 * OpenSSL) over the UTF-8 bytes of `text`. Both give 32 bytes, 64 hex characters, so a chain
 * crosses a switch point with no change of format.
 */
export const chainDigest = (algorithm: HashAlgorithm, text: string): string =>
  createHash(algorithm).update(text).digest('hex');

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

/** hash = H(prev_hash ‖ canonical JSON of the row's fields), H the algorithm in effect for the event. */
export function eventHash(
  prevHash: string,
  fields: HashedEventFields,
  algorithm: HashAlgorithm = ORIGINAL_HASH,
): string {
  return chainDigest(algorithm, prevHash + canonicalJson(fields));
}

/**
 * An event row as stored: payload, facts, actor and state_after are already canonical JSON
 * text (commit.ts writes them with `canonicalJson`), so the canonical JSON of the row is their
 * bytes spliced in key order. Verify hashes these bytes as they are — never a re-encoding of a
 * parsed value, which would hide an edit that only changes spacing — and docs/audit.md shows
 * the same splice in a standalone script.
 */
export interface StoredEventText {
  challengeId: string;
  seq: number;
  type: string;
  payload: string;
  facts: string | null;
  actor: string;
  at: string;
  machineVersion: string;
  stateAfter: string;
}

/** Every stored column of an event row, as verify and export read it. */
export interface StoredEventRow extends StoredEventText {
  globalSeq: number;
  prevHash: string;
  hash: string;
  globalHash: string;
}

/** The canonical JSON of a stored row's hashed fields, byte for byte what `eventHash` hashes. */
export function canonicalRowText(row: StoredEventText): string {
  const s = JSON.stringify;
  return (
    `{"actor":${row.actor},"at":${s(row.at)},"challengeId":${s(row.challengeId)},"facts":${row.facts ?? 'null'},` +
    `"machineVersion":${s(row.machineVersion)},"payload":${row.payload},"seq":${row.seq},` +
    `"stateAfter":${row.stateAfter},"type":${s(row.type)}}`
  );
}

/** The hash a stored row must carry, given the hash of the challenge's previous event. */
export const storedRowHash = (
  prevHash: string,
  row: StoredEventText,
  algorithm: HashAlgorithm = ORIGINAL_HASH,
): string => chainDigest(algorithm, prevHash + canonicalRowText(row));

/** The global chain: each event's `global_hash` chains its `hash` onto the previous event's. */
export const globalChainHash = (
  prevGlobalHash: string,
  hash: string,
  algorithm: HashAlgorithm = ORIGINAL_HASH,
): string => chainDigest(algorithm, prevGlobalHash + hash);
