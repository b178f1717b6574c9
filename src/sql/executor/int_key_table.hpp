// IntKeyTable: 64-bit integer keys to dense ids (0, 1, 2… in order of first
// insertion), open addressing with linear probing. The hash join and the
// hash aggregation use it for integer keys, the common case that needs no
// key encoding at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace zq::sql {

class IntKeyTable {
 public:
  static constexpr uint32_t kMissing = UINT32_MAX;

  // The id of `key`, inserting it with the next id when new (*inserted).
  uint32_t FindOrInsert(int64_t key, bool* inserted);
  uint32_t Find(int64_t key) const;
  size_t size() const { return size_; }
  // Heap bytes held (for the memory budget).
  uint64_t bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  size_t Home(int64_t key) const;  // the first slot probed for `key`
  void Grow();

  // Key and id side by side: a probe touches one cache line.
  struct Slot {
    int64_t key;
    uint32_t id;  // kMissing: empty
  };
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace zq::sql
