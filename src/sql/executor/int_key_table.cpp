#include "sql/executor/int_key_table.hpp"

namespace zq::sql {

size_t IntKeyTable::Slot(int64_t key) const {
  // Fibonacci hashing: sequential keys spread over the whole table.
  const uint64_t h = static_cast<uint64_t>(key) * 0x9E3779B97F4A7C15ull;
  return static_cast<size_t>(h ^ (h >> 32)) & (keys_.size() - 1);
}

uint32_t IntKeyTable::Find(int64_t key) const {
  if (size_ == 0) return kMissing;
  const size_t mask = keys_.size() - 1;
  for (size_t i = Slot(key);; i = (i + 1) & mask) {
    if (ids_[i] == kMissing) return kMissing;
    if (keys_[i] == key) return ids_[i];
  }
}

uint32_t IntKeyTable::FindOrInsert(int64_t key, bool* inserted) {
  // At most half full, so probe runs stay short.
  if ((size_ + 1) * 2 > keys_.size()) Grow();
  const size_t mask = keys_.size() - 1;
  for (size_t i = Slot(key);; i = (i + 1) & mask) {
    if (ids_[i] == kMissing) {
      keys_[i] = key;
      ids_[i] = static_cast<uint32_t>(size_++);
      *inserted = true;
      return ids_[i];
    }
    if (keys_[i] == key) {
      *inserted = false;
      return ids_[i];
    }
  }
}

void IntKeyTable::Grow() {
  std::vector<int64_t> old_keys = std::move(keys_);
  std::vector<uint32_t> old_ids = std::move(ids_);
  const size_t capacity = old_keys.empty() ? 64 : old_keys.size() * 2;
  keys_.assign(capacity, 0);
  ids_.assign(capacity, kMissing);
  const size_t mask = capacity - 1;
  for (size_t j = 0; j < old_keys.size(); j++) {
    if (old_ids[j] == kMissing) continue;
    size_t i = Slot(old_keys[j]);
    while (ids_[i] != kMissing) i = (i + 1) & mask;
    keys_[i] = old_keys[j];
    ids_[i] = old_ids[j];
  }
}

}  // namespace zq::sql
