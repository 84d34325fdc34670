/**
 * Issue 16: the SM2-signed daily checkpoints (api.md "Cryptography"). The signed text is the
 * UTF-8 of `day|globalSeq|globalHash|hashAlgorithm`; the signature is SM2-with-SM3 with the
 * distinguishing id of the key that made it, base64 DER. Each key that ever signed is kept in
 * `signing_keys` (append-only), so a checkpoint signed before a key rotation keeps verifying
 * under the key that signed it; `checkpoint_signatures` names the key of each signature.
 */
import { type Sm2Signer, sm2Verify } from '../../crypto/sm2.js';
import type { DbPort } from '../../db/client.js';

export interface CheckpointFields {
  day: string;
  globalSeq: number;
  globalHash: string;
  hashAlgorithm: string;
}

export interface SignedCheckpoint extends CheckpointFields {
  signature: string;
}

export interface SigningKey {
  keyId: string;
  publicKeyPem: string;
  distId: string;
  firstUsedAt: string;
}

/** The bytes a checkpoint's signature covers (UTF-8 of this text). */
export const checkpointText = (c: CheckpointFields): string =>
  `${c.day}|${c.globalSeq}|${c.globalHash}|${c.hashAlgorithm}`;

/** Records the signer's public key (once): signatures name it, and old ones keep their key. */
export async function registerSigningKey(port: DbPort, signer: Sm2Signer, at: string): Promise<void> {
  await port.run(
    `INSERT INTO signing_keys (key_id, public_key_pem, dist_id, first_used_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (key_id) DO NOTHING`,
    [signer.keyId, signer.publicKeyPem, signer.distId, at],
  );
}

/**
 * Signs every checkpoint that has no signature yet: those recorded before issue 16 (the
 * migration of a database's checkpoints) and any a command recorded without the key. Returns
 * how many it signed. A signature is a new row; the checkpoint itself is untouched.
 */
export async function signUnsignedCheckpoints(port: DbPort, signer: Sm2Signer, at: string): Promise<number> {
  return port.withTransaction(async () => {
    const unsigned = await port.query<CheckpointFields>(
      `SELECT c.day, c.global_seq AS globalSeq, c.global_hash AS globalHash, c.hash_algorithm AS hashAlgorithm
       FROM checkpoints c WHERE NOT EXISTS (SELECT 1 FROM checkpoint_signatures s WHERE s.day = c.day) ORDER BY c.day`,
    );
    for (const c of unsigned)
      await port.run(
        `INSERT INTO checkpoint_signatures (day, key_id, signature, signed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (day) DO NOTHING`,
        [c.day, signer.keyId, signer.sign(checkpointText({ ...c, globalSeq: Number(c.globalSeq) })), at],
      );
    return unsigned.length;
  });
}

/** The signed checkpoints, by day: what `GET /public/checkpoints` serves. */
export async function signedCheckpoints(port: DbPort): Promise<SignedCheckpoint[]> {
  const rows = await port.query<SignedCheckpoint>(
    `SELECT c.day, c.global_seq AS globalSeq, c.global_hash AS globalHash, c.hash_algorithm AS hashAlgorithm, s.signature
     FROM checkpoints c JOIN checkpoint_signatures s ON s.day = c.day ORDER BY c.day`,
  );
  return rows.map((r) => ({ ...r, globalSeq: Number(r.globalSeq) }));
}

/** Every key that has signed, oldest first. */
export async function signingKeyHistory(port: DbPort): Promise<SigningKey[]> {
  return port.query<SigningKey>(
    `SELECT key_id AS keyId, public_key_pem AS publicKeyPem, dist_id AS distId, first_used_at AS firstUsedAt
     FROM signing_keys ORDER BY first_used_at, key_id`,
  );
}

/** Every stored signature with its checkpoint and its key, for verify. */
export async function checkpointSignatureRows(
  port: DbPort,
): Promise<(SignedCheckpoint & { keyId: string; publicKeyPem: string | null; distId: string | null })[]> {
  const rows = await port.query<
    SignedCheckpoint & { keyId: string; publicKeyPem: string | null; distId: string | null }
  >(
    `SELECT s.day, c.global_seq AS globalSeq, c.global_hash AS globalHash, c.hash_algorithm AS hashAlgorithm,
            s.signature, s.key_id AS keyId, k.public_key_pem AS publicKeyPem, k.dist_id AS distId
     FROM checkpoint_signatures s
     LEFT JOIN checkpoints c ON c.day = s.day
     LEFT JOIN signing_keys k ON k.key_id = s.key_id
     ORDER BY s.day`,
  );
  return rows.map((r) => ({ ...r, globalSeq: Number(r.globalSeq) }));
}

/** What is wrong with one stored signature, or null. */
export function signatureProblem(row: {
  day: string;
  globalSeq: number;
  globalHash: string | null;
  hashAlgorithm: string | null;
  signature: string;
  keyId: string;
  publicKeyPem: string | null;
  distId: string | null;
}): string | null {
  if (row.globalHash === null || row.hashAlgorithm === null)
    return `the signature of ${row.day} signs a checkpoint that is not in the log`;
  if (row.publicKeyPem === null || row.distId === null)
    return `the checkpoint of ${row.day} is signed by key ${row.keyId}, which is not among the signing keys`;
  const text = checkpointText({
    day: row.day,
    globalSeq: row.globalSeq,
    globalHash: row.globalHash,
    hashAlgorithm: row.hashAlgorithm,
  });
  return sm2Verify(row.publicKeyPem, text, row.signature, row.distId)
    ? null
    : `the SM2 signature of the checkpoint of ${row.day} does not verify under key ${row.keyId}: the checkpoint or its signature was altered`;
}
