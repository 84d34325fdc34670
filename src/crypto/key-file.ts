/**
 * Key files: read a key from its file, or — on first start, when the file is absent — create it
 * with what `generate` returns. The file is written owner-only (0600) and exclusively (`wx`), so
 * two processes starting together on one data folder end up with the same key: the one that
 * loses the race reads what the winner wrote. The caller logs `created` (the issue asks for a log
 * line when a key is generated) and parses the contents: this module knows no key format.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KeyFile {
  path: string;
  contents: Buffer;
  /** True when this call generated the key and wrote the file. */
  created: boolean;
}

const isCode = (e: unknown, code: string) => (e as NodeJS.ErrnoException | undefined)?.code === code;

export function loadOrCreateKeyFile(path: string, generate: () => string | Buffer): KeyFile {
  try {
    return { path, contents: readFileSync(path), created: false };
  } catch (e) {
    if (!isCode(e, 'ENOENT')) throw e;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const contents = generate();
  try {
    writeFileSync(path, contents, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    // Another process created it between our read and our write: its key is the key.
    if (isCode(e, 'EEXIST')) return { path, contents: readFileSync(path), created: false };
    throw e;
  }
  // The umask may have widened the mode given to writeFileSync.
  chmodSync(path, 0o600);
  return { path, contents: typeof contents === 'string' ? Buffer.from(contents) : contents, created: true };
}
