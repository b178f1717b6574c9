#include "util/radix_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace zq {
namespace {

// Random keys below 2^bits (a narrow value range within it now and then, so
// equal keys meet), sorted and compared with std::stable_sort: same keys in
// the same order, equal keys in input order.
void CheckAgainstStableSort(uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int bits = static_cast<int>(rng() % 65);
  const size_t n = rng() % 4 == 0 ? rng() % 8 : rng() % 20000;
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  const uint64_t range = rng() % 3 == 0 ? (rng() % 50) + 1 : 0;  // 0: the whole mask
  std::vector<KeyedPosition> items;
  for (size_t i = 0; i < n; i++) {
    uint64_t key = rng() & mask;
    if (range != 0) key = std::min(key % range, mask);
    items.push_back({key, static_cast<uint32_t>(i)});
  }
  std::vector<KeyedPosition> expected = items;
  std::stable_sort(expected.begin(), expected.end(),
                   [](const KeyedPosition& a, const KeyedPosition& b) { return a.key < b.key; });
  std::vector<KeyedPosition> scratch;
  RadixSortKeys(&items, &scratch, bits);
  ASSERT_EQ(items.size(), expected.size()) << "seed " << seed;
  for (size_t i = 0; i < n; i++) {
    ASSERT_EQ(items[i].key, expected[i].key) << "seed " << seed << " at " << i;
    ASSERT_EQ(items[i].position, expected[i].position) << "seed " << seed << " at " << i;
  }
}

TEST(RadixSortTest, MatchesAStableSortForEveryKeyWidth) {
  for (uint64_t seed = 1; seed <= 300; seed++) CheckAgainstStableSort(seed);
}

TEST(RadixSortTest, ZeroBitsLeavesTheOrder) {
  std::vector<KeyedPosition> items = {{0, 2}, {0, 0}, {0, 1}};
  std::vector<KeyedPosition> scratch;
  RadixSortKeys(&items, &scratch, 0);
  EXPECT_EQ(items[0].position, 2u);
  EXPECT_EQ(items[1].position, 0u);
  EXPECT_EQ(items[2].position, 1u);
}

TEST(RadixSortTest, BitWidth) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(0x1FFFF), 17);
  EXPECT_EQ(BitWidth(~uint64_t{0}), 64);
  EXPECT_EQ(BitWidth(static_cast<unsigned __int128>(1) << 64), 65);
  EXPECT_EQ(BitWidth(~static_cast<unsigned __int128>(0)), 128);
}

}  // namespace
}  // namespace zq
