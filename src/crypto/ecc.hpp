// X25519 (RFC 7748) and Ed25519 (RFC 8032) through OpenSSL 3.0 EVP: the
// classical halves of the X-Wing KEM and of the Ed25519 + ML-DSA-65 composite
// signature (ARCHITECTURE.md §7).
//
// Keys are raw RFC encodings: 32-byte X25519 scalars and u-coordinates, 32-byte
// Ed25519 private keys (the RFC 8032 seed) and public keys, 64-byte signatures.
// Errors: a wrong length is InvalidArgument; an X25519 result of all zeros (a
// low-order peer point, RFC 7748 §6.1) is InvalidArgument; an Ed25519 signature
// that does not verify is AuthFailed. Thread-safe: no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "util/result.hpp"
#include "util/status.hpp"

namespace zq::crypto {

inline constexpr size_t kX25519KeyBytes = 32;
inline constexpr size_t kEd25519SecretKeyBytes = 32;
inline constexpr size_t kEd25519PublicKeyBytes = 32;
inline constexpr size_t kEd25519SignatureBytes = 64;

struct EccKeyPair {
  std::vector<uint8_t> public_key;
  std::vector<uint8_t> secret_key;  // secret: wipe with SecureWipe when done
};

// X25519 key pair from a random scalar, and the public key of a given scalar
// (X25519(k, 9)).
Result<EccKeyPair> X25519KeyGen();
Result<std::vector<uint8_t>> X25519PublicKey(std::span<const uint8_t> secret_key);
// X25519(k, u): the shared secret with a peer's public key.
Result<std::vector<uint8_t>> X25519Derive(std::span<const uint8_t> secret_key,
                                          std::span<const uint8_t> peer_public_key);

Result<EccKeyPair> Ed25519KeyGen();
Result<std::vector<uint8_t>> Ed25519PublicKey(std::span<const uint8_t> secret_key);
Result<std::vector<uint8_t>> Ed25519Sign(std::span<const uint8_t> secret_key,
                                         std::span<const uint8_t> msg);
Status Ed25519Verify(std::span<const uint8_t> public_key, std::span<const uint8_t> msg,
                     std::span<const uint8_t> sig);

}  // namespace zq::crypto
