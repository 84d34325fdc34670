/**
 * The database, in drizzle's SQLite dialect. `events` is the audit log: append-only (triggers
 * in the migrations refuse UPDATE and DELETE), hash-chained per challenge. `challenges` holds
 * the latest snapshot and the columns every list filter uses, indexed.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import {
  affiliationRelations,
  cityProjectStatuses,
  participationStatuses,
  recordKinds,
} from '../../machines/challenge/facts.js';
import { unitTypes } from '../registry/unit-types.js';

export const programmes = sqliteTable('programmes', {
  id: text('id').primaryKey(),
  settings: text('settings', { mode: 'json' }).notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const units = sqliteTable(
  'units',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    type: text('type', { enum: unitTypes }).notNull(),
    inCity: integer('in_city', { mode: 'boolean' }).notNull(),
    legalPerson: integer('legal_person', { mode: 'boolean' }).notNull(),
    district: text('district'),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('units_type').on(t.type)],
);

export const persons = sqliteTable(
  'persons',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    unit: text('unit')
      .notNull()
      .references(() => units.code),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('persons_unit').on(t.unit)],
);

export const challenges = sqliteTable(
  'challenges',
  {
    id: text('id').primaryKey(),
    programmeId: text('programme_id')
      .notNull()
      .references(() => programmes.id),
    /** Per-programme number, for readable ids (wlmq-2026-0001). */
    number: integer('number').notNull(),
    kind: text('kind').notNull(),
    domain: text('domain').notNull(),
    title: text('title').notNull(),
    issuerUnit: text('issuer_unit').notNull(),
    districtUnit: text('district_unit').notNull(),
    stage: text('stage').notNull(),
    /**
     * The latest snapshot, `{value, context}`, as the machine persists it, except that each list
     * of `challenge_list_items` stands here as its length (src/db/stored-snapshot.ts).
     */
    snapshot: text('snapshot').notNull(),
    version: integer('version').notNull(),
    /** The hash of the event at `version`: the next event's prev_hash, without reading the log. */
    headHash: text('head_hash').notNull(),
    machineVersion: text('machine_version').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('challenges_programme_number').on(t.programmeId, t.number),
    index('challenges_stage').on(t.stage),
    index('challenges_kind').on(t.kind),
    index('challenges_domain').on(t.domain),
    index('challenges_issuer').on(t.issuerUnit),
    index('challenges_district').on(t.districtUnit),
  ],
);

/**
 * The elements of the latest snapshot's growing lists (bids, scores, objections …), one row
 * each, so an event writes the elements it changed rather than the whole snapshot: its cost
 * stays flat however many bids and objections a challenge holds (issue 15). Part of the head,
 * like `challenges.snapshot`, not of the log: it changes in the commit transaction with it.
 */
export const challengeListItems = sqliteTable(
  'challenge_list_items',
  {
    challengeId: text('challenge_id')
      .notNull()
      .references(() => challenges.id),
    /** The context's key: `bids`, `objections` … */
    list: text('list').notNull(),
    /** The element's position in the list, from 0. */
    idx: integer('idx').notNull(),
    /** The element, `JSON.stringify`d. */
    item: text('item').notNull(),
  },
  (t) => [primaryKey({ columns: [t.challengeId, t.list, t.idx] })],
);

export const events = sqliteTable(
  'events',
  {
    globalSeq: integer('global_seq').primaryKey({ autoIncrement: true }),
    challengeId: text('challenge_id')
      .notNull()
      .references(() => challenges.id),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    payload: text('payload').notNull(),
    /** Registry facts the guards read, gathered before the transition (design.md). */
    facts: text('facts'),
    actor: text('actor').notNull(),
    at: text('at').notNull(),
    machineVersion: text('machine_version').notNull(),
    stateAfter: text('state_after').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /**
     * The chain across the whole log: sha256(global_hash of the row at the previous global_seq ‖
     * hash), so removing, inserting or reordering any event anywhere breaks it (docs/audit.md).
     */
    globalHash: text('global_hash').notNull().default(''),
  },
  // (challenge, seq) is the only index: every read of the log is one challenge's, in order, and
  // each further index costs every append (measured: an index on `at` cost ~0.1 ms per event).
  (t) => [uniqueIndex('events_challenge_seq').on(t.challengeId, t.seq)],
);

/**
 * The head of the global chain at the end of each Beijing day that had events, written by the
 * first event of a later day. Printed by `jiebang export --checkpoints` to be lodged outside.
 */
export const checkpoints = sqliteTable('checkpoints', {
  /** The Beijing date (YYYY-MM-DD) the checkpoint closes. */
  day: text('day').primaryKey(),
  globalSeq: integer('global_seq').notNull(),
  globalHash: text('global_hash').notNull(),
  recordedAt: text('recorded_at').notNull(),
  /** Issue 16: the hash the event at `global_seq` was chained with (rows before it: sha256). */
  hashAlgorithm: text('hash_algorithm').notNull().default('sha256'),
});

/**
 * Issue 16: the recorded switch points of the chains' hash (JIEBANG_HASH). Every event whose
 * global_seq is past `after_global_seq` is hashed — in its challenge's chain and in the global
 * chain — with `algorithm`, up to the next switch; events before the first switch with sha256.
 * `after_global_hash` is the head of the global chain at the switch, so a switch row cannot be
 * moved along the log unnoticed. Written in the transaction of the first event under the new
 * hash; append-only.
 */
export const hashSwitches = sqliteTable('hash_switches', {
  afterGlobalSeq: integer('after_global_seq').primaryKey(),
  afterGlobalHash: text('after_global_hash').notNull(),
  algorithm: text('algorithm').notNull(),
  recordedAt: text('recorded_at').notNull(),
});

/** Issue 16: every SM2 public key that has signed checkpoints, so old signatures keep verifying. */
export const signingKeys = sqliteTable('signing_keys', {
  /** The SM3 of the key's DER SubjectPublicKeyInfo, lowercase hex. */
  keyId: text('key_id').primaryKey(),
  publicKeyPem: text('public_key_pem').notNull(),
  distId: text('dist_id').notNull(),
  firstUsedAt: text('first_used_at').notNull(),
});

/** Issue 16: the SM2 signature of each daily checkpoint (api.md "Cryptography"); append-only. */
export const checkpointSignatures = sqliteTable('checkpoint_signatures', {
  day: text('day').primaryKey(),
  keyId: text('key_id').notNull(),
  /** Base64 DER of SM2-with-SM3 over `day|globalSeq|globalHash|hashAlgorithm`. */
  signature: text('signature').notNull(),
  signedAt: text('signed_at').notNull(),
});

export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    /** Keys are scoped to the caller's token, so two clients never collide. */
    tokenId: text('token_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code').notNull(),
    response: text('response').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.key] })],
);

export const timers = sqliteTable(
  'timers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    challengeId: text('challenge_id')
      .notNull()
      .references(() => challenges.id),
    type: text('type').notNull(),
    dueAt: text('due_at').notNull(),
    /** Due time in epoch ms, for ordering and range scans. */
    dueMs: integer('due_ms').notNull(),
    status: text('status', { enum: ['pending', 'fired', 'cancelled', 'refused'] }).notNull(),
    createdAt: text('created_at').notNull(),
    settledAt: text('settled_at'),
    /** The event seq the firing appended, when it fired. */
    eventSeq: integer('event_seq'),
  },
  (t) => [
    index('timers_pending_due').on(t.dueMs).where(sql`status = 'pending'`),
    index('timers_challenge').on(t.challengeId, t.status),
  ],
);

export const tokens = sqliteTable('tokens', {
  id: text('id').primaryKey(),
  /** sha256 of the secret: the secret itself is shown once and never stored. */
  tokenHash: text('token_hash').notNull().unique(),
  role: text('role').notNull(),
  unit: text('unit'),
  person: text('person'),
  label: text('label').notNull(),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at'),
  revokedAt: text('revoked_at'),
});

/**
 * Records about units and persons (api.md): credit (dishonesty), research misconduct with its
 * penalty period, affiliations between units, and city projects. Records are never edited: a
 * later cityProject record for the same subject and projectId supersedes the earlier one, and
 * an ended penalty is a new record's business, so what a past decision saw stays readable.
 */
export const records = sqliteTable(
  'records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subjectUnit: text('subject_unit').references(() => units.code),
    subjectPerson: text('subject_person').references(() => persons.id),
    kind: text('kind', { enum: recordKinds }).notNull(),
    /** ISO dates, Beijing time; `to` null = still in force. */
    from: text('from_date').notNull(),
    to: text('to_date'),
    otherUnit: text('other_unit'),
    relation: text('relation', { enum: affiliationRelations }),
    projectId: text('project_id'),
    status: text('status', { enum: cityProjectStatuses }),
    plannedEnd: text('planned_end'),
    note: text('note'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    index('records_unit').on(t.subjectUnit, t.kind),
    index('records_person').on(t.subjectPerson, t.kind),
    index('records_other_unit').on(t.otherUnit),
  ],
);

/**
 * Refused attempts on a challenge's events (design.md "Audit log"): who, when, what, why. Kept
 * apart from `events`, so replay stays a pure fold over accepted events; written on its own,
 * never in a challenge's transaction, so a refusal never touches the challenge.
 */
export const denials = sqliteTable(
  'denials',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    /** The token's id, role, unit and person; all null for a 401 (no valid token). */
    tokenId: text('token_id'),
    role: text('role'),
    unit: text('unit'),
    person: text('person'),
    method: text('method').notNull(),
    /** The route pattern, e.g. /api/v1/challenges/:id/events (never the raw URL with its query). */
    route: text('route').notNull(),
    challengeId: text('challenge_id'),
    /** The event type the body named, when it named a known one; CREATE for a new draft. */
    eventType: text('event_type'),
    status: integer('status').notNull(),
    code: text('code').notNull(),
    clause: text('clause'),
    /** Every clause of a RULE_VIOLATION, JSON array. */
    clauses: text('clauses'),
    scope: text('scope'),
    message: text('message').notNull(),
    /** The refusal's Chinese message as answered; null for rows recorded before it was kept. */
    messageZh: text('message_zh'),
    requestId: text('request_id').notNull(),
    ip: text('ip'),
  },
  (t) => [
    index('denials_challenge').on(t.challengeId, t.id),
    index('denials_token').on(t.tokenId, t.id),
    index('denials_at').on(t.at),
  ],
);

/**
 * This service's own portfolio, a projection of the challenges' snapshots kept in the commit
 * transaction: which units and (top-ranked) persons have a live application or an ongoing or
 * overdue project here. L-1 and L-2 read it beside the imported cityProject records.
 */
export const participations = sqliteTable(
  'participations',
  {
    /** The challenge, or `challenge/bidId` for a solver's bid. */
    ref: text('ref').notNull(),
    challengeId: text('challenge_id')
      .notNull()
      .references(() => challenges.id),
    programmeId: text('programme_id').notNull(),
    party: text('party', { enum: ['unit', 'person'] }).notNull(),
    subject: text('subject').notNull(),
    role: text('role', { enum: ['issuer', 'solver'] }).notNull(),
    status: text('status', { enum: participationStatuses }).notNull(),
    plannedEnd: text('planned_end'),
  },
  (t) => [
    primaryKey({ columns: [t.ref, t.party, t.subject] }),
    index('participations_subject').on(t.party, t.subject),
    index('participations_challenge').on(t.challengeId),
  ],
);

/**
 * Which file (by SHA-256) was uploaded to which challenge, by whom. The bytes live outside the
 * database, content-addressed (src/files/file-store.ts); `filename` is the client's name, kept
 * for display only and never used as a path.
 */
export const attachments = sqliteTable(
  'attachments',
  {
    challengeId: text('challenge_id')
      .notNull()
      .references(() => challenges.id),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    tokenId: text('token_id').notNull(),
    role: text('role').notNull(),
    unit: text('unit'),
    uploadedAt: text('uploaded_at').notNull(),
    /**
     * When the bytes were removed because no event named them within the grace period (issue 11);
     * the row and its hash stay. Null while the file is held. An upload of the same bytes again
     * stores them anew and clears it.
     */
    removedAt: text('removed_at'),
  },
  (t) => [primaryKey({ columns: [t.challengeId, t.sha256] })],
);

/**
 * Issue 14. Webhook subscriptions: which events (types, or `*`) of which programme (or all)
 * are POSTed to `url`, signed with `secret` (shown once, when created). A deleted subscription
 * keeps its row, so its delivery log still names it.
 */
export const webhooks = sqliteTable('webhooks', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  /** JSON array of event types, or `["*"]`. */
  events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
  programmeId: text('programme_id'),
  secret: text('secret').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull(),
  deletedAt: text('deleted_at'),
});

/**
 * Issue 14. The outbox: one row per notification (a webhook delivery or a mail), written in the
 * commit transaction of the event that causes it, so a committed event never loses its
 * notifications and a rolled-back one never sends any. The dispatcher delivers rows after
 * commit, in `id` order (commit order) per challenge and target.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The id receivers see (x-jiebang-delivery): the same on every attempt. */
    deliveryId: text('delivery_id').notNull(),
    channel: text('channel', { enum: ['webhook', 'mail'] }).notNull(),
    /** A webhook id, or an e-mail address. */
    target: text('target').notNull(),
    challengeId: text('challenge_id').notNull(),
    seq: integer('seq').notNull(),
    eventType: text('event_type').notNull(),
    /** What is sent: the webhook body, or the mail `{to, subject, text, kind}`. */
    body: text('body').notNull(),
    /**
     * pending: to deliver (mail stays pending while no SMTP is configured: kept, visible to
     * staff, sent once SMTP is set); delivered; dead: gave up after the last retry.
     */
    status: text('status', { enum: ['pending', 'delivered', 'dead'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Epoch ms before which the row is not tried again (backoff). */
    nextAttemptMs: integer('next_attempt_ms').notNull(),
    lastError: text('last_error'),
    createdAt: text('created_at').notNull(),
    settledAt: text('settled_at'),
  },
  (t) => [
    uniqueIndex('outbox_delivery').on(t.deliveryId),
    index('outbox_pending').on(t.target, t.challengeId, t.id).where(sql`status = 'pending'`),
    index('outbox_target').on(t.target, t.id),
  ],
);

/** Issue 14. Every attempt to deliver an outbox row: the delivery log staff read. */
export const deliveryAttempts = sqliteTable(
  'delivery_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    outboxId: integer('outbox_id')
      .notNull()
      .references(() => outbox.id),
    attempt: integer('attempt').notNull(),
    at: text('at').notNull(),
    /** The receiver's HTTP status (or 250 for an accepted mail); null when there was no answer. */
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('delivery_attempts_outbox').on(t.outboxId)],
);

/**
 * Issue 14. Who receives mail, until accounts (issue 12) exist: an address standing for a unit
 * (its issuer, solver or finance desk) or a person (an expert), with the kinds of mail it has
 * turned off.
 */
export const mailRecipients = sqliteTable(
  'mail_recipients',
  {
    address: text('address').primaryKey(),
    name: text('name').notNull(),
    unit: text('unit'),
    person: text('person'),
    /** `finance` receives tranche mail for every challenge; others only what concerns them. */
    role: text('role', { enum: ['issuer', 'district', 'solver', 'expert', 'bureau', 'finance'] }).notNull(),
    /** JSON array of mail kinds this recipient turned off. */
    optOuts: text('opt_outs', { mode: 'json' }).$type<string[]>().notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('mail_recipients_unit').on(t.unit), index('mail_recipients_person').on(t.person)],
);

/**
 * Issue 14. Reminders before a deadline (a pending timer), at the working days before it the
 * programme sets (`reminders.workingDaysBefore`, default [3, 1]). Durable like timers: planned
 * once per timer and day count, sent in the transaction that writes their mail to the outbox,
 * so each is sent once across restarts; cancelled when the deadline's timer is.
 */
export const reminders = sqliteTable(
  'reminders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    timerId: integer('timer_id')
      .notNull()
      .references(() => timers.id),
    challengeId: text('challenge_id').notNull(),
    deadlineType: text('deadline_type').notNull(),
    dueAt: text('due_at').notNull(),
    workingDaysBefore: integer('working_days_before').notNull(),
    remindAt: text('remind_at').notNull(),
    remindMs: integer('remind_ms').notNull(),
    /** pending; sent; cancelled (the deadline went); skipped (planned after its time had passed). */
    status: text('status', { enum: ['pending', 'sent', 'cancelled', 'skipped'] }).notNull(),
    settledAt: text('settled_at'),
  },
  (t) => [
    uniqueIndex('reminders_timer_days').on(t.timerId, t.workingDaysBefore),
    index('reminders_pending').on(t.remindMs).where(sql`status = 'pending'`),
  ],
);

/**
 * The open call (issue 12): the public list, a projection of the published challenges' snapshots
 * kept in the commit transaction (src/engine/write/public-listing.ts) and rebuilt from the
 * snapshots when missing. Public fields only: no person, bid, score or registry fact. Its text
 * is searched through `public_challenges_fts` (CJK bigrams, migrations/0011).
 */
export const publicChallenges = sqliteTable(
  'public_challenges',
  {
    id: text('id')
      .primaryKey()
      .references(() => challenges.id),
    programmeId: text('programme_id').notNull(),
    kind: text('kind').notNull(),
    domain: text('domain').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    issuerName: text('issuer_name').notNull(),
    districtUnit: text('district_unit').notNull(),
    districtName: text('district_name').notNull(),
    /** JSON array of strings. */
    indicators: text('indicators').notNull(),
    periodMonths: integer('period_months').notNull(),
    solverFundingCny: integer('solver_funding_cny').notNull(),
    biddingClosesAt: text('bidding_closes_at'),
    stage: text('stage').notNull(),
    biddingOpen: integer('bidding_open', { mode: 'boolean' }).notNull(),
    noticeOpen: integer('notice_open', { mode: 'boolean' }).notNull(),
    /** JSON: the public part of the snapshot (routes, notice), compared to skip unchanged writes. */
    detail: text('detail').notNull(),
    publishedAt: text('published_at').notNull(),
    /** The selection's public notice began (announcement), for the feed. */
    noticeAt: text('notice_at'),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('public_challenges_published').on(t.publishedAt, t.id),
    index('public_challenges_domain').on(t.domain),
    index('public_challenges_district').on(t.districtUnit),
  ],
);

/**
 * Accounts for people who sign in with a password (issue 12). Tokens stay for scripts. A unit's
 * own account acts as `issuer` and `solver` for its unit; staff and expert accounts have one role.
 */
export const accounts = sqliteTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull().unique(),
    /** argon2id PHC string. */
    passwordHash: text('password_hash').notNull(),
    name: text('name').notNull(),
    mobile: text('mobile'),
    email: text('email'),
    /** JSON array of roles, the first the default one a session acts as. */
    roles: text('roles').notNull(),
    unit: text('unit'),
    person: text('person'),
    status: text('status', { enum: ['pending', 'active', 'refused', 'disabled'] }).notNull(),
    /** The password must be changed at the next sign-in (set by a reset). */
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    lockedUntil: text('locked_until'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('accounts_unit').on(t.unit)],
);

/** A unit's self-registration, waiting for the bureau's decision. */
export const registrations = sqliteTable(
  'registrations',
  {
    id: text('id').primaryKey(),
    /** Not unique: a refused unit may register again; one pending or approved at a time (checked). */
    unitCode: text('unit_code').notNull(),
    /** JSON: the unit as registered ({code, name, type, inCity, legalPerson, district?}). */
    unit: text('unit').notNull(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    status: text('status', { enum: ['pending', 'approved', 'refused'] }).notNull(),
    reason: text('reason'),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('registrations_status').on(t.status, t.createdAt), index('registrations_unit').on(t.unitCode)],
);

/** Signed-in sessions: the cookie's secret is stored as its sha256, like a token's. */
export const sessions = sqliteTable('sessions', {
  id: text('id').primaryKey(),
  secretHash: text('secret_hash').notNull().unique(),
  accountId: text('account_id')
    .notNull()
    .references(() => accounts.id),
  csrfToken: text('csrf_token').notNull(),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
  endedAt: text('ended_at'),
});

/**
 * Every sign-in, failed sign-in, lock-out, sign-out, password change and reset, registration
 * and decision: append-only (triggers in migrations/0011).
 */
export const accountLog = sqliteTable(
  'account_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    kind: text('kind').notNull(),
    accountId: text('account_id'),
    username: text('username'),
    /** Who did it when not the account itself (the bureau's token or account id). */
    by: text('by'),
    ip: text('ip'),
    detail: text('detail'),
  },
  (t) => [index('account_log_account').on(t.accountId, t.at)],
);

/**
 * Issue 16. Personal data sealed at rest: one row per value (a person id that is a national ID
 * number, a name, a phone, an e-mail address, an objector's contact), named by a pseudonymous
 * `ref` (`p_` + 24 hex, random). Everything else — events, snapshots, persons, accounts — holds
 * the ref. The value is sealed (SM4-CBC + HMAC-SM3) with the row's own key, itself sealed
 * (`wrapped_key`) by the data key `key_id`. Erasure (crypto-shredding) clears `wrapped_key`,
 * `sealed` and `blind_index`: the ref stays in the chained events and reads as erased.
 */
export const personalData = sqliteTable(
  'personal_data',
  {
    ref: text('ref').primaryKey(),
    /** personId, name, phone, email, contact: how it is masked. */
    kind: text('kind').notNull(),
    /** HMAC-SM3 of kind ‖ the normalised value under the data key's index key: the look-up. */
    blindIndex: text('blind_index'),
    keyId: text('key_id'),
    wrappedKey: text('wrapped_key'),
    sealed: text('sealed'),
    createdAt: text('created_at').notNull(),
    erasedAt: text('erased_at'),
  },
  (t) => [uniqueIndex('personal_data_blind_index').on(t.blindIndex)],
);

/**
 * Issue 16. The recorded steps on personal data, append-only: sealing an existing database's
 * clear columns, a key rotation, an erasure. `detail` is JSON (counts, the ref erased, the key
 * ids); never a value.
 */
export const personalDataSteps = sqliteTable('personal_data_steps', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: text('at').notNull(),
  kind: text('kind', { enum: ['seal-existing', 'rotate-key', 'erase'] }).notNull(),
  keyId: text('key_id').notNull(),
  detail: text('detail').notNull(),
  /** Who asked (the CLI's operator note, or the token id of a route). */
  by: text('by').notNull(),
});
