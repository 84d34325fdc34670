/**
 * Moving an existing database to sealed personal data (issue 16, item 4): a recorded step. The
 * mutable tables' clear values — persons' names, accounts' names, phones and e-mail addresses —
 * become refs; the events are not touched (append-only and chained: they keep verifying under
 * their original encoding). What the log still holds in clear is counted and written into the
 * step, so the assessor reads what sealing could not reach (docs/security.md).
 */
import { eq } from 'drizzle-orm';
import { publicObjectionEvent } from '../../machines/challenge/stages/6-announcement.js';
import type { Db } from '../db/client.js';
import { accounts, personalDataSteps, persons } from '../db/schema.js';
import { isRef, type PersonalKind } from './kinds.js';
import { isPersonIdNumber } from './pseudonymise.js';
import { refFor, scrub, type Vault } from './vault.js';

export interface SealExistingReport {
  personsSealed: number;
  accountsSealed: number;
  /** Events whose payload or facts hold a national ID number in clear (recorded before sealing). */
  eventsWithClearIdNumbers: number;
  /** Distinct ID numbers in clear in those events. */
  clearIdNumbers: number;
  /** Objections recorded with a clear name or contact. */
  objectionsInClear: number;
}

const ID_IN_TEXT = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;

async function sealed(vault: Vault, kind: PersonalKind, value: string | null, now: string) {
  if (value === null || value.trim() === '' || isRef(value)) return value;
  return refFor(vault, kind, value, now);
}

async function clearInLog(db: Db): Promise<Omit<SealExistingReport, 'personsSealed' | 'accountsSealed'>> {
  let eventsWithClearIdNumbers = 0;
  let objectionsInClear = 0;
  const ids = new Set<string>();
  for await (const row of db.$port.each<{ type: string; payload: string; facts: string | null }>(
    'SELECT type AS type, payload AS payload, facts AS facts FROM events ORDER BY global_seq',
  )) {
    const found = `${row.payload}\n${row.facts ?? ''}`.match(ID_IN_TEXT)?.filter(isPersonIdNumber) ?? [];
    if (found.length > 0) eventsWithClearIdNumbers++;
    for (const id of found) ids.add(id);
    if (row.type === publicObjectionEvent.type) {
      const p = JSON.parse(row.payload) as { objector?: { name?: string }; contact?: string };
      const name = p.objector?.name;
      if ((name && !isRef(name)) || (p.contact && !isRef(p.contact))) objectionsInClear++;
    }
  }
  return { eventsWithClearIdNumbers, clearIdNumbers: ids.size, objectionsInClear };
}

/** Seals what can be sealed, counts what cannot, and records the step; running it again seals nothing more. */
export async function sealExisting(vault: Vault, now: string, by: string): Promise<SealExistingReport> {
  const { db } = vault;
  const report = await db.$port.withTransaction(async () => {
    let personsSealed = 0;
    for (const person of await db.select().from(persons).all()) {
      const name = await sealed(vault, 'name', person.name, now);
      if (name === person.name || name === null) continue;
      await db.update(persons).set({ name }).where(eq(persons.id, person.id)).run();
      personsSealed++;
    }
    let accountsSealed = 0;
    for (const account of await db.select().from(accounts).all()) {
      const next = {
        name: (await sealed(vault, 'name', account.name, now)) ?? account.name,
        mobile: await sealed(vault, 'phone', account.mobile, now),
        email: await sealed(vault, 'email', account.email, now),
      };
      if (next.name === account.name && next.mobile === account.mobile && next.email === account.email) continue;
      await db.update(accounts).set(next).where(eq(accounts.id, account.id)).run();
      accountsSealed++;
    }
    const report = { personsSealed, accountsSealed, ...(await clearInLog(db)) };
    await db
      .insert(personalDataSteps)
      .values({ at: now, kind: 'seal-existing', keyId: vault.key.id, detail: JSON.stringify(report), by })
      .run();
    return report;
  });
  await scrub(db);
  return report;
}
