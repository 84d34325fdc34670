import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateKeyFile } from '../../src/crypto/key-file.js';

describe('loadOrCreateKeyFile', () => {
  it('creates an absent key file owner-only, in a folder it makes, and says so', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keyfile-')), 'sub', 'key.pem');
    const made = loadOrCreateKeyFile(path, () => 'first');
    expect(made.created).toBe(true);
    expect(made.contents.toString()).toBe('first');
    expect(readFileSync(path, 'utf8')).toBe('first');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('reads a present key file and never calls the generator', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keyfile-')), 'key.pem');
    writeFileSync(path, 'kept');
    const read = loadOrCreateKeyFile(path, () => {
      throw new Error('must not generate');
    });
    expect(read).toEqual({ path, contents: Buffer.from('kept'), created: false });
  });
});
