// RadixSortKeys: sorts (64-bit key, position) pairs by key, stably, with a
// least-significant-digit radix sort over only the low `key_bits` bits the
// caller says the keys use. For the ledger's per-batch index entries (a few
// thousand, keys of ~30 bits once offset by their minimum) three counting
// passes over data in the CPU cache replace a comparison sort whose
// branches mispredict on every other comparison.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "util/assert.hpp"

namespace zq {

struct KeyedPosition {
  uint64_t key;
  uint32_t position;
};

// Sorts `*items` by key, equal keys keeping their order. Every key must be
// below 2^key_bits (key_bits <= 64); `*scratch` is working space.
inline void RadixSortKeys(std::vector<KeyedPosition>* items, std::vector<KeyedPosition>* scratch,
                          int key_bits) {
  ZQ_ASSERT(key_bits >= 0 && key_bits <= 64);
  constexpr int kDigitBits = 11;
  constexpr size_t kBuckets = size_t{1} << kDigitBits;
  const size_t n = items->size();
  scratch->resize(n);
  std::array<uint32_t, kBuckets> counts;
  for (int shift = 0; shift < key_bits; shift += kDigitBits) {
    counts.fill(0);
    for (const KeyedPosition& e : *items) counts[(e.key >> shift) & (kBuckets - 1)]++;
    uint32_t start = 0;
    for (uint32_t& c : counts) {
      const uint32_t k = c;
      c = start;
      start += k;
    }
    for (const KeyedPosition& e : *items)
      (*scratch)[counts[(e.key >> shift) & (kBuckets - 1)]++] = e;
    items->swap(*scratch);
  }
}

// The number of bits needed to write `v` (0 for 0).
inline int BitWidth(unsigned __int128 v) {
  const auto high = static_cast<uint64_t>(v >> 64);
  if (high != 0) return 128 - __builtin_clzll(high);
  const auto low = static_cast<uint64_t>(v);
  return low == 0 ? 0 : 64 - __builtin_clzll(low);
}

}  // namespace zq
