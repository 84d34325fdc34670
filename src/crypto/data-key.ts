/**
 * The data key that protects personal data at rest (issue 16, api.md "Cryptography"): a file of
 * 64 random bytes, hex, named by `JIEBANG_DATA_KEY`, generated (mode 0600) on first start when
 * absent. Two keys are derived from it with HMAC-SM3, so one secret file serves both and neither
 * derived key is ever written down:
 *  - the key-wrapping keys (SM4 + HMAC-SM3) that seal each record's own data key;
 *  - the blind-index key (HMAC-SM3) by which a value is looked up without decrypting anything.
 * Its id (the first 16 hex of SM3 of the file's bytes) is stored beside every wrapped key, so a
 * rotation (`jiebang personal-data rotate-key`) knows which records it has already re-wrapped.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isPostgresUrl } from '../base/database-url.js';
import { loadOrCreateKeyFile } from './key-file.js';

export interface DataKey {
  /** SM3 of the key bytes, 16 hex: names the key without revealing it. */
  id: string;
  /** SM4-CBC key (16 bytes) that wraps the records' own keys. */
  wrapKey: Buffer;
  /** HMAC-SM3 key (32 bytes) over the wrapped keys. */
  wrapMacKey: Buffer;
  /** HMAC-SM3 key (32 bytes) of the blind index. */
  indexKey: Buffer;
}

const KEY_BYTES = 64;

const derive = (secret: Buffer, label: string, bytes: number): Buffer =>
  createHmac('sm3', secret).update(`jiebang/${label}`).digest().subarray(0, bytes);

/** The keys derived from a key file's 64 bytes. */
export function dataKeyFrom(secret: Buffer): DataKey {
  if (secret.length !== KEY_BYTES) throw new Error(`A data key has ${KEY_BYTES} bytes; this one has ${secret.length}.`);
  return {
    id: createHash('sm3').update(secret).digest('hex').slice(0, 16),
    wrapKey: derive(secret, 'wrap-sm4', 16),
    wrapMacKey: derive(secret, 'wrap-hmac-sm3', 32),
    indexKey: derive(secret, 'blind-index', 32),
  };
}

/** Reads a key file (hex, whitespace ignored). */
export function readDataKey(path: string): DataKey {
  return keyOf(path, readFileSync(path));
}

const newSecretText = () => `${randomBytes(KEY_BYTES).toString('hex')}\n`;

const keyOf = (path: string, contents: Buffer) => {
  const hex = contents.toString('utf8').replace(/\s+/g, '');
  if (!/^[0-9a-f]+$/i.test(hex)) throw new Error(`${path} is not a data key (hex expected).`);
  return dataKeyFrom(Buffer.from(hex, 'hex'));
};

/** Writes a new random key file (0600, src/crypto/key-file.ts); refuses to overwrite one. */
export function generateDataKey(path: string): DataKey {
  const file = loadOrCreateKeyFile(path, newSecretText);
  if (!file.created) throw new Error(`${path} exists: a data key is never overwritten.`);
  return keyOf(path, file.contents);
}

/**
 * The key at `path`, generated there when absent (exclusively: processes started together on
 * one PostgreSQL database agree on one key); `generated` says which, for the start-up log.
 */
export function loadOrGenerateDataKey(path: string): { key: DataKey; generated: boolean } {
  const file = loadOrCreateKeyFile(path, newSecretText);
  return { key: keyOf(path, file.contents), generated: file.created };
}

/**
 * Where the data key lives: `JIEBANG_DATA_KEY` when set, else `data.key` beside the SQLite file;
 * on PostgreSQL beside the shared uploads folder (`JIEBANG_FILES`, `data/files` by default), as
 * the signing key is, so every process of one database reads the same key. An in-memory
 * database (tests) gets a fresh key in a folder of its own.
 *
 * Until issue 15's sixth round the PostgreSQL default was `data/data.key` whatever
 * `JIEBANG_FILES` said. A key found there when the shared folder has none is not left behind
 * (a new key would seal new values under it and leave every earlier one unreadable): the start
 * is refused, naming both paths.
 */
export function dataKeyPathFor(dbPath: string, configured: string | undefined, filesDir?: string): string {
  if (configured) return configured;
  if (dbPath === ':memory:') return join(mkdtempSync(join(tmpdir(), 'jiebang-key-')), 'data.key');
  if (!isPostgresUrl(dbPath)) return join(dirname(dbPath), 'data.key');
  const path = join(dirname(filesDir ?? join('data', 'files')), 'data.key');
  const earlier = join('data', 'data.key');
  if (resolve(path) !== resolve(earlier) && !existsSync(path) && existsSync(earlier))
    throw new Error(
      `the data key is at ${earlier}, but on PostgreSQL it now lives beside JIEBANG_FILES, at ${path}: ` +
        `move it there (every process must read the same key), or set JIEBANG_DATA_KEY=${earlier}`,
    );
  return path;
}
