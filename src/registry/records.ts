/**
 * Registry records (api.md): added, never edited (a trigger refuses UPDATE and DELETE), read
 * by subject. The engine reads them through its own prepared statements (engine/facts.ts).
 */
import { and, asc, eq, gt, or, type SQL } from 'drizzle-orm';
import { AppError } from '../base/errors.js';
import type { Db } from '../db/client.js';
import { persons, records, units } from '../db/schema.js';
import type { RecordBody, RecordView } from './record-schema.js';
import { usccProblem } from './uscc.js';

/** Why a record cannot be added (each problem with its field), or none. */
export async function recordProblems(
  db: Db,
  body: RecordBody,
): Promise<{ path: string; message: string; message_zh: string }[]> {
  const out: { path: string; message: string; message_zh: string }[] = [];
  if ('unit' in body.subject) {
    const code = body.subject.unit;
    const bad = usccProblem(code);
    if (bad) out.push({ path: 'subject.unit', ...bad });
    else if (!(await db.select({ code: units.code }).from(units).where(eq(units.code, code)).get()))
      out.push({
        path: 'subject.unit',
        message: `Unit ${code} is not registered; register it first.`,
        message_zh: `单位 ${code} 尚未注册，请先注册。`,
      });
  } else if (!(await db.select({ id: persons.id }).from(persons).where(eq(persons.id, body.subject.person)).get()))
    out.push({
      path: 'subject.person',
      message: `Person ${body.subject.person} is not registered; register them first.`,
      message_zh: `人员 ${body.subject.person} 尚未登记，请先登记。`,
    });
  if (body.to !== undefined && body.to < body.from)
    out.push({
      path: 'to',
      message: `to (${body.to}) is before from (${body.from}).`,
      message_zh: `截止日期（${body.to}）早于起始日期（${body.from}）。`,
    });
  if (body.kind === 'affiliation') {
    if (!('unit' in body.subject))
      out.push({
        path: 'subject',
        message: 'An affiliation links two units; its subject is a unit.',
        message_zh: '关联关系存在于两个单位之间，主体须为单位。',
      });
    const bad = usccProblem(body.otherUnit);
    if (bad) out.push({ path: 'otherUnit', ...bad });
    else if ('unit' in body.subject && body.subject.unit === body.otherUnit)
      out.push({
        path: 'otherUnit',
        message: 'A unit is not affiliated with itself.',
        message_zh: '单位不能与自身存在关联关系。',
      });
  }
  return out;
}

export function invalidRecord(problems: { path: string; message: string; message_zh: string }[]): AppError {
  return new AppError(
    'VALIDATION_FAILED',
    problems.map((p) => `${p.path}: ${p.message}`).join(' '),
    problems.map((p) => `${p.path}：${p.message_zh}`).join(' '),
    { issues: problems.map(({ path, message }) => ({ path, message })) },
  );
}

/** The row of a valid record; call `recordProblems` first. */
export function recordRow(body: RecordBody, now: string): typeof records.$inferInsert {
  return {
    subjectUnit: 'unit' in body.subject ? body.subject.unit : null,
    subjectPerson: 'person' in body.subject ? body.subject.person : null,
    kind: body.kind,
    from: body.from,
    to: body.to ?? null,
    otherUnit: body.kind === 'affiliation' ? body.otherUnit : null,
    relation: body.kind === 'affiliation' ? body.relation : null,
    projectId: body.kind === 'cityProject' ? body.projectId : null,
    status: body.kind === 'cityProject' ? body.status : null,
    plannedEnd: body.kind === 'cityProject' ? body.plannedEnd : null,
    note: body.note ?? null,
    createdAt: now,
  };
}

export async function addRecord(db: Db, body: RecordBody, now: string): Promise<RecordView> {
  const problems = await recordProblems(db, body);
  if (problems.length > 0) throw invalidRecord(problems);
  const row = await db.insert(records).values(recordRow(body, now)).returning().get();
  return recordView(row);
}

export function recordView(row: typeof records.$inferSelect): RecordView {
  return {
    id: row.id,
    subject: row.subjectUnit !== null ? { unit: row.subjectUnit } : { person: row.subjectPerson ?? '' },
    kind: row.kind,
    from: row.from,
    to: row.to,
    ...(row.otherUnit !== null ? { otherUnit: row.otherUnit } : {}),
    ...(row.relation !== null ? { relation: row.relation } : {}),
    ...(row.projectId !== null ? { projectId: row.projectId } : {}),
    ...(row.status !== null ? { status: row.status } : {}),
    ...(row.plannedEnd !== null ? { plannedEnd: row.plannedEnd } : {}),
    note: row.note,
    createdAt: row.createdAt,
  };
}

export interface RecordQuery {
  subject?: string | undefined;
  kind?: RecordBody['kind'] | undefined;
  after?: number | undefined;
  limit: number;
}

/**
 * Records in id order. `subject` matches the record's unit or person, and an affiliation's
 * other unit too, so asking about a unit shows the links that point at it.
 */
export async function listRecords(db: Db, q: RecordQuery): Promise<{ items: RecordView[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (q.subject !== undefined) {
    const bySubject = or(
      eq(records.subjectUnit, q.subject),
      eq(records.subjectPerson, q.subject),
      eq(records.otherUnit, q.subject),
    );
    if (bySubject) where.push(bySubject);
  }
  if (q.kind !== undefined) where.push(eq(records.kind, q.kind));
  if (q.after !== undefined) where.push(gt(records.id, q.after));
  const rows = await db
    .select()
    .from(records)
    .where(and(...where))
    .orderBy(asc(records.id))
    .limit(q.limit + 1)
    .all();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { items: page.map(recordView), nextCursor: rows.length > q.limit && last ? String(last.id) : null };
}
