// ML-KEM (FIPS 203), the module-lattice key-encapsulation mechanism, written
// from the standard. Used for the PQ half of the X25519 + ML-KEM-768 key wrap
// (ARCHITECTURE.md §7).
//
// Byte formats are exactly FIPS 203's: ek = ByteEncode12(t̂) || ρ (384k + 32
// bytes); dk = dkPKE || ek || H(ek) || z (768k + 96 bytes); c = c1 || c2.
//
// Constant time: KeyGen, Encaps and Decaps have no branch or memory index that
// depends on secret data (seeds, s, e, m, r, K). Decaps compares the re-encrypted
// ciphertext with a constant-time mask and selects K or the implicit-rejection
// key K̄ = J(z || c) without branching (FIPS 203 §6.3). Secret temporaries are
// wiped before return; returned secrets (dk, K) are the caller's to wipe.
//
// Errors: a wrong length, an ek that fails the §7.2 modulus check or a dk that
// fails the §7.3 hash check give InvalidArgument. A forged ciphertext is not an
// error: Decaps returns the implicit-rejection key (that is the design).
// Thread-safety: every function is pure (no shared state) except that the
// randomized wrappers read the process CSPRNG.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "util/result.hpp"
#include "util/status.hpp"

namespace zq::crypto {

enum class MlKemParams : uint8_t { k512, k768, k1024 };

inline constexpr size_t kMlKemSeedBytes = 32;          // d, z and m
inline constexpr size_t kMlKemSharedSecretBytes = 32;  // K

struct MlKemSizes {
  size_t encaps_key_bytes;  // ek
  size_t decaps_key_bytes;  // dk
  size_t ciphertext_bytes;  // c
};
// ML-KEM-512: 800 / 1632 / 768; ML-KEM-768: 1184 / 2400 / 1088;
// ML-KEM-1024: 1568 / 3168 / 1568 (FIPS 203 Table 3).
MlKemSizes MlKemSizesFor(MlKemParams params);
const char* MlKemName(MlKemParams params);  // "ML-KEM-768"

struct MlKemKeyPair {
  std::vector<uint8_t> encaps_key;  // public
  std::vector<uint8_t> decaps_key;  // secret: wipe with SecureWipe when done
};

struct MlKemEncapsulation {
  std::vector<uint8_t> shared_secret;  // K, 32 bytes, secret
  std::vector<uint8_t> ciphertext;     // c, sent to the holder of dk
};

// ML-KEM.KeyGen_internal (FIPS 203 Alg. 16): deterministic from d and z.
Result<MlKemKeyPair> MlKemKeyGenInternal(MlKemParams params, std::span<const uint8_t> d,
                                         std::span<const uint8_t> z);
// The 64-byte seed form d || z (the key format of the ACVP "seed" groups and
// of Wycheproof).
Result<MlKemKeyPair> MlKemKeyGenFromSeed(MlKemParams params, std::span<const uint8_t> seed);
// ML-KEM.KeyGen (Alg. 19): d and z from crypto::RandomBytes.
Result<MlKemKeyPair> MlKemKeyGen(MlKemParams params);

// ML-KEM.Encaps_internal (Alg. 17) with the §7.2 input check: m is the
// 32-byte randomness.
Result<MlKemEncapsulation> MlKemEncapsInternal(MlKemParams params,
                                               std::span<const uint8_t> encaps_key,
                                               std::span<const uint8_t> m);
// ML-KEM.Encaps (Alg. 20): m from crypto::RandomBytes.
Result<MlKemEncapsulation> MlKemEncaps(MlKemParams params, std::span<const uint8_t> encaps_key);

// ML-KEM.Decaps (Alg. 21) with the §7.3 input checks; returns K (32 bytes).
Result<std::vector<uint8_t>> MlKemDecaps(MlKemParams params, std::span<const uint8_t> decaps_key,
                                         std::span<const uint8_t> ciphertext);

// FIPS 203 §7.2: the length is 384k + 32 and every 12-bit value decoded from
// the first 384k bytes is below q = 3329 (ByteEncode12(ByteDecode12(x)) == x).
Status MlKemCheckEncapsKey(MlKemParams params, std::span<const uint8_t> encaps_key);
// FIPS 203 §7.3: the length is 768k + 96 and H(ek) stored in dk equals
// SHA3-256 of the ek embedded in dk.
Status MlKemCheckDecapsKey(MlKemParams params, std::span<const uint8_t> decaps_key);

}  // namespace zq::crypto
