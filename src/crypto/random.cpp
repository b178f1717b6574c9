#include "crypto/random.hpp"

#include <openssl/rand.h>

#include <climits>

#include "util/assert.hpp"

namespace zq::crypto {

Status RandomBytes(void* out, size_t n) {
  auto* p = static_cast<unsigned char*>(out);
  while (n > 0) {
    int chunk = n > INT_MAX ? INT_MAX : static_cast<int>(n);
    if (RAND_bytes(p, chunk) != 1) return Status::Internal("RAND_bytes failed");
    p += chunk;
    n -= static_cast<size_t>(chunk);
  }
  return Status::Ok();
}

uint64_t RandomU64() {
  uint64_t v = 0;
  Status s = RandomBytes(&v, sizeof(v));
  ZQ_ASSERT(s.ok());
  return v;
}

}  // namespace zq::crypto
