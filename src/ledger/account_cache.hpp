// AccountCache: accounts as the ledger's trees hold them — or newer — kept
// from one batch to the next, so that most account reads of a transfer cost
// a cache probe instead of a B+tree descent (at 100,000 accounts those
// descents were a fifth of a batch's time).
//
// Set-associative with a fixed size: kWays slots per set, a set chosen by a
// hash of the id, the slots of a full set replaced in turn. The ids of
// a set share one cache line. Memory is taken at the first Put, on huge
// pages where the kernel gives them: every read is a random probe of
// ~36 MiB, and with 4 KiB pages each probe also missed the TLB (2 MiB pages
// made the whole ledger benchmark 10-13% faster).
//
// Dirty slots hold records newer than the tree: the account writes the
// ledger defers (kv_ledger_store.hpp). The cache then is where those records
// wait, instead of a copy in a map of their own (one more scattered write per
// touched account and batch). A dirty record is never dropped unseen: a
// clean Put passes over dirty slots (and caches nothing when all of its set
// are dirty), and a PutDirty into a set of dirty slots hands the record it
// displaces back to the caller.
//
// The owner keeps it equal to the trees plus its deferred writes: Put after
// every write of a record to its tree, PutDirty for a deferred one, Erase
// after a delete.
#pragma once

#include <cstdint>
#include <vector>

#include "ledger/types.hpp"
#include "util/huge_page_allocator.hpp"

namespace zq::ledger {

class AccountCache {
 public:
  static constexpr size_t kWays = 4;
  static constexpr size_t kDefaultCapacity = size_t{1} << 18;  // accounts, ~36 MiB

  // `capacity` accounts, rounded up to a power of two of at least kWays.
  explicit AccountCache(size_t capacity = kDefaultCapacity);

  // The cached account with this id, or nullptr. Valid until the next Put/Erase.
  const Account* Find(u128 id) const;
  // Caches a record its tree holds (not dirty), when its set has a slot that
  // is not dirty.
  void Put(const Account& account);
  // Caches a record newer than its tree (dirty). Returns true when it
  // displaced another dirty record, copied to `*displaced`.
  bool PutDirty(const Account& account, Account* displaced);
  // Hints ahead of a Find or Put of `id`: first the line of the set's ids,
  // then (once that line has arrived) the account itself if it is cached.
  void PrefetchSet(u128 id) const;
  void PrefetchAccount(u128 id) const;
  void Erase(u128 id);

  size_t dirty_count() const { return dirty_count_; }
  // visit(const Account&) for every dirty record, in no particular order.
  template <typename Visit>
  void ForEachDirty(const Visit& visit) const {
    if (dirty_count_ == 0) return;
    for (size_t set = 0; set < dirty_.size(); set++) {
      for (size_t w = 0; w < kWays; w++) {
        if ((dirty_[set] >> w & 1) != 0) visit(accounts_[set * kWays + w]);
      }
    }
  }
  // Every dirty record has reached its tree.
  void ClearDirty();
  size_t capacity() const { return sets_ * kWays; }

 private:
  size_t SetOf(u128 id) const;
  // The slot of `id` in its set, else an empty one, else the next not-dirty
  // one in turn; kWays when every slot is dirty.
  size_t SlotFor(size_t set, u128 id);
  void SetDirty(size_t set, size_t way, bool dirty);

  size_t sets_;
  std::vector<u128, HugePageAllocator<u128>> ids_;  // sets_ x kWays; 0 = empty (ids are never 0)
  std::vector<Account, HugePageAllocator<Account>> accounts_;  // beside ids_
  std::vector<uint8_t> next_;      // per set: where the next replacement starts
  std::vector<uint8_t> dirty_;     // per set: a bit per way
  size_t dirty_count_ = 0;
};

}  // namespace zq::ledger
