/** Issue 16: the sealing (SM4-CBC + HMAC-SM3), the data key, the masks and the ID-number check. */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataKeyFrom, dataKeyPathFor, generateDataKey, loadOrGenerateDataKey } from '../../src/crypto/data-key.js';
import { newRecordKey, open, recordKeys, seal } from '../../src/crypto/seal.js';
import { isNationalIdNumber, withIdCheckCharacter } from '../../src/personal/kinds.js';
import { mask, maskContact } from '../../src/personal/mask.js';

describe('the primitives', () => {
  it('SM3 gives the GB/T 32905 vector for "abc"', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('SM4 gives the GB/T 32907 vector (one block, ECB)', async () => {
    const { createCipheriv } = await import('node:crypto');
    const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const c = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    expect(Buffer.concat([c.update(key), c.final()]).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });
});

describe('seal and open', () => {
  const keys = recordKeys(newRecordKey());
  it('opens what it sealed, and each sealing differs (fresh IV)', () => {
    const a = seal(keys, Buffer.from('欧阳娜娜'));
    expect(open(keys, a).toString()).toBe('欧阳娜娜');
    expect(seal(keys, Buffer.from('欧阳娜娜'))).not.toBe(a);
    expect(a).not.toContain(Buffer.from('欧阳娜娜').toString('base64url'));
  });
  it('refuses a value with one byte changed, or opened with another key (HMAC-SM3 first)', () => {
    const sealed = seal(keys, Buffer.from('13912345678'));
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[2] as string, 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    const edited = [parts[0], parts[1], ct.toString('base64url'), parts[3]].join('.');
    expect(() => open(keys, edited)).toThrow(/HMAC-SM3/);
    expect(() => open(recordKeys(newRecordKey()), sealed)).toThrow(/HMAC-SM3/);
    expect(() => open(keys, 'plain text')).toThrow(/not a sealed value/);
  });
});

describe('the data key', () => {
  it('is generated once (0600), read back the same, and never overwritten', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'jiebang-key-')), 'sub', 'data.key');
    const first = loadOrGenerateDataKey(path);
    expect(first.generated).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = loadOrGenerateDataKey(path);
    expect(again).toEqual({ key: first.key, generated: false });
    expect(() => generateDataKey(path)).toThrow(/never overwritten/);
    const secret = Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
    expect(first.key.id).toBe(createHash('sm3').update(secret).digest('hex').slice(0, 16));
    expect(first.key.indexKey).toEqual(createHmac('sm3', secret).update('jiebang/blind-index').digest());
  });
  it('refuses a key of the wrong length', () => {
    expect(() => dataKeyFrom(Buffer.alloc(32))).toThrow(/64 bytes/);
  });
  it('lives beside the SQLite file, or beside the shared folder every PostgreSQL process reads', () => {
    const url = 'postgres://db.example/jiebang';
    expect(dataKeyPathFor('/srv/jiebang/j.db', undefined)).toBe('/srv/jiebang/data.key');
    expect(dataKeyPathFor('/srv/jiebang/j.db', '/keys/k')).toBe('/keys/k');
    expect(dataKeyPathFor(url, '/keys/k', '/mnt/shared/files')).toBe('/keys/k');
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'jiebang-cwd-')));
    try {
      expect(dataKeyPathFor(url, undefined)).toBe(join('data', 'data.key'));
      expect(dataKeyPathFor(url, undefined, join('data', 'files'))).toBe(join('data', 'data.key'));
      expect(dataKeyPathFor(url, undefined, '/mnt/shared/files')).toBe('/mnt/shared/data.key');
    } finally {
      process.chdir(cwd);
    }
  });
  it('refuses, on PostgreSQL, to leave behind a key at data/data.key when the shared folder has none', () => {
    const cwd = process.cwd();
    const shared = mkdtempSync(join(tmpdir(), 'jiebang-shared-'));
    process.chdir(mkdtempSync(join(tmpdir(), 'jiebang-cwd-')));
    try {
      const url = 'postgres://db.example/jiebang';
      const files = join(shared, 'files');
      // Just inside: no key anywhere, or one only in the shared folder — the shared folder's path.
      expect(dataKeyPathFor(url, undefined, files)).toBe(join(shared, 'data.key'));
      loadOrGenerateDataKey(join('data', 'data.key'));
      // Just outside: the earlier default holds a key and the shared folder none.
      expect(() => dataKeyPathFor(url, undefined, files)).toThrow(
        `the data key is at data/data.key, but on PostgreSQL it now lives beside JIEBANG_FILES, at ${join(shared, 'data.key')}`,
      );
      // Named by JIEBANG_DATA_KEY, or moved into the shared folder: found.
      expect(dataKeyPathFor(url, join('data', 'data.key'), files)).toBe(join('data', 'data.key'));
      loadOrGenerateDataKey(join(shared, 'data.key'));
      expect(dataKeyPathFor(url, undefined, files)).toBe(join(shared, 'data.key'));
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('masks', () => {
  it('masks each kind as the issue shows', () => {
    expect(mask('name', '张三')).toBe('张*');
    expect(mask('name', '欧阳娜娜')).toBe('欧***');
    expect(mask('phone', '13800005678')).toBe('138****5678');
    expect(mask('personId', '11010119900307123X')).toBe('110101********123X');
    expect(mask('email', 'lisihai@example.cn')).toBe('l***@example.cn');
    expect(maskContact('138-0000-5678')).toBe('138****5678');
    expect(maskContact('zhang@example.cn')).toBe('z***@example.cn');
  });
});

describe('national ID numbers', () => {
  const valid = withIdCheckCharacter('11010119900307123');
  it('takes a valid number, just inside: the right check character and a real date', () => {
    expect(isNationalIdNumber(valid)).toBe(true);
    expect(isNationalIdNumber(withIdCheckCharacter('11010120000229123'))).toBe(true);
  });
  it('refuses one just outside: a wrong check character, an impossible date, a unit code, 17 digits', () => {
    const wrong = valid.slice(0, 17) + (valid.endsWith('0') ? '1' : '0');
    expect(isNationalIdNumber(wrong)).toBe(false);
    expect(isNationalIdNumber(withIdCheckCharacter('11010119990229123'))).toBe(false);
    expect(isNationalIdNumber('91650100000000001X')).toBe(false);
    expect(isNationalIdNumber(valid.slice(0, 17))).toBe(false);
    expect(isNationalIdNumber('p-lead')).toBe(false);
  });
});
