// Test helpers for the ledger: a fixture over a MemoryLedgerStore with a
// monotonic batch clock, and record builders.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "ledger/memory_ledger_store.hpp"
#include "ledger/state_machine.hpp"

namespace zq::ledger::testing {

inline Account MakeAccount(u128 id, uint32_t ledger = 1, uint16_t code = 1, uint16_t flags = 0) {
  Account a{};
  a.id = id;
  a.ledger = ledger;
  a.code = code;
  a.flags = flags;
  return a;
}

inline Transfer MakeTransfer(u128 id, u128 debit, u128 credit, u128 amount, uint16_t flags = 0,
                             uint32_t ledger = 1, uint16_t code = 1) {
  Transfer t{};
  t.id = id;
  t.debit_account_id = debit;
  t.credit_account_id = credit;
  t.amount = amount;
  t.flags = flags;
  t.ledger = ledger;
  t.code = code;
  return t;
}

inline Transfer MakePost(u128 id, u128 pending_id, u128 amount = kAmountMax) {
  Transfer t{};
  t.id = id;
  t.pending_id = pending_id;
  t.amount = amount;
  t.flags = transfer_flags::kPostPendingTransfer;
  return t;
}

inline Transfer MakeVoid(u128 id, u128 pending_id) {
  Transfer t{};
  t.id = id;
  t.pending_id = pending_id;
  t.flags = transfer_flags::kVoidPendingTransfer;
  return t;
}

class LedgerFixture : public ::testing::Test {
 protected:
  // Each batch gets a timestamp a gap of 1000 ns past the last one, so imported
  // events have room below it.
  uint64_t NextBatchTimestamp(size_t n) {
    clock_ += n + 1000;
    return clock_;
  }
  void AdvanceSeconds(uint64_t seconds) { clock_ += seconds * kNanosecondsPerSecond; }

  std::vector<CreateAccountsResult> CreateAccounts(const std::vector<Account>& events) {
    std::vector<CreateAccountsResult> results;
    Status s = sm_.CreateAccounts(events, NextBatchTimestamp(events.size()), &results);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(results.size(), events.size());
    return results;
  }
  std::vector<CreateTransfersResult> CreateTransfers(const std::vector<Transfer>& events) {
    std::vector<CreateTransfersResult> results;
    Status s = sm_.CreateTransfers(events, NextBatchTimestamp(events.size()), &results);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(results.size(), events.size());
    return results;
  }
  CreateAccountResult CreateAccount(const Account& a) {
    auto r = CreateAccounts({a});
    return r.empty() ? CreateAccountResult::kDeprecatedOk : r[0].status;
  }
  CreateTransferResult CreateTransfer(const Transfer& t) {
    auto r = CreateTransfers({t});
    return r.empty() ? CreateTransferResult::kDeprecatedOk : r[0].status;
  }
  Account GetAccount(u128 id) {
    Account a{};
    auto found = store_.GetAccount(id, &a);
    EXPECT_TRUE(found.ok() && *found);
    return a;
  }
  bool TransferExists(u128 id) {
    Transfer t{};
    auto found = store_.GetTransfer(id, &t);
    EXPECT_TRUE(found.ok());
    return found.ok() && *found;
  }
  size_t Expire() {
    auto r = sm_.ExpirePendingTransfers(NextBatchTimestamp(0));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : 0;
  }

  MemoryLedgerStore store_;
  StateMachine sm_{&store_};
  uint64_t clock_ = 1'000'000;
};

}  // namespace zq::ledger::testing
