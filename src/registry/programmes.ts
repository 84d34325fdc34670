/** Programmes (one round of the guide each) and their settings. */
import { asc, eq } from 'drizzle-orm';
import type { ProgrammeSettings } from '../../machines/programme.js';
import { notFound } from '../base/errors.js';
import type { Db } from '../db/client.js';
import { programmes } from '../db/schema.js';

export interface ProgrammeRecord {
  id: string;
  settings: ProgrammeSettings;
  createdAt: string;
  updatedAt: string;
}

export async function putProgramme(
  db: Db,
  id: string,
  settings: ProgrammeSettings,
  now: string,
): Promise<ProgrammeRecord> {
  await db
    .insert(programmes)
    .values({ id, settings, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: programmes.id, set: { settings, updatedAt: now } })
    .run();
  return getProgramme(db, id);
}

export async function getProgramme(db: Db, id: string): Promise<ProgrammeRecord> {
  const row = await db.select().from(programmes).where(eq(programmes.id, id)).get();
  if (!row) throw notFound('programme', id, '申报批次');
  return row as ProgrammeRecord;
}

export async function listProgrammes(db: Db): Promise<ProgrammeRecord[]> {
  return (await db.select().from(programmes).orderBy(asc(programmes.id)).all()) as ProgrammeRecord[];
}
