#include "util/chunked_array.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace zq {
namespace {

// Small chunks, so that the random operations cross chunk boundaries often.
using Small = ChunkedArray<uint64_t, 3>;

void ExpectSame(const Small& a, const std::vector<uint64_t>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < b.size(); i++) ASSERT_EQ(a[i], b[i]) << "index " << i;
}

TEST(ChunkedArrayTest, RandomOperationsMatchAVector) {
  for (uint64_t seed = 1; seed <= 50; seed++) {
    std::mt19937_64 rng(seed);
    Small a;
    std::vector<uint64_t> b;
    for (int step = 0; step < 400; step++) {
      switch (rng() % 6) {
        case 0: {
          const size_t n = rng() % 100;
          a.resize(n);
          b.resize(n);  // new entries 0, as T{}
          break;
        }
        case 1: {
          const size_t n = rng() % 60;
          const uint64_t v = rng();
          a.assign(n, v);
          b.assign(n, v);
          break;
        }
        case 2:
          a.clear();
          b.clear();
          break;
        default: {
          const uint64_t v = rng();
          a.push_back(v);
          b.push_back(v);
          if (!b.empty()) {
            const size_t i = rng() % b.size();
            a[i] = v ^ 1;
            b[i] = v ^ 1;
          }
        }
      }
      ExpectSame(a, b);
    }
  }
}

// Entries past a shrink come back as T{}, not as what the reused chunk held.
TEST(ChunkedArrayTest, RegrownEntriesAreFresh) {
  Small a;
  for (uint64_t i = 0; i < 20; i++) a.push_back(i + 100);
  a.resize(5);
  a.resize(20);
  for (size_t i = 5; i < 20; i++) EXPECT_EQ(a[i], 0u);
  a.clear();
  a.resize(3);
  for (size_t i = 0; i < 3; i++) EXPECT_EQ(a[i], 0u);
}

// Growing never moves an entry: references taken earlier stay valid.
TEST(ChunkedArrayTest, GrowingKeepsAddresses) {
  ChunkedArray<uint64_t, 4> a;
  a.push_back(7);
  const uint64_t* first = &a[0];
  for (uint64_t i = 0; i < 1000; i++) a.push_back(i);
  a.resize(5000);
  EXPECT_EQ(first, &a[0]);
  EXPECT_EQ(*first, 7u);
}

}  // namespace
}  // namespace zq
