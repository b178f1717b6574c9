// HKDF-SHA-256 (RFC 5869) through OpenSSL 3.0's EVP_KDF: derives subkeys (key
// wrapping, per-purpose keys) from a shared secret or a data key.
// Errors: an output longer than 255 · 32 bytes (RFC 5869 §2.3) is
// InvalidArgument. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "util/result.hpp"

namespace zq::crypto {

inline constexpr size_t kHkdfSha256OutputBytesMax = 255 * 32;

// HKDF-Extract then HKDF-Expand; an empty salt means HashLen zero bytes.
Result<std::vector<uint8_t>> HkdfSha256(std::span<const uint8_t> ikm, std::span<const uint8_t> salt,
                                        std::span<const uint8_t> info, size_t output_bytes);

}  // namespace zq::crypto
