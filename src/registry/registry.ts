/** Units and persons (api.md): the registry the guards' facts are read from. */
import { eq } from 'drizzle-orm';
import { AppError, notFound } from '../base/errors.js';
import type { Db } from '../db/client.js';
import { persons, units } from '../db/schema.js';
import type { UnitType } from './unit-types.js';
import { usccProblem } from './uscc.js';

export { unitTypes } from './unit-types.js';

export interface UnitInput {
  name: string;
  type: UnitType;
  inCity: boolean;
  legalPerson: boolean;
  district?: string | undefined;
}

export function assertValidCode(code: string): void {
  const problem = usccProblem(code);
  if (problem)
    throw new AppError('VALIDATION_FAILED', problem.message, problem.message_zh, {
      issues: [{ path: 'code', message: problem.message }],
    });
}

export async function putUnit(db: Db, code: string, input: UnitInput, now: string) {
  assertValidCode(code);
  const row = { code, ...input, district: input.district ?? null, updatedAt: now };
  await db.insert(units).values(row).onConflictDoUpdate({ target: units.code, set: row }).run();
  return row;
}

export async function getUnit(db: Db, code: string) {
  const row = await db.select().from(units).where(eq(units.code, code)).get();
  if (!row) throw notFound('unit', code, '单位');
  return row;
}

export async function putPerson(db: Db, id: string, input: { name: string; unit: string }, now: string) {
  if (!(await db.select({ code: units.code }).from(units).where(eq(units.code, input.unit)).get()))
    throw new AppError(
      'VALIDATION_FAILED',
      `Register unit ${input.unit} before its people (Q-2/3: units first, then user accounts).`,
      `请先注册单位 ${input.unit}，再建立其人员账号（Q-2/3）。`,
      { clause: 'Q-2/3', issues: [{ path: 'unit', message: 'unit not registered' }] },
    );
  const row = { id, ...input, updatedAt: now };
  await db.insert(persons).values(row).onConflictDoUpdate({ target: persons.id, set: row }).run();
  return row;
}

export async function getPerson(db: Db, id: string) {
  const row = await db.select().from(persons).where(eq(persons.id, id)).get();
  if (!row) throw notFound('person', id, '人员');
  return row;
}
