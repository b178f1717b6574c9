// Interop of `zqlite crypto` (hex mode) with the independent @noble/post-quantum
// (and @noble/curves for the Ed25519 half of the composite signature).
// Usage: node noble_interop.mjs /path/to/zqlite
//
// For every ML-KEM and ML-DSA parameter set, SLH-DSA-SHA2-128s/SHAKE-128s and
// X-Wing: keys, ciphertexts and signatures made by each side are accepted by the
// other; seeded key generation and derandomized encapsulation / deterministic
// signing give identical bytes on both sides. For ed25519-mldsa65, noble checks
// both halves of a zqlite composite signature against docs/crypto.md's format.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { slh_dsa_sha2_128s, slh_dsa_shake_128s } from '@noble/post-quantum/slh-dsa.js';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';

const zqlite = process.argv[2];
if (!zqlite) {
  console.error('usage: node noble_interop.mjs ZQLITE_BINARY');
  process.exit(2);
}

const hex = (b) => Buffer.from(b).toString('hex');
const bytes = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const equal = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.error(`FAIL ${what}`);
  }
}

// Runs zqlite crypto ARGS; returns {code, fields} with fields from `name: hex` lines.
function zq(...args) {
  let out;
  let code = 0;
  try {
    out = execFileSync(zqlite, ['crypto', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  } catch (e) {
    code = e.status;
    out = e.stdout || '';
  }
  const fields = {};
  for (const line of out.split('\n')) {
    const m = /^([a-z]+): ([0-9a-f]*)$/.exec(line);
    if (m) fields[m[1]] = m[2];
  }
  return { code, out, fields };
}

const kems = [
  ['mlkem512', ml_kem512, 64, 32],
  ['mlkem768', ml_kem768, 64, 32],
  ['mlkem1024', ml_kem1024, 64, 32],
  ['xwing', ml_kem768_x25519, 32, 64],
];

for (const [alg, noble, seedBytes, eseedBytes] of kems) {
  // zqlite keys, noble encapsulates, zqlite decapsulates.
  const kg = zq('keygen', alg, '--hex');
  const enc = noble.encapsulate(bytes(kg.fields.public));
  const dec = zq('decaps', alg, kg.fields.secret, hex(enc.cipherText));
  check(dec.code === 0 && dec.fields.shared === hex(enc.sharedSecret), `${alg} noble->zqlite`);
  // noble keys, zqlite encapsulates, noble decapsulates.
  const keys = noble.keygen();
  const zenc = zq('encaps', alg, hex(keys.publicKey));
  const ss = noble.decapsulate(bytes(zenc.fields.ciphertext), keys.secretKey);
  check(zenc.code === 0 && zenc.fields.shared === hex(ss), `${alg} zqlite->noble`);
  // Same seed, same keys; same encapsulation randomness, same ciphertext.
  const seed = randomBytes(seedBytes);
  const zk = zq('keygen', alg, '--hex', '--seed', hex(seed));
  const nk = noble.keygen(new Uint8Array(seed));
  check(zk.fields.public === hex(nk.publicKey), `${alg} seeded public key`);
  check(zk.fields.secret === hex(nk.secretKey), `${alg} seeded secret key`);
  const m = randomBytes(eseedBytes);
  const ze = zq('encaps', alg, hex(nk.publicKey), '--seed', hex(m));
  const ne = noble.encapsulate(nk.publicKey, new Uint8Array(m));
  check(ze.fields.ciphertext === hex(ne.cipherText), `${alg} derandomized ciphertext`);
  check(ze.fields.shared === hex(ne.sharedSecret), `${alg} derandomized shared secret`);
  console.log(`${alg}: done`);
}

const sigs = [
  ['mldsa44', ml_dsa44, 32],
  ['mldsa65', ml_dsa65, 32],
  ['mldsa87', ml_dsa87, 32],
  ['slhdsa-sha2-128s', slh_dsa_sha2_128s, 48],
  ['slhdsa-shake-128s', slh_dsa_shake_128s, 48],
];

for (const [alg, noble, seedBytes] of sigs) {
  const msg = randomBytes(100);
  const context = randomBytes(7);
  const opts = { context: new Uint8Array(context) };
  // zqlite signs, noble verifies.
  const kg = zq('keygen', alg, '--hex');
  const zs = zq('sign', alg, kg.fields.secret, hex(msg), '--context', hex(context));
  const pk = bytes(kg.fields.public);
  check(noble.verify(bytes(zs.fields.signature), msg, pk, opts), `${alg} zqlite sig by noble`);
  const other = Buffer.from(msg);
  other[0] ^= 1;
  check(!noble.verify(bytes(zs.fields.signature), other, pk, opts), `${alg} noble rejects`);
  // noble signs, zqlite verifies.
  const keys = noble.keygen();
  const ns = noble.sign(msg, keys.secretKey, opts);
  const zv = zq('verify', alg, hex(keys.publicKey), hex(msg), hex(ns), '--context', hex(context));
  check(zv.code === 0 && zv.out === 'valid\n', `${alg} noble sig by zqlite`);
  const zbad = zq('verify', alg, hex(keys.publicKey), hex(other), hex(ns), '--context', hex(context));
  check(zbad.code === 1 && zbad.out === 'invalid\n', `${alg} zqlite rejects`);
  // Same seed, same keys; deterministic signatures are byte-identical.
  const seed = randomBytes(seedBytes);
  const zk = zq('keygen', alg, '--hex', '--seed', hex(seed));
  const nk = noble.keygen(new Uint8Array(seed));
  check(zk.fields.public === hex(nk.publicKey), `${alg} seeded public key`);
  check(zk.fields.secret === hex(nk.secretKey), `${alg} seeded secret key`);
  const zd = zq('sign', alg, zk.fields.secret, hex(msg), '--context', hex(context), '--deterministic');
  const nd = noble.sign(msg, nk.secretKey, { ...opts, extraEntropy: false });
  check(zd.fields.signature === hex(nd), `${alg} deterministic signature`);
  if (alg.startsWith('mldsa')) {
    // HashML-DSA with SHA2-512 both ways (noble refuses weaker pre-hashes for 65/87).
    const ph = noble.prehash(sha512);
    const zp = zq('sign', alg, zk.fields.secret, hex(msg), '--prehash', 'sha2-512');
    check(ph.verify(bytes(zp.fields.signature), msg, nk.publicKey), `${alg} prehash zqlite->noble`);
    const np = ph.sign(msg, nk.secretKey);
    const zpv = zq('verify', alg, hex(nk.publicKey), hex(msg), hex(np), '--prehash', 'sha2-512');
    check(zpv.code === 0, `${alg} prehash noble->zqlite`);
  }
  console.log(`${alg}: done`);
}

// Composite: both halves of a zqlite signature verify under noble, over
// M' = label || 0x01 || len(ctx) || ctx || SHA-512(msg).
{
  const kg = zq('keygen', 'ed25519-mldsa65', '--hex');
  const msg = randomBytes(50);
  const ctx = randomBytes(3);
  const zs = zq('sign', 'ed25519-mldsa65', kg.fields.secret, hex(msg), '--context', hex(ctx));
  const pk = bytes(kg.fields.public);
  const sig = bytes(zs.fields.signature);
  const label = new TextEncoder().encode('ZQLite composite Ed25519+ML-DSA-65');
  const mPrime = new Uint8Array([...label, 1, ctx.length, ...ctx, ...sha512(msg)]);
  check(pk[0] === 1 && sig[0] === 1, 'composite version bytes');
  check(ed25519.verify(sig.subarray(1, 65), mPrime, pk.subarray(1, 33)), 'composite Ed25519 half');
  check(ml_dsa65.verify(sig.subarray(65), mPrime, pk.subarray(33)), 'composite ML-DSA-65 half');
  console.log('ed25519-mldsa65: done');
}

console.log(`noble interop: ${passed}/${passed + failed} checks passed`);
process.exit(failed === 0 ? 0 : 1);
