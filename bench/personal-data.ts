/**
 * npm run bench:personal — what sealing personal data costs (issue 16), beside a baseline:
 * - one value sealed and opened (SM4-CBC + HMAC-SM3, with its own key wrapped and unwrapped);
 * - the answer hook on a challenge view's JSON with no refs (the common case) beside the
 *   JSON.stringify that wrote it; and with 10 refs to open (a view naming a team);
 * - the request hook on a draft body with no ID number.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataKeyFrom } from '../src/crypto/data-key.js';
import { newRecordKey, open, recordKeys, seal } from '../src/crypto/seal.js';
import { openDatabase } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { sealIdNumbers } from '../src/personal/pseudonymise.js';
import { revealInJson } from '../src/personal/reveal-for.js';
import { refFor } from '../src/personal/vault.js';
import { techDraft } from '../test/helpers/fixtures.js';

async function perOp(label: string, n: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(n, 200); i++) await fn();
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const us = ((performance.now() - started) * 1000) / n;
  console.log(`${label.padEnd(64)} ${us.toFixed(1).padStart(8)} µs`);
  return us;
}

const dir = mkdtempSync(join(tmpdir(), 'jiebang-bench-pd-'));
const db = openDatabase(join(dir, 'bench.db'));
await migrateDatabase(db, new Date().toISOString());
const key = dataKeyFrom(Buffer.alloc(64, 1));
const vault = { db, key };
const now = new Date().toISOString();

const recordKey = newRecordKey();
await perOp('seal one value (record key + wrap)', 20_000, () => {
  const k = newRecordKey();
  return [seal(recordKeys(k), Buffer.from('13912345678')), seal({ encKey: key.wrapKey, macKey: key.wrapMacKey }, k)];
});
const sealed = seal(recordKeys(recordKey), Buffer.from('13912345678'));
await perOp('open one value', 20_000, () => open(recordKeys(recordKey), sealed));

const view = {
  details: {
    draft: techDraft(),
    bids: Array.from({ length: 10 }, (_, i) => ({ bidId: `bid-${i}`, team: ['a-lead', 'a-m1'], members: [] })),
  },
};
const base = await perOp(`baseline: JSON.stringify of a view (${JSON.stringify(view).length} bytes)`, 20_000, () =>
  JSON.stringify(view),
);
const text = JSON.stringify(view);
const hook = await perOp('answer hook on that JSON, no refs', 20_000, () => revealInJson(vault, text, true));
console.log(`${''.padEnd(64)} ${((hook / base) * 100).toFixed(0).padStart(7)} % of the baseline`);
const refs: string[] = [];
for (let i = 0; i < 10; i++) refs.push(await refFor(vault, 'personId', `11010119900307${String(100 + i)}X`, now));
const withRefs = JSON.stringify({ ...view, team: refs });
await perOp('answer hook on that JSON with 10 refs (SQLite read + open)', 2_000, () =>
  revealInJson(vault, withRefs, false),
);
await perOp('request hook on a draft body, no ID number', 20_000, () => sealIdNumbers(vault, techDraft(), now));

await db.$port.close();
rmSync(dir, { recursive: true, force: true });
