// IntHashMap: a hash map from an unsigned integer key to a value, for maps
// that are filled, read and cleared again many times (a ledger batch's
// accounts and transfers). Open addressing with linear probing over two
// parallel arrays (keys, values), at most half full: a lookup touches one or
// two cache lines, Clear() keeps the memory, and nothing is allocated per
// entry — the node-based std::unordered_map spent more time freeing its
// nodes at the end of a batch than looking them up.
//
// Key 0 marks an empty slot, so a key of 0 is kept beside the arrays.
// Pointers to values stay valid until the next insertion of a new key or
// the next Erase/Clear.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "util/assert.hpp"
#include "util/huge_page_allocator.hpp"

namespace zq {

template <typename K, typename V, typename Hash>
class IntHashMap {
 public:
  V* Find(K key) {
    if (key == K{0}) return has_zero_ ? &zero_value_ : nullptr;
    if (keys_.empty()) return nullptr;
    for (size_t i = Home(key);; i = Next(i)) {
      if (keys_[i] == key) return &values_[i];
      if (keys_[i] == K{0}) return nullptr;
    }
  }
  const V* Find(K key) const { return const_cast<IntHashMap*>(this)->Find(key); }

  // A hint ahead of a Find or Insert of `key`: the line its probe starts on.
  void Prefetch(K key) const {
    if (key != K{0} && !keys_.empty()) __builtin_prefetch(&keys_[Home(key)]);
  }

  // The value of `key`, value-initialized when the key is new; `*inserted`
  // (optional) tells which.
  V& operator[](K key) { return Insert(key, nullptr); }
  V& Insert(K key, bool* inserted) {
    if (key == K{0}) {
      if (inserted != nullptr) *inserted = !has_zero_;
      if (!has_zero_) {
        has_zero_ = true;
        zero_value_ = V{};
        size_++;
      }
      return zero_value_;
    }
    if (2 * (slot_count_ + 1) > keys_.size()) Grow();
    size_t i = Home(key);
    for (; keys_[i] != K{0}; i = Next(i)) {
      if (keys_[i] == key) {
        if (inserted != nullptr) *inserted = false;
        return values_[i];
      }
    }
    if (inserted != nullptr) *inserted = true;
    keys_[i] = key;
    values_[i] = V{};
    slot_count_++;
    size_++;
    return values_[i];
  }

  // True when the key was there.
  bool Erase(K key) {
    if (key == K{0}) {
      if (!has_zero_) return false;
      has_zero_ = false;
      size_--;
      return true;
    }
    if (keys_.empty()) return false;
    size_t i = Home(key);
    for (; keys_[i] != key; i = Next(i)) {
      if (keys_[i] == K{0}) return false;
    }
    // Backward-shift deletion: later keys of the probe run move up into the
    // hole when their home slot does not lie strictly between hole and them.
    size_t hole = i;
    for (size_t j = Next(hole); keys_[j] != K{0}; j = Next(j)) {
      const size_t home = Home(keys_[j]);
      const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (stays) continue;
      keys_[hole] = keys_[j];
      values_[hole] = std::move(values_[j]);
      hole = j;
    }
    keys_[hole] = K{0};
    slot_count_--;
    size_--;
    return true;
  }

  // Forgets every entry; the memory stays for the next fill.
  void Clear() {
    if (slot_count_ > 0) std::fill(keys_.begin(), keys_.end(), K{0});
    slot_count_ = 0;
    has_zero_ = false;
    size_ = 0;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Room for `entries` keys without growing: the rehash (and the page faults
  // of its fresh arrays) happens now instead of inside a later fill.
  void Reserve(size_t entries) {
    while (2 * (entries + 1) > keys_.size()) Grow();
  }

  // visit(key, value&) for every entry, in no particular order.
  template <typename Visit>
  void ForEach(const Visit& visit) {
    if (has_zero_) visit(K{0}, zero_value_);
    for (size_t i = 0; i < keys_.size(); i++) {
      if (keys_[i] != K{0}) visit(keys_[i], values_[i]);
    }
  }

 private:
  size_t Home(K key) const {
    const size_t h = Hash()(key);
    return (h ^ (h >> 32)) & (keys_.size() - 1);  // high bits too: some hashes mix upward
  }
  size_t Next(size_t i) const { return (i + 1) & (keys_.size() - 1); }

  void Grow() {
    Array<K> old_keys(keys_.empty() ? size_t{64} : 2 * keys_.size(), K{0});
    Array<V> old_values(old_keys.size());
    old_keys.swap(keys_);
    old_values.swap(values_);
    for (size_t i = 0; i < old_keys.size(); i++) {
      if (old_keys[i] == K{0}) continue;
      size_t j = Home(old_keys[i]);
      while (keys_[j] != K{0}) j = Next(j);
      keys_[j] = old_keys[i];
      values_[j] = std::move(old_values[i]);
    }
  }

  // Probed at random: large tables go on huge pages (fewer TLB misses).
  template <typename T>
  using Array = std::vector<T, HugePageAllocator<T>>;
  Array<K> keys_;          // a power of two long; K{0} = empty
  Array<V> values_;        // beside keys_
  size_t slot_count_ = 0;  // keys in keys_
  bool has_zero_ = false;
  V zero_value_{};
  size_t size_ = 0;
};

}  // namespace zq
