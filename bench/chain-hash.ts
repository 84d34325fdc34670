/**
 * npm run bench:chain-hash — the chains' hash per event under SM3 beside SHA-256 (the baseline),
 * on canonical rows of the sizes the log holds (a small UPDATE, a CREATE with its programme
 * settings), and the SM2 signature of one checkpoint (once a Beijing day). Prints figures only.
 *
 * Usage: npm run bench:chain-hash [-- ROUNDS]   (default 200000)
 */
import { createHash } from 'node:crypto';
import { generateSm2PrivateKeyPem, sm2SignerFromPem } from '../src/crypto/sm2.js';
import { chainDigest, type HashAlgorithm } from '../src/engine/canonical.js';

const rounds = Number(process.argv[2] ?? 200_000);
const prev = createHash('sha256').update('prev').digest('hex');
const rows = {
  'small event (~300 B)': `{"actor":{"id":"tok-1","role":"issuer","unit":"91650100MA77XXXX1A"},"payload":{"title":"${'棉花采收'.repeat(4)}"},"seq":2}`,
  'CREATE (~8 KB)': `{"payload":${JSON.stringify({ text: '揭榜挂帅'.repeat(680) })}}`,
};

function perEvent(algorithm: HashAlgorithm, text: string): number {
  for (let i = 0; i < 1000; i++) chainDigest(algorithm, prev + text); // warm up
  const start = process.hrtime.bigint();
  let last = '';
  for (let i = 0; i < rounds; i++) last = chainDigest(algorithm, prev + last.slice(0, 1) + text);
  return Number(process.hrtime.bigint() - start) / rounds / 1000; // µs
}

console.log(`chain hash per event, ${rounds} rounds (µs; event hash only, the global link hashes 128 bytes more)`);
for (const [name, text] of Object.entries(rows)) {
  const sha = perEvent('sha256', text);
  const sm3 = perEvent('sm3', text);
  console.log(
    `  ${name.padEnd(22)} sha256 ${sha.toFixed(2).padStart(7)}   sm3 ${sm3.toFixed(2).padStart(7)}   ×${(sm3 / sha).toFixed(2)}`,
  );
}
const signer = sm2SignerFromPem(generateSm2PrivateKeyPem());
const text = `2026-05-06|123456|${prev}|sm3`;
signer.sign(text);
const n = 50;
const start = process.hrtime.bigint();
for (let i = 0; i < n; i++) signer.sign(text);
console.log(
  `SM2 signature of a checkpoint (sm-crypto): ${(Number(process.hrtime.bigint() - start) / n / 1e6).toFixed(1)} ms`,
);
