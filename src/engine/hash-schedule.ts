/**
 * Which hash each event of the log was chained with (issue 16). The switch points are rows of
 * `hash_switches`: every event past `after_global_seq` is hashed with `algorithm` until the next
 * switch; events before the first switch with SHA-256, as every log was before issue 16. Verify,
 * the export and the public checkpoints read the schedule; the commit appends to it.
 */
import type { DbPort } from '../db/client.js';
import { hasTable } from '../db/has-table.js';
import { HASH_ALGORITHMS, type HashAlgorithm, ORIGINAL_HASH } from './canonical.js';

export interface HashSwitch {
  afterGlobalSeq: number;
  afterGlobalHash: string;
  /** As stored: verify names a value that is no algorithm rather than trusting it. */
  algorithm: string;
  recordedAt: string;
}

export const isHashAlgorithm = (value: string): value is HashAlgorithm =>
  (HASH_ALGORITHMS as readonly string[]).includes(value);

export class HashSchedule {
  /** In `after_global_seq` order. */
  readonly switches: readonly HashSwitch[];

  constructor(switches: Iterable<HashSwitch>) {
    this.switches = [...switches].sort((a, b) => a.afterGlobalSeq - b.afterGlobalSeq);
  }

  /** The algorithm the event at `globalSeq` was (or will be) chained with. */
  algorithmAt(globalSeq: number): HashAlgorithm {
    let found: string = ORIGINAL_HASH;
    for (const s of this.switches) {
      if (s.afterGlobalSeq >= globalSeq) break;
      found = s.algorithm;
    }
    // An unknown name is reported by verify's `hashSwitch` check before any event is hashed with it.
    return isHashAlgorithm(found) ? found : ORIGINAL_HASH;
  }
}

/**
 * Whether the database has issue 16's tables: a copy taken before its migration (verify and
 * export open copies read-only, never migrating them) has none, and is SHA-256 throughout.
 */
export const hasHashSwitches = (port: DbPort): Promise<boolean> => hasTable(port, 'hash_switches');

export async function loadHashSchedule(port: DbPort): Promise<HashSchedule> {
  if (!(await hasHashSwitches(port))) return new HashSchedule([]);
  const rows = await port.query<HashSwitch>(
    `SELECT after_global_seq AS afterGlobalSeq, after_global_hash AS afterGlobalHash, algorithm,
            recorded_at AS recordedAt FROM hash_switches ORDER BY after_global_seq`,
  );
  // PostgreSQL's bigint arrives as a string.
  return new HashSchedule(rows.map((r) => ({ ...r, afterGlobalSeq: Number(r.afterGlobalSeq) })));
}
