// The hybrids ZQLite uses (ARCHITECTURE.md §7): never post-quantum alone.
//
// X-Wing (draft-connolly-cfrg-xwing-kem, the -05 and later layout): X25519 +
// ML-KEM-768 with a SHA3-256 combiner. Encodings are the draft's:
//   secret key  32 bytes, the seed sk; expanded with SHAKE256(sk, 96) into
//               d || z (ML-KEM-768 KeyGen_internal) || sk_X (X25519 scalar);
//   public key  pk_M (1184) || pk_X (32) = 1216 bytes;
//   ciphertext  ct_M (1088) || ct_X (32) = 1120 bytes;
//   shared      SHA3-256(ss_M || ss_X || ct_X || pk_X || XWingLabel), 32 bytes,
//               XWingLabel = the 6 ASCII bytes \.//^\ (hex 5c2e2f2f5e5c).
// Decaps never fails on a well-sized ciphertext (ML-KEM's implicit rejection;
// a low-order ct_X gives ss_X = 32 zero bytes, the X25519 function's value).
// Encaps refuses a public key whose X25519 half is low order (InvalidArgument):
// no honest key has one, and encapsulating to it would drop the classical half.
//
// Composite signature Ed25519 + ML-DSA-65, ZQLite's own versioned format:
//   public key  0x01 || Ed25519 pk (32) || ML-DSA-65 pk (1952) = 1985 bytes;
//   secret key  0x01 || Ed25519 seed (32) || ML-DSA-65 seed ξ (32) = 65 bytes
//               (seed form: both halves are re-expanded per signature, ~0.2 ms);
//   signature   0x01 || Ed25519 sig (64) || ML-DSA-65 sig (3309) = 3374 bytes.
// Both halves sign the same domain-separated message
//   M' = "ZQLite composite Ed25519+ML-DSA-65" || 0x01 || len(ctx) || ctx || SHA-512(msg)
// (ML-DSA-65 through its pure interface with an empty context). Verify succeeds
// only when both verify. A version byte other than 0x01 or a wrong length is
// InvalidArgument (keys) or AuthFailed (signatures).
// Thread-safety: pure functions; the random forms read the process CSPRNG.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/mldsa.hpp"
#include "util/result.hpp"

namespace zq::crypto {

inline constexpr size_t kXWingSecretKeyBytes = 32;
inline constexpr size_t kXWingPublicKeyBytes = 1216;
inline constexpr size_t kXWingCiphertextBytes = 1120;
inline constexpr size_t kXWingSharedSecretBytes = 32;
inline constexpr size_t kXWingEncapsSeedBytes = 64;  // eseed: m (32) || ek_X (32)

struct XWingKeyPair {
  std::vector<uint8_t> public_key;
  std::vector<uint8_t> secret_key;  // secret: wipe with SecureWipe when done
};
struct XWingEncapsulation {
  std::vector<uint8_t> shared_secret;  // secret
  std::vector<uint8_t> ciphertext;
};

// GenerateKeyPairDerand(sk) and GenerateKeyPair() (sk from the CSPRNG).
Result<XWingKeyPair> XWingKeyGenDerand(std::span<const uint8_t> seed);
Result<XWingKeyPair> XWingKeyGen();
// The public key of a 32-byte secret key.
Result<std::vector<uint8_t>> XWingPublicKey(std::span<const uint8_t> secret_key);
// EncapsulateDerand(pk, eseed) and Encapsulate(pk).
Result<XWingEncapsulation> XWingEncapsDerand(std::span<const uint8_t> public_key,
                                             std::span<const uint8_t> eseed);
Result<XWingEncapsulation> XWingEncaps(std::span<const uint8_t> public_key);
Result<std::vector<uint8_t>> XWingDecaps(std::span<const uint8_t> secret_key,
                                         std::span<const uint8_t> ciphertext);

inline constexpr uint8_t kCompositeVersion = 1;
inline constexpr size_t kCompositeSeedBytes = 64;  // Ed25519 seed (32) || ML-DSA ξ (32)
inline constexpr size_t kCompositePublicKeyBytes = 1 + 32 + 1952;
inline constexpr size_t kCompositeSecretKeyBytes = 1 + 32 + 32;
inline constexpr size_t kCompositeSignatureBytes = 1 + 64 + 3309;
inline constexpr size_t kCompositeContextBytesMax = 255;

struct CompositeKeyPair {
  std::vector<uint8_t> public_key;
  std::vector<uint8_t> secret_key;  // secret: wipe with SecureWipe when done
};

Result<CompositeKeyPair> CompositeKeyGenFromSeed(std::span<const uint8_t> seed);
Result<CompositeKeyPair> CompositeKeyGen();
// The public key of a composite secret key.
Result<std::vector<uint8_t>> CompositePublicKey(std::span<const uint8_t> secret_key);
Result<std::vector<uint8_t>> CompositeSign(std::span<const uint8_t> secret_key,
                                           std::span<const uint8_t> msg,
                                           std::span<const uint8_t> ctx,
                                           MlDsaRandomness randomness = MlDsaRandomness::kHedged);
Status CompositeVerify(std::span<const uint8_t> public_key, std::span<const uint8_t> msg,
                       std::span<const uint8_t> ctx, std::span<const uint8_t> sig);

}  // namespace zq::crypto
