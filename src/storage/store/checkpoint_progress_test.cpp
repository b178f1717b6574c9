// Store::CheckpointWithProgress: the callback hears every dirty page written,
// ending at (total, total), and the checkpoint is a real one.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/store/store.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::storage {
namespace {

TEST(CheckpointProgressTest, ReportsEveryPageUpToTheTotal) {
  FaultVfs vfs(8);
  StoreOptions options;
  options.vfs = &vfs;
  auto store = Store::Open("cp.zq", options);
  ASSERT_TRUE(store.ok());
  auto txn = (*store)->BeginWrite();
  ASSERT_TRUE(txn->CreateTreeWithId(1).ok());
  for (int i = 0; i < 5000; i++) {
    ASSERT_TRUE(txn->Put(1, "key" + std::to_string(100000 + i), std::string(200, 'v')).ok());
  }
  ASSERT_TRUE(txn->Commit().ok());
  const uint64_t dirty = (*store)->Stats().dirty_page_count;
  ASSERT_GT(dirty, 100u);
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  ASSERT_TRUE((*store)->CheckpointWithProgress([&](uint64_t done, uint64_t total) {
    calls.emplace_back(done, total);
  }).ok());
  ASSERT_FALSE(calls.empty());
  for (size_t i = 1; i < calls.size(); i++) {
    EXPECT_GT(calls[i].first, calls[i - 1].first);
    EXPECT_EQ(calls[i].second, calls[0].second);
  }
  EXPECT_EQ(calls.back().first, calls.back().second);
  EXPECT_GE(calls.back().second, dirty);
  EXPECT_EQ((*store)->Stats().dirty_page_count, 0u);
  // Nothing dirty: one call, (0, 0).
  calls.clear();
  const auto record = [&](uint64_t done, uint64_t total) { calls.emplace_back(done, total); };
  ASSERT_TRUE((*store)->CheckpointWithProgress(record).ok());
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], std::make_pair(uint64_t{0}, uint64_t{0}));
  ASSERT_TRUE((*store)->Close().ok());
}

}  // namespace
}  // namespace zq::storage
