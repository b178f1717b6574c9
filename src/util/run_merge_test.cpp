#include "util/run_merge.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace zq {
namespace {

struct Entry {
  uint32_t key;
  uint32_t origin;  // position in the input: tells equal keys apart
};
struct ByKey {
  bool operator()(const Entry& a, const Entry& b) const { return a.key < b.key; }
};

// Runs of random lengths (some empty) over a small key range, so that equal
// keys meet across runs; merged in slices of random size and compared with
// a stable sort of the whole input (equal keys: the earlier run first).
void CheckAgainstStableSort(uint64_t seed) {
  std::mt19937_64 rng(seed);
  const size_t runs = 1 + rng() % 40;
  std::vector<Entry> entries;
  std::vector<size_t> run_ends;
  for (size_t r = 0; r < runs; r++) {
    const size_t length = rng() % 4 == 0 ? 0 : rng() % 50;
    std::vector<uint32_t> keys(length);
    for (uint32_t& k : keys) k = static_cast<uint32_t>(rng() % 64);
    std::sort(keys.begin(), keys.end());
    for (uint32_t k : keys) entries.push_back({k, static_cast<uint32_t>(entries.size())});
    run_ends.push_back(entries.size());
  }
  std::vector<Entry> expected = entries;
  std::stable_sort(expected.begin(), expected.end(), ByKey());

  RunMerge<Entry, ByKey> merge;
  merge.Start(entries.data(), run_ends);
  ASSERT_EQ(merge.left(), entries.size());
  std::vector<Entry> got;
  while (merge.left() > 0) {
    const size_t slice = 1 + rng() % 17;
    for (size_t i = 0; i < slice && merge.left() > 0; i++) got.push_back(merge.Take());
  }
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); i++) {
    ASSERT_EQ(got[i].key, expected[i].key) << "seed " << seed << " at " << i;
    ASSERT_EQ(got[i].origin, expected[i].origin) << "seed " << seed << " at " << i;
  }
}

TEST(RunMergeTest, MatchesAStableSortOfTheRuns) {
  for (uint64_t seed = 1; seed <= 500; seed++) CheckAgainstStableSort(seed);
}

TEST(RunMergeTest, OneRunAndNoEntries) {
  const std::vector<Entry> entries = {{1, 0}, {2, 1}, {2, 2}};
  const std::vector<size_t> one = {3};
  RunMerge<Entry, ByKey> merge;
  merge.Start(entries.data(), one);
  EXPECT_EQ(merge.Take().origin, 0u);
  EXPECT_EQ(merge.Take().origin, 1u);
  EXPECT_EQ(merge.Take().origin, 2u);
  EXPECT_EQ(merge.left(), 0u);

  const std::vector<size_t> all_empty = {0, 0, 0};
  merge.Start(entries.data(), all_empty);
  EXPECT_EQ(merge.left(), 0u);
  merge.Clear();
  EXPECT_EQ(merge.left(), 0u);
}

}  // namespace
}  // namespace zq
