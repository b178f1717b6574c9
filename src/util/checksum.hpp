// Checksums for on-disk integrity (not security: that is the AEAD's job).
// XXH3-64 from libxxhash: ~30 GB/s, strong enough to catch torn and flipped bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zq {

uint64_t Checksum64(const void* data, size_t n, uint64_t seed);

// Streaming form, for checksums over several discontiguous pieces.
class Checksummer {
 public:
  explicit Checksummer(uint64_t seed);
  ~Checksummer();
  Checksummer(const Checksummer&) = delete;
  Checksummer& operator=(const Checksummer&) = delete;
  void Update(const void* data, size_t n);
  uint64_t Digest() const;

 private:
  void* state_;
};

}  // namespace zq
