/**
 * An event's place in the global chain, decided inside the commit's transaction before the event
 * is hashed: the head it chains onto, the hash it is chained with (issue 16), and the day's
 * checkpoint when it is the first event of a new Beijing day.
 *
 * - The hash: the one in effect (the last recorded switch, else SHA-256) unless JIEBANG_HASH
 *   names another; then this event is the first under the new hash, and the switch point is
 *   recorded in the same transaction (`hash_switches`: after which global_seq, on which head).
 * - The checkpoint: the head of the chain as the previous active day ended, with the hash that
 *   head was chained with, signed with the service's SM2 key when the store has it.
 * - The head and the hash in effect are kept by the writer from one event to the next and read
 *   again only after a rollback or another writer's commit, so most events read neither (issue 15:
 *   the head's read was ~22 µs of a transition on SQLite, two round trips an event on
 *   PostgreSQL). SQLite keeps them while no other connection commits; PostgreSQL for the rest of
 *   the write transaction (a group commit's batch), which holds the writers' lock.
 * - On PostgreSQL a batch decides its events before it takes the writers' lock where it can
 *   (`lateLink`): each is hashed with the hash this process last saw in effect, and its global
 *   link is made under the lock, just before the batch's writes are sent (`LateLinks`): there the
 *   head is read, the hash in effect checked, and the links made in the order the events were. A
 *   batch whose events would need a checkpoint or a hash switch, or whose hash is no longer the
 *   one in effect, is run again with its decisions under the lock (BatchRetry): once a day, or
 *   once a switch.
 */
import { beijingDate } from '../../../machines/calendar.js';
import { type BatchedWrite, BatchRetry, type LockedCheck } from '../../db/client.js';
import { checkpointText } from '../audit/checkpoint-signatures.js';
import { GENESIS_HASH, globalChainHash, type HashAlgorithm, ORIGINAL_HASH } from '../canonical.js';
import { isHashAlgorithm } from '../hash-schedule.js';
import { advanceAndAppendMany, type Store } from '../store.js';

export interface GlobalLink {
  /** The global_hash this event chains onto. */
  prevGlobalHash: string;
  /** The hash of this event, in its challenge's chain and in the global one. */
  algorithm: HashAlgorithm;
}

interface ChainHead {
  /**
   * The last event, none before the first event. Its place is unknown while its write is held
   * back (PostgreSQL, a batch's writes: src/db/postgres/open.ts); read when a checkpoint needs it.
   */
  head: { globalSeq: number | undefined; globalHash: string; at: string } | undefined;
  /** The hash the last event was chained with. */
  inEffect: HashAlgorithm;
}

const keptHeads = new WeakMap<Store, { chain: ChainHead; stamp: string }>();
/** The hash the last event this process read or wrote was chained with: what `lateLink` hashes with. */
const seenInEffect = new WeakMap<Store, HashAlgorithm>();

/** Changes whenever what this connection last wrote may no longer be the head; none: not kept. */
const headStamp = (store: Store): string | undefined => {
  const port = store.db.$port;
  const others = port.commitsByOthers?.();
  const rollbacks = port.rollbacks?.();
  return others === undefined || rollbacks === undefined ? undefined : `${others}/${rollbacks}`;
};

async function chainHeadOf(store: Store): Promise<ChainHead> {
  const stamp = headStamp(store);
  const kept = keptHeads.get(store);
  if (stamp !== undefined && kept?.stamp === stamp) return kept.chain;
  const row = await store.globalHead.get();
  const [inEffectRow] = await store.hashInEffect.all();
  const inEffect = inEffectOf(inEffectRow?.algorithm);
  seenInEffect.set(store, inEffect);
  return { head: row && { globalSeq: Number(row.globalSeq), globalHash: row.globalHash, at: row.at }, inEffect };
}

const inEffectOf = (stored: unknown): HashAlgorithm =>
  typeof stored === 'string' && isHashAlgorithm(stored) ? stored : ORIGINAL_HASH;

/** After this event's row is written: it is the head now, as long as nothing is rolled back. */
export function keepGlobalHead(
  store: Store,
  inserted: unknown,
  written: { globalHash: string; at: string; algorithm: HashAlgorithm },
): void {
  seenInEffect.set(store, written.algorithm);
  const stamp = headStamp(store);
  const { lastInsertRowid: globalSeq, deferred } = inserted as { lastInsertRowid?: number | bigint; deferred?: true };
  // No place answered (a statement without one, and not held back): the head is read again next time.
  if (stamp === undefined) return;
  if (!deferred && (globalSeq === undefined || Number(globalSeq) <= 0)) return;
  keptHeads.set(store, {
    chain: {
      head: { globalSeq: deferred ? undefined : Number(globalSeq), globalHash: written.globalHash, at: written.at },
      inEffect: written.algorithm,
    },
    stamp,
  });
}

export async function linkGlobally(store: Store, at: string): Promise<GlobalLink> {
  const { head, inEffect } = await chainHeadOf(store);
  if (head && beijingDate(head.at) < beijingDate(at)) {
    const checkpoint = {
      day: beijingDate(head.at),
      globalSeq: await placeOf(store, head),
      globalHash: head.globalHash,
      hashAlgorithm: inEffect,
    };
    await store.insertCheckpoint.run({ ...checkpoint, at });
    const { signer } = store.chain;
    if (signer)
      await store.insertCheckpointSignature.run({
        day: checkpoint.day,
        keyId: signer.keyId,
        signature: signer.sign(checkpointText(checkpoint)),
        at,
      });
  }
  const wanted = store.chain.hashAlgorithm ?? inEffect;
  if (wanted !== inEffect)
    await store.insertHashSwitch.run({
      afterGlobalSeq: head ? await placeOf(store, head) : 0,
      afterGlobalHash: head?.globalHash ?? GENESIS_HASH,
      algorithm: wanted,
      at,
    });
  return { prevGlobalHash: head?.globalHash ?? GENESIS_HASH, algorithm: wanted };
}

/** The head's place in the global chain; read (its write sent first) if it was held back. */
async function placeOf(store: Store, head: NonNullable<ChainHead['head']>): Promise<number> {
  if (head.globalSeq !== undefined) return head.globalSeq;
  const row = await store.globalHead.get();
  if (row?.globalHash !== head.globalHash) throw new Error("the global chain moved under the writers' lock");
  head.globalSeq = Number(row.globalSeq);
  return head.globalSeq;
}

/** An event decided before the writers' lock: the hash it is chained with (its link is made by LateLinks). */
export interface LateLink {
  algorithm: HashAlgorithm;
  /** Not known before the lock. */
  prevGlobalHash?: undefined;
}

/**
 * The link of an event whose write is held back in a batch that has not taken the writers' lock
 * (PostgreSQL): its global_hash is made under the lock (`LateLinks`). Undefined where it cannot
 * be: the lock is held already (or SQLite), this process has not yet seen which hash is in
 * effect, or JIEBANG_HASH asks for another (a switch is recorded under the lock, as before).
 */
export function lateLink(store: Store): LateLink | undefined {
  const algorithm = seenInEffect.get(store);
  if (algorithm === undefined || (store.chain.hashAlgorithm ?? algorithm) !== algorithm) return undefined;
  const links = store.db.$port.checkUnderLock?.('global-link', () => new LateLinks(store, algorithm));
  return links?.algorithm === algorithm ? { algorithm } : undefined;
}

/**
 * Under the writers' lock, before the batch's writes are sent: the head of the global chain and
 * the hash in effect, read in the lock's own round trip; then each held event write's
 * `globalHash`, chained in the order the events were made. Refused (the batch runs again,
 * deciding under the lock) if the hash in effect is not the one the events were hashed with,
 * or if an event falls on another Beijing day than the head: the day's checkpoint must name
 * the head as the day ended, so it is made the way it always was.
 */
export class LateLinks implements LockedCheck {
  readonly sql = `SELECT (SELECT global_hash FROM events ORDER BY global_seq DESC LIMIT 1) AS "globalHash",
    (SELECT at FROM events ORDER BY global_seq DESC LIMIT 1) AS "at",
    (SELECT algorithm FROM hash_switches ORDER BY after_global_seq DESC LIMIT 1) AS "algorithm"`;

  constructor(
    private readonly store: Store,
    readonly algorithm: HashAlgorithm,
  ) {}

  settle(rows: Record<string, unknown>[], held: (write: BatchedWrite) => Record<string, unknown>[]): void {
    const [head] = rows as { globalHash: string | null; at: string | null; algorithm: string | null }[];
    const inEffect = inEffectOf(head?.algorithm);
    seenInEffect.set(this.store, inEffect);
    if (inEffect !== this.algorithm || (this.store.chain.hashAlgorithm ?? inEffect) !== inEffect)
      throw new BatchRetry(`the hash in effect is ${inEffect}, not the ${this.algorithm} the batch was hashed with`);
    let globalHash = head?.globalHash ?? GENESIS_HASH;
    let at = head?.at ?? undefined;
    for (const row of held(advanceAndAppendMany) as { headHash: string; at: string; globalHash: string }[]) {
      if (at !== undefined && beijingDate(at) !== beijingDate(row.at))
        throw new BatchRetry(
          `a Beijing day ended before the writers' lock (${at} → ${row.at}): its checkpoint comes first`,
        );
      globalHash = globalChainHash(globalHash, row.headHash, this.algorithm);
      row.globalHash = globalHash;
      at = row.at;
    }
    // The events that follow in this transaction, decided under the lock, chain onto the last.
    if (at !== undefined) keepGlobalHead(this.store, { deferred: true }, { globalHash, at, algorithm: this.algorithm });
  }
}

/** A late link's globalHash until LateLinks makes it: never a hash (those are hex). */
export const LATE = 'linked under the writers lock';
