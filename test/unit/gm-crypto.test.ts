/**
 * Issue 16: SM3 and SM2 against their standard test vectors (GB/T 32905, GB/T 32918) and against
 * the OpenSSL command line, both ways: what we sign, `openssl pkeyutl -verify` accepts; what it
 * signs, we accept; an altered signature or text fails both.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import smCrypto from 'sm-crypto';
import { describe, expect, it } from 'vitest';
import { generateSm2PrivateKeyPem, SM2_DIST_ID, sm2SignerFromPem, sm2Verify } from '../../src/crypto/sm2.js';
import { chainDigest } from '../../src/engine/canonical.js';
import { opensslVerifies } from '../helpers/openssl.js';

const dir = mkdtempSync(join(tmpdir(), 'gm-crypto-'));
const file = (name: string, contents: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
};

/** DER SEQUENCE { INTEGER r, INTEGER s } from hex r and s. */
function derSignature(r: string, s: string): string {
  const int = (hex: string) => {
    let bytes = Buffer.from(hex, 'hex');
    if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]).toString('base64');
}

describe('SM3 (GB/T 32905)', () => {
  it('gives the standard digests of "abc" and of the 64-byte "abcd"×16', () => {
    expect(chainDigest('sm3', 'abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(chainDigest('sm3', 'abcd'.repeat(16))).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });

  it("gives docs/audit.md's worked example of an event hash and its global link", () => {
    const row =
      '{"actor":{"id":"tok-1","role":"issuer","unit":"91650100MA77XXXX1A"},"at":"2026-05-06T02:00:00.000Z","challengeId":"wlmq-2026-0001","facts":null,"machineVersion":"2","payload":{"title":"棉花采收智能装备攻关"},"seq":2,"stateAfter":{"collection":"draft"},"type":"UPDATE"}';
    const doc = readFileSync('docs/audit.md', 'utf8');
    expect(doc).toContain(row);
    const prev = `5d0c${'0'.repeat(60)}`;
    expect(Buffer.byteLength(prev + row)).toBe(342);
    const hash = chainDigest('sm3', prev + row);
    expect(hash).toBe('0779b895c97a287d0265281675eb8d8e8d00ce4ea345e5a720006e80b6f75afc');
    expect(chainDigest('sha256', prev + row)).toBe('5e7f554e26987b2103bb54d3fadcee3887d629fa46d9ed9b7f513ea458ce796a');
    expect(chainDigest('sm3', '0'.repeat(64) + hash)).toBe(
      'dc4d9665f2989ec91d377057cce1179e7c1e73bc64321b30cf1c480d3b9bc2d4',
    );
    for (const value of [hash, 'dc4d9665f2989ec91d377057cce1179e7c1e73bc64321b30cf1c480d3b9bc2d4'])
      expect(doc).toContain(value);
  });

  it('agrees with `openssl dgst -sm3` on UTF-8 text, Chinese included', () => {
    const text = '{"title":"揭榜挂帅"}';
    const out = execFileSync('openssl', ['dgst', '-sm3', '-r', file('text.txt', text)]).toString();
    expect(out.split(' ')[0]).toBe(chainDigest('sm3', text));
    expect(chainDigest('sha256', 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('SM2 signatures (GB/T 32918)', () => {
  // The signature example with the recommended curve: private key, message "message digest",
  // id 1234567812345678, and the (r, s) the standard gives for its k.
  const standard = {
    d: '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8',
    point:
      '0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
    r: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3',
    s: 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
  };
  // The standard's key as the PKCS#8 that `openssl genpkey -algorithm SM2` writes.
  const standardPem = createPrivateKey({
    key: Buffer.from(
      `308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420${standard.d}a144034200${standard.point}`,
      'hex',
    ),
    format: 'der',
    type: 'pkcs8',
  })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();

  it("accepts the standard's example signature, and so does OpenSSL", () => {
    const signer = sm2SignerFromPem(standardPem);
    const spki = createPublicKey(signer.publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(spki.subarray(spki.length - 65).toString('hex')).toBe(standard.point);
    const signature = derSignature(standard.r, standard.s);
    expect(sm2Verify(signer.publicKeyPem, 'message digest', signature)).toBe(true);
    expect(opensslVerifies(signer.publicKeyPem, 'message digest', signature)).toBe(true);
    expect(sm2Verify(signer.publicKeyPem, 'message digesT', signature)).toBe(false);
    expect(sm2Verify(signer.publicKeyPem, 'message digest', signature, '1234567812345679')).toBe(false);
  });

  it('signs what OpenSSL verifies, with the distinguishing id; an altered signature or text fails both', () => {
    const signer = sm2SignerFromPem(generateSm2PrivateKeyPem());
    const text = '2026-05-06|14|5d0c9a|sm3';
    const signature = signer.sign(text);
    expect(opensslVerifies(signer.publicKeyPem, text, signature)).toBe(true);
    expect(sm2Verify(signer.publicKeyPem, text, signature)).toBe(true);
    // Another distinguishing id is another signature: the id is really in it.
    expect(opensslVerifies(signer.publicKeyPem, text, signature, '1234567812345679')).toBe(false);
    const der = Buffer.from(signature, 'base64');
    der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0x01;
    const altered = der.toString('base64');
    expect(opensslVerifies(signer.publicKeyPem, text, altered)).toBe(false);
    expect(sm2Verify(signer.publicKeyPem, text, altered)).toBe(false);
    expect(opensslVerifies(signer.publicKeyPem, '2026-05-06|15|5d0c9a|sm3', signature)).toBe(false);
    expect(sm2Verify(signer.publicKeyPem, '2026-05-06|15|5d0c9a|sm3', signature)).toBe(false);
  });

  it('verifies what `openssl pkeyutl -sign` made, and reads a key `openssl genpkey -algorithm SM2` made', () => {
    const keyPath = join(dir, 'openssl-key.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'SM2', '-out', keyPath]);
    const signer = sm2SignerFromPem(readFileSync(keyPath));
    const text = '2026-05-07|20|ab01|sha256';
    const sigPath = join(dir, 'openssl-sig.der');
    execFileSync('openssl', [
      'pkeyutl',
      '-sign',
      '-inkey',
      keyPath,
      '-rawin',
      '-in',
      file('signed.txt', text),
      '-digest',
      'sm3',
      '-pkeyopt',
      `distid:${SM2_DIST_ID}`,
      '-out',
      sigPath,
    ]);
    const signature = readFileSync(sigPath).toString('base64');
    expect(sm2Verify(signer.publicKeyPem, text, signature)).toBe(true);
    // The second implementation, sm-crypto's own verifier, on the raw point.
    const spki = createPublicKey(signer.publicKeyPem).export({ type: 'spki', format: 'der' });
    const point = spki.subarray(spki.length - 65).toString('hex');
    expect(
      smCrypto.sm2.doVerifySignature(text, readFileSync(sigPath).toString('hex'), point, {
        der: true,
        hash: true,
        userId: SM2_DIST_ID,
      }),
    ).toBe(true);
  });

  it('writes keys OpenSSL reads as SM2, and refuses a key on another curve', () => {
    const pem = generateSm2PrivateKeyPem();
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const text = execFileSync('openssl', ['pkey', '-in', file('node-key.pem', pem), '-text', '-noout']).toString();
    expect(text).toContain('ASN1 OID: SM2');
    const p256 = execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    expect(() => sm2SignerFromPem(p256)).toThrow(/not an SM2 private key/);
  });
});
