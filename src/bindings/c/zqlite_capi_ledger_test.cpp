// Tests of the ledger C API (zqlite_ledger.h) through libzqlite.so: batches
// and their results, reads, the capacity contract, persistence across reopen,
// read-only files, and misuse.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "zqlite/zqlite.h"

namespace {

zq_u128 U(uint64_t lo) { return zq_u128{lo, 0}; }

zq_account Account(uint64_t id, uint16_t flags = 0) {
  zq_account a;
  std::memset(&a, 0, sizeof a);
  a.id = U(id);
  a.ledger = 700;
  a.code = 10;
  a.flags = flags;
  return a;
}

zq_transfer Transfer(uint64_t id, uint64_t debit, uint64_t credit, uint64_t amount,
                     uint16_t flags = 0) {
  zq_transfer t;
  std::memset(&t, 0, sizeof t);
  t.id = U(id);
  t.debit_account_id = U(debit);
  t.credit_account_id = U(credit);
  t.amount = U(amount);
  t.ledger = 700;
  t.code = 1;
  t.flags = flags;
  return t;
}

class CApiLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/zq_capi_ledger_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/l.zq";
  }
  void TearDown() override {
    unlink(path_.c_str());
    unlink((path_ + "-wal").c_str());
    rmdir(dir_.c_str());
  }
  zq_db* Open(int flags = ZQ_OPEN_READWRITE | ZQ_OPEN_CREATE) {
    zq_db* db = nullptr;
    EXPECT_EQ(zq_open_v2(path_.c_str(), &db, flags, nullptr), ZQ_OK) << zq_errmsg(db);
    return db;
  }
  std::string dir_, path_;
};

TEST_F(CApiLedgerTest, BatchesGiveOneResultPerEventWithTheSpecsCodes) {
  zq_db* db = Open();
  std::vector<zq_account> accounts = {Account(1), Account(2), Account(3), Account(0)};
  std::vector<zq_create_result> results(accounts.size());
  ASSERT_EQ(zq_ledger_create_accounts(db, accounts.data(), accounts.size(), results.data()),
            ZQ_OK)
      << zq_errmsg(db);
  for (size_t i = 0; i < 3; i++) {
    EXPECT_EQ(results[i].status, ZQ_LEDGER_CREATED) << i;
    EXPECT_GT(results[i].timestamp, 0u);
  }
  EXPECT_STREQ(zq_ledger_account_result_name(results[3].status), "id_must_not_be_zero");
  // Timestamps are unique and increasing within the batch.
  EXPECT_LT(results[0].timestamp, results[1].timestamp);

  std::vector<zq_transfer> transfers = {Transfer(10, 1, 2, 500), Transfer(11, 2, 3, 200),
                                        Transfer(12, 1, 1, 5), Transfer(10, 1, 2, 500),
                                        Transfer(13, 1, 99, 5)};
  results.assign(transfers.size(), zq_create_result{});
  ASSERT_EQ(zq_ledger_create_transfers(db, transfers.data(), transfers.size(), results.data()),
            ZQ_OK);
  EXPECT_STREQ(zq_ledger_transfer_result_name(results[0].status), "created");
  EXPECT_STREQ(zq_ledger_transfer_result_name(results[1].status), "created");
  EXPECT_STREQ(zq_ledger_transfer_result_name(results[2].status), "accounts_must_be_different");
  EXPECT_STREQ(zq_ledger_transfer_result_name(results[3].status), "exists");
  EXPECT_STREQ(zq_ledger_transfer_result_name(results[4].status), "credit_account_not_found");
  EXPECT_EQ(zq_ledger_transfer_result_name(123456), nullptr);

  const zq_u128 ids[] = {U(2), U(42), U(1)};
  zq_account found[3];
  size_t n = 0;
  ASSERT_EQ(zq_ledger_lookup_accounts(db, ids, 3, found, &n), ZQ_OK);
  ASSERT_EQ(n, 2u);  // in request order, the missing one skipped
  EXPECT_EQ(found[0].id.lo, 2u);
  EXPECT_EQ(found[0].credits_posted.lo, 500u);
  EXPECT_EQ(found[0].debits_posted.lo, 200u);
  EXPECT_EQ(found[1].id.lo, 1u);
  EXPECT_EQ(found[1].debits_posted.lo, 500u);
  EXPECT_EQ(zq_close(db), ZQ_OK);
}

TEST_F(CApiLedgerTest, FilteredReadsAndTheCapacityContract) {
  zq_db* db = Open();
  std::vector<zq_account> accounts = {Account(1), Account(2)};
  std::vector<zq_create_result> results(2);
  ASSERT_EQ(zq_ledger_create_accounts(db, accounts.data(), 2, results.data()), ZQ_OK);
  std::vector<zq_transfer> transfers;
  for (uint64_t i = 0; i < 10; i++) transfers.push_back(Transfer(100 + i, 1 + i % 2, 2 - i % 2, 1 + i));
  results.assign(transfers.size(), zq_create_result{});
  ASSERT_EQ(zq_ledger_create_transfers(db, transfers.data(), transfers.size(), results.data()),
            ZQ_OK);

  zq_account_filter filter;
  std::memset(&filter, 0, sizeof filter);
  filter.account_id = U(1);
  filter.limit = 100;
  filter.flags = ZQ_ACCOUNT_FILTER_DEBITS | ZQ_ACCOUNT_FILTER_CREDITS | ZQ_ACCOUNT_FILTER_REVERSED;
  std::vector<zq_transfer> out(10);
  size_t count = 0;
  ASSERT_EQ(zq_ledger_get_account_transfers(db, &filter, out.data(), out.size(), &count), ZQ_OK);
  ASSERT_EQ(count, 10u);
  EXPECT_EQ(out[0].id.lo, 109u);  // newest first
  EXPECT_GT(out[0].timestamp, out[9].timestamp);
  // Too small an array: nothing written, the needed count reported.
  zq_transfer small[3];
  std::memset(small, 0, sizeof small);
  EXPECT_EQ(zq_ledger_get_account_transfers(db, &filter, small, 3, &count), ZQ_RANGE);
  EXPECT_EQ(count, 10u);
  EXPECT_EQ(small[0].id.lo, 0u);
  EXPECT_STREQ(zq_sqlstate(db), "22023");

  zq_query_filter q;
  std::memset(&q, 0, sizeof q);
  q.ledger = 700;
  q.limit = 4;
  ASSERT_EQ(zq_ledger_query_transfers(db, &q, out.data(), out.size(), &count), ZQ_OK);
  ASSERT_EQ(count, 4u);
  EXPECT_EQ(out[0].id.lo, 100u);
  std::vector<zq_account> accts(2);
  ASSERT_EQ(zq_ledger_query_accounts(db, &q, accts.data(), accts.size(), &count), ZQ_OK);
  EXPECT_EQ(count, 2u);
  // No history flag: no balances.
  zq_account_balance balances[4];
  ASSERT_EQ(zq_ledger_get_account_balances(db, &filter, balances, 4, &count), ZQ_OK);
  EXPECT_EQ(count, 0u);
  size_t expired = 99;
  ASSERT_EQ(zq_ledger_expire_pending(db, &expired), ZQ_OK);
  EXPECT_EQ(expired, 0u);
  EXPECT_EQ(zq_close(db), ZQ_OK);
}

TEST_F(CApiLedgerTest, StateSurvivesReopenWithTheSameHashAndSqlStillWorks) {
  char before[33] = {0}, after[33] = {0};
  {
    zq_db* db = Open();
    ASSERT_EQ(zq_exec(db, "CREATE TABLE customers (id bigint PRIMARY KEY, name text)", nullptr,
                      nullptr, nullptr),
              ZQ_OK);
    std::vector<zq_account> accounts = {Account(1), Account(2)};
    std::vector<zq_create_result> results(2);
    ASSERT_EQ(zq_ledger_create_accounts(db, accounts.data(), 2, results.data()), ZQ_OK);
    zq_transfer t = Transfer(5, 1, 2, 77);
    ASSERT_EQ(zq_ledger_create_transfers(db, &t, 1, results.data()), ZQ_OK);
    ASSERT_EQ(zq_ledger_hash(db, before), ZQ_OK);
    EXPECT_EQ(std::strlen(before), 32u);
    ASSERT_EQ(zq_close(db), ZQ_OK);
  }
  zq_db* db = Open();
  ASSERT_EQ(zq_ledger_hash(db, after), ZQ_OK);
  EXPECT_STREQ(before, after);
  const zq_u128 id = U(5);
  zq_transfer t;
  size_t n = 0;
  ASSERT_EQ(zq_ledger_lookup_transfers(db, &id, 1, &t, &n), ZQ_OK);
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(t.amount.lo, 77u);
  EXPECT_EQ(zq_exec(db, "INSERT INTO customers VALUES (1, 'ada')", nullptr, nullptr, nullptr),
            ZQ_OK);
  EXPECT_EQ(zq_close(db), ZQ_OK);
}

TEST_F(CApiLedgerTest, ReadOnlyFilesReadTheLedgerAndRefuseBatches) {
  {
    zq_db* db = Open();
    ASSERT_EQ(zq_exec(db, "CREATE TABLE t (a int)", nullptr, nullptr, nullptr), ZQ_OK);
    ASSERT_EQ(zq_close(db), ZQ_OK);
  }
  {  // a file without a ledger, read-only: a clear "no ledger" error
    zq_db* db = Open(ZQ_OPEN_READONLY);
    const zq_u128 id = U(1);
    zq_account a;
    size_t n = 0;
    EXPECT_EQ(zq_ledger_lookup_accounts(db, &id, 1, &a, &n), ZQ_NOTFOUND);
    EXPECT_NE(std::string(zq_errmsg(db)).find("no ledger"), std::string::npos) << zq_errmsg(db);
    ASSERT_EQ(zq_close(db), ZQ_OK);
  }
  {
    zq_db* db = Open();
    zq_account a = Account(1);
    zq_create_result r;
    ASSERT_EQ(zq_ledger_create_accounts(db, &a, 1, &r), ZQ_OK);
    ASSERT_EQ(zq_close(db), ZQ_OK);
  }
  zq_db* db = Open(ZQ_OPEN_READONLY);
  const zq_u128 id = U(1);
  zq_account a;
  size_t n = 0;
  ASSERT_EQ(zq_ledger_lookup_accounts(db, &id, 1, &a, &n), ZQ_OK) << zq_errmsg(db);
  EXPECT_EQ(n, 1u);
  zq_account b = Account(2);
  zq_create_result r;
  EXPECT_EQ(zq_ledger_create_accounts(db, &b, 1, &r), ZQ_READONLY) << zq_errmsg(db);
  ASSERT_EQ(zq_close(db), ZQ_OK);
}

TEST_F(CApiLedgerTest, MisuseIsReportedNeverACrash) {
  zq_create_result r;
  zq_account a = Account(1);
  EXPECT_EQ(zq_ledger_create_accounts(nullptr, &a, 1, &r), ZQ_MISUSE);
  char hex[33];
  EXPECT_EQ(zq_ledger_hash(nullptr, hex), ZQ_MISUSE);
  zq_db* db = Open();
  EXPECT_EQ(zq_ledger_create_accounts(db, nullptr, 1, &r), ZQ_MISUSE);
  EXPECT_EQ(zq_ledger_create_accounts(db, &a, 1, nullptr), ZQ_MISUSE);
  EXPECT_EQ(zq_ledger_create_accounts(db, nullptr, 0, nullptr), ZQ_OK);  // an empty batch
  size_t n = 0;
  EXPECT_EQ(zq_ledger_lookup_accounts(db, nullptr, 1, &a, &n), ZQ_MISUSE);
  EXPECT_EQ(zq_ledger_query_accounts(db, nullptr, &a, 1, &n), ZQ_MISUSE);
  EXPECT_EQ(zq_ledger_hash(db, nullptr), ZQ_MISUSE);
  // More events than the engine takes in one batch.
  std::vector<zq_account> huge(ZQ_LEDGER_BATCH_MAX + 1, Account(1));
  std::vector<zq_create_result> results(huge.size());
  EXPECT_EQ(zq_ledger_create_accounts(db, huge.data(), huge.size(), results.data()), ZQ_FULL);
  ASSERT_EQ(zq_close(db), ZQ_OK);
  EXPECT_EQ(zq_ledger_create_accounts(db, &a, 1, &r), ZQ_MISUSE);  // closed handle
}

}  // namespace
