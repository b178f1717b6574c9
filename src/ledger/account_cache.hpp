// AccountCache: accounts as the ledger's trees hold them, kept from one batch
// to the next, so that most account reads of a transfer cost a cache probe
// instead of a B+tree descent (at 100,000 accounts those descents were a
// fifth of a batch's time).
//
// Set-associative with a fixed size: kWays slots per set, a set chosen by a
// hash of the id, the oldest-filled slot of a full set replaced. The ids of
// a set share one cache line. Memory is taken at the first Put.
//
// The owner keeps it equal to the trees: Put after every write of a record,
// Erase after a delete, and drops the whole cache when that may have failed.
#pragma once

#include <cstdint>
#include <vector>

#include "ledger/types.hpp"

namespace zq::ledger {

class AccountCache {
 public:
  static constexpr size_t kWays = 4;
  static constexpr size_t kDefaultCapacity = size_t{1} << 18;  // accounts, ~36 MiB

  // `capacity` accounts, rounded up to a power of two of at least kWays.
  explicit AccountCache(size_t capacity = kDefaultCapacity);

  // The cached account with this id, or nullptr. Valid until the next Put/Erase.
  const Account* Find(u128 id) const;
  void Put(const Account& account);
  // Hints ahead of a Find or Put of `id`: first the line of the set's ids,
  // then (once that line has arrived) the account itself if it is cached.
  void PrefetchSet(u128 id) const;
  void PrefetchAccount(u128 id) const;
  void Erase(u128 id);
  size_t capacity() const { return sets_ * kWays; }

 private:
  size_t SetOf(u128 id) const;

  size_t sets_;
  std::vector<u128> ids_;          // sets_ x kWays; 0 = empty (ids are never 0)
  std::vector<Account> accounts_;  // beside ids_
  std::vector<uint8_t> next_;      // per set: the slot the next miss fills
};

}  // namespace zq::ledger
