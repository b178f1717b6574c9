// AES-256-GCM through OpenSSL EVP: the authenticated encryption of pages and
// WAL records. 12-byte nonces, 16-byte tags. The caller owns nonce uniqueness.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "util/status.hpp"

namespace zq::crypto {

inline constexpr size_t kAeadKeyBytes = 32;
inline constexpr size_t kAeadNonceBytes = 12;
inline constexpr size_t kAeadTagBytes = 16;

using AeadKey = std::array<uint8_t, kAeadKeyBytes>;

// One key, reusable across calls; not thread-safe (each thread keeps its own,
// since an EVP context is mutable state).
class Aes256Gcm {
 public:
  explicit Aes256Gcm(const AeadKey& key);
  ~Aes256Gcm();
  Aes256Gcm(const Aes256Gcm&) = delete;
  Aes256Gcm& operator=(const Aes256Gcm&) = delete;

  // Encrypts n bytes from `in` to `out` (may alias) and writes the tag.
  Status Seal(const uint8_t nonce[kAeadNonceBytes], std::string_view aad, const uint8_t* in,
              size_t n, uint8_t* out, uint8_t tag[kAeadTagBytes]);
  // Decrypts and verifies; AuthFailed when the tag does not match (then `out`
  // holds garbage that the caller must not use).
  Status Open(const uint8_t nonce[kAeadNonceBytes], std::string_view aad, const uint8_t* in,
              size_t n, uint8_t* out, const uint8_t tag[kAeadTagBytes]);

  // General form for test vectors: any nonce and tag length GCM allows.
  Status SealGeneric(std::string_view nonce, std::string_view aad, const uint8_t* in, size_t n,
                     uint8_t* out, uint8_t* tag, size_t tag_bytes);
  Status OpenGeneric(std::string_view nonce, std::string_view aad, const uint8_t* in, size_t n,
                     uint8_t* out, const uint8_t* tag, size_t tag_bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Overwrites secret bytes in a way the compiler may not elide.
void SecureWipe(void* p, size_t n);

}  // namespace zq::crypto
