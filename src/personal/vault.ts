/**
 * The personal-data vault (issue 16): seals a value into `personal_data` and hands back its
 * pseudonymous ref; reveals refs for a reader; erases a ref (crypto-shredding); re-wraps every
 * record under a new data key. Each record has its own random key (SM4 + HMAC-SM3), sealed by
 * the data key; the value is sealed by the record's key. Erasing clears the wrapped key, the
 * sealed value and the blind index, so nothing left can open or find the value, while the ref
 * in the chained events stays what it was and every chain still verifies.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { eq, inArray, isNotNull } from 'drizzle-orm';
import type { DataKey } from '../crypto/data-key.js';
import { newRecordKey, open, recordKeys, seal } from '../crypto/seal.js';
import type { Db } from '../db/client.js';
import { personalData, personalDataSteps } from '../db/schema.js';
import { normalise, type PersonalKind } from './kinds.js';

export interface Vault {
  db: Db;
  key: DataKey;
}

export type Revealed = { kind: PersonalKind; value: string } | { kind: PersonalKind; erased: true };

const wrapKeysOf = (key: DataKey) => ({ encKey: key.wrapKey, macKey: key.wrapMacKey });

/** The keyed SM3 hash a value is found by (HMAC-SM3 under the data key's index key). */
export function blindIndexOf(key: DataKey, kind: PersonalKind, value: string): string {
  return createHmac('sm3', key.indexKey)
    .update(`${kind}\u0000${normalise(kind, value)}`)
    .digest('hex');
}

/** The ref of a value already sealed, or undefined. */
export async function findRef(vault: Vault, kind: PersonalKind, value: string): Promise<string | undefined> {
  const row = await vault.db
    .select({ ref: personalData.ref })
    .from(personalData)
    .where(eq(personalData.blindIndex, blindIndexOf(vault.key, kind, value)))
    .get();
  return row?.ref;
}

/**
 * The ref of a value, sealing it first when it is new. The same value (normalised) finds the
 * same record, so a person keeps one ref and the rules that count per person still count.
 */
export async function refFor(vault: Vault, kind: PersonalKind, value: string, now: string): Promise<string> {
  const found = await findRef(vault, kind, value);
  if (found) return found;
  const recordKey = newRecordKey();
  const ref = `p_${randomBytes(12).toString('hex')}`;
  await vault.db
    .insert(personalData)
    .values({
      ref,
      kind,
      blindIndex: blindIndexOf(vault.key, kind, value),
      keyId: vault.key.id,
      wrappedKey: seal(wrapKeysOf(vault.key), recordKey),
      sealed: seal(recordKeys(recordKey), Buffer.from(normalise(kind, value), 'utf8')),
      createdAt: now,
    })
    .onConflictDoNothing()
    .run();
  // Another request may have sealed the same value at the same moment: its ref wins.
  return (await findRef(vault, kind, value)) ?? ref;
}

const openRow = (key: DataKey, row: { wrappedKey: string; sealed: string }) =>
  open(recordKeys(open(wrapKeysOf(key), row.wrappedKey)), row.sealed).toString('utf8');

/** The values behind refs (erased ones say so); refs that name no record are left out. */
export async function reveal(vault: Vault, refs: readonly string[]): Promise<Map<string, Revealed>> {
  const out = new Map<string, Revealed>();
  const unique = [...new Set(refs)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await vault.db
      .select()
      .from(personalData)
      .where(inArray(personalData.ref, unique.slice(i, i + 500)))
      .all();
    for (const row of rows) {
      const kind = row.kind as PersonalKind;
      out.set(
        row.ref,
        row.wrappedKey && row.sealed
          ? { kind, value: openRow(vault.key, { wrappedKey: row.wrappedKey, sealed: row.sealed }) }
          : { kind, erased: true },
      );
    }
  }
  return out;
}

/**
 * Crypto-shredding: the record's key, sealed value and blind index are cleared (SQLite runs
 * with secure_delete, so the old bytes are overwritten) and the step is recorded. The ref stays.
 */
export async function erase(vault: Vault, refs: readonly string[], now: string, by: string): Promise<number> {
  let erased = 0;
  await vault.db.$port.withTransaction(async () => {
    for (const ref of refs) {
      const changed = await vault.db.$port.run(
        'UPDATE personal_data SET wrapped_key = NULL, sealed = NULL, blind_index = NULL, key_id = NULL, erased_at = ? WHERE ref = ? AND erased_at IS NULL',
        [now, ref],
      );
      erased += changed;
    }
    await vault.db
      .insert(personalDataSteps)
      .values({ at: now, kind: 'erase', keyId: vault.key.id, detail: JSON.stringify({ refs, erased }), by })
      .run();
  });
  await scrub(vault.db);
  return erased;
}

/**
 * The old bytes of changed rows out of the database's other copies: SQLite copies the WAL into
 * the file (whose freed cells secure_delete zeroed) and truncates it; PostgreSQL vacuums the
 * table, so the dead row versions holding the wrapped key are reclaimed. Outside any transaction.
 */
export async function scrub(db: Db): Promise<void> {
  if (db.$port.dialect === 'sqlite') await db.$port.query('PRAGMA wal_checkpoint(TRUNCATE)');
  else await db.$port.run('VACUUM personal_data');
}

/**
 * Key rotation: every live record's own key is unwrapped with the old data key and wrapped with
 * the new one, and its blind index recomputed under the new index key. The sealed values and
 * the refs — hence the events and their chains — are not touched. One transaction: a failure
 * leaves every record under the old key.
 */
export async function rotateDataKey(db: Db, from: DataKey, to: DataKey, now: string, by: string): Promise<number> {
  let rewrapped = 0;
  await db.$port.withTransaction(async () => {
    const rows = await db.select().from(personalData).where(isNotNull(personalData.wrappedKey)).all();
    for (const row of rows) {
      if (row.wrappedKey === null || row.sealed === null) continue;
      if (row.keyId === to.id) continue;
      const recordKey = open(wrapKeysOf(from), row.wrappedKey);
      const value = open(recordKeys(recordKey), row.sealed).toString('utf8');
      await db
        .update(personalData)
        .set({
          keyId: to.id,
          wrappedKey: seal(wrapKeysOf(to), recordKey),
          blindIndex: blindIndexOf(to, row.kind as PersonalKind, value),
        })
        .where(eq(personalData.ref, row.ref))
        .run();
      rewrapped++;
    }
    await db
      .insert(personalDataSteps)
      .values({ at: now, kind: 'rotate-key', keyId: to.id, detail: JSON.stringify({ from: from.id, rewrapped }), by })
      .run();
  });
  await scrub(db);
  return rewrapped;
}
