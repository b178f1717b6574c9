#include "ledger/account_cache.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace zq::ledger {
namespace {

Account MakeAccount(u128 id, uint64_t balance) {
  Account a{};
  a.id = id;
  a.debits_posted = balance;
  a.timestamp = 1;
  return a;
}

TEST(AccountCacheTest, FindsWhatWasPutAndForgetsErased) {
  AccountCache cache(16);
  EXPECT_EQ(cache.capacity(), 16u);
  EXPECT_EQ(cache.Find(7), nullptr);
  cache.Put(MakeAccount(7, 1));
  ASSERT_NE(cache.Find(7), nullptr);
  EXPECT_EQ(cache.Find(7)->debits_posted, 1u);
  cache.Put(MakeAccount(7, 2));  // an update replaces, never duplicates
  EXPECT_EQ(cache.Find(7)->debits_posted, 2u);
  cache.Erase(7);
  EXPECT_EQ(cache.Find(7), nullptr);
  EXPECT_EQ(cache.Find(0), nullptr);
}

TEST(AccountCacheTest, RoundsCapacityUpToWholeSets) {
  EXPECT_EQ(AccountCache(1).capacity(), AccountCache::kWays);
  EXPECT_EQ(AccountCache(100).capacity(), 128u);
}

// Against a map of every account ever put: the cache may forget (eviction),
// but what it answers is always the latest value, and it holds as many
// accounts as its capacity allows when they spread over the sets.
TEST(AccountCacheTest, RandomOperationsNeverAnswerStaleValues) {
  std::mt19937_64 rng(42);
  AccountCache cache(256);
  std::map<u128, uint64_t> latest;
  size_t hits = 0, lookups = 0;
  for (int step = 0; step < 200000; step++) {
    // Ids over a range a few times the capacity, some with high bits set.
    const u128 id = (rng() % 4 == 0 ? (u128{rng() % 3 + 1} << 64) : 0) + 1 + rng() % 1000;
    switch (rng() % 4) {
      case 0:
      case 1: {
        const uint64_t balance = rng();
        cache.Put(MakeAccount(id, balance));
        latest[id] = balance;
        break;
      }
      case 2: {
        cache.Erase(id);
        latest.erase(id);
        break;
      }
      default: {
        lookups++;
        const Account* a = cache.Find(id);
        if (a == nullptr) break;
        hits++;
        ASSERT_EQ(a->id, id);
        auto it = latest.find(id);
        ASSERT_NE(it, latest.end()) << "answered an erased account";
        ASSERT_EQ(a->debits_posted, it->second) << "answered a stale value";
      }
    }
  }
  EXPECT_GT(hits, 0u);
  EXPECT_LT(hits, lookups);  // the working set is larger than the cache
  // Sequential ids fill every slot of a cache without evicting each other much.
  AccountCache full(1024);
  for (u128 id = 1; id <= 1024; id++) full.Put(MakeAccount(id, 0));
  size_t kept = 0;
  for (u128 id = 1; id <= 1024; id++) kept += full.Find(id) != nullptr;
  EXPECT_GT(kept, 1024u * 3 / 4);
}

// Dirty records are the only copy of a deferred write: whatever the cache
// does with its slots, every one must come back at a settle (from the cache
// or as displaced), with its latest value, and never answer stale. The
// caller is played as the ledger store plays it: displaced records kept in
// a map; a tree write or a new dirty record of an id drops it from there;
// a cache miss that finds the id there caches a clean copy.
TEST(AccountCacheTest, DirtyRecordsAreNeverLostAndComeBackAtASettle) {
  std::mt19937_64 rng(7);
  AccountCache cache(64);
  std::map<u128, uint64_t> tree, pending, displaced_kept;
  size_t displacements = 0, settles = 0;
  const auto latest = [&](u128 id) -> const uint64_t* {
    if (auto it = pending.find(id); it != pending.end()) return &it->second;
    if (auto it = tree.find(id); it != tree.end()) return &it->second;
    return nullptr;
  };
  const auto settle = [&] {
    std::map<u128, uint64_t> back = displaced_kept;
    cache.ForEachDirty([&](const Account& a) {
      ASSERT_TRUE(back.emplace(a.id, a.debits_posted).second) << "an id dirty twice";
    });
    ASSERT_EQ(back, pending);
    for (const auto& [id, v] : back) tree[id] = v;
    cache.ClearDirty();
    EXPECT_EQ(cache.dirty_count(), 0u);
    displaced_kept.clear();
    pending.clear();
    settles++;
  };
  for (int step = 0; step < 300000; step++) {
    const u128 id = 1 + rng() % 200;
    const uint64_t value = rng();
    switch (rng() % 8) {
      case 0: {  // written to the tree
        cache.Put(MakeAccount(id, value));
        tree[id] = value;
        pending.erase(id);
        displaced_kept.erase(id);
        break;
      }
      case 1:
      case 2:
      case 3: {  // deferred
        displaced_kept.erase(id);
        Account out{};
        if (cache.PutDirty(MakeAccount(id, value), &out)) {
          ASSERT_NE(out.id, id);
          ASSERT_EQ(pending.at(out.id), out.debits_posted);
          ASSERT_TRUE(displaced_kept.emplace(out.id, out.debits_posted).second);
          displacements++;
        }
        pending[id] = value;
        break;
      }
      case 4: {  // deleted
        cache.Erase(id);
        tree.erase(id);
        pending.erase(id);
        displaced_kept.erase(id);
        break;
      }
      default: {  // read
        const Account* a = cache.Find(id);
        const uint64_t* want = latest(id);
        if (a != nullptr) {
          ASSERT_NE(want, nullptr) << "answered a deleted account";
          ASSERT_EQ(a->debits_posted, *want) << "answered a stale value";
        } else if (auto it = displaced_kept.find(id); it != displaced_kept.end()) {
          cache.Put(MakeAccount(id, it->second));
        }
      }
    }
    ASSERT_EQ(cache.dirty_count() + displaced_kept.size(), pending.size());
    if (rng() % 500 == 0) settle();
  }
  settle();
  EXPECT_GT(displacements, 100u);  // 200 ids over 64 slots: sets fill with dirty ones
  EXPECT_GT(settles, 100u);
}

TEST(AccountCacheTest, CleanPutsPassOverDirtySlots) {
  AccountCache cache(4);  // one set
  Account displaced{};
  for (u128 id = 1; id <= 4; id++) EXPECT_FALSE(cache.PutDirty(MakeAccount(id, 0), &displaced));
  cache.Put(MakeAccount(5, 0));  // no room that is not dirty: not cached
  EXPECT_EQ(cache.Find(5), nullptr);
  for (u128 id = 1; id <= 4; id++) EXPECT_NE(cache.Find(id), nullptr);
  cache.Put(MakeAccount(2, 9));  // its tree has it now: clean again
  EXPECT_EQ(cache.dirty_count(), 3u);
  cache.Put(MakeAccount(5, 0));  // takes the one clean slot
  EXPECT_EQ(cache.Find(2), nullptr);
  EXPECT_NE(cache.Find(5), nullptr);
  EXPECT_FALSE(cache.PutDirty(MakeAccount(6, 0), &displaced));  // the clean slot goes first
  EXPECT_EQ(cache.Find(5), nullptr);
  EXPECT_EQ(cache.dirty_count(), 4u);
  EXPECT_TRUE(cache.PutDirty(MakeAccount(7, 0), &displaced));
  EXPECT_NE(displaced.id, 7u);
  EXPECT_EQ(cache.Find(displaced.id), nullptr);
  EXPECT_EQ(cache.dirty_count(), 4u);
}

}  // namespace
}  // namespace zq::ledger
