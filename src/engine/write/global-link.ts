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

export async function linkGlobally(store: Store, at: string): Promise<GlobalLink> {
  const head = await store.globalHead.get();
  const [inEffectRow] = await store.hashInEffect.all();
  const stored = inEffectRow?.algorithm ?? ORIGINAL_HASH;
  const inEffect: HashAlgorithm = isHashAlgorithm(stored) ? stored : ORIGINAL_HASH;
  if (head && beijingDate(head.at) < beijingDate(at)) {
    const checkpoint = {
      day: beijingDate(head.at),
      globalSeq: Number(head.globalSeq),
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
      afterGlobalSeq: head ? Number(head.globalSeq) : 0,
      afterGlobalHash: head?.globalHash ?? GENESIS_HASH,
      algorithm: wanted,
      at,
    });
  return { prevGlobalHash: head?.globalHash ?? GENESIS_HASH, algorithm: wanted };
}
