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
struct KeyOfEntry {
  uint64_t operator()(const Entry& e) const { return e.key; }
};
using Merge = RunMerge<Entry, ByKey, KeyOfEntry>;

// How a merge is started: plain, with packed keys (keys below 64 need 6
// bits), or offered packed keys too wide to pack, which must fall back.
enum class Mode { kPlain, kPacked, kTooWide };

void StartMerge(Merge* merge, const std::vector<Entry>& entries,
                const std::vector<size_t>& run_ends, Mode mode) {
  switch (mode) {
    case Mode::kPlain:
      merge->Start(entries.data(), run_ends);
      break;
    case Mode::kPacked:
      merge->Start(entries.data(), run_ends, KeyOfEntry(), 6);
      break;
    case Mode::kTooWide:
      merge->Start(entries.data(), run_ends, KeyOfEntry(), 64);
      break;
  }
  ASSERT_EQ(merge->packed(), mode == Mode::kPacked);
}

// Runs of random lengths (some empty) over a small key range, so that equal
// keys meet across runs; merged in slices of random size and compared with
// a stable sort of the whole input (equal keys: the earlier run first).
void CheckAgainstStableSort(uint64_t seed, Mode mode) {
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

  Merge merge;
  StartMerge(&merge, entries, run_ends, mode);
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
  for (uint64_t seed = 1; seed <= 500; seed++) CheckAgainstStableSort(seed, Mode::kPlain);
}

TEST(RunMergeTest, PackedKeysMatchAStableSortOfTheRuns) {
  for (uint64_t seed = 1; seed <= 500; seed++) CheckAgainstStableSort(seed, Mode::kPacked);
}

TEST(RunMergeTest, KeysTooWideToPackFallBackToComparisons) {
  for (uint64_t seed = 1; seed <= 100; seed++) CheckAgainstStableSort(seed, Mode::kTooWide);
}

TEST(RunMergeTest, OneRunAndNoEntries) {
  const std::vector<Entry> entries = {{1, 0}, {2, 1}, {2, 2}};
  const std::vector<size_t> one = {3};
  const std::vector<size_t> all_empty = {0, 0, 0};
  const std::vector<size_t> none = {};
  for (Mode mode : {Mode::kPlain, Mode::kPacked}) {
    Merge merge;
    StartMerge(&merge, entries, one, mode);
    EXPECT_EQ(merge.Take().origin, 0u);
    EXPECT_EQ(merge.Take().origin, 1u);
    EXPECT_EQ(merge.Take().origin, 2u);
    EXPECT_EQ(merge.left(), 0u);

    StartMerge(&merge, entries, all_empty, mode);
    EXPECT_EQ(merge.left(), 0u);
    StartMerge(&merge, entries, none, mode);
    EXPECT_EQ(merge.left(), 0u);
    merge.Clear();
    EXPECT_EQ(merge.left(), 0u);
    EXPECT_FALSE(merge.packed());
  }
}

// A merge restarted in the other mode forgets the first one's state.
TEST(RunMergeTest, RestartsInEitherMode) {
  const std::vector<Entry> entries = {{5, 0}, {1, 1}, {3, 2}, {2, 3}};
  const std::vector<size_t> runs = {1, 3, 4};  // {5}, {1, 3}, {2}
  Merge merge;
  for (Mode mode : {Mode::kPacked, Mode::kPlain, Mode::kPacked}) {
    StartMerge(&merge, entries, runs, mode);
    EXPECT_EQ(merge.Take().key, 1u);  // left half-taken before the restart
    EXPECT_EQ(merge.Take().key, 2u);
  }
  std::vector<uint32_t> keys;
  while (merge.left() > 0) keys.push_back(merge.Take().key);
  EXPECT_EQ(keys, (std::vector<uint32_t>{3, 5}));
}

}  // namespace
}  // namespace zq
