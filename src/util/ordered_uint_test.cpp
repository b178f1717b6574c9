#include "util/ordered_uint.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace zq {
namespace {

using u128 = unsigned __int128;

u128 RandomValue(std::mt19937_64& rng) {
  const u128 v = (static_cast<u128>(rng()) << 64) | rng();
  return v >> (rng() % 129 == 128 ? 127 : rng() % 128);  // every length, zero too
}

TEST(OrderedUintTest, RoundTripsInShortestForm) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 100000; i++) {
    const u128 v = i < 300 ? static_cast<u128>(i) : RandomValue(rng);
    std::string key;
    AppendOrderedUint(v, &key);
    key += "tail";
    size_t n = 0;
    for (u128 r = v; r != 0; r >>= 8) n++;
    ASSERT_EQ(key.size(), 1 + n + 4);
    std::string_view in = key;
    u128 back = 1;
    ASSERT_TRUE(GetOrderedUint(&in, &back));
    ASSERT_TRUE(back == v);
    ASSERT_EQ(in, "tail");
  }
  std::string max;
  AppendOrderedUint(~u128{0}, &max);
  EXPECT_EQ(max.size(), kOrderedUintBytesMax);
}

// memcmp order of (value, suffix) keys is (numeric, suffix) order.
TEST(OrderedUintTest, MemcmpOrderIsNumericOrderWithSuffixes) {
  std::mt19937_64 rng(5);
  struct Entry {
    u128 v;
    uint8_t suffix;
    std::string key;
  };
  std::vector<Entry> entries;
  for (int i = 0; i < 20000; i++) {
    Entry e{RandomValue(rng), static_cast<uint8_t>(rng()), {}};
    AppendOrderedUint(e.v, &e.key);
    e.key.push_back(static_cast<char>(e.suffix));
    entries.push_back(e);
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.key < b.key; });
  for (size_t i = 1; i < entries.size(); i++) {
    const Entry& a = entries[i - 1];
    const Entry& b = entries[i];
    ASSERT_TRUE(a.v < b.v || (a.v == b.v && a.suffix <= b.suffix)) << i;
  }
}

TEST(OrderedUintTest, RejectsMalformedInput) {
  u128 v = 0;
  for (const std::string& bad :
       {std::string(), std::string("\x02\x01", 2), std::string("\x01\x00", 2),
        std::string("\x11", 1) + std::string(17, '\x01')}) {
    std::string_view in = bad;
    EXPECT_FALSE(GetOrderedUint(&in, &v)) << bad.size();
  }
  std::string_view zero("\x00", 1);
  EXPECT_TRUE(GetOrderedUint(&zero, &v));
  EXPECT_TRUE(v == 0);
}

}  // namespace
}  // namespace zq
