/**
 * Bulk import of units, persons or records (issue: registries). Every row is checked as the
 * API would check it; if any row is rejected, nothing from the file is imported and every
 * rejected row is reported with its line and reason. Otherwise all rows go in one transaction.
 */
import type { z } from 'zod';
import type { Db } from '../db/client.js';
import { records } from '../db/schema.js';
import type { SourceRow } from './import-rows.js';
import { type RecordBody, recordBodySchema } from './record-schema.js';
import { recordProblems, recordRow } from './records.js';
import { putPerson, putUnit, type UnitInput } from './registry.js';
import { personBodySchema, personIdSchema, unitBodySchema } from './registry-schema.js';
import { usccProblem } from './uscc.js';

export const importKinds = ['units', 'persons', 'records'] as const;
export type ImportKind = (typeof importKinds)[number];

export interface Rejected {
  line: number;
  reason: string;
}

type Accepted =
  | { kind: 'units'; code: string; body: UnitInput }
  | { kind: 'persons'; id: string; body: { name: string; unit: string } }
  | { kind: 'records'; body: RecordBody };

export interface ImportPlan {
  kind: ImportKind;
  accepted: Accepted[];
  rejected: Rejected[];
}

/** Checks every row; `onRow` reports progress. Reads the database, writes nothing. */
export async function planImport(
  db: Db,
  kind: ImportKind,
  rows: SourceRow[],
  onRow: () => void = () => {},
): Promise<ImportPlan> {
  const accepted: Accepted[] = [];
  const rejected: Rejected[] = [];
  const firstLineOf = new Map<string, number>();
  const unitExists = async (code: string) =>
    (await db.$port.query('SELECT 1 FROM units WHERE code = ?', [code])).length > 0;
  for (const { line, data } of rows) {
    onRow();
    const reject = (reason: string) => rejected.push({ line, reason });
    if ('__notJson' in data) {
      reject('not valid JSON');
      continue;
    }
    if ('__notAnObject' in data) {
      reject('not a JSON object');
      continue;
    }
    const fields = kind === 'records' ? recordFields(data) : withoutEmpty(data);
    const key = kind === 'units' ? fields.code : kind === 'persons' ? fields.id : undefined;
    if (typeof key === 'string') {
      const earlier = firstLineOf.get(key);
      if (earlier !== undefined) {
        reject(`${kind === 'units' ? 'code' : 'id'} ${key} is already on line ${earlier} of this file`);
        continue;
      }
      firstLineOf.set(key, line);
    }

    if (kind === 'units') {
      const { code, ...rest } = fields;
      const badCode = typeof code === 'string' ? usccProblem(code) : { message: 'code is missing' };
      const parsed = unitBodySchema.safeParse(coerceBooleans(rest, ['inCity', 'legalPerson']));
      const reasons = [...(badCode ? [`code: ${badCode.message}`] : []), ...zodReasons(parsed)];
      if (reasons.length > 0 || !parsed.success) reject(joinReasons(reasons));
      else accepted.push({ kind, code: String(code), body: parsed.data });
    } else if (kind === 'persons') {
      const { id, ...rest } = fields;
      const idOk = personIdSchema.safeParse(id);
      const parsed = personBodySchema.safeParse(rest);
      const reasons = [
        ...(idOk.success ? [] : [`id: ${idOk.error.issues[0]?.message ?? 'invalid'}`]),
        ...zodReasons(parsed),
      ];
      if (parsed.success && !(await unitExists(parsed.data.unit)))
        reasons.push(`unit: ${parsed.data.unit} is not registered (Q-2/3: units first, then people)`);
      if (reasons.length > 0 || !parsed.success || !idOk.success) reject(joinReasons(reasons));
      else accepted.push({ kind, id: idOk.data, body: parsed.data });
    } else {
      const parsed = recordBodySchema.safeParse(fields);
      if (!parsed.success) {
        reject(joinReasons(zodReasons(parsed)));
        continue;
      }
      const problems = await recordProblems(db, parsed.data);
      if (problems.length > 0) reject(joinReasons(problems.map((p) => `${p.path}: ${p.message}`)));
      else accepted.push({ kind, body: parsed.data });
    }
  }
  return { kind, accepted, rejected };
}

/** Writes a plan with no rejected rows, all in one transaction; `onRow` reports progress. */
export async function applyImport(
  db: Db,
  plan: ImportPlan,
  now: string,
  onRow: () => void = () => {},
): Promise<number> {
  if (plan.rejected.length > 0) throw new Error('a plan with rejected rows is never applied');
  // One transaction: a throw anywhere rolls back every row.
  await db.$port.withTransaction(async () => {
    for (const row of plan.accepted) {
      if (row.kind === 'units') await putUnit(db, row.code, row.body, now);
      else if (row.kind === 'persons') await putPerson(db, row.id, row.body, now);
      else await db.insert(records).values(recordRow(row.body, now)).run();
      onRow();
    }
  });
  return plan.accepted.length;
}

const joinReasons = (reasons: string[]) => reasons.map((r) => r.replace(/\.$/, '')).join('; ');

const withoutEmpty = (data: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(data).filter(([, v]) => v !== '' && v !== null && v !== undefined));

const truthy = new Set(['true', '1', 'yes', 'y', '是']);
const falsy = new Set(['false', '0', 'no', 'n', '否']);
function coerceBooleans(data: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out = { ...data };
  for (const k of keys) {
    const v = out[k];
    if (typeof v !== 'string') continue;
    const t = v.trim().toLowerCase();
    if (truthy.has(t)) out[k] = true;
    else if (falsy.has(t)) out[k] = false;
  }
  return out;
}

/** A CSV row's flat columns (subjectUnit, subjectPerson, …) as the API's record body; JSON passes through. */
function recordFields(data: Record<string, unknown>): Record<string, unknown> {
  const { subjectUnit, subjectPerson, ...rest } = withoutEmpty(data);
  if (subjectUnit === undefined && subjectPerson === undefined) return rest;
  const subject = subjectUnit !== undefined ? { unit: subjectUnit } : { person: subjectPerson };
  return { subject, ...rest };
}

function zodReasons(result: z.ZodSafeParseResult<unknown>): string[] {
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`);
}
