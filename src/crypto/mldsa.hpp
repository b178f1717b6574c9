// ML-DSA (FIPS 204), the module-lattice signature scheme, written from the
// standard. Used for the PQ half of the Ed25519 + ML-DSA-65 audit checkpoint
// signatures (ARCHITECTURE.md §7).
//
// Byte formats are exactly FIPS 204's pkEncode / skEncode / sigEncode
// (Alg. 22, 24, 26); the secret key is the expanded form (ρ, K, tr, s1, s2, t0).
//
// Interfaces, as in FIPS 204 §5 and §6:
// - external ("pure"): Sign/Verify build M' = 0x00 || len(ctx) || ctx || msg;
// - HashML-DSA: M' = 0x01 || len(ctx) || ctx || OID(PH) || PH(msg);
// - internal: Sign_internal/Verify_internal take M' as given, or start from
//   μ = SHAKE256(tr || M', 64) computed elsewhere ("external μ").
// A context longer than 255 bytes is InvalidArgument.
//
// Pre-hash choice: every FIPS 204-approved hash is accepted (SHA2-224/256/384/
// 512, SHA2-512/224, SHA2-512/256, SHA3-224/256/384/512, SHAKE128 with 32 bytes
// out, SHAKE256 with 64 bytes out), for every parameter set. FIPS 204 §5.4 only
// asks that the hash be at least as strong as the parameter set; that choice is
// the caller's (ZQLite's own use is pure ML-DSA-65).
//
// Constant time: KeyGen and Sign have no branch or memory index that depends on
// secret data, except the rejection-sampling loops (ExpandS's coefficient
// rejection, Sign's abort-and-retry loop, SampleInBall's index rejection) whose
// accept/reject pattern FIPS 204's security analysis treats as public. Secret
// temporaries are wiped; returned secret keys are the caller's to wipe.
//
// Verify results: Ok for a valid signature; AuthFailed for a signature that does
// not verify or is malformed (bad hint encoding, ||z|| too large); InvalidArgument
// for a wrong length of key, signature, μ or context.
// Thread-safety: all functions are pure except that randomized signing and key
// generation read the process CSPRNG.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "util/result.hpp"
#include "util/status.hpp"

namespace zq::crypto {

enum class MlDsaParams : uint8_t { k44, k65, k87 };

inline constexpr size_t kMlDsaSeedBytes = 32;         // ξ
inline constexpr size_t kMlDsaRandomnessBytes = 32;   // rnd
inline constexpr size_t kMlDsaMuBytes = 64;           // μ
inline constexpr size_t kMlDsaContextBytesMax = 255;  // ctx length is one byte in M'

struct MlDsaSizes {
  size_t public_key_bytes;
  size_t secret_key_bytes;
  size_t signature_bytes;
};
// ML-DSA-44: 1312 / 2560 / 2420; ML-DSA-65: 1952 / 4032 / 3309;
// ML-DSA-87: 2592 / 4896 / 4627 (FIPS 204 Table 2).
MlDsaSizes MlDsaSizesFor(MlDsaParams params);
const char* MlDsaName(MlDsaParams params);  // "ML-DSA-65"

struct MlDsaKeyPair {
  std::vector<uint8_t> public_key;
  std::vector<uint8_t> secret_key;  // secret: wipe with SecureWipe when done
};

// kHedged draws rnd from the CSPRNG (the default of FIPS 204 §3.4);
// kDeterministic uses rnd = 32 zero bytes.
enum class MlDsaRandomness : uint8_t { kHedged, kDeterministic };

enum class MlDsaPreHash : uint8_t {
  kSha2_224,
  kSha2_256,
  kSha2_384,
  kSha2_512,
  kSha2_512_224,
  kSha2_512_256,
  kSha3_224,
  kSha3_256,
  kSha3_384,
  kSha3_512,
  kShake128,  // 32-byte output
  kShake256,  // 64-byte output
};
size_t MlDsaPreHashDigestBytes(MlDsaPreHash hash);

// ML-DSA.KeyGen_internal (Alg. 6) from the 32-byte seed ξ, and ML-DSA.KeyGen
// (Alg. 1) with ξ from crypto::RandomBytes.
Result<MlDsaKeyPair> MlDsaKeyGenInternal(MlDsaParams params, std::span<const uint8_t> xi);
Result<MlDsaKeyPair> MlDsaKeyGen(MlDsaParams params);

// ML-DSA.Sign_internal (Alg. 7) on M' with 32-byte rnd, and the same starting
// from a 64-byte μ. The secret key's s1 and s2 must lie in [-η, η]
// (InvalidArgument otherwise).
Result<std::vector<uint8_t>> MlDsaSignInternal(MlDsaParams params, std::span<const uint8_t> sk,
                                               std::span<const uint8_t> m_prime,
                                               std::span<const uint8_t> rnd);
Result<std::vector<uint8_t>> MlDsaSignMu(MlDsaParams params, std::span<const uint8_t> sk,
                                         std::span<const uint8_t> mu, std::span<const uint8_t> rnd);
// ML-DSA.Verify_internal (Alg. 8) on M', and the same from μ.
Status MlDsaVerifyInternal(MlDsaParams params, std::span<const uint8_t> pk,
                           std::span<const uint8_t> m_prime, std::span<const uint8_t> sig);
Status MlDsaVerifyMu(MlDsaParams params, std::span<const uint8_t> pk, std::span<const uint8_t> mu,
                     std::span<const uint8_t> sig);

// ML-DSA.Sign / ML-DSA.Verify (Alg. 2, 3).
Result<std::vector<uint8_t>> MlDsaSign(MlDsaParams params, std::span<const uint8_t> sk,
                                       std::span<const uint8_t> msg, std::span<const uint8_t> ctx,
                                       MlDsaRandomness randomness = MlDsaRandomness::kHedged);
Result<std::vector<uint8_t>> MlDsaSignWithRandomness(MlDsaParams params,
                                                     std::span<const uint8_t> sk,
                                                     std::span<const uint8_t> msg,
                                                     std::span<const uint8_t> ctx,
                                                     std::span<const uint8_t> rnd);
Status MlDsaVerify(MlDsaParams params, std::span<const uint8_t> pk, std::span<const uint8_t> msg,
                   std::span<const uint8_t> ctx, std::span<const uint8_t> sig);

// HashML-DSA.Sign / HashML-DSA.Verify (Alg. 4, 5): msg is hashed here with PH.
Result<std::vector<uint8_t>> HashMlDsaSign(MlDsaParams params, std::span<const uint8_t> sk,
                                           std::span<const uint8_t> msg,
                                           std::span<const uint8_t> ctx, MlDsaPreHash hash,
                                           MlDsaRandomness randomness = MlDsaRandomness::kHedged);
Result<std::vector<uint8_t>> HashMlDsaSignWithRandomness(
    MlDsaParams params, std::span<const uint8_t> sk, std::span<const uint8_t> msg,
    std::span<const uint8_t> ctx, MlDsaPreHash hash, std::span<const uint8_t> rnd);
Status HashMlDsaVerify(MlDsaParams params, std::span<const uint8_t> pk,
                       std::span<const uint8_t> msg, std::span<const uint8_t> ctx,
                       MlDsaPreHash hash, std::span<const uint8_t> sig);

}  // namespace zq::crypto
