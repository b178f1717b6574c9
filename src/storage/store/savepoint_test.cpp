// WriteTxn savepoints: rolling back to one restores the buffered writes as
// they were (puts, deletes, created and dropped trees), releasing forgets it.
#include <gtest/gtest.h>

#include "storage/store/store.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::storage {
namespace {

TEST(WriteTxnSavepointTest, RollbackToRestoresTheBufferedWrites) {
  FaultVfs vfs(8);
  StoreOptions options;
  options.vfs = &vfs;
  auto store = Store::Open("sp.zq", options);
  ASSERT_TRUE(store.ok());
  auto txn = (*store)->BeginWrite();
  ASSERT_TRUE(txn->CreateTreeWithId(1).ok());
  ASSERT_TRUE(txn->Put(1, "a", "1").ok());
  const size_t first = txn->Savepoint();
  ASSERT_TRUE(txn->Put(1, "b", "2").ok());
  ASSERT_TRUE(txn->Delete(1, "a").ok());
  ASSERT_TRUE(txn->CreateTreeWithId(2).ok());
  const size_t second = txn->Savepoint();
  ASSERT_TRUE(txn->Put(2, "c", "3").ok());
  std::string v;
  ASSERT_TRUE(txn->RollbackToSavepoint(second).ok());
  EXPECT_FALSE(*txn->Get(2, "c", &v));
  EXPECT_TRUE(*txn->TreeExists(2));
  ASSERT_TRUE(txn->RollbackToSavepoint(first).ok());
  EXPECT_TRUE(*txn->Get(1, "a", &v));
  EXPECT_EQ(v, "1");
  EXPECT_FALSE(*txn->Get(1, "b", &v));
  EXPECT_FALSE(*txn->TreeExists(2));
  EXPECT_FALSE(txn->RollbackToSavepoint(second).ok());  // forgotten by the rollback to `first`
  ASSERT_TRUE(txn->Put(1, "d", "4").ok());
  ASSERT_TRUE(txn->ReleaseSavepoint(first).ok());
  EXPECT_FALSE(txn->RollbackToSavepoint(first).ok());
  ASSERT_TRUE(txn->Commit().ok());
  auto snap = (*store)->GetSnapshot();
  EXPECT_TRUE(*snap->Get(1, "a", &v));
  EXPECT_TRUE(*snap->Get(1, "d", &v));
  EXPECT_FALSE(*snap->Get(1, "b", &v));
  EXPECT_FALSE(*snap->TreeExists(2));
}

}  // namespace
}  // namespace zq::storage
