#include "sql/executor/int_key_table.hpp"

namespace zq::sql {

size_t IntKeyTable::Home(int64_t key) const {
  // Fibonacci hashing: sequential keys spread over the whole table.
  const uint64_t h = static_cast<uint64_t>(key) * 0x9E3779B97F4A7C15ull;
  return static_cast<size_t>(h ^ (h >> 32)) & (slots_.size() - 1);
}

uint32_t IntKeyTable::Find(int64_t key) const {
  if (size_ == 0) return kMissing;
  const size_t mask = slots_.size() - 1;
  for (size_t i = Home(key);; i = (i + 1) & mask) {
    if (slots_[i].id == kMissing) return kMissing;
    if (slots_[i].key == key) return slots_[i].id;
  }
}

uint32_t IntKeyTable::FindOrInsert(int64_t key, bool* inserted) {
  // At most half full, so probe runs stay short.
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = Home(key);; i = (i + 1) & mask) {
    if (slots_[i].id == kMissing) {
      slots_[i] = {key, static_cast<uint32_t>(size_++)};
      *inserted = true;
      return slots_[i].id;
    }
    if (slots_[i].key == key) {
      *inserted = false;
      return slots_[i].id;
    }
  }
}

void IntKeyTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  // Grows four times over while small: fewer rehashes on the way to a
  // large build side.
  const size_t capacity = old.empty() ? 64 : old.size() * (old.size() < (size_t{1} << 16) ? 4 : 2);
  slots_.assign(capacity, {0, kMissing});
  const size_t mask = capacity - 1;
  for (const Slot& s : old) {
    if (s.id == kMissing) continue;
    size_t i = Home(s.key);
    while (slots_[i].id != kMissing) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace zq::sql
