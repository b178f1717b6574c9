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

}  // namespace
}  // namespace zq::ledger
