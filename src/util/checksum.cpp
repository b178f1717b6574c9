#include "util/checksum.hpp"

#include <xxhash.h>

#include "util/assert.hpp"

namespace zq {

uint64_t Checksum64(const void* data, size_t n, uint64_t seed) {
  return XXH3_64bits_withSeed(data, n, seed);
}

Checksummer::Checksummer(uint64_t seed) : state_(XXH3_createState()) {
  ZQ_ASSERT(state_ != nullptr);
  XXH3_64bits_reset_withSeed(static_cast<XXH3_state_t*>(state_), seed);
}

Checksummer::~Checksummer() { XXH3_freeState(static_cast<XXH3_state_t*>(state_)); }

void Checksummer::Update(const void* data, size_t n) {
  XXH3_64bits_update(static_cast<XXH3_state_t*>(state_), data, n);
}

uint64_t Checksummer::Digest() const {
  return XXH3_64bits_digest(static_cast<XXH3_state_t*>(state_));
}

}  // namespace zq
