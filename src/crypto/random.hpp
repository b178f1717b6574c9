// The CSPRNG (OpenSSL RAND_bytes, seeded by the kernel).
#pragma once

#include <cstddef>
#include <cstdint>

#include "util/status.hpp"

namespace zq::crypto {

Status RandomBytes(void* out, size_t n);
// For non-secret uses that cannot fail gracefully (nonce prefixes, salts):
// aborts if the CSPRNG is broken, since continuing would reuse nonces.
uint64_t RandomU64();

}  // namespace zq::crypto
