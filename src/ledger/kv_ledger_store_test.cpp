// KvLedgerStore's deferred account records, at the level of one store over
// one transaction (the model tests cover whole workloads).
#include "ledger/kv_ledger_store.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "ledger/ledger_test_util.hpp"
#include "ledger/state_machine.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::ledger::testing {
namespace {

constexpr u128 kAccountId = 7;

// The account's record as its tree holds it (a store without a Reusable
// has no cache and nothing deferred: it reads the tree).
uint64_t TreeCreditsPosted(storage::WriteTxn* txn) {
  KvLedgerStore plain(txn);
  Account a{};
  Result<bool> found = plain.GetAccount(kAccountId, &a);
  EXPECT_TRUE(found.ok() && *found);
  return static_cast<uint64_t>(a.credits_posted);
}

// Credits the account by one through `kv` and flushes.
void CreditOne(KvLedgerStore* kv) {
  Account a{};
  Result<bool> found = kv->GetAccount(kAccountId, &a);
  ASSERT_TRUE(found.ok() && *found);
  a.credits_posted += 1;
  ASSERT_TRUE(kv->UpdateAccount(a).ok());
  ASSERT_TRUE(kv->Flush().ok());
}

// The storage engine keeps the batch context of a batch that failed before
// writing anything, so such a batch must not have left account records in
// it: a store defers them only once a write of its own has reached the
// transaction, and before that a flush writes them to the tree.
TEST(KvLedgerStoreTest, AccountRecordsAreDeferredOnlyAfterTheStoresOwnWrite) {
  storage::FaultVfs vfs(1);
  storage::StoreOptions options;
  options.vfs = &vfs;
  auto store = storage::Store::Open("defer.zq", options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  {
    auto txn = (*store)->BeginWrite();
    ASSERT_TRUE(KvLedgerStore::CreateTrees(txn.get()).ok());
    KvLedgerStore kv(txn.get());
    StateMachine sm(&kv);
    std::vector<CreateAccountsResult> results;
    const std::vector<Account> accounts = {MakeAccount(kAccountId)};
    ASSERT_TRUE(sm.CreateAccounts(accounts, 1000, &results).ok());
    ASSERT_EQ(results.at(0).status, CreateAccountResult::kCreated);
    ASSERT_TRUE(txn->Commit().ok());
  }
  KvLedgerStore::Reusable reusable(64);
  reusable.deferred_entries_max = 300;
  {
    // Nothing written yet: the update goes to the tree, the context stays empty.
    auto txn = (*store)->BeginWrite();
    KvLedgerStore kv(txn.get(), &reusable);
    CreditOne(&kv);
    EXPECT_FALSE(kv.HasDeferred());
    EXPECT_EQ(TreeCreditsPosted(txn.get()), 1u);
    ASSERT_TRUE(txn->Commit().ok());
  }
  {
    // After a write of its own, the record waits in the context.
    auto txn = (*store)->BeginWrite();
    KvLedgerStore kv(txn.get(), &reusable);
    ASSERT_TRUE(kv.SetCommitTimestamp(2000).ok());
    CreditOne(&kv);
    EXPECT_TRUE(kv.HasDeferred());
    EXPECT_EQ(TreeCreditsPosted(txn.get()), 1u);
    Account seen{};
    ASSERT_TRUE(kv.GetAccount(kAccountId, &seen).ok());
    EXPECT_EQ(static_cast<uint64_t>(seen.credits_posted), 2u);
    ASSERT_TRUE(kv.Settle().ok());
    EXPECT_FALSE(kv.HasDeferred());
    EXPECT_EQ(TreeCreditsPosted(txn.get()), 2u);
    ASSERT_TRUE(txn->Commit().ok());
  }
}

}  // namespace
}  // namespace zq::ledger::testing
