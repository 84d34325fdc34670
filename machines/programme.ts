/**
 * A programme (one round of the guide, 年度榜单) and its settings. Every figure the rules read
 * is here, so next year's guide is new data, not new code. A challenge copies these settings
 * into its context when it is created: a later edit of the programme never rewrites history.
 */
import { z } from 'zod';

/** ISO 8601 instant with an explicit offset (`Z` or `+08:00`). */
export const instant = z.iso.datetime({ offset: true });
/** A calendar date, `YYYY-MM-DD`, read in the programme's time zone. */
export const isoDate = z.iso.date();

export const catalogueDomains = [
  'equipment',
  'biomedicine',
  'chemical',
  'newEnergy',
  'newMaterials',
  'textile',
  'greenFood',
  'hydrogen',
  'storage',
  'hydrogenAmmoniaMethanol',
  'greenComputing',
  'ai',
  'intelligentEquipment',
  'specialResources',
  'lowAltitude',
] as const;

const window = z
  .object({ opensAt: instant, closesAt: instant })
  .refine((w) => Date.parse(w.opensAt) < Date.parse(w.closesAt), {
    message: 'opensAt must be before closesAt',
  });

const percent = z.number().int().min(0).max(100);
const cny = z.number().int().nonnegative();

export const programmeSettingsSchema = z
  .object({
    name: z.string().min(1),
    /** official deadlines are Beijing time; the calendar arithmetic assumes UTC+8 all year. */
    timezone: z.literal('Asia/Shanghai'),
    submission: window,
    recommendationClosesAt: instant,
    amounts: z.object({
      minTotalInvestmentCny: cny,
      fiscalSharePercent: percent,
      fiscalCapCny: cny,
      maxPeriodMonths: z.number().int().positive(),
      horseRaceFirstPhasePercent: percent,
    }),
    restrictions: z.object({
      overdueDays: z.number().int().positive(),
      maxOngoingPerUnit: z.number().int().nonnegative(),
      maxPerPerson: z.number().int().nonnegative(),
      creditLookbackYears: z.number().int().positive(),
      countedTeamMembers: z.number().int().positive(),
      /** S-5, X-7: how many affiliation links a chain may have and still count (default 3). */
      affiliationDepth: z.number().int().min(1).max(6).optional(),
    }),
    review: z.object({
      panelMin: z.number().int().positive(),
      passMark: z.number().min(0).max(100),
      noticeWorkingDays: z.number().int().positive(),
    }),
    acceptance: z.object({
      applyWithinMonths: z.number().int().positive(),
      rectifyMonths: z.number().int().positive(),
    }),
    calendar: z.object({
      /** The programme's own days off: they override the national schedule (chinese-days). */
      holidays: z.array(isoDate),
      /** The programme's own make-up working days (调休): they override the national schedule. */
      workdays: z.array(isoDate),
      /**
       * Years the programme's own lists complete, beyond those the national schedule knows (a
       * year the State Council published before the package did). A challenge's calendar counts
       * working days only in known years.
       */
      years: z.array(z.number().int().min(2000).max(2100)).optional(),
    }),
    catalogue: z.object({ domains: z.array(z.string().min(1)).min(1) }),
    contacts: z
      .array(
        z.object({
          office: z.string().min(1),
          name: z.string().min(1),
          phones: z.array(z.string().min(1)),
        }),
      )
      .optional(),
    /**
     * Issue 14: reminders are mailed this many working days before each deadline the machine
     * runs (at 09:00 Beijing time); absent = [3, 1]. Read by the notifier only, never by a rule.
     */
    reminders: z.object({ workingDaysBefore: z.array(z.number().int().min(1).max(30)).max(5) }).optional(),
    /** Files uploaded to a challenge (POST /challenges/:id/attachments); absent = `defaultUploads`. */
    uploads: z
      .object({
        maxBytes: z
          .number()
          .int()
          .min(1)
          .max(100 * 1024 * 1024),
        allowedTypes: z
          .array(z.string().regex(/^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/, 'a media type, e.g. application/pdf'))
          .min(1),
        /** Files one challenge may hold, all uploaders together; absent = `defaultUploadQuota`. */
        maxFilesPerChallenge: z.number().int().min(1).max(10_000).optional(),
        /** Bytes one challenge may hold, all uploaders together; absent = `defaultUploadQuota`. */
        maxBytesPerChallenge: z
          .number()
          .int()
          .min(1)
          .max(100 * 1024 * 1024 * 1024)
          .optional(),
      })
      .optional(),
  })
  .refine((s) => Date.parse(s.recommendationClosesAt) >= Date.parse(s.submission.closesAt), {
    message: 'recommendationClosesAt must not be before submission.closesAt',
    path: ['recommendationClosesAt'],
  });

export type ProgrammeSettings = z.infer<typeof programmeSettingsSchema>;

/** What a bureau receives as application material: PDF and OFD documents, scans, Office files, archives. */
export const defaultUploads: NonNullable<ProgrammeSettings['uploads']> = {
  maxBytes: 20 * 1024 * 1024,
  allowedTypes: [
    'application/pdf',
    'application/ofd',
    'image/png',
    'image/jpeg',
    'application/zip',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ],
};

/**
 * How much one challenge may hold (issue 11: one issuer pushed 8 × 19 MB in a second). An
 * application needs about a dozen documents (form, pledges, reports, evidence) and a project a
 * payment voucher per tranche and a final report: 60 files and 300 MiB leave ample room.
 */
export const defaultUploadQuota = { maxFilesPerChallenge: 60, maxBytesPerChallenge: 300 * 1024 * 1024 };

/**
 * The Urumqi 2026 guide (seed/), as `rules.md` reads it. The guide gives no calendar: the
 * holidays and make-up workdays below are the 2026 national holidays as we expect them, for the
 * bureau to confirm against the State Council's notice and correct with `PUT /programmes/:id`
 * (docs/decisions.md). A challenge copies the calendar it was created under.
 */
export const wlmq2026: ProgrammeSettings = {
  name: '乌鲁木齐市2026年度重点领域科技创新攻关项目“揭榜挂帅”',
  timezone: 'Asia/Shanghai',
  submission: { opensAt: '2026-04-25T10:00:00+08:00', closesAt: '2026-06-10T19:30:00+08:00' },
  recommendationClosesAt: '2026-06-12T19:30:00+08:00',
  amounts: {
    minTotalInvestmentCny: 5_000_000,
    fiscalSharePercent: 40,
    fiscalCapCny: 3_000_000,
    maxPeriodMonths: 36,
    horseRaceFirstPhasePercent: 20,
  },
  restrictions: {
    overdueDays: 365,
    maxOngoingPerUnit: 3,
    maxPerPerson: 2,
    creditLookbackYears: 3,
    countedTeamMembers: 3,
  },
  review: { panelMin: 5, passMark: 60, noticeWorkingDays: 5 },
  acceptance: { applyWithinMonths: 6, rectifyMonths: 3 },
  calendar: {
    holidays: [
      '2026-05-01',
      '2026-05-02',
      '2026-05-03',
      '2026-05-04',
      '2026-05-05',
      '2026-06-19',
      '2026-06-20',
      '2026-06-21',
      '2026-09-25',
      '2026-09-26',
      '2026-09-27',
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
      '2026-10-04',
      '2026-10-05',
      '2026-10-06',
      '2026-10-07',
      '2027-01-01',
    ],
    workdays: ['2026-05-09', '2026-09-20', '2026-10-10'],
  },
  catalogue: { domains: [...catalogueDomains] },
  contacts: [
    {
      office: '市科技局资源配置与管理科',
      name: '来丽拉·加那尔',
      phones: ['0991-2824158', '0991-2827016'],
    },
    { office: '科技局引进智力与人才服务科', name: '李莉', phones: ['0991-4608457'] },
    { office: '科技局高新技术与成果转化科', name: '杜盼盼', phones: ['0991-2824360'] },
    { office: '科技局社会发展与农村科技科', name: '范振九', phones: ['0991-2313701'] },
    { office: '科技信息服务中心', name: '刘福林', phones: ['0991-4693806'] },
  ],
};
