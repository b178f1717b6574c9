#include "storage/pager/page_buffers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <vector>

namespace zq::storage {
namespace {

constexpr uint32_t kBytes = 4096;
constexpr size_t kPerRegion = PageBuffers::kRegionBytes / kBytes;

TEST(PageBuffersTest, CarvesAlignedDistinctBuffersRegionByRegion) {
  PageBuffers pool(kBytes);
  std::set<uint8_t*> seen;
  for (size_t i = 0; i < kPerRegion + 1; i++) {
    uint8_t* p = pool.Take();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kBytes, 0u);
    EXPECT_TRUE(pool.Owns(p));
    EXPECT_TRUE(pool.Owns(p + kBytes - 1));
    std::memset(p, static_cast<int>(i), kBytes);  // every byte writable
    EXPECT_TRUE(seen.insert(p).second);
  }
  EXPECT_EQ(pool.region_count(), 2u);
  for (uint8_t* p : seen) pool.Give(p);
}

TEST(PageBuffersTest, ReusesGivenBuffersBeforeCarvingNewOnes) {
  PageBuffers pool(kBytes);
  uint8_t* a = pool.Take();
  uint8_t* b = pool.Take();
  pool.Give(a);
  EXPECT_EQ(pool.Take(), a);
  pool.Give(b);
  pool.Give(a);
  EXPECT_EQ(pool.warm_count(), 2u);
  EXPECT_EQ(pool.Take(), a);
  EXPECT_EQ(pool.Take(), b);
  EXPECT_EQ(pool.region_count(), 1u);
}

TEST(PageBuffersTest, BeyondTheWarmLimitBuffersGoColdAndComeBackZeroed) {
  PageBuffers pool(kBytes);
  pool.SetWarmMax(2);
  std::vector<uint8_t*> taken;
  for (int i = 0; i < 5; i++) {
    taken.push_back(pool.Take());
    std::memset(taken.back(), 0xAB, kBytes);
  }
  for (uint8_t* p : taken) pool.Give(p);
  EXPECT_EQ(pool.warm_count(), 2u);
  EXPECT_EQ(pool.cold_count(), 3u);
  // Warm ones first, then the cold ones: handed back to the kernel, they read
  // as zeros (where madvise works; it does on every supported kernel).
  pool.Take();
  pool.Take();
  uint8_t* cold = pool.Take();
  EXPECT_TRUE(std::all_of(cold, cold + kBytes, [](uint8_t c) { return c == 0; }));
  pool.SetWarmMax(0);
  EXPECT_EQ(pool.warm_count(), 0u);
}

TEST(PageBuffersTest, LoweringTheLimitHandsBackAdjacentAndScatteredBuffers) {
  PageBuffers pool(kBytes);
  std::vector<uint8_t*> taken;
  for (int i = 0; i < 40; i++) taken.push_back(pool.Take());
  for (size_t i = 0; i < taken.size(); i++) {
    std::memset(taken[i], 0xCD, kBytes);
    if (i % 3 != 1) pool.Give(taken[i]);  // gaps between the runs
  }
  pool.Give(taken[1]);
  const size_t given = pool.warm_count();
  pool.SetWarmMax(4);
  EXPECT_EQ(pool.warm_count(), 4u);
  EXPECT_EQ(pool.cold_count(), given - 4);
  for (size_t i = 0; i < 4; i++) pool.Take();
  for (size_t i = 0; i < given - 4; i++) {
    uint8_t* p = pool.Take();
    EXPECT_TRUE(std::all_of(p, p + kBytes, [](uint8_t c) { return c == 0; })) << i;
  }
}

TEST(PageBuffersTest, ForeignBuffersAreKeptOrFreedButNeverOwned) {
  PageBuffers pool(kBytes);
  pool.Take();  // one region exists
  auto* foreign = static_cast<uint8_t*>(std::aligned_alloc(64, kBytes));
  ASSERT_NE(foreign, nullptr);
  EXPECT_FALSE(pool.Owns(foreign));
  pool.Give(foreign);  // kept warm, reused
  EXPECT_EQ(pool.Take(), foreign);
  pool.SetWarmMax(0);
  pool.Give(foreign);  // over the limit: freed (ASan reports a leak otherwise)
  EXPECT_EQ(pool.cold_count(), 0u);
  auto* discarded = static_cast<uint8_t*>(std::aligned_alloc(64, kBytes));
  pool.Discard(discarded);
  pool.Discard(pool.Take());  // a region's: left to the pool
}

// Against a model of which buffers are out: none is handed out twice, the
// warm count stays within the limit, and a new region is mapped only when
// nothing is kept.
TEST(PageBuffersTest, RandomTakeGiveKeepsEveryBufferUnique) {
  PageBuffers pool(kBytes);
  std::mt19937_64 rng(7);
  std::vector<uint8_t*> out;
  std::set<uint8_t*> out_set;
  uint64_t limit = 1024;
  for (int step = 0; step < 20000; step++) {
    const uint64_t r = rng() % 100;
    if (r < 55 || out.empty()) {
      const size_t kept = pool.warm_count() + pool.cold_count();
      const size_t regions = pool.region_count();
      uint8_t* p = pool.Take();
      ASSERT_TRUE(out_set.insert(p).second) << "handed out twice at step " << step;
      if (kept > 0) {
        ASSERT_EQ(pool.region_count(), regions) << "step " << step;
      }
      out.push_back(p);
      p[0] = 1;
      p[kBytes - 1] = 2;
    } else if (r < 98) {
      const size_t i = rng() % out.size();
      out_set.erase(out[i]);
      pool.Give(out[i]);
      out[i] = out.back();
      out.pop_back();
    } else {
      limit = rng() % 64;
      pool.SetWarmMax(limit);
    }
    ASSERT_LE(pool.warm_count(), limit) << "step " << step;
    ASSERT_LE(pool.warm_count() + pool.cold_count() + out.size(), pool.region_count() * kPerRegion);
  }
  for (uint8_t* p : out) pool.Give(p);
}

}  // namespace
}  // namespace zq::storage
