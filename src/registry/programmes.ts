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

export function putProgramme(db: Db, id: string, settings: ProgrammeSettings, now: string): ProgrammeRecord {
  db.insert(programmes)
    .values({ id, settings, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: programmes.id, set: { settings, updatedAt: now } })
    .run();
  return getProgramme(db, id);
}

export function getProgramme(db: Db, id: string): ProgrammeRecord {
  const row = db.select().from(programmes).where(eq(programmes.id, id)).get();
  if (!row) throw notFound('programme', id, '申报批次');
  return row as ProgrammeRecord;
}

export function listProgrammes(db: Db): ProgrammeRecord[] {
  return db.select().from(programmes).orderBy(asc(programmes.id)).all() as ProgrammeRecord[];
}
