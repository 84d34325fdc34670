/**
 * OpenSSL's command line as the second, independent checker of SM2 signatures (docs/audit.md
 * §3b): what a newspaper or an auditor would run on a checkpoint they downloaded.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SM2_DIST_ID } from '../../src/crypto/sm2.js';

/** `openssl pkeyutl -verify -rawin -digest sm3` of a base64 DER signature over `text`: whether OpenSSL accepts it. */
export function opensslVerifies(publicKeyPem: string, text: string, signature: string, distId = SM2_DIST_ID): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'openssl-verify-'));
  const file = (name: string, contents: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, contents);
    return path;
  };
  const result = spawnSync('openssl', [
    'pkeyutl',
    '-verify',
    '-pubin',
    '-inkey',
    file('pub.pem', publicKeyPem),
    '-rawin',
    '-in',
    file('msg.txt', text),
    '-sigfile',
    file('sig.der', Buffer.from(signature, 'base64')),
    '-digest',
    'sm3',
    '-pkeyopt',
    `distid:${distId}`,
  ]);
  return result.status === 0 && result.stdout.toString().includes('Signature Verified Successfully');
}
