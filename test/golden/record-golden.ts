/**
 * Records the golden histories: runs each path of paths.ts through the real app on a fresh
 * database and writes the challenge's stored events and snapshot, exactly as stored, to
 * test/fixtures/golden/<name>.json. Run `npm run golden:record` only to add paths — never to make
 * a failing golden test pass (that failure means the machine would rewrite history: bump
 * MACHINE_VERSION and keep the old machine instead, docs/audit.md §6).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqliteClientOf } from '../../src/db/sqlite/open.js';
import { registerParties } from '../helpers/fixtures.js';
import { startHarness } from '../helpers/harness.js';
import { goldenPaths } from './paths.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'golden');

for (const path of goldenPaths) {
  const h = await startHarness();
  const p = await registerParties(h);
  const id = await path.walk(h, p);
  const sqlite = sqliteClientOf(h.app.jiebang.db);
  const events = sqlite
    .prepare(
      `SELECT challenge_id AS challengeId, seq, type, payload, facts, actor, at, machine_version AS machineVersion,
              state_after AS stateAfter, prev_hash AS prevHash, hash
       FROM events WHERE challenge_id = ? ORDER BY seq`,
    )
    .all(id);
  const head = sqlite
    .prepare(
      'SELECT id, version, head_hash AS headHash, machine_version AS machineVersion, snapshot FROM challenges WHERE id = ?',
    )
    .get(id);
  await h.close();
  const golden = { name: path.name, description: path.description, events, head };
  writeFileSync(join(dir, `${path.name}.json`), `${JSON.stringify(golden, null, 1)}\n`);
  console.log(`${path.name}: ${events.length} events`);
}
