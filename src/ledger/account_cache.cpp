#include "ledger/account_cache.hpp"

#include <algorithm>
#include <bit>

#include "util/assert.hpp"
#include "util/prefetch.hpp"

namespace zq::ledger {

static_assert(AccountCache::kWays * sizeof(u128) == 64, "a set's ids fill one cache line");
static_assert(AccountCache::kWays <= 8, "a set's dirty bits fit one byte");

AccountCache::AccountCache(size_t capacity)
    : sets_(std::bit_ceil(std::max(capacity, kWays)) / kWays) {}

size_t AccountCache::SetOf(u128 id) const {
  const size_t h = U128Hash()(id);
  return (h ^ (h >> 32)) & (sets_ - 1);
}

const Account* AccountCache::Find(u128 id) const {
  if (ids_.empty() || id == 0) return nullptr;
  const size_t base = SetOf(id) * kWays;
  for (size_t w = 0; w < kWays; w++) {
    if (ids_[base + w] == id) return &accounts_[base + w];
  }
  return nullptr;
}

void AccountCache::PrefetchSet(u128 id) const {
  if (!ids_.empty()) __builtin_prefetch(&ids_[SetOf(id) * kWays]);
}

void AccountCache::PrefetchAccount(u128 id) const {
  if (ids_.empty()) return;
  const size_t base = SetOf(id) * kWays;
  for (size_t w = 0; w < kWays; w++) {
    if (ids_[base + w] != id) continue;
    PrefetchLines(&accounts_[base + w], sizeof(Account));
  }
}

size_t AccountCache::SlotFor(size_t set, u128 id) {
  if (ids_.empty()) {
    ids_.assign(sets_ * kWays, 0);
    accounts_.resize(sets_ * kWays);
    next_.assign(sets_, 0);
    dirty_.assign(sets_, 0);
  }
  const size_t base = set * kWays;
  for (size_t w = 0; w < kWays; w++) {
    if (ids_[base + w] == id) return w;
  }
  for (size_t w = 0; w < kWays; w++) {
    if (ids_[base + w] == 0) return w;
  }
  for (size_t k = 0; k < kWays; k++) {
    const size_t w = (next_[set] + k) % kWays;
    if ((dirty_[set] >> w & 1) == 0) {
      next_[set] = static_cast<uint8_t>((w + 1) % kWays);
      return w;
    }
  }
  return kWays;
}

void AccountCache::SetDirty(size_t set, size_t way, bool dirty) {
  const auto bit = static_cast<uint8_t>(1u << way);
  const bool was = (dirty_[set] & bit) != 0;
  if (was == dirty) return;
  dirty_[set] = static_cast<uint8_t>(dirty ? dirty_[set] | bit : dirty_[set] & ~bit);
  dirty_count_ = dirty ? dirty_count_ + 1 : dirty_count_ - 1;
}

void AccountCache::Put(const Account& account) {
  ZQ_ASSERT(account.id != 0);
  const size_t set = SetOf(account.id);
  const size_t w = SlotFor(set, account.id);
  if (w == kWays) return;  // every slot waits for its tree: nothing to give up
  ids_[set * kWays + w] = account.id;
  accounts_[set * kWays + w] = account;
  SetDirty(set, w, false);
}

bool AccountCache::PutDirty(const Account& account, Account* displaced) {
  ZQ_ASSERT(account.id != 0);
  ZQ_ASSERT(displaced != nullptr);
  const size_t set = SetOf(account.id);
  size_t w = SlotFor(set, account.id);
  bool displacing = false;
  if (w == kWays) {  // all dirty: one of them goes back to the caller
    w = next_[set];
    next_[set] = static_cast<uint8_t>((w + 1) % kWays);
    *displaced = accounts_[set * kWays + w];
    displacing = true;
  }
  ids_[set * kWays + w] = account.id;
  accounts_[set * kWays + w] = account;
  SetDirty(set, w, true);
  return displacing;
}

void AccountCache::Erase(u128 id) {
  if (ids_.empty()) return;
  const size_t set = SetOf(id);
  for (size_t w = 0; w < kWays; w++) {
    if (ids_[set * kWays + w] != id) continue;
    ids_[set * kWays + w] = 0;
    SetDirty(set, w, false);
  }
}

void AccountCache::ClearDirty() {
  if (dirty_count_ == 0) return;
  std::fill(dirty_.begin(), dirty_.end(), uint8_t{0});
  dirty_count_ = 0;
}

}  // namespace zq::ledger
