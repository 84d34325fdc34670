/**
 * The SM2-signed daily checkpoints of the global chain (issue 16, docs/audit.md §3b) as the time
 * machine shows them: which checkpoint covers an event, and the commands to check one by hand.
 */

/** One item of `GET /public/checkpoints`. */
export interface Checkpoint {
  day: string;
  globalSeq: number;
  globalHash: string;
  hashAlgorithm: string;
  signature: string;
}

/**
 * Each event's covering checkpoint: the first whose `globalSeq` is at or after the event's own,
 * since a checkpoint seals the global chain up to its `globalSeq`. Events after the last one
 * recorded have none yet (their day's checkpoint is made by the next day's first event).
 */
export function covering<E extends { seq: number; globalSeq: number }>(
  events: readonly E[],
  checkpoints: readonly Checkpoint[],
): Map<number, Checkpoint> {
  const sorted = [...checkpoints].sort((a, b) => a.globalSeq - b.globalSeq);
  const found = new Map<number, Checkpoint>();
  for (const e of events) {
    // Binary search: the checkpoints may number one a day for years.
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((sorted[mid] as Checkpoint).globalSeq < e.globalSeq) low = mid + 1;
      else high = mid;
    }
    const c = sorted[low];
    if (c) found.set(e.seq, c);
  }
  return found;
}

export const hashAlgorithmName = (algorithm: string) => (algorithm === 'sm3' ? 'SM3' : 'SHA-256');

/** docs/audit.md §3b's OpenSSL check of the first checkpoint, against this service (origin). */
export const checkerCommands = (
  origin: string,
) => `curl -s ${origin}/api/v1/audit/public-key | jq -r .publicKeyPem > bureau-sm2.pem
curl -s ${origin}/api/v1/public/checkpoints > checkpoints.json
jq -j '.items[0] | "\\(.day)|\\(.globalSeq)|\\(.globalHash)|\\(.hashAlgorithm)"' checkpoints.json > cp.txt
jq -r '.items[0].signature' checkpoints.json | base64 -d > cp.sig
openssl pkeyutl -verify -pubin -inkey bureau-sm2.pem -rawin -in cp.txt -sigfile cp.sig \\
  -digest sm3 -pkeyopt distid:1234567812345678
# Signature Verified Successfully   (an altered day, hash or signature: Signature Verification Failure)`;
