/**
 * Every statement the engine runs, prepared once (drizzle's query builder per request halves
 * throughput; a prepared statement matches raw better-sqlite3). Nothing here decides anything:
 * the engine calls these inside its one transaction.
 */
import { and, asc, desc, eq, lte, or, sql } from 'drizzle-orm';
import type { Sm2Signer } from '../crypto/sm2.js';
import type { BatchedWrite, Db, TransactionOptions } from '../db/client.js';
import {
  challengeListItems,
  challenges,
  checkpointSignatures,
  checkpoints,
  events,
  hashSwitches,
  idempotencyKeys,
  participations,
  persons,
  programmes,
  records,
  timers,
  units,
} from '../db/schema.js';
import type { HashAlgorithm } from './canonical.js';
import type { ChallengeHead } from './snapshots.js';
import { signalCommitted } from './write/commit-signal.js';

const p = sql.placeholder;

/** Issue 16: how the commit chains and signs (src/engine/write/global-link.ts). */
export interface ChainSettings {
  /** JIEBANG_HASH; unset: keep the hash in effect (a command that appends never switches it). */
  hashAlgorithm?: HashAlgorithm;
  /** Signs each daily checkpoint as it is recorded; unset: left for the service to sign at start. */
  signer?: Sm2Signer;
}

/**
 * PostgreSQL, a group commit's batch (issue 15): advanceAndAppend for many events in one
 * statement, sent once for the batch under the writers' lock in place of once an event. A
 * challenge moves only from the version its event was decided on (none moved: no event, and
 * the batch is run again write by write); events are inserted in the order they were made, so
 * their places in the global chain follow their hashes.
 */
export const advanceAndAppendMany: BatchedWrite = {
  key: 'id',
  tables: ['challenges', 'events'],
  columns: [
    'id',
    'title',
    'snapshot',
    'version',
    'headHash',
    'machineVersion',
    'at',
    'expectedVersion',
    'expectedMachineVersion',
    'type',
    'payload',
    'facts',
    'actor',
    'stateAfter',
    'prevHash',
    'globalHash',
  ],
  text: `WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
      $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
      WITH ORDINALITY AS i(id, title, snapshot, version, head_hash, machine_version, at, expected_version,
        expected_machine_version, type, payload, facts, actor, state_after, prev_hash, global_hash, ord)
  ), moved AS (
    UPDATE challenges c SET title = i.title, snapshot = i.snapshot, version = i.version, head_hash = i.head_hash,
      machine_version = i.machine_version, updated_at = i.at
    FROM input i
    WHERE c.id = i.id AND c.version = i.expected_version AND c.machine_version = i.expected_machine_version
    RETURNING i.ord
  ), appended AS (
    INSERT INTO events (challenge_id, seq, type, payload, facts, actor, at, machine_version, state_after, prev_hash, hash, global_hash)
    SELECT i.id, i.version, i.type, i.payload, i.facts, i.actor, i.at, i.machine_version, i.state_after, i.prev_hash,
      i.head_hash, i.global_hash
    FROM input i JOIN moved m ON m.ord = i.ord ORDER BY i.ord
    RETURNING global_seq, challenge_id
  )
  SELECT i.ord, a.global_seq FROM appended a JOIN input i ON i.id = a.challenge_id ORDER BY i.ord`,
};

export function createStore(db: Db, chain: ChainSettings = {}) {
  const statements = {
    challengeById: db
      .select()
      .from(challenges)
      .where(eq(challenges.id, p('id')))
      .prepare(),
    insertChallenge: db
      .insert(challenges)
      .values({
        id: p('id'),
        programmeId: p('programmeId'),
        number: p('number'),
        kind: p('kind'),
        domain: p('domain'),
        title: p('title'),
        issuerUnit: p('issuerUnit'),
        districtUnit: p('districtUnit'),
        stage: p('stage'),
        snapshot: p('snapshot'),
        version: p('version'),
        headHash: p('headHash'),
        machineVersion: p('machineVersion'),
        createdAt: p('at'),
        updatedAt: p('at'),
      })
      .prepare(),
    nextNumber: db
      .select({ n: sql<number>`coalesce(max(${challenges.number}), 0) + 1` })
      .from(challenges)
      .where(eq(challenges.programmeId, p('programmeId')))
      .prepare(),
    /** The last event of the whole log: the head of the global chain (the primary key's last row). */
    globalHead: db
      .select({ globalSeq: events.globalSeq, globalHash: events.globalHash, at: events.at })
      .from(events)
      .orderBy(desc(events.globalSeq))
      .limit(1)
      .prepare(),
    insertCheckpoint: db
      .insert(checkpoints)
      .values({
        day: p('day'),
        globalSeq: p('globalSeq'),
        globalHash: p('globalHash'),
        recordedAt: p('at'),
        hashAlgorithm: p('hashAlgorithm'),
      })
      .onConflictDoNothing()
      .prepare(),
    /** Issue 16: the last recorded switch of the chains' hash (none: SHA-256 throughout). */
    hashInEffect: db
      .select({ algorithm: hashSwitches.algorithm })
      .from(hashSwitches)
      .orderBy(desc(hashSwitches.afterGlobalSeq))
      .limit(1)
      .prepare(),
    insertHashSwitch: db
      .insert(hashSwitches)
      .values({
        afterGlobalSeq: p('afterGlobalSeq'),
        afterGlobalHash: p('afterGlobalHash'),
        algorithm: p('algorithm'),
        recordedAt: p('at'),
      })
      .prepare(),
    insertCheckpointSignature: db
      .insert(checkpointSignatures)
      .values({ day: p('day'), keyId: p('keyId'), signature: p('signature'), signedAt: p('at') })
      .onConflictDoNothing()
      .prepare(),
    history: db
      .select()
      .from(events)
      .where(eq(events.challengeId, p('id')))
      .orderBy(asc(events.seq))
      .prepare(),
    idempotencyGet: db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tokenId, p('tokenId')), eq(idempotencyKeys.key, p('key'))))
      .prepare(),
    idempotencyPut: db
      .insert(idempotencyKeys)
      .values({
        tokenId: p('tokenId'),
        key: p('key'),
        requestHash: p('requestHash'),
        statusCode: p('statusCode'),
        response: p('response'),
        createdAt: p('at'),
      })
      .prepare(),
    pendingTimersOf: db
      .select()
      .from(timers)
      .where(and(eq(timers.challengeId, p('id')), eq(timers.status, 'pending')))
      .prepare(),
    insertTimer: db
      .insert(timers)
      .values({
        challengeId: p('challengeId'),
        type: p('type'),
        dueAt: p('dueAt'),
        dueMs: p('dueMs'),
        status: 'pending',
        createdAt: p('at'),
      })
      .prepare(),
    settleTimer: db
      .update(timers)
      .set({ status: sql`${p('status')}`, settledAt: sql`${p('at')}`, eventSeq: sql`${p('eventSeq')}` })
      .where(and(eq(timers.id, p('id')), eq(timers.status, 'pending')))
      .prepare(),
    timerStatus: db
      .select({ status: timers.status })
      .from(timers)
      .where(eq(timers.id, p('id')))
      .prepare(),
    dueTimers: db
      .select()
      .from(timers)
      .where(and(eq(timers.status, 'pending'), lte(timers.dueMs, p('nowMs'))))
      .orderBy(asc(timers.dueMs), asc(timers.id))
      .prepare(),
    nextTimer: db
      .select({ dueMs: timers.dueMs })
      .from(timers)
      .where(eq(timers.status, 'pending'))
      .orderBy(asc(timers.dueMs))
      .limit(1)
      .prepare(),
    unitByCode: db
      .select()
      .from(units)
      .where(eq(units.code, p('code')))
      .prepare(),
    personById: db
      .select()
      .from(persons)
      .where(eq(persons.id, p('id')))
      .prepare(),
    recordsOfUnit: db
      .select()
      .from(records)
      .where(and(eq(records.subjectUnit, p('unit')), eq(records.kind, p('kind'))))
      .orderBy(asc(records.id))
      .prepare(),
    recordsOfPerson: db
      .select()
      .from(records)
      .where(and(eq(records.subjectPerson, p('person')), eq(records.kind, p('kind'))))
      .orderBy(asc(records.id))
      .prepare(),
    /** Affiliation records naming the unit on either side. */
    affiliationsOf: db
      .select()
      .from(records)
      .where(
        and(eq(records.kind, 'affiliation'), or(eq(records.subjectUnit, p('unit')), eq(records.otherUnit, p('unit')))),
      )
      .orderBy(asc(records.id))
      .prepare(),
    participationsOf: db
      .select()
      .from(participations)
      .where(and(eq(participations.party, p('party')), eq(participations.subject, p('subject'))))
      .orderBy(asc(participations.ref))
      .prepare(),
    /**
     * Issue 15: the snapshot's list elements (src/db/stored-snapshot.ts), each with the
     * challenge's version read in the same statement, so a reader can tell they belong to the
     * head it read before (one statement sees one state of the database, on either store).
     */
    listItemsOf: db
      .select({
        version: challenges.version,
        list: challengeListItems.list,
        idx: challengeListItems.idx,
        item: challengeListItems.item,
      })
      .from(challengeListItems)
      .innerJoin(challenges, eq(challenges.id, challengeListItems.challengeId))
      .where(eq(challengeListItems.challengeId, p('challengeId')))
      .prepare(),
    upsertListItem: db
      .insert(challengeListItems)
      .values({ challengeId: p('challengeId'), list: p('list'), idx: p('idx'), item: p('item') })
      .onConflictDoUpdate({
        target: [challengeListItems.challengeId, challengeListItems.list, challengeListItems.idx],
        set: { item: sql`excluded.item` },
      })
      .prepare(),
    truncateList: db
      .delete(challengeListItems)
      .where(
        and(
          eq(challengeListItems.challengeId, p('challengeId')),
          eq(challengeListItems.list, p('list')),
          sql`${challengeListItems.idx} >= ${p('length')}`,
        ),
      )
      .prepare(),
    deleteParticipations: db
      .delete(participations)
      .where(eq(participations.challengeId, p('challengeId')))
      .prepare(),
    insertParticipation: db
      .insert(participations)
      .values({
        ref: p('ref'),
        challengeId: p('challengeId'),
        programmeId: p('programmeId'),
        party: p('party'),
        subject: p('subject'),
        role: p('role'),
        status: p('status'),
        plannedEnd: p('plannedEnd'),
      })
      .prepare(),
    programmeById: db
      .select()
      .from(programmes)
      .where(eq(programmes.id, p('id')))
      .prepare(),
  };
  // Issue 15, round three: the statements every event runs are raw ones, prepared once with named
  // parameters, in place of drizzle's (which fill the placeholders and map each row per call).
  // PostgreSQL's insert answers the event's place in the global chain, which SQLite's run()
  // answers by itself.
  const raw = db.$port.prepare;
  const postgres = db.$port.dialect === 'postgres';
  const hotPath = {
    /** Issue 5: a file uploaded to a challenge and still held (facts for P-7; issue 11 removes unnamed ones). */
    uploadOf: raw<{ sha256: string }>(
      'SELECT sha256 FROM attachments WHERE challenge_id = @challengeId AND sha256 = @sha256 AND removed_at IS NULL',
    ),
    /** The row without its snapshot text: the hot path reads the snapshot only on a cache miss. */
    challengeHead: raw<ChallengeHead>(
      `SELECT id, version, head_hash AS headHash, machine_version AS machineVersion, updated_at AS updatedAt
       FROM challenges WHERE id = @id`,
    ),
    /**
     * Optimistic concurrency: only the version the transition was computed from is replaced, and
     * only under the machine version it was computed under.
     */
    updateChallenge: raw(
      `UPDATE challenges SET title = @title, snapshot = @snapshot, version = @version, head_hash = @headHash,
       machine_version = @machineVersion, updated_at = @at
       WHERE id = @id AND version = @expectedVersion AND machine_version = @expectedMachineVersion`,
    ),
    /**
     * The indexed list columns, set apart: SQLite rewrites an index entry for every indexed
     * column an UPDATE names, changed or not (measured: ~70 µs a commit), so these are written
     * only when one of them changes.
     */
    updateChallengeIndexed: raw(
      `UPDATE challenges SET kind = @kind, domain = @domain, issuer_unit = @issuerUnit, district_unit = @districtUnit,
       stage = @stage WHERE id = @id`,
    ),
    insertEvent: raw(
      `INSERT INTO events (challenge_id, seq, type, payload, facts, actor, at, machine_version, state_after, prev_hash, hash, global_hash)
       VALUES (@challengeId, @seq, @type, @payload, @facts, @actor, @at, @machineVersion, @stateAfter, @prevHash, @hash, @globalHash)${
         postgres ? ' RETURNING global_seq' : ''
       }`,
    ),
    // PostgreSQL: the challenge's row moved on and its event appended in one statement, one round
    // trip under the writers' lock instead of two. The event is inserted only if the version
    // check let the update through: no row answered is a conflict, and nothing was written.
    advanceAndAppend: postgres
      ? raw(
          `WITH moved AS (
             UPDATE challenges SET title = @title, snapshot = @snapshot, version = @version, head_hash = @headHash,
               machine_version = @machineVersion, updated_at = @at
             WHERE id = @id AND version = @expectedVersion AND machine_version = @expectedMachineVersion RETURNING id)
           INSERT INTO events (challenge_id, seq, type, payload, facts, actor, at, machine_version, state_after, prev_hash, hash, global_hash)
           SELECT moved.id, @version, @type, @payload, @facts, @actor, @at, @machineVersion, @stateAfter, @prevHash, @headHash, @globalHash
           FROM moved RETURNING global_seq`,
          advanceAndAppendMany,
        )
      : undefined,
  };
  return {
    db,
    chain,
    ...statements,
    ...hotPath,
    /**
     * Runs `fn` in one write transaction (a savepoint inside another): a throw rolls back all
     * it wrote. SQLite: BEGIN IMMEDIATE; PostgreSQL: under the writers' advisory lock (src/db/).
     */
    transaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T> {
      // Issue 13: the event streams look for new events once it is over (committed or not).
      return db.$port.withTransaction(fn, options).finally(signalCommitted);
    },
  };
}

export type Store = ReturnType<typeof createStore>;
export type ChallengeRow = typeof challenges.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type TimerRow = typeof timers.$inferSelect;
export type RecordRow = typeof records.$inferSelect;
export type UnitRow = typeof units.$inferSelect;
export type PersonRow = typeof persons.$inferSelect;
export type ParticipationRow = typeof participations.$inferSelect;
export type ProgrammeRow = typeof programmes.$inferSelect;
