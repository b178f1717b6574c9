// SLH-DSA (FIPS 205), the stateless hash-based signature scheme, written from
// the standard: a conservative signature for long-lived roots of trust, whose
// security rests only on its hash function.
//
// All twelve parameter sets of FIPS 205 Table 2 are supported (SHA2 and SHAKE,
// 128/192/256, small "s" and fast "f"). The SHAKE sets use our Keccak
// (keccak.hpp); the SHA2 sets use OpenSSL SHA-256/SHA-512, HMAC and our MGF1,
// exactly as FIPS 205 §11.2.1 (category 1) and §11.2.2 (categories 3 and 5).
//
// Byte formats (FIPS 205 §9.1): pk = PK.seed || PK.root (2n bytes),
// sk = SK.seed || SK.prf || PK.seed || PK.root (4n bytes), and the signature
// R || SIG_FORS || SIG_HT of n·(1 + k·(1 + a) + h + d·len) bytes.
//
// Interfaces: the internal one (Alg. 18–20) takes the message as given; the
// external pure one (Alg. 22, 24) signs M' = 0x00 || len(ctx) || ctx || msg, with
// a context of at most 255 bytes (longer is InvalidArgument). Signing is hedged
// (opt_rand from the CSPRNG) or deterministic (opt_rand = PK.seed).
//
// Verify results: Ok for a valid signature; AuthFailed for one that does not
// verify, including a signature of the wrong length (never a crash);
// InvalidArgument for a public key of the wrong length or an over-long context.
//
// Constant time: every index SLH-DSA computes from data (FORS indices, the
// hypertree leaf) comes from the message digest, which the signature reveals;
// the secret seeds only ever enter hash inputs. Secret temporaries are wiped.
// Thread-safety: all functions are pure except hedged signing and KeyGen, which
// read the process CSPRNG.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "util/result.hpp"
#include "util/status.hpp"

namespace zq::crypto {

// Order of FIPS 205 Table 2.
enum class SlhDsaParams : uint8_t {
  kSha2_128s,
  kShake128s,
  kSha2_128f,
  kShake128f,
  kSha2_192s,
  kShake192s,
  kSha2_192f,
  kShake192f,
  kSha2_256s,
  kShake256s,
  kSha2_256f,
  kShake256f,
};
inline constexpr size_t kSlhDsaParamSetCount = 12;
inline constexpr size_t kSlhDsaContextBytesMax = 255;

struct SlhDsaSizes {
  size_t n;  // security parameter: bytes per hash value and per seed
  size_t public_key_bytes;
  size_t secret_key_bytes;
  size_t signature_bytes;
};
// SLH-DSA-*-128s: n = 16, pk 32, sk 64, signature 7856 (FIPS 205 Table 2).
SlhDsaSizes SlhDsaSizesFor(SlhDsaParams params);
const char* SlhDsaName(SlhDsaParams params);  // "SLH-DSA-SHAKE-128s"
// The inverse of SlhDsaName; nullopt for an unknown name.
std::optional<SlhDsaParams> SlhDsaParamsFromName(std::string_view name);

struct SlhDsaKeyPair {
  std::vector<uint8_t> public_key;
  std::vector<uint8_t> secret_key;  // secret: wipe with SecureWipe when done
};

enum class SlhDsaRandomness : uint8_t { kHedged, kDeterministic };

// slh_keygen_internal (Alg. 18) from three n-byte seeds, and slh_keygen (Alg. 21)
// with seeds from crypto::RandomBytes.
Result<SlhDsaKeyPair> SlhDsaKeyGenInternal(SlhDsaParams params, std::span<const uint8_t> sk_seed,
                                           std::span<const uint8_t> sk_prf,
                                           std::span<const uint8_t> pk_seed);
Result<SlhDsaKeyPair> SlhDsaKeyGen(SlhDsaParams params);

// slh_sign_internal (Alg. 19). addrnd is n bytes (hedged) or empty (deterministic:
// opt_rand = PK.seed).
Result<std::vector<uint8_t>> SlhDsaSignInternal(SlhDsaParams params, std::span<const uint8_t> sk,
                                                std::span<const uint8_t> message,
                                                std::span<const uint8_t> addrnd);
// slh_verify_internal (Alg. 20).
Status SlhDsaVerifyInternal(SlhDsaParams params, std::span<const uint8_t> pk,
                            std::span<const uint8_t> message, std::span<const uint8_t> sig);

// slh_sign / slh_verify (Alg. 22, 24), pure, with a context string.
Result<std::vector<uint8_t>> SlhDsaSign(SlhDsaParams params, std::span<const uint8_t> sk,
                                        std::span<const uint8_t> msg, std::span<const uint8_t> ctx,
                                        SlhDsaRandomness randomness = SlhDsaRandomness::kHedged);
Status SlhDsaVerify(SlhDsaParams params, std::span<const uint8_t> pk, std::span<const uint8_t> msg,
                    std::span<const uint8_t> ctx, std::span<const uint8_t> sig);

}  // namespace zq::crypto
