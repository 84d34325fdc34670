/**
 * SM2 signatures (GB/T 32918) for the daily checkpoints. Node's OpenSSL can generate and read SM2
 * keys, but `crypto.sign` on one makes a plain ECDSA signature over the SM2 curve — no Z value,
 * no distinguishing id — which OpenSSL's `pkeyutl -verify … -pkeyopt distid:` rejects. So Node
 * only generates and parses the key (PKCS#8 with the SM2 curve OID, exactly what `openssl genpkey
 * -algorithm SM2` writes), and the pure-JS `sm-crypto` signs and verifies SM2-with-SM3 with the
 * distinguishing id, in process (no openssl spawned at run time). Its nonces come from
 * `crypto.getRandomValues` (sm-crypto ≥ 0.3.13). test/unit/sm2.test.ts proves interop with the
 * openssl command line both ways and checks GB/T 32918's example.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import smCrypto from 'sm-crypto';

const { sm2 } = smCrypto;

/** GB/T 35276's default distinguishing id (api.md "Cryptography"). */
export const SM2_DIST_ID = '1234567812345678';

/** The DER of the SM2 curve's OID 1.2.156.10197.1.301, as it appears in the key's parameters. */
const SM2_CURVE_OID = Buffer.from('06082a811ccf5501822d', 'hex');

export interface Sm2Signer {
  /** The SM3 of the public key's DER SubjectPublicKeyInfo, lowercase hex: names the key in the log. */
  keyId: string;
  publicKeyPem: string;
  distId: string;
  /** Base64 DER (SEQUENCE of r, s) of SM2-with-SM3 over the UTF-8 bytes of `text`. */
  sign(text: string): string;
}

/** A new SM2 private key as PKCS#8 PEM (id-ecPublicKey with the SM2 curve), readable by OpenSSL. */
export function generateSm2PrivateKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** One DER element: its tag and where its contents start and end. */
interface Der {
  tag: number;
  start: number;
  end: number;
}

function derAt(buf: Buffer, at: number): Der {
  const first = buf[at + 1];
  if (first === undefined) throw new Error('truncated DER');
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const bytes = first & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (buf[at + 2 + i] ?? 0);
    header += bytes;
  }
  const end = at + header + length;
  if (end > buf.length) throw new Error('truncated DER');
  return { tag: buf[at] ?? 0, start: at + header, end };
}

function derChildren(buf: Buffer, parent: Der): Der[] {
  const out: Der[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = derAt(buf, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** The 32-byte private scalar of a PKCS#8 SM2 key: PrivateKeyInfo → privateKey OCTET STRING → ECPrivateKey → privateKey. */
function privateScalarHex(pkcs8: Buffer): string {
  const info = derChildren(pkcs8, derAt(pkcs8, 0));
  const wrapped = info[2];
  if (wrapped?.tag !== 0x04) throw new Error('not a PKCS#8 private key');
  const ecPrivateKey = derChildren(pkcs8, derAt(pkcs8, wrapped.start));
  const scalar = ecPrivateKey[1];
  if (scalar?.tag !== 0x04) throw new Error('not an EC private key');
  return pkcs8.subarray(scalar.start, scalar.end).toString('hex').padStart(64, '0');
}

/** The uncompressed point (04 ‖ x ‖ y) of an SM2 SubjectPublicKeyInfo, hex. */
function publicPointHex(spki: Buffer): string {
  const info = derChildren(spki, derAt(spki, 0));
  const bits = info[1];
  if (bits?.tag !== 0x03) throw new Error('not a public key');
  // A BIT STRING's first content byte counts the unused bits (0 here).
  return spki.subarray(bits.start + 1, bits.end).toString('hex');
}

/** Reads a PEM private key; refuses, with a message an operator can act on, anything but SM2. */
export function sm2SignerFromPem(pem: string | Buffer, distId: string = SM2_DIST_ID): Sm2Signer {
  const privateKey = createPrivateKey(pem);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  if (!pkcs8.includes(SM2_CURVE_OID))
    throw new Error('JIEBANG_SIGNING_KEY is not an SM2 private key (make one with `openssl genpkey -algorithm SM2`)');
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const d = privateScalarHex(pkcs8);
  const point = publicPointHex(spki);
  return {
    keyId: createHash('sm3').update(spki).digest('hex'),
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
    distId,
    sign: (text) =>
      Buffer.from(
        sm2.doSignature(text, d, { hash: true, der: true, userId: distId, publicKey: point }),
        'hex',
      ).toString('base64'),
  };
}

/** Whether `signature` (base64 DER) is SM2-with-SM3 of `text` by the key, with the distinguishing id. */
export function sm2Verify(
  publicKeyPem: string,
  text: string,
  signature: string,
  distId: string = SM2_DIST_ID,
): boolean {
  try {
    const point = publicPointHex(createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' }));
    const der = Buffer.from(signature, 'base64');
    // Base64 decoding skips what it cannot read: a signature that does not round-trip was altered.
    if (der.toString('base64') !== signature) return false;
    return sm2.doVerifySignature(text, der.toString('hex'), point, { hash: true, der: true, userId: distId });
  } catch {
    return false;
  }
}
