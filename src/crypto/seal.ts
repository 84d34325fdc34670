/**
 * Authenticated encryption with the national algorithms (issue 16): SM4-CBC, then HMAC-SM3 over
 * version ‖ IV ‖ ciphertext (encrypt-then-MAC; this OpenSSL has no SM4-GCM). The MAC is checked,
 * in constant time, before anything is decrypted. A sealed value is text:
 * `s1.<iv base64url>.<ciphertext base64url>.<mac base64url>`.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SealKeys {
  /** 16 bytes. */
  encKey: Buffer;
  /** 16 bytes or more. */
  macKey: Buffer;
}

const VERSION = 's1';

const macOf = (keys: SealKeys, iv: Buffer, ct: Buffer) =>
  createHmac('sm3', keys.macKey).update(VERSION).update(iv).update(ct).digest();

export function seal(keys: SealKeys, plain: Buffer): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('sm4-cbc', keys.encKey, iv);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [VERSION, iv.toString('base64url'), ct.toString('base64url'), macOf(keys, iv, ct).toString('base64url')].join(
    '.',
  );
}

/** The plain bytes, or an error when the text was not sealed with these keys or was altered. */
export function open(keys: SealKeys, sealed: string): Buffer {
  const [version, ivText, ctText, macText, ...rest] = sealed.split('.');
  if (version !== VERSION || ivText === undefined || ctText === undefined || macText === undefined || rest.length)
    throw new Error('not a sealed value');
  const iv = Buffer.from(ivText, 'base64url');
  const ct = Buffer.from(ctText, 'base64url');
  const mac = Buffer.from(macText, 'base64url');
  const expected = macOf(keys, iv, ct);
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected))
    throw new Error('sealed value altered or sealed with another key (HMAC-SM3 mismatch)');
  const decipher = createDecipheriv('sm4-cbc', keys.encKey, iv);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}

/** A record's own key: 16 bytes of SM4 key and 32 of HMAC-SM3 key, fresh for every record. */
export function newRecordKey(): Buffer {
  return randomBytes(48);
}

export const recordKeys = (key: Buffer): SealKeys => ({ encKey: key.subarray(0, 16), macKey: key.subarray(16) });
