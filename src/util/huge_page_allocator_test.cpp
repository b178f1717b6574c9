#include "util/huge_page_allocator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace zq {
namespace {

using HugeVector = std::vector<uint64_t, HugePageAllocator<uint64_t>>;

// The VmFlags line of the mapping holding `p` in /proc/self/smaps, or "" when
// there is no such file (not Linux) or no such mapping.
std::string VmFlagsOf(const void* p) {
  std::ifstream smaps("/proc/self/smaps");
  const auto addr = reinterpret_cast<uintptr_t>(p);
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-') {
      inside = addr >= lo && addr < hi;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

bool KernelHasTransparentHugePages() {
  std::ifstream setting("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string value;
  return std::getline(setting, value) && value.find("[never]") == std::string::npos;
}

TEST(HugePageAllocatorTest, LargeArraysAreWholeAlignedHugePagesAskedForHugePages) {
  HugePageAllocator<uint64_t> alloc;
  const size_t n = (kHugePageBytes * 3 + 100) / sizeof(uint64_t);
  uint64_t* p = alloc.allocate(n);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kHugePageBytes, 0u);
  for (size_t i = 0; i < n; i++) p[i] = i * 7;
  for (size_t i = 0; i < n; i += 4099) ASSERT_EQ(p[i], i * 7);
  if (KernelHasTransparentHugePages()) {
    const std::string flags = VmFlagsOf(p);
    if (!flags.empty()) {
      EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;
    }
  }
  alloc.deallocate(p, n);
}

TEST(HugePageAllocatorTest, SmallArraysComeFromTheHeapUnmarked) {
  HugePageAllocator<uint64_t> alloc;
  const size_t n = 1000;
  uint64_t* p = alloc.allocate(n);
  ASSERT_NE(p, nullptr);
  for (size_t i = 0; i < n; i++) p[i] = i;
  const std::string flags = VmFlagsOf(p);
  EXPECT_EQ(flags.find(" hg"), std::string::npos) << flags;
  alloc.deallocate(p, n);
}

TEST(HugePageAllocatorTest, ImpossibleSizesThrow) {
  HugePageAllocator<uint64_t> alloc;
  EXPECT_THROW((void)alloc.allocate(static_cast<size_t>(-1) / 4), std::bad_array_new_length);
}

// A vector on this allocator grown past the threshold and shrunk again holds
// what a plain vector given the same operations holds.
TEST(HugePageAllocatorTest, VectorsBehaveAsPlainVectors) {
  std::mt19937_64 rng(42);
  HugeVector huge;
  std::vector<uint64_t> plain;
  for (int step = 0; step < 2000; step++) {
    const uint64_t op = rng() % 10;
    if (op < 7) {
      const size_t count = rng() % 2 == 0 ? rng() % 100 : rng() % 200000;
      for (size_t i = 0; i < count; i++) {
        const uint64_t v = rng();
        huge.push_back(v);
        plain.push_back(v);
      }
    } else if (op < 9) {
      const size_t keep = plain.empty() ? 0 : rng() % plain.size();
      huge.resize(keep);
      plain.resize(keep);
    } else {
      HugeVector().swap(huge);
      std::vector<uint64_t>().swap(plain);
    }
    ASSERT_EQ(huge.size(), plain.size());
    if (plain.size() > (size_t{8} << 20) / sizeof(uint64_t)) {
      HugeVector().swap(huge);  // keep the test's memory bounded
      std::vector<uint64_t>().swap(plain);
    }
  }
  HugeVector copy = huge;
  ASSERT_TRUE(std::equal(copy.begin(), copy.end(), plain.begin(), plain.end()));
}

}  // namespace
}  // namespace zq
