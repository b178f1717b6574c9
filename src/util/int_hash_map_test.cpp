#include "util/int_hash_map.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>

namespace zq {
namespace {

using u128 = unsigned __int128;

struct MixHash {
  size_t operator()(u128 v) const {
    const uint64_t x = static_cast<uint64_t>(v) ^ static_cast<uint64_t>(v >> 64);
    return static_cast<size_t>(x * 0x9E3779B97F4A7C15ull);
  }
};
// Every key in one of four homes: long probe runs that wrap around the end
// of the table, where erasing must shift the right keys back.
struct ClashHash {
  size_t operator()(u128 v) const { return static_cast<size_t>(v % 4) * 0x3FFFull; }
};

template <typename Hash>
void CompareWithModel(uint64_t seed, uint64_t key_range, int ops) {
  std::mt19937_64 rng(seed);
  IntHashMap<u128, uint64_t, Hash> map;
  std::map<u128, uint64_t> model;
  for (int op = 0; op < ops; op++) {
    // Keys from a small range (0 included) so that operations meet; some
    // with high 64-bit halves.
    u128 key = rng() % key_range;
    if (rng() % 4 == 0) key |= u128{1} << 100;
    switch (rng() % 10) {
      case 0:
      case 1:
      case 2:
      case 3: {
        bool inserted = false;
        uint64_t& v = map.Insert(key, &inserted);
        ASSERT_EQ(inserted, model.count(key) == 0);
        ASSERT_EQ(v, inserted ? 0 : model[key]);
        v = rng();
        model[key] = v;
        break;
      }
      case 4:
      case 5:
        ASSERT_EQ(map.Erase(key), model.erase(key) == 1);
        break;
      case 6:
        if (rng() % 200 == 0) {
          map.Clear();
          model.clear();
        } else if (rng() % 50 == 0) {
          map.Reserve(rng() % (2 * key_range));  // rehashes what is there
        }
        break;
      default: {
        const uint64_t* v = map.Find(key);
        auto it = model.find(key);
        ASSERT_EQ(v != nullptr, it != model.end());
        if (v != nullptr) {
          ASSERT_EQ(*v, it->second);
        }
      }
    }
    ASSERT_EQ(map.size(), model.size());
    if (op % 997 == 0) {
      std::map<u128, uint64_t> seen;
      map.ForEach([&](u128 k, uint64_t& v) { ASSERT_TRUE(seen.emplace(k, v).second); });
      ASSERT_EQ(seen, model);
    }
  }
}

TEST(IntHashMapTest, MatchesAnOrderedMap) {
  for (uint64_t seed = 1; seed <= 4; seed++) CompareWithModel<MixHash>(seed, 3000, 200000);
}

TEST(IntHashMapTest, MatchesAnOrderedMapWhenEveryKeyCollides) {
  for (uint64_t seed = 1; seed <= 4; seed++) CompareWithModel<ClashHash>(seed, 300, 50000);
}

TEST(IntHashMapTest, KeyZeroIsAnOrdinaryKey) {
  IntHashMap<u128, int, MixHash> map;
  EXPECT_EQ(map.Find(0), nullptr);
  map[0] = 5;
  map[7] = 6;
  ASSERT_NE(map.Find(0), nullptr);
  EXPECT_EQ(*map.Find(0), 5);
  EXPECT_EQ(map.size(), 2u);
  EXPECT_TRUE(map.Erase(0));
  EXPECT_FALSE(map.Erase(0));
  EXPECT_EQ(map.Find(0), nullptr);
  EXPECT_EQ(*map.Find(7), 6);
}

TEST(IntHashMapTest, ClearKeepsWorkingAndValuesStartFresh) {
  IntHashMap<u128, int, MixHash> map;
  for (int round = 0; round < 3; round++) {
    for (u128 k = 1; k <= 1000; k++) {
      bool inserted = false;
      int& v = map.Insert(k, &inserted);
      ASSERT_TRUE(inserted);
      ASSERT_EQ(v, 0);
      v = static_cast<int>(k);
    }
    EXPECT_EQ(map.size(), 1000u);
    map.Clear();
    EXPECT_TRUE(map.empty());
    EXPECT_EQ(map.Find(1), nullptr);
  }
}

TEST(IntHashMapTest, ReserveMakesRoomSoInsertsDoNotMoveValues) {
  IntHashMap<u128, int, MixHash> map;
  map.Insert(7, nullptr) = 7;
  map.Reserve(5000);
  ASSERT_EQ(*map.Find(7), 7);  // kept across the rehash
  const int* first = map.Find(7);
  for (u128 k = 8; k < 5007; k++) map.Insert(k, nullptr) = static_cast<int>(k);
  // No insertion grew the table: the first value never moved.
  EXPECT_EQ(map.Find(7), first);
  EXPECT_EQ(map.size(), 5000u);
  map.Reserve(10);  // never shrinks
  EXPECT_EQ(map.Find(7), first);
}

}  // namespace
}  // namespace zq
