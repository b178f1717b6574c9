// I/O errors surface as errors and leave the database openable: for the n-th
// read, write or sync of a workload failing, every commit acknowledged before
// the failure is still there after a reopen, and nothing half-done is.
#include <gtest/gtest.h>

#include "../common/store_test_util.hpp"

namespace zq::testing {
namespace {

using storage::FaultVfs;
using storage::Store;
constexpr storage::TreeId kTree = 4;

void RunWithFailure(FaultVfs::Op op, uint64_t n, bool sticky) {
  FaultVfs vfs(n * 31 + static_cast<uint64_t>(op));
  storage::StoreOptions o = FaultOptions(&vfs);
  {
    auto store = Store::Open("io.zq", o);
    ASSERT_TRUE(store.ok());
    auto txn = (*store)->BeginWrite();
    ASSERT_TRUE(txn->CreateTreeWithId(kTree).ok());
    ASSERT_TRUE(txn->Commit().ok());
    ASSERT_TRUE((*store)->Close().ok());
  }
  Model acked, attempted;
  bool failed = false;
  {
    vfs.FailNth(op, n, sticky);
    auto store = Store::Open("io.zq", o);
    if (!store.ok()) {
      failed = true;
    } else {
      std::mt19937_64 rng(n);
      for (int c = 0; c < 30 && !failed; c++) {
        auto txn = (*store)->BeginWrite();
        attempted = acked;
        Status s;
        for (int i = 0; i < 5 && s.ok(); i++) {
          std::string k = RandomKey(rng, 200), v = RandomValue(rng);
          s = txn->Put(kTree, k, v);  // may read pages, so may meet the fault
          if (s.ok()) attempted[k] = v;
        }
        if (!s.ok()) {  // the transaction never reached its commit
          attempted = acked;
          failed = true;
          break;
        }
        s = txn->Commit();
        if (s.ok()) {
          acked = attempted;
        } else {
          failed = true;  // its record may or may not have reached the disk
        }
      }
      // Reads of the published state still work or report an error.
      Model seen;
      std::string err = ReadTree(store->get(), kTree, &seen);
      if (err.empty()) {
        EXPECT_TRUE(seen == acked || seen == attempted);
      }
    }
  }
  vfs.ClearFaults();
  vfs.PowerCut();
  auto store = Store::Open("io.zq", o);
  ASSERT_TRUE(store.ok()) << "op " << static_cast<int>(op) << " n " << n << ": "
                          << store.status().ToString();
  Model got;
  ASSERT_EQ(ReadTree(store->get(), kTree, &got), "");
  EXPECT_TRUE(got == acked || (failed && got == attempted))
      << "op " << static_cast<int>(op) << " n " << n;
}

TEST(IoErrorTest, NthReadWriteOrSyncFails) {
  int max_n = Scaled(40);
  for (auto op : {FaultVfs::Op::kRead, FaultVfs::Op::kWrite, FaultVfs::Op::kSync}) {
    for (int n = 1; n <= max_n; n++) {
      RunWithFailure(op, static_cast<uint64_t>(n), false);
      RunWithFailure(op, static_cast<uint64_t>(n), true);
      if (HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace zq::testing

namespace zq::testing {
namespace {

// A read failing while recovery replays the WAL fails the open and must leave
// the files untouched: the next open recovers every acknowledged commit.
TEST(IoErrorTest, FailedRecoveryChangesNothing) {
  for (uint64_t n = 1; n <= static_cast<uint64_t>(Scaled(30)); n++) {
    FaultVfs vfs(n);
    storage::StoreOptions o = FaultOptions(&vfs);
    o.checkpoint_wal_bytes = 1 << 30;
    Model acked;
    {
      auto store = Store::Open("r.zq", o);
      ASSERT_TRUE(store.ok());
      auto txn = (*store)->BeginWrite();
      ASSERT_TRUE(txn->CreateTreeWithId(kTree).ok());
      ASSERT_TRUE(txn->Commit().ok());
      ASSERT_TRUE((*store)->Checkpoint().ok());
      std::mt19937_64 rng(n);
      for (int c = 0; c < 20; c++) {
        auto t = (*store)->BeginWrite();
        std::string k = RandomKey(rng, 300), v = RandomValue(rng);
        ASSERT_TRUE(t->Put(kTree, k, v).ok());
        ASSERT_TRUE(t->Commit().ok());
        acked[k] = v;
      }
      vfs.CrashAtSync(1);  // leave the commits in the WAL only
      store->reset();
      vfs.PowerCut();
    }
    vfs.FailNth(FaultVfs::Op::kRead, n);
    {
      auto failed = Store::Open("r.zq", o);  // may fail halfway through replay
    }
    vfs.ClearFaults();
    auto store = Store::Open("r.zq", o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Model got;
    ASSERT_EQ(ReadTree(store->get(), kTree, &got), "");
    ASSERT_EQ(got, acked) << "read failure " << n << " during recovery lost data";
  }
}

}  // namespace
}  // namespace zq::testing
