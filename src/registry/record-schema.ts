/**
 * The shape of a registry record (api.md `POST /records`), shared by the HTTP route and the
 * bulk import so both accept exactly the same thing.
 */
import { z } from 'zod';
import { affiliationRelations, cityProjectStatuses } from '../../machines/challenge/facts.js';
import { isoDate } from '../../machines/programme.js';
import { personIdSchema } from './registry-schema.js';

const unitCode = z.string().min(1).max(64).describe('unified social credit code');
const subject = z
  .union([z.strictObject({ unit: unitCode }), z.strictObject({ person: personIdSchema })])
  .describe('the unit or person the record is about');
const common = {
  subject,
  from: isoDate.describe('first day in force (Beijing date)'),
  to: isoDate.optional().describe('last day in force, included; absent = still in force'),
  note: z.string().trim().max(2000).optional().describe('source, decision number, remarks'),
};

export const recordBodySchema = z
  .discriminatedUnion('kind', [
    z
      .strictObject({ kind: z.literal('dishonesty'), ...common })
      .describe('a serious dishonesty or serious illegal record (严重失信记录或严重违法行为): T-2.2, S-T2'),
    z
      .strictObject({ kind: z.literal('misconduct'), ...common })
      .describe('research misconduct; from/to is the penalty period (惩戒执行期): L-3, S-T2'),
    z
      .strictObject({
        kind: z.literal('affiliation'),
        ...common,
        otherUnit: unitCode,
        relation: z.enum(affiliationRelations),
      })
      .describe('the subject unit is the parent (subordination) or a shareholder (equity) of otherUnit: S-5, X-7'),
    z
      .strictObject({
        kind: z.literal('cityProject'),
        ...common,
        projectId: z.string().trim().min(1).max(100),
        status: z.enum(cityProjectStatuses),
        plannedEnd: isoDate,
      })
      .describe('a city-level S&T project; a later record with the same subject and projectId supersedes: L-1, L-2'),
  ])
  .meta({ id: 'NewRecord' });
export type RecordBody = z.infer<typeof recordBodySchema>;

export const recordViewSchema = z
  .object({
    id: z.number().int(),
    subject: z.union([z.object({ unit: z.string() }), z.object({ person: z.string() })]),
    kind: z.enum(['dishonesty', 'misconduct', 'affiliation', 'cityProject']),
    from: z.string(),
    to: z.string().nullable(),
    otherUnit: z.string().optional(),
    relation: z.enum(affiliationRelations).optional(),
    projectId: z.string().optional(),
    status: z.enum(cityProjectStatuses).optional(),
    plannedEnd: z.string().optional(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Record' });
export type RecordView = z.infer<typeof recordViewSchema>;
