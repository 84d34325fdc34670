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
 */
import { beijingDate } from '../../../machines/calendar.js';
import { checkpointText } from '../audit/checkpoint-signatures.js';
import { GENESIS_HASH, type HashAlgorithm, ORIGINAL_HASH } from '../canonical.js';
import { isHashAlgorithm } from '../hash-schedule.js';
import type { Store } from '../store.js';

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
  const stored = inEffectRow?.algorithm ?? ORIGINAL_HASH;
  return {
    head: row && { globalSeq: Number(row.globalSeq), globalHash: row.globalHash, at: row.at },
    inEffect: isHashAlgorithm(stored) ? stored : ORIGINAL_HASH,
  };
}

/** After this event's row is written: it is the head now, as long as nothing is rolled back. */
export function keepGlobalHead(
  store: Store,
  inserted: unknown,
  written: { globalHash: string; at: string; algorithm: HashAlgorithm },
): void {
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
