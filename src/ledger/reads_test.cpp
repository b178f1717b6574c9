// Reads (spec §9): lookups, get_account_transfers / get_account_balances with
// AccountFilter validity, flags, limits and pagination; query_accounts /
// query_transfers with QueryFilter fields. The model test compares random
// filters against linear scans; these pin the documented edge cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

#include "ledger/kv_ledger_store.hpp"
#include "ledger/ledger_test_util.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::ledger::testing {
namespace {

namespace af = account_flags;
namespace tf = transfer_flags;
namespace aff = account_filter_flags;

class ReadsTest : public LedgerFixture {
 protected:
  void SetUp() override {
    Account a1 = MakeAccount(1, 1, 10, af::kHistory);
    a1.user_data_64 = 5;
    Account a2 = MakeAccount(2, 1, 20);
    a2.user_data_64 = 5;
    Account a3 = MakeAccount(3, 2, 10);
    CreateAccounts({a1, a2, a3, MakeAccount(4, 1, 10)});
    // Transfers 100..109 alternate direction between 1 and 2; code = 1 + i % 2.
    for (u128 i = 0; i < 10; i++) {
      Transfer t =
          i % 2 == 0 ? MakeTransfer(100 + i, 1, 2, 10 + i) : MakeTransfer(100 + i, 2, 1, 1);
      t.code = static_cast<uint16_t>(1 + i % 2);
      t.user_data_32 = static_cast<uint32_t>(i % 3);
      ASSERT_EQ(CreateTransfer(t), CreateTransferResult::kCreated);
    }
    ASSERT_EQ(CreateTransfer(MakeTransfer(200, 4, 2, 1)), CreateTransferResult::kCreated);
  }
  AccountFilter Filter(u128 account, uint32_t flags, uint32_t limit = 100) {
    AccountFilter f{};
    f.account_id = account;
    f.flags = flags;
    f.limit = limit;
    return f;
  }
  std::vector<u128> Ids(const std::vector<Transfer>& ts) {
    std::vector<u128> ids;
    for (const Transfer& t : ts) ids.push_back(t.id);
    return ids;
  }
  std::vector<u128> TransferIds(const AccountFilter& f) {
    std::vector<Transfer> out;
    EXPECT_TRUE(sm_.GetAccountTransfers(f, &out).ok());
    return Ids(out);
  }
};

TEST_F(ReadsTest, LookupsReturnFoundOnlyInOrder) {
  std::vector<Account> accounts;
  const u128 ids[] = {3, 99, 1};
  ASSERT_TRUE(sm_.LookupAccounts(ids, &accounts).ok());
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0].id, 3u);
  EXPECT_EQ(accounts[1].id, 1u);
  std::vector<Transfer> transfers;
  const u128 tids[] = {105, 0, 200, 7};
  ASSERT_TRUE(sm_.LookupTransfers(tids, &transfers).ok());
  EXPECT_EQ(Ids(transfers), (std::vector<u128>{105, 200}));
}

TEST_F(ReadsTest, AccountTransfersSidesOrderAndLimit) {
  EXPECT_EQ(TransferIds(Filter(1, aff::kDebits)), (std::vector<u128>{100, 102, 104, 106, 108}));
  EXPECT_EQ(TransferIds(Filter(1, aff::kCredits)), (std::vector<u128>{101, 103, 105, 107, 109}));
  EXPECT_EQ(TransferIds(Filter(2, aff::kDebits | aff::kCredits, 4)),
            (std::vector<u128>{100, 101, 102, 103}));
  EXPECT_EQ(TransferIds(Filter(2, aff::kDebits | aff::kCredits | aff::kReversed, 3)),
            (std::vector<u128>{200, 109, 108}));
  AccountFilter f = Filter(1, aff::kDebits | aff::kCredits);
  f.code = 2;
  EXPECT_EQ(TransferIds(f), (std::vector<u128>{101, 103, 105, 107, 109}));
  f.code = 0;
  f.user_data_32 = 1;
  EXPECT_EQ(TransferIds(f), (std::vector<u128>{101, 104, 107}));
}

TEST_F(ReadsTest, AccountTransfersPagination) {
  AccountFilter f = Filter(1, aff::kDebits | aff::kCredits, 3);
  std::vector<u128> all;
  for (int page = 0; page < 10; page++) {
    std::vector<Transfer> out;
    ASSERT_TRUE(sm_.GetAccountTransfers(f, &out).ok());
    if (out.empty()) break;
    for (const Transfer& t : out) all.push_back(t.id);
    f.timestamp_min = out.back().timestamp + 1;
  }
  EXPECT_EQ(all.size(), 10u);
  EXPECT_EQ(all.front(), 100u);
  EXPECT_EQ(all.back(), 109u);
  // Inclusive bounds.
  Transfer t;
  ASSERT_TRUE(*store_.GetTransfer(103, &t));
  f = Filter(1, aff::kDebits | aff::kCredits);
  f.timestamp_min = t.timestamp;
  f.timestamp_max = t.timestamp;
  EXPECT_EQ(TransferIds(f), (std::vector<u128>{103}));
}

TEST_F(ReadsTest, InvalidAccountFiltersAreEmpty) {
  std::vector<AccountFilter> bad;
  bad.push_back(Filter(0, aff::kDebits));
  bad.push_back(Filter(kU128Max, aff::kDebits));
  bad.push_back(Filter(1, aff::kDebits, 0));           // limit 0
  bad.push_back(Filter(1, aff::kReversed));            // neither side
  bad.push_back(Filter(1, aff::kDebits | (1u << 3)));  // padding flag
  AccountFilter f = Filter(1, aff::kDebits);
  f.reserved[57] = 1;
  bad.push_back(f);
  f = Filter(1, aff::kDebits);
  f.timestamp_min = 10;
  f.timestamp_max = 9;
  bad.push_back(f);
  f = Filter(1, aff::kDebits);
  f.timestamp_max = uint64_t{1} << 63;
  bad.push_back(f);
  for (const AccountFilter& x : bad) {
    EXPECT_FALSE(AccountFilterValid(x));
    EXPECT_TRUE(TransferIds(x).empty());
    std::vector<AccountBalance> balances;
    ASSERT_TRUE(sm_.GetAccountBalances(x, &balances).ok());
    EXPECT_TRUE(balances.empty());
  }
}

TEST_F(ReadsTest, AccountBalancesFollowTheTransferSelection) {
  AccountFilter f = Filter(1, aff::kDebits | aff::kCredits);
  f.code = 1;  // debits 100, 102, ... (amounts 10, 12, 14, 16, 18)
  std::vector<AccountBalance> balances;
  ASSERT_TRUE(sm_.GetAccountBalances(f, &balances).ok());
  ASSERT_EQ(balances.size(), 5u);
  EXPECT_EQ(balances[0].debits_posted, 10u);
  EXPECT_EQ(balances[1].debits_posted, 22u);
  EXPECT_EQ(balances[1].credits_posted, 1u);
  Transfer t;
  ASSERT_TRUE(*store_.GetTransfer(102, &t));
  EXPECT_EQ(balances[1].timestamp, t.timestamp);
  // Account 2 has no history flag.
  ASSERT_TRUE(sm_.GetAccountBalances(Filter(2, aff::kDebits), &balances).ok());
  EXPECT_TRUE(balances.empty());
  ASSERT_TRUE(sm_.GetAccountBalances(Filter(77, aff::kDebits), &balances).ok());
  EXPECT_TRUE(balances.empty());
}

TEST_F(ReadsTest, QueryAccountsAndTransfers) {
  QueryFilter q{};
  q.limit = 100;
  std::vector<Account> accounts;
  ASSERT_TRUE(sm_.QueryAccounts(q, &accounts).ok());
  EXPECT_EQ(accounts.size(), 4u);  // no fields: timestamp-range scan of all
  q.code = 10;
  ASSERT_TRUE(sm_.QueryAccounts(q, &accounts).ok());
  EXPECT_EQ(accounts.size(), 3u);
  q.ledger = 1;
  ASSERT_TRUE(sm_.QueryAccounts(q, &accounts).ok());
  EXPECT_EQ(accounts.size(), 2u);
  q.user_data_64 = 5;
  q.flags = query_filter_flags::kReversed;
  ASSERT_TRUE(sm_.QueryAccounts(q, &accounts).ok());
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0].id, 1u);

  QueryFilter t{};
  t.limit = 2;
  t.code = 2;
  t.flags = query_filter_flags::kReversed;
  std::vector<Transfer> transfers;
  ASSERT_TRUE(sm_.QueryTransfers(t, &transfers).ok());
  EXPECT_EQ(Ids(transfers), (std::vector<u128>{109, 107}));
  t.flags = 0;
  t.user_data_32 = 2;
  t.limit = 10;
  ASSERT_TRUE(sm_.QueryTransfers(t, &transfers).ok());
  EXPECT_EQ(Ids(transfers), (std::vector<u128>{105}));
  // Invalid filters are empty.
  t.limit = 0;
  ASSERT_TRUE(sm_.QueryTransfers(t, &transfers).ok());
  EXPECT_TRUE(transfers.empty());
  t.limit = 10;
  t.flags = 2;
  ASSERT_TRUE(sm_.QueryTransfers(t, &transfers).ok());
  EXPECT_TRUE(transfers.empty());
  t.flags = 0;
  t.reserved[0] = 1;
  ASSERT_TRUE(sm_.QueryTransfers(t, &transfers).ok());
  EXPECT_TRUE(transfers.empty());
}

Result<std::unique_ptr<storage::Store>> OpenStore(storage::FaultVfs* vfs, const char* path) {
  storage::StoreOptions options;
  options.vfs = vfs;
  return storage::Store::Open(path, options);
}

// The KV store answers the same reads, through a read-only snapshot too.
TEST(KvLedgerStoreTest, ReadsThroughSnapshotAndRejectsWrites) {
  storage::FaultVfs vfs(7);
  auto store = OpenStore(&vfs, "reads.zq");
  ASSERT_TRUE(store.ok());
  {
    auto txn = (*store)->BeginWrite();
    ASSERT_TRUE(KvLedgerStore::CreateTrees(txn.get()).ok());
    KvLedgerStore kv(txn.get());
    StateMachine sm(&kv);
    std::vector<CreateAccountsResult> ar;
    const std::vector<Account> accounts = {MakeAccount(1), MakeAccount(2)};
    ASSERT_TRUE(sm.CreateAccounts(accounts, 100, &ar).ok());
    std::vector<CreateTransfersResult> tr;
    const std::vector<Transfer> transfers = {MakeTransfer(10, 1, 2, 5),
                                             MakeTransfer(11, 2, 1, 3, tf::kPending)};
    ASSERT_TRUE(sm.CreateTransfers(transfers, 200, &tr).ok());
    ASSERT_EQ(tr[1].status, CreateTransferResult::kCreated);
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto snapshot = (*store)->GetSnapshot();
  KvLedgerStore reader(snapshot.get());
  StateMachine sm(&reader);
  AccountFilter f{};
  f.account_id = 1;
  f.limit = 10;
  f.flags = aff::kDebits | aff::kCredits | aff::kReversed;
  std::vector<Transfer> out;
  ASSERT_TRUE(sm.GetAccountTransfers(f, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, 11u);
  Account a;
  ASSERT_TRUE(*reader.GetAccount(1, &a));
  EXPECT_EQ(a.debits_posted, 5u);
  EXPECT_EQ(a.credits_pending, 3u);
  EXPECT_EQ(*reader.GetCommitTimestamp(), 200u);
  EXPECT_EQ(reader.UpdateAccount(a).code(), StatusCode::kInvalidArgument);
  std::vector<CreateTransfersResult> tr;
  const std::vector<Transfer> more = {MakeTransfer(12, 1, 2, 1)};
  EXPECT_FALSE(sm.CreateTransfers(more, 300, &tr).ok());
}

// Keys hold ids with their length (ordered varying-length integers): scans
// for one id must stop at ids of other lengths, and an id without entries
// finds nothing, whatever lengths its neighbours have.
TEST(KvLedgerStoreTest, ScansOverIdsOfEveryLength) {
  storage::FaultVfs vfs(9);
  auto store = OpenStore(&vfs, "lengths.zq");
  ASSERT_TRUE(store.ok());
  const u128 big = ~u128{0} - 1;
  const u128 ids[] = {1, 255, 256, u128{1} << 64, big};
  const u128 idle = 2;  // an account without transfers
  auto txn = (*store)->BeginWrite();
  ASSERT_TRUE(KvLedgerStore::CreateTrees(txn.get()).ok());
  KvLedgerStore kv(txn.get());
  StateMachine sm(&kv);
  std::vector<Account> accounts = {MakeAccount(idle, 1, 1, af::kHistory)};
  for (u128 id : ids) accounts.push_back(MakeAccount(id, 1, 1, af::kHistory));
  std::vector<CreateAccountsResult> ar;
  ASSERT_TRUE(sm.CreateAccounts(accounts, 100, &ar).ok());
  for (const auto& r : ar) ASSERT_EQ(r.status, CreateAccountResult::kCreated);
  // Transfer k + 1 goes from ids[k] to ids[k + 1].
  std::vector<Transfer> transfers;
  for (size_t k = 0; k + 1 < std::size(ids); k++) {
    transfers.push_back(MakeTransfer(ids[k] == 1 ? 7 : ids[k] + 7, ids[k], ids[k + 1], 1 + k));
  }
  std::vector<CreateTransfersResult> tr;
  ASSERT_TRUE(sm.CreateTransfers(transfers, 200, &tr).ok());
  for (const auto& r : tr) ASSERT_EQ(r.status, CreateTransferResult::kCreated);
  ASSERT_TRUE(kv.Flush().ok());
  for (size_t k = 0; k < std::size(ids); k++) {
    for (uint32_t flags : {aff::kDebits, aff::kCredits, aff::kDebits | aff::kCredits,
                           aff::kDebits | aff::kCredits | aff::kReversed}) {
      AccountFilter f{};
      f.account_id = ids[k];
      f.limit = 10;
      f.flags = flags;
      std::vector<Transfer> expected;
      for (const Transfer& t : transfers) {
        if (((flags & aff::kDebits) && t.debit_account_id == ids[k]) ||
            ((flags & aff::kCredits) && t.credit_account_id == ids[k])) {
          expected.push_back(t);
        }
      }
      if (flags & aff::kReversed) std::reverse(expected.begin(), expected.end());
      std::vector<Transfer> out;
      ASSERT_TRUE(sm.GetAccountTransfers(f, &out).ok()) << "account #" << k;
      ASSERT_EQ(out.size(), expected.size()) << "account #" << k << " flags " << flags;
      for (size_t i = 0; i < out.size(); i++) EXPECT_EQ(out[i].id, expected[i].id);
      std::vector<AccountBalance> balances;
      ASSERT_TRUE(sm.GetAccountBalances(f, &balances).ok());
      EXPECT_EQ(balances.size(), expected.size());
    }
  }
  AccountFilter f{};
  f.account_id = idle;
  f.limit = 10;
  f.flags = aff::kDebits | aff::kCredits;
  std::vector<Transfer> out;
  ASSERT_TRUE(sm.GetAccountTransfers(f, &out).ok());
  EXPECT_TRUE(out.empty());
  std::vector<Transfer> found;
  std::vector<u128> lookup;
  for (const Transfer& t : transfers) lookup.push_back(t.id);
  ASSERT_TRUE(sm.LookupTransfers(lookup, &found).ok());
  EXPECT_EQ(found.size(), transfers.size());
  size_t balance_rows = 0;
  ASSERT_TRUE(kv.ForEachBalance([&](u128, const AccountBalance&) {
    balance_rows++;
    return true;
  }).ok());
  EXPECT_EQ(balance_rows, 2 * transfers.size());
  txn->Rollback();
}

}  // namespace
}  // namespace zq::ledger::testing
