/** Issue 16's settings as the environment gives them (api.md "Cryptography"). */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/base/config.js';

describe('JIEBANG_HASH and JIEBANG_SIGNING_KEY', () => {
  it('default to SHA-256 and a key in the data folder', () => {
    expect(loadConfig({})).toMatchObject({ hashAlgorithm: 'sha256', signingKeyPath: undefined });
  });

  it('take sm3 and a key file', () => {
    expect(loadConfig({ JIEBANG_HASH: 'sm3', JIEBANG_SIGNING_KEY: '/etc/jiebang/sm2.pem' })).toMatchObject({
      hashAlgorithm: 'sm3',
      signingKeyPath: '/etc/jiebang/sm2.pem',
    });
  });

  it('refuse a hash the chains may not use, naming the setting', () => {
    expect(() => loadConfig({ JIEBANG_HASH: 'md5' })).toThrow(/JIEBANG_HASH/);
    expect(() => loadConfig({ JIEBANG_HASH: 'SM3' })).toThrow(/JIEBANG_HASH/);
  });
});
