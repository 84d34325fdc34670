/**
 * Verify: recompute every hash, replay every challenge, and report the first divergence exactly
 * (challenge, seq, what differs). Two streaming passes, so memory stays flat however long the
 * log (only one challenge's snapshot and one row are held at a time):
 *
 * 1. per challenge, in id order, its events in seq order (the unique index): seq numbers run
 *    1…n without a gap; each prev_hash is the previous event's hash; each hash matches the row's
 *    bytes (`storedRowHash`); replaying the event under the machine version it recorded gives
 *    its stored state_after; the challenge row's version, head hash, machine version and
 *    snapshot match the last event and the replay; no event lacks its challenge row.
 * 2. the whole log in global_seq order: each global_hash chains its hash onto the previous
 *    event's global_hash, and every stored daily checkpoint names a link of that chain.
 * 3. issue 16: every checkpoint's SM2 signature verifies under the key that made it.
 *
 * Each event is hashed, in both chains, with the hash in effect at its global_seq: SHA-256 up to
 * the first recorded switch point (`hash_switches`), then the switch's. A switch point must sit
 * on a link of the global chain (its `after_global_hash`), and name a known hash.
 *
 * Rows are read raw through the port's `each` (SQLite streams them with better-sqlite3's
 * `.iterate()`: drizzle's prepared statements have no streaming read), and verify only reads.
 */
import { isDeepStrictEqual } from 'node:util';
import type { MachineRegistry } from '../../../machines/challenge/versions.js';
import { machineRegistry } from '../../../machines/challenge/versions.js';
import { notFound } from '../../base/errors.js';
import type { Db } from '../../db/client.js';
import { headText, joinSnapshot, type ListItemRow, listChanges, listRowsReader } from '../../db/stored-snapshot.js';
import {
  canonicalJson,
  GENESIS_HASH,
  globalChainHash,
  type HashAlgorithm,
  type StoredEventRow,
  storedRowHash,
} from '../canonical.js';
import { HashSchedule, hasHashSwitches, isHashAlgorithm, loadHashSchedule } from '../hash-schedule.js';
import { type PersistedSnapshot, persist } from '../snapshots.js';
import { checkpointSignatureRows, signatureProblem } from './checkpoint-signatures.js';
import { ReplayError, Replayer } from './replay.js';
import { checkUpperHalf } from './verify-workers.js';

/** The check that failed. */
export type DivergenceCheck =
  | 'sequence'
  | 'prevHash'
  | 'hash'
  | 'replay'
  | 'stateAfter'
  | 'head'
  | 'snapshot'
  | 'globalHash'
  | 'checkpoint'
  | 'hashSwitch'
  | 'signature';

export interface Divergence {
  challengeId: string;
  seq: number;
  globalSeq?: number;
  check: DivergenceCheck;
  /** What differs, in words an auditor can act on. */
  what: string;
  expected?: string;
  found?: string;
}

export interface VerifyReport {
  ok: boolean;
  checkedEvents: number;
  firstDivergence?: Divergence;
}

/** An event row as verify reads it: every stored column. */
export type VerifyRow = StoredEventRow;

/** The challenge row as verify reads it, with its snapshot's list rows (src/db/stored-snapshot.ts). */
export interface HeadRow {
  id: string;
  version: number;
  headHash: string;
  machineVersion: string;
  snapshot: string;
  /** None for a snapshot written whole (before issue 15's lists, or a golden file). */
  items?: ListItemRow[];
}

const EVENT_COLUMNS = `global_seq AS globalSeq, challenge_id AS challengeId, seq, type, payload, facts, actor, at,
  machine_version AS machineVersion, state_after AS stateAfter, prev_hash AS prevHash, hash, global_hash AS globalHash`;
const HEAD_COLUMNS = 'id, version, head_hash AS headHash, machine_version AS machineVersion, snapshot';

/** Checks one challenge's events, fed one at a time in seq order; holds only the latest snapshot. */
export class ChallengeChecker {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private lastVersion: string | undefined;
  private readonly replayer: Replayer;

  constructor(
    readonly challengeId: string,
    registry: MachineRegistry = machineRegistry,
    private readonly schedule: HashSchedule = new HashSchedule([]),
  ) {
    this.replayer = new Replayer(registry);
  }

  /** The first thing wrong with the next stored event, or null. */
  check(row: VerifyRow): Divergence | null {
    const at = (check: DivergenceCheck, what: string, extra: Partial<Divergence> = {}): Divergence => ({
      challengeId: this.challengeId,
      seq: row.seq,
      globalSeq: row.globalSeq,
      check,
      what,
      ...extra,
    });
    if (row.seq !== this.expectedSeq)
      return at(
        'sequence',
        row.seq > this.expectedSeq
          ? `event ${this.expectedSeq} is missing: after event ${this.expectedSeq - 1} the log holds event ${row.seq}`
          : `event ${row.seq} appears twice or out of order`,
        { seq: this.expectedSeq, expected: String(this.expectedSeq), found: String(row.seq) },
      );
    if (row.prevHash !== this.prevHash)
      return at('prevHash', `prev_hash of event ${row.seq} is not the hash of event ${row.seq - 1}`, {
        expected: this.prevHash,
        found: row.prevHash,
      });
    const hash = storedRowHash(row.prevHash, row, this.schedule.algorithmAt(row.globalSeq));
    if (hash !== row.hash)
      return at('hash', `the stored hash of event ${row.seq} does not match its contents: the row was altered`, {
        expected: hash,
        found: row.hash,
      });
    let value: string;
    try {
      value = canonicalJson(this.replayer.step(row).value);
    } catch (err) {
      if (err instanceof ReplayError) return at('replay', err.message);
      throw err;
    }
    if (value !== row.stateAfter)
      return at('stateAfter', `replaying event ${row.seq} (${row.type}) gives another state than the stored one`, {
        expected: value,
        found: row.stateAfter,
      });
    this.expectedSeq += 1;
    this.prevHash = row.hash;
    this.lastVersion = row.machineVersion;
    return null;
  }

  /** After the last event: the challenge row must be where the log and the replay ended. */
  finish(head: HeadRow): Divergence | null {
    const last = this.expectedSeq - 1;
    const at = (check: DivergenceCheck, what: string, extra: Partial<Divergence> = {}): Divergence => ({
      challengeId: this.challengeId,
      seq: last,
      check,
      what,
      ...extra,
    });
    if (head.version > last)
      return at(
        'sequence',
        `event ${last + 1} is missing: the challenge is at version ${head.version} but the log ends at event ${last}`,
        { seq: last + 1, expected: String(head.version), found: String(last) },
      );
    if (head.version < last)
      return at('head', `the challenge row says version ${head.version} but the log holds ${last} events`, {
        expected: String(last),
        found: String(head.version),
      });
    if (head.headHash !== this.prevHash)
      return at('head', `the challenge row's head hash is not the hash of event ${last}`, {
        expected: this.prevHash,
        found: head.headHash,
      });
    if (head.machineVersion !== this.lastVersion)
      return at('head', `the challenge row's machine version is not that of event ${last}`, {
        expected: String(this.lastVersion),
        found: head.machineVersion,
      });
    const replayed = this.replayer.snapshot;
    // The engine writes `headText(snapshot)` and `JSON.stringify` of each list element: the same
    // bytes are the same snapshot, without parsing either (most challenges). Otherwise the two
    // are compared as values below (a copied database may have re-encoded them).
    if (
      replayed &&
      headText(replayed) === head.snapshot &&
      sameRows(listChanges(null, replayed).upserts, head.items ?? [])
    )
      return null;
    let stored: PersistedSnapshot;
    try {
      stored = joinSnapshot(JSON.parse(head.snapshot) as PersistedSnapshot, head.items ?? []);
    } catch (err) {
      return at('snapshot', `the stored snapshot cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Through JSON, as the engine stores it (undefined members dropped); compared structurally,
    // which costs a third of encoding both canonically. The canonical texts are only for the report.
    const rebuilt = replayed ? (JSON.parse(JSON.stringify(persist(replayed))) as PersistedSnapshot) : undefined;
    if (!isDeepStrictEqual(rebuilt, stored))
      return at('snapshot', `the stored snapshot differs from the one replaying events 1…${last} gives`, {
        expected: rebuilt ? canonicalJson(rebuilt) : 'none',
        found: canonicalJson(stored),
      });
    return null;
  }
}

/** The same list rows, in any order. */
function sameRows(expected: readonly ListItemRow[], stored: readonly ListItemRow[]): boolean {
  if (expected.length !== stored.length) return false;
  const byKey = new Map(stored.map((r) => [`${r.list}/${Number(r.idx)}`, r.item]));
  return expected.every((r) => byKey.get(`${r.list}/${r.idx}`) === r.item);
}

/** Checks the global chain, fed every event in global_seq order. */
export class GlobalChainChecker {
  private prev = GENESIS_HASH;
  /** global_seq → the checkpoints that name it (at most one a day, so few). */
  private readonly pending = new Map<number, { day: string; globalHash: string; hashAlgorithm?: string }[]>();

  /** after_global_seq → the switch point recorded there. */
  private readonly switches = new Map<number, { afterGlobalHash: string; algorithm: string }>();

  constructor(
    checkpoints: Iterable<{ day: string; globalSeq: number; globalHash: string; hashAlgorithm?: string }>,
    private readonly schedule: HashSchedule = new HashSchedule([]),
  ) {
    for (const c of checkpoints) this.pending.set(c.globalSeq, [...(this.pending.get(c.globalSeq) ?? []), c]);
    for (const s of schedule.switches) this.switches.set(s.afterGlobalSeq, s);
  }

  /** Switch points are checked before any event: the one at 0 must start on the genesis hash; each must name a known hash. */
  start(): Divergence | null {
    for (const s of this.schedule.switches) {
      if (!isHashAlgorithm(s.algorithm))
        return switchDivergence(
          s.afterGlobalSeq,
          `the hash switch after global_seq ${s.afterGlobalSeq} names "${s.algorithm}", which is no hash the chains may use`,
        );
    }
    const first = this.switches.get(0);
    if (first && first.afterGlobalHash !== GENESIS_HASH)
      return switchDivergence(
        0,
        'the hash switch before the first event names another head than the empty log',
        GENESIS_HASH,
        first.afterGlobalHash,
      );
    this.switches.delete(0);
    return null;
  }

  check(row: Pick<VerifyRow, 'globalSeq' | 'challengeId' | 'seq' | 'hash' | 'globalHash'>): Divergence | null {
    const algorithm = this.schedule.algorithmAt(row.globalSeq);
    const expected = globalChainHash(this.prev, row.hash, algorithm);
    if (row.globalHash !== expected)
      return {
        challengeId: row.challengeId,
        seq: row.seq,
        globalSeq: row.globalSeq,
        check: 'globalHash',
        what: `the global chain breaks at global_seq ${row.globalSeq}: an event before it was removed, inserted or reordered, or this row's global_hash was altered`,
        expected,
        found: row.globalHash,
      };
    for (const c of this.pending.get(row.globalSeq) ?? []) {
      if (c.globalHash !== row.globalHash)
        return {
          challengeId: row.challengeId,
          seq: row.seq,
          globalSeq: row.globalSeq,
          check: 'checkpoint',
          what: `the checkpoint of ${c.day} names another head of the global chain than the log holds`,
          expected: row.globalHash,
          found: c.globalHash,
        };
      if (c.hashAlgorithm !== undefined && c.hashAlgorithm !== algorithm)
        return {
          challengeId: row.challengeId,
          seq: row.seq,
          globalSeq: row.globalSeq,
          check: 'checkpoint',
          what: `the checkpoint of ${c.day} names another hash than the one its event was chained with`,
          expected: algorithm,
          found: c.hashAlgorithm,
        };
    }
    const switched = this.switches.get(row.globalSeq);
    if (switched && switched.afterGlobalHash !== row.globalHash)
      return {
        ...switchDivergence(
          row.globalSeq,
          `the hash switch after global_seq ${row.globalSeq} names another head of the global chain than the log holds`,
          row.globalHash,
          switched.afterGlobalHash,
        ),
        challengeId: row.challengeId,
        seq: row.seq,
      };
    this.switches.delete(row.globalSeq);
    this.pending.delete(row.globalSeq);
    this.prev = row.globalHash;
    return null;
  }

  /** A checkpoint or switch point that named no event of the log: the event it closed on is gone. */
  finish(): Divergence | null {
    for (const [afterGlobalSeq] of this.switches)
      return switchDivergence(
        afterGlobalSeq,
        `the hash switch after global_seq ${afterGlobalSeq} names an event that is not in the log`,
      );
    for (const [globalSeq, list] of this.pending) {
      const c = list[0];
      if (c)
        return {
          challengeId: '',
          seq: 0,
          globalSeq,
          check: 'checkpoint',
          what: `the checkpoint of ${c.day} names global_seq ${globalSeq}, which is not in the log`,
          expected: c.globalHash,
        };
    }
    return null;
  }
}

function switchDivergence(globalSeq: number, what: string, expected?: string, found?: string): Divergence {
  return {
    challengeId: '',
    seq: 0,
    globalSeq,
    check: 'hashSwitch',
    what,
    ...(expected === undefined ? {} : { expected }),
    ...(found === undefined ? {} : { found }),
  };
}

/** Issue 16: the first checkpoint signature that does not verify under its key. */
async function checkSignatures(db: Db): Promise<Divergence | null> {
  for (const row of await checkpointSignatureRows(db.$port)) {
    const problem = signatureProblem(row);
    if (problem)
      return {
        challengeId: '',
        seq: 0,
        globalSeq: row.globalSeq,
        check: 'signature',
        what: problem,
        found: row.signature,
      };
  }
  return null;
}

export interface VerifyOptions {
  registry?: MachineRegistry;
  /** Called every `progressEvery` events with the events checked so far, over both passes. */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  /**
   * Split the first pass over two threads (a SQLite file with the default machine registry
   * only): `jiebang verify` asks for it; the service's own audit route does not.
   */
  workers?: boolean;
  /** The fewest events worth a worker thread (50,000; tests lower it). */
  workersFrom?: number;
}

/** Below this many events a worker thread costs more to start than it saves. */
const WORKERS_FROM = 50_000;

/** The id the worker's half starts at, or none when the log is not split. */
async function splitPoint(port: Db['$port'], eventCount: number, from: number): Promise<string | undefined> {
  if (port.dialect !== 'sqlite' || port.location === ':memory:' || eventCount < from) return undefined;
  const [count] = await port.query<{ n: number }>('SELECT count(*) AS n FROM challenges');
  const challenges = Number(count?.n ?? 0);
  if (challenges < 2) return undefined;
  const [middle] = await port.query<{ id: string }>('SELECT id FROM challenges ORDER BY id LIMIT 1 OFFSET ?', [
    Math.floor(challenges / 2),
  ]);
  return middle?.id;
}

/**
 * Pass 1 over the challenges with `from <= id < to` (a bound left out is open), in id order:
 * how many events were checked, and the first divergence. The worker thread runs it too.
 */
export async function checkChallenges(
  port: Db['$port'],
  registry: MachineRegistry,
  schedule: HashSchedule,
  range: { from?: string; to?: string },
  onEvent: () => void,
): Promise<{ checkedEvents: number; found: Divergence | null }> {
  const bounds = [range.from === undefined ? '' : 'id >= ?', range.to === undefined ? '' : 'id < ?'].filter(Boolean);
  const params = [range.from, range.to].filter((b): b is string => b !== undefined);
  const where = bounds.length > 0 ? ` WHERE ${bounds.join(' AND ')}` : '';
  const heads = port.each<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM challenges${where} ORDER BY id`, params);
  const eventsSql = `SELECT ${EVENT_COLUMNS} FROM events WHERE challenge_id = ? ORDER BY seq`;
  const listRows = await listRowsReader(port);
  let checkedEvents = 0;
  for await (const row of heads) {
    const head = { ...row, items: await listRows(row.id) };
    const found = await checkChallenge(head, port.each<VerifyRow>(eventsSql, [head.id]), registry, schedule, () => {
      checkedEvents += 1;
      onEvent();
    });
    // Returning from a for…of closes the iterator, so the statement is free again.
    if (found) return { checkedEvents, found };
  }
  return { checkedEvents, found: null };
}

/** Replay and hash check of the whole log. */
export async function verifyLog(db: Db, options: VerifyOptions = {}): Promise<VerifyReport> {
  const port = db.$port;
  const registry = options.registry ?? machineRegistry;
  const every = options.progressEvery ?? 2000;
  const [count] = await port.query<{ n: number }>('SELECT count(*) AS n FROM events');
  const eventCount = Number(count?.n ?? 0);
  const total = eventCount * 2;
  let done = 0;
  const advance = (events: number) => {
    const before = done;
    done += events;
    if (options.onProgress && Math.floor(done / every) > Math.floor(before / every)) options.onProgress(done, total);
  };
  const tick = () => advance(1);

  const schedule = await loadHashSchedule(port);
  // Pass 1: each challenge on its own; on a large SQLite file, the upper half in a worker thread.
  const split =
    options.workers && registry === machineRegistry
      ? await splitPoint(port, eventCount, options.workersFrom ?? WORKERS_FROM)
      : undefined;
  const upper = split === undefined ? undefined : checkUpperHalf(port.location, split, advance);
  let checkedEvents = 0;
  try {
    const lower = await checkChallenges(port, registry, schedule, { to: split }, tick);
    checkedEvents = lower.checkedEvents;
    if (lower.found) return { ok: false, checkedEvents, firstDivergence: lower.found };
    if (upper) {
      const rest = await upper.result;
      checkedEvents += rest.checkedEvents;
      if (rest.found) return { ok: false, checkedEvents, firstDivergence: rest.found };
    }
  } finally {
    await upper?.stop();
  }
  // Events no challenge row owns were never visited above: the row was deleted (foreign keys off).
  if (checkedEvents !== eventCount) {
    const [orphan] = await port.query<{ challengeId: string; seq: number }>(
      `SELECT e.challenge_id AS challengeId, min(e.seq) AS seq FROM events e
       WHERE NOT EXISTS (SELECT 1 FROM challenges c WHERE c.id = e.challenge_id) GROUP BY e.challenge_id LIMIT 1`,
    );
    if (orphan)
      return {
        ok: false,
        checkedEvents,
        firstDivergence: {
          ...orphan,
          check: 'head',
          what: `the log holds events of challenge ${orphan.challengeId}, but its challenge row is missing`,
        },
      };
  }

  // Pass 2: the global chain and its checkpoints.
  // A copy from before issue 16 has no hash_algorithm column nor signatures: SHA-256, unsigned.
  const gm = await hasHashSwitches(port);
  const checkpoints = await port.query<{ day: string; globalSeq: number; globalHash: string; hashAlgorithm?: string }>(
    `SELECT day, global_seq AS globalSeq, global_hash AS globalHash${gm ? ', hash_algorithm AS hashAlgorithm' : ''} FROM checkpoints`,
  );
  const chain = new GlobalChainChecker(
    checkpoints.map((c) => ({ ...c, globalSeq: Number(c.globalSeq) })),
    schedule,
  );
  const started = chain.start();
  if (started) return { ok: false, checkedEvents, firstDivergence: started };
  const log = port.each<ChainRow>(
    'SELECT global_seq AS globalSeq, challenge_id AS challengeId, seq, hash, global_hash AS globalHash FROM events ORDER BY global_seq',
  );
  const broken = isSync(log) ? checkChainSync(chain, log, tick) : await checkChainAsync(chain, log, tick);
  if (broken) return { ok: false, checkedEvents, firstDivergence: broken };
  const orphan = chain.finish();
  if (orphan) return { ok: false, checkedEvents, firstDivergence: orphan };
  const unsigned = gm ? await checkSignatures(db) : null;
  if (unsigned) return { ok: false, checkedEvents, firstDivergence: unsigned };
  options.onProgress?.(total, total);
  return { ok: true, checkedEvents };
}

type ChainRow = Pick<VerifyRow, 'globalSeq' | 'challengeId' | 'seq' | 'hash' | 'globalHash'>;

const isSync = <T>(rows: Iterable<T> | AsyncIterable<T>): rows is Iterable<T> => Symbol.iterator in rows;

/** Feeds the whole log to the global chain's checker; returning early closes the iterator. */
function checkChainSync(chain: GlobalChainChecker, rows: Iterable<ChainRow>, tick: () => void): Divergence | null {
  for (const row of rows) {
    const found = chain.check(row);
    if (found) return found;
    tick();
  }
  return null;
}

async function checkChainAsync(
  chain: GlobalChainChecker,
  rows: AsyncIterable<ChainRow>,
  tick: () => void,
): Promise<Divergence | null> {
  for await (const row of rows) {
    const found = chain.check(row);
    if (found) return found;
    tick();
  }
  return null;
}

/** Feeds one challenge's events to a checker; returning early closes the iterator. */
async function checkChallenge(
  head: HeadRow,
  rows: Iterable<VerifyRow> | AsyncIterable<VerifyRow>,
  registry: MachineRegistry,
  schedule: HashSchedule,
  onEvent: () => void,
): Promise<Divergence | null> {
  const checker = new ChallengeChecker(head.id, registry, schedule);
  // SQLite's rows come synchronously: a plain loop spares a promise and a microtask per event.
  if (isSync(rows)) {
    for (const row of rows) {
      const found = checker.check(row);
      if (found) return found;
      onEvent();
    }
  } else {
    for await (const row of rows) {
      const found = checker.check(row);
      if (found) return found;
      onEvent();
    }
  }
  return checker.finish(head);
}

/**
 * Replay and hash check of one challenge: its own chain and replay, and the global chain's link
 * into each of its events (the event before it in the whole log is read by its key).
 */
export async function verifyChallenge(
  db: Db,
  id: string,
  registry: MachineRegistry = machineRegistry,
): Promise<VerifyReport> {
  const port = db.$port;
  const [row] = await port.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM challenges WHERE id = ?`, [id]);
  if (!row) throw notFound('challenge', id, '榜单');
  const head = { ...row, items: await (await listRowsReader(port))(id) };
  const rows = await port.query<VerifyRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE challenge_id = ? ORDER BY seq`, [
    id,
  ]);
  const previousLink = async (globalSeq: number) =>
    (
      await port.query<{ globalHash: string }>(
        'SELECT global_hash AS globalHash FROM events WHERE global_seq < ? ORDER BY global_seq DESC LIMIT 1',
        [globalSeq],
      )
    )[0]?.globalHash;
  const schedule = await loadHashSchedule(port);
  let checkedEvents = 0;
  const checker = new ChallengeChecker(id, registry, schedule);
  for (const row of rows) {
    const found =
      checker.check(row) ??
      globalLink(row, (await previousLink(row.globalSeq)) ?? GENESIS_HASH, schedule.algorithmAt(row.globalSeq));
    if (found) return { ok: false, checkedEvents, firstDivergence: found };
    checkedEvents += 1;
  }
  const found = checker.finish(head);
  return found ? { ok: false, checkedEvents, firstDivergence: found } : { ok: true, checkedEvents };
}

function globalLink(row: VerifyRow, prevGlobalHash: string, algorithm: HashAlgorithm): Divergence | null {
  const expected = globalChainHash(prevGlobalHash, row.hash, algorithm);
  if (row.globalHash === expected) return null;
  return {
    challengeId: row.challengeId,
    seq: row.seq,
    globalSeq: row.globalSeq,
    check: 'globalHash',
    what: `the global chain breaks at global_seq ${row.globalSeq}: the event before it in the log was removed, inserted or reordered, or this row's global_hash was altered`,
    expected,
    found: row.globalHash,
  };
}
