/**
 * The zod pieces the event payloads share, and the draft of a challenge: its editable fields,
 * the body that creates it, and the defaults a new draft starts from. Shape is checked here
 * (400 VALIDATION_FAILED); the guide's rules are checked by the rules (422 RULE_VIOLATION), so
 * a rule always comes back with its clause.
 */
import { z } from 'zod';

export const text = z.string().trim().min(1).max(20_000);
export const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only');
export const cny = z.number().int().nonnegative().max(1e13);
export const sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256 digest')
  .describe('SHA-256 of an uploaded file');

export const challengeKinds = ['techBreakthrough', 'achievementTransfer'] as const;
export type ChallengeKind = (typeof challengeKinds)[number];

export const attachmentKinds = [
  'applicationForm',
  'unitPledge',
  'leaderPledge',
  'auditReport2024',
  'auditReport2025',
  'capacityEvidence',
  'teamEvidence',
  'priorTasks',
  'indicatorTests',
  'ipDocuments',
  'supportTeam',
  'ethicsReview',
] as const;
export type AttachmentKind = (typeof attachmentKinds)[number];

/** The editable part of a challenge (draft body of `api.md`, less programmeId). */
export const draftFieldsSchema = z.strictObject({
  kind: z.enum(challengeKinds),
  domain: z.string().min(1).max(64),
  title: z.string().trim().min(1).max(500),
  summary: z.string().max(20_000),
  issuerUnit: id.describe('unified social credit code of the issuing unit'),
  districtUnit: id.describe('unified social credit code of the recommending unit'),
  leader: z.string().max(64).describe('person id of the project leader'),
  team: z.array(id).max(100).describe('person ids, leader first'),
  indicators: z.array(z.string().trim().min(1).max(2000)).max(200),
  periodMonths: z.number().int().min(0).max(1200),
  ipOwnership: z.string().max(5000),
  solverConditions: z.string().max(20_000),
  investment: z.strictObject({ ownPilotCny: cny, solverFundingCny: cny }),
  endUserAttested: z.boolean(),
  classified: z.boolean(),
  ethicsSensitive: z.boolean(),
  horseRace: z
    .strictObject({
      routes: z.array(z.strictObject({ name: z.string().trim().min(1).max(200), investmentCny: cny })).max(20),
    })
    .nullable(),
  priority: z.strictObject({
    firstOfAKind: z.boolean(),
    commonTechnology: z.boolean(),
    publicInterest: z.boolean(),
    graduateAssistantPosts: z.number().int().nonnegative().max(10_000),
  }),
});
export type DraftFields = z.infer<typeof draftFieldsSchema>;

/**
 * A new draft: the identity fields are required, the rest may be filled in later with UPDATE;
 * completeness is checked at SUBMIT (T-2.4, C-2.2, C-2.3, Q-4 …), not here.
 */
export const createChallengeSchema = draftFieldsSchema
  .partial()
  .required({ kind: true, domain: true, title: true, issuerUnit: true, districtUnit: true })
  .extend({ programmeId: id });
export type CreateChallengeBody = z.infer<typeof createChallengeSchema>;

export function completeDraft(body: Omit<CreateChallengeBody, 'programmeId'>): DraftFields {
  return {
    summary: '',
    leader: '',
    team: [],
    indicators: [],
    periodMonths: 0,
    ipOwnership: '',
    solverConditions: '',
    investment: { ownPilotCny: 0, solverFundingCny: 0 },
    endUserAttested: false,
    classified: false,
    ethicsSensitive: false,
    horseRace: null,
    priority: {
      firstOfAKind: false,
      commonTechnology: false,
      publicInterest: false,
      graduateAssistantPosts: 0,
    },
    ...body,
  };
}

export const objector = z.union([
  z.strictObject({ name: z.string().max(200) }),
  z.strictObject({ unit: z.string().max(200) }),
]);
