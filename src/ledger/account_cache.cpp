#include "ledger/account_cache.hpp"

#include <bit>

#include "util/assert.hpp"
#include "util/prefetch.hpp"

namespace zq::ledger {

static_assert(AccountCache::kWays * sizeof(u128) == 64, "a set's ids fill one cache line");

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

void AccountCache::Put(const Account& account) {
  ZQ_ASSERT(account.id != 0);
  if (ids_.empty()) {
    ids_.assign(sets_ * kWays, 0);
    accounts_.resize(sets_ * kWays);
    next_.assign(sets_, 0);
  }
  const size_t set = SetOf(account.id);
  const size_t base = set * kWays;
  size_t slot = kWays;
  for (size_t w = 0; w < kWays && slot == kWays; w++) {
    if (ids_[base + w] == account.id) slot = w;
  }
  for (size_t w = 0; w < kWays && slot == kWays; w++) {
    if (ids_[base + w] == 0) slot = w;
  }
  if (slot == kWays) {  // full: replace in turn
    slot = next_[set];
    next_[set] = static_cast<uint8_t>((slot + 1) % kWays);
  }
  ids_[base + slot] = account.id;
  accounts_[base + slot] = account;
}

void AccountCache::Erase(u128 id) {
  if (ids_.empty()) return;
  const size_t base = SetOf(id) * kWays;
  for (size_t w = 0; w < kWays; w++) {
    if (ids_[base + w] == id) ids_[base + w] = 0;
  }
}

}  // namespace zq::ledger
