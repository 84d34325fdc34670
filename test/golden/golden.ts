/** Loads the golden histories of test/fixtures/golden/ and replays one under a registry. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineRegistry } from '../../machines/challenge/versions.js';
import { ChallengeChecker, type Divergence, type HeadRow, type VerifyRow } from '../../src/engine/audit/verify.js';

export type GoldenEvent = Omit<VerifyRow, 'globalSeq' | 'globalHash'>;

export interface Golden {
  name: string;
  description: string;
  events: GoldenEvent[];
  head: HeadRow;
}

const dir = join(import.meta.dirname, '..', 'fixtures', 'golden');

export function loadGoldens(): Golden[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Golden);
}

/** The first divergence of a history (hashes, replay of every step, the final snapshot), or null. */
export function replayGolden(events: GoldenEvent[], head: HeadRow, registry: MachineRegistry): Divergence | null {
  const checker = new ChallengeChecker(head.id, registry);
  for (const e of events) {
    // The global chain is not part of a golden history: each was recorded on its own database.
    const found = checker.check({ ...e, globalSeq: 0, globalHash: '' });
    if (found) return found;
  }
  return checker.finish(head);
}
