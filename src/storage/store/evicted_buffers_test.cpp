// Heap copies of pages that a checkpoint evicts (beyond the cache budget) are
// reused for new pages. A reader may still be reading one through a
// positioned cursor: then they wait for it; with nobody reading they are
// reused at once.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/store/store.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::storage {
namespace {

constexpr TreeId kTree = 1;
constexpr int kKeys = 3000;

std::string KeyOf(int i) {
  return "key" + std::to_string(100000 + i);
}

void WriteAll(Store* store, char fill) {
  auto txn = store->BeginWrite();
  for (int i = 0; i < kKeys; i++) {
    ASSERT_TRUE(txn->Put(kTree, KeyOf(i), std::string(200, fill)).ok());
  }
  ASSERT_TRUE(txn->Commit().ok());
}

std::unique_ptr<Store> OpenWithNoCache(FaultVfs* vfs) {
  StoreOptions options;
  options.vfs = vfs;
  options.cache_bytes = 0;  // a checkpoint evicts every clean page
  auto store = Store::Open("e.zq", options);
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return nullptr;
  auto txn = (*store)->BeginWrite();
  EXPECT_TRUE(txn->CreateTreeWithId(kTree).ok());
  EXPECT_TRUE(txn->Commit().ok());
  return std::move(*store);
}

TEST(EvictedBuffersTest, ACursorKeepsReadingPagesACheckpointEvicted) {
  FaultVfs vfs(5);
  std::unique_ptr<Store> store = OpenWithNoCache(&vfs);
  ASSERT_NE(store, nullptr);
  WriteAll(store.get(), 'a');
  auto snap = store->GetSnapshot();
  auto cursor = snap->NewCursor(kTree);
  ASSERT_TRUE(cursor.ok());
  ASSERT_TRUE((*cursor)->SeekFirst().ok());
  for (int i = 0; i < 5; i++) ASSERT_TRUE((*cursor)->Next().ok());  // inside the first leaf
  ASSERT_TRUE(store->Checkpoint().ok());
  EXPECT_GT(store->Stats().evicted_waiting_count, 0u);
  // New pages, filled with other bytes: they must not take the buffers the
  // cursor stands on.
  for (int round = 0; round < 3; round++) WriteAll(store.get(), static_cast<char>('b' + round));
  int seen = 5;
  for (; (*cursor)->Valid(); seen++) {
    ASSERT_EQ((*cursor)->key(), KeyOf(seen));
    ASSERT_EQ((*cursor)->value(), std::string(200, 'a')) << KeyOf(seen);
    ASSERT_TRUE((*cursor)->Next().ok());
  }
  EXPECT_EQ(seen, kKeys);
  cursor->reset();
  snap.reset();
  // Once the reader is gone, the next publication frees them.
  ASSERT_TRUE(store->Checkpoint().ok());
  WriteAll(store.get(), 'z');
  EXPECT_EQ(store->Stats().evicted_waiting_count, 0u);
  ASSERT_TRUE(store->Close().ok());
}

TEST(EvictedBuffersTest, WithNoReaderEvictedBuffersAreReusedAtOnce) {
  FaultVfs vfs(6);
  std::unique_ptr<Store> store = OpenWithNoCache(&vfs);
  ASSERT_NE(store, nullptr);
  WriteAll(store.get(), 'a');
  ASSERT_TRUE(store->Checkpoint().ok());
  EXPECT_EQ(store->Stats().evicted_waiting_count, 0u);
  EXPECT_EQ(store->Stats().cached_page_count, 0u);
  WriteAll(store.get(), 'b');
  auto snap = store->GetSnapshot();
  std::string value;
  auto found = snap->Get(kTree, KeyOf(kKeys - 1), &value);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ(value, std::string(200, 'b'));
  snap.reset();
  uint64_t pages = 0;
  ASSERT_TRUE(store->Verify(&pages).ok());
  ASSERT_TRUE(store->Close().ok());
}

}  // namespace
}  // namespace zq::storage
