// create_transfers: one test per result code (spec §6), named after the code,
// plus linked chains, two-phase transfers and timeouts, balancing, closing,
// imported events and idempotency.
#include <gtest/gtest.h>

#include "ledger/ledger_test_util.hpp"

namespace zq::ledger::testing {
namespace {

using TR = CreateTransferResult;
namespace af = account_flags;
namespace tf = transfer_flags;

class CreateTransfersTest : public LedgerFixture {
 protected:
  void SetUp() override {
    auto r = CreateAccounts({MakeAccount(1), MakeAccount(2), MakeAccount(3, 2),
                             MakeAccount(4, 1, 1, af::kDebitsMustNotExceedCredits),
                             MakeAccount(5, 1, 1, af::kCreditsMustNotExceedDebits),
                             MakeAccount(6, 1, 1, af::kHistory), MakeAccount(7, 1, 1, af::kHistory),
                             MakeAccount(8, 1, 1, af::kClosed)});
    for (const auto& x : r) ASSERT_EQ(x.status, CreateAccountResult::kCreated);
  }
  // A pending transfer `id` of `amount` from 1 to 2.
  void Pending(u128 id, u128 amount, uint32_t timeout = 0, uint16_t flags = 0) {
    Transfer t = MakeTransfer(id, 1, 2, amount, tf::kPending | flags);
    t.timeout = timeout;
    ASSERT_EQ(CreateTransfer(t), TR::kCreated);
  }
};

TEST_F(CreateTransfersTest, created) {
  auto r = CreateTransfers({MakeTransfer(10, 1, 2, 100), MakeTransfer(11, 2, 1, 30)});
  EXPECT_EQ(r[0].status, TR::kCreated);
  EXPECT_EQ(r[1].status, TR::kCreated);
  EXPECT_EQ(r[1].timestamp, clock_);
  EXPECT_EQ(GetAccount(1).debits_posted, 100u);
  EXPECT_EQ(GetAccount(1).credits_posted, 30u);
  EXPECT_EQ(GetAccount(2).credits_posted, 100u);
  EXPECT_EQ(GetAccount(2).debits_posted, 30u);
  EXPECT_EQ(CreateTransfer(MakeTransfer(12, 1, 2, 0)), TR::kCreated);  // zero amount is legal
}

TEST_F(CreateTransfersTest, deprecated_ok) {
  // The current API never reports 0 ("ok"): success is `created` (0xFFFFFFFF).
  auto r = CreateTransfers({MakeTransfer(10, 1, 2, 1), MakeTransfer(10, 1, 2, 1),
                            MakeTransfer(11, 1, 1, 1)});
  for (const auto& x : r) EXPECT_NE(x.status, TR::kDeprecatedOk);
  EXPECT_EQ(static_cast<uint32_t>(r[0].status), 0xFFFFFFFFu);
  EXPECT_EQ(r[1].status, TR::kExists);
}

TEST_F(CreateTransfersTest, linked_event_failed) {
  auto r = CreateTransfers({MakeTransfer(10, 1, 2, 100, tf::kLinked),
                            MakeTransfer(11, 4, 2, 5, tf::kLinked), MakeTransfer(12, 1, 2, 1),
                            MakeTransfer(13, 1, 2, 1)});
  EXPECT_EQ(r[0].status, TR::kLinkedEventFailed);
  EXPECT_EQ(r[1].status, TR::kExceedsCredits);
  EXPECT_EQ(r[2].status, TR::kLinkedEventFailed);
  EXPECT_EQ(r[3].status, TR::kCreated);
  EXPECT_FALSE(TransferExists(10));
  EXPECT_FALSE(TransferExists(12));
  EXPECT_EQ(GetAccount(1).debits_posted, 1u);  // the chain's effects are gone
  // The transient failure inside the rolled-back chain is remembered.
  EXPECT_EQ(CreateTransfer(MakeTransfer(11, 1, 2, 5)), TR::kIdAlreadyFailed);
  // The others were not: 10 and 12 can be created now.
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 2, 100)), TR::kCreated);
}

TEST_F(CreateTransfersTest, linked_event_chain_open) {
  auto r = CreateTransfers(
      {MakeTransfer(10, 1, 2, 1, tf::kLinked), MakeTransfer(11, 1, 2, 1, tf::kLinked)});
  EXPECT_EQ(r[0].status, TR::kLinkedEventFailed);
  EXPECT_EQ(r[1].status, TR::kLinkedEventChainOpen);
  EXPECT_FALSE(TransferExists(10));
  EXPECT_EQ(GetAccount(1).debits_posted, 0u);
}

TEST_F(CreateTransfersTest, linked_chain_rolls_back_two_phase_and_closing) {
  Pending(10, 50);
  // Post 10, close account 2, then fail: everything is undone.
  Transfer close = MakeTransfer(12, 1, 2, 0, tf::kPending | tf::kClosingCredit | tf::kLinked);
  Transfer post = MakePost(11, 10);
  post.flags |= tf::kLinked;
  auto r = CreateTransfers({post, close, MakeTransfer(13, 0, 2, 1)});
  EXPECT_EQ(r[0].status, TR::kLinkedEventFailed);
  EXPECT_EQ(r[1].status, TR::kLinkedEventFailed);
  EXPECT_EQ(r[2].status, TR::kDebitAccountIdMustNotBeZero);
  EXPECT_EQ(GetAccount(2).flags & af::kClosed, 0);
  EXPECT_EQ(GetAccount(2).credits_pending, 50u);
  EXPECT_EQ(GetAccount(2).credits_posted, 0u);
  Transfer p;
  ASSERT_TRUE(*store_.GetTransfer(10, &p));
  EXPECT_EQ(*store_.GetPendingStatus(p.timestamp), PendingStatus::kPending);
  EXPECT_FALSE(TransferExists(12));
  EXPECT_EQ(CreateTransfer(MakePost(11, 10)), TR::kCreated);
  EXPECT_EQ(GetAccount(2).credits_posted, 50u);
}

TEST_F(CreateTransfersTest, timestamp_must_be_zero) {
  Transfer t = MakeTransfer(10, 1, 2, 1);
  t.timestamp = 1;
  EXPECT_EQ(CreateTransfer(t), TR::kTimestampMustBeZero);
}

TEST_F(CreateTransfersTest, reserved_flag) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 2, 1, 1u << 9)), TR::kReservedFlag);
}

TEST_F(CreateTransfersTest, id_must_not_be_zero) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(0, 1, 2, 1)), TR::kIdMustNotBeZero);
}

TEST_F(CreateTransfersTest, id_must_not_be_int_max) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(kU128Max, 1, 2, 1)), TR::kIdMustNotBeIntMax);
}

TEST_F(CreateTransfersTest, flags_are_mutually_exclusive) {
  Pending(10, 5);
  const uint16_t others[] = {tf::kVoidPendingTransfer, tf::kPending,      tf::kBalancingDebit,
                             tf::kBalancingCredit,     tf::kClosingDebit, tf::kClosingCredit};
  u128 id = 20;
  for (uint16_t other : others) {
    Transfer t = MakePost(id++, 10);
    t.flags |= other;
    EXPECT_EQ(CreateTransfer(t), TR::kFlagsAreMutuallyExclusive) << other;
    Transfer v = MakeVoid(id++, 10);
    v.flags |= other == tf::kVoidPendingTransfer ? tf::kPostPendingTransfer : other;
    EXPECT_EQ(CreateTransfer(v), TR::kFlagsAreMutuallyExclusive) << other;
  }
  // Compatible with imported and linked; pending with balancing/closing is fine.
  EXPECT_EQ(CreateTransfer(MakeTransfer(40, 1, 2, 1, tf::kPending | tf::kBalancingCredit)),
            TR::kCreated);
}

TEST_F(CreateTransfersTest, debit_account_id_must_not_be_zero) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 0, 2, 1)), TR::kDebitAccountIdMustNotBeZero);
}

TEST_F(CreateTransfersTest, debit_account_id_must_not_be_int_max) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, kU128Max, 2, 1)), TR::kDebitAccountIdMustNotBeIntMax);
}

TEST_F(CreateTransfersTest, credit_account_id_must_not_be_zero) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 0, 1)), TR::kCreditAccountIdMustNotBeZero);
}

TEST_F(CreateTransfersTest, credit_account_id_must_not_be_int_max) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, kU128Max, 1)), TR::kCreditAccountIdMustNotBeIntMax);
}

TEST_F(CreateTransfersTest, accounts_must_be_different) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 1, 1)), TR::kAccountsMustBeDifferent);
}

TEST_F(CreateTransfersTest, pending_id_must_be_zero) {
  Transfer t = MakeTransfer(10, 1, 2, 1);
  t.pending_id = 5;
  EXPECT_EQ(CreateTransfer(t), TR::kPendingIdMustBeZero);
}

TEST_F(CreateTransfersTest, pending_id_must_not_be_zero) {
  EXPECT_EQ(CreateTransfer(MakePost(10, 0)), TR::kPendingIdMustNotBeZero);
}

TEST_F(CreateTransfersTest, pending_id_must_not_be_int_max) {
  EXPECT_EQ(CreateTransfer(MakeVoid(10, kU128Max)), TR::kPendingIdMustNotBeIntMax);
}

TEST_F(CreateTransfersTest, pending_id_must_be_different) {
  EXPECT_EQ(CreateTransfer(MakePost(10, 10)), TR::kPendingIdMustBeDifferent);
}

TEST_F(CreateTransfersTest, timeout_reserved_for_pending_transfer) {
  Transfer t = MakeTransfer(10, 1, 2, 1);
  t.timeout = 1;
  EXPECT_EQ(CreateTransfer(t), TR::kTimeoutReservedForPendingTransfer);
  Pending(11, 1);
  Transfer p = MakePost(12, 11);
  p.timeout = 1;
  EXPECT_EQ(CreateTransfer(p), TR::kTimeoutReservedForPendingTransfer);
}

TEST_F(CreateTransfersTest, amount_must_not_be_zero) {
  // Retired (§6.4): a zero amount is accepted and the code is never produced.
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 2, 0)), TR::kCreated);
  EXPECT_EQ(ResultName(TR::kAmountMustNotBeZero), "amount_must_not_be_zero");
}

TEST_F(CreateTransfersTest, ledger_must_not_be_zero) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 2, 1, 0, 0)), TR::kLedgerMustNotBeZero);
}

TEST_F(CreateTransfersTest, code_must_not_be_zero) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 2, 1, 0, 1, 0)), TR::kCodeMustNotBeZero);
}

TEST_F(CreateTransfersTest, debit_account_not_found) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 99, 98, 1)), TR::kDebitAccountNotFound);
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 2, 1)), TR::kIdAlreadyFailed);
}

TEST_F(CreateTransfersTest, credit_account_not_found) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 98, 1)), TR::kCreditAccountNotFound);
}

TEST_F(CreateTransfersTest, accounts_must_have_the_same_ledger) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 3, 1)), TR::kAccountsMustHaveTheSameLedger);
}

TEST_F(CreateTransfersTest, transfer_must_have_the_same_ledger_as_accounts) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 2, 1, 0, 2)),
            TR::kTransferMustHaveTheSameLedgerAsAccounts);
}

TEST_F(CreateTransfersTest, pending_transfer_not_found) {
  EXPECT_EQ(CreateTransfer(MakePost(10, 99)), TR::kPendingTransferNotFound);
  Pending(99, 1);
  EXPECT_EQ(CreateTransfer(MakePost(10, 99)), TR::kIdAlreadyFailed);  // transient
}

TEST_F(CreateTransfersTest, pending_transfer_not_pending) {
  ASSERT_EQ(CreateTransfer(MakeTransfer(10, 1, 2, 1)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakePost(11, 10)), TR::kPendingTransferNotPending);
}

TEST_F(CreateTransfersTest, pending_transfer_has_different_debit_account_id) {
  Pending(10, 5);
  Transfer t = MakePost(11, 10);
  t.debit_account_id = 2;
  EXPECT_EQ(CreateTransfer(t), TR::kPendingTransferHasDifferentDebitAccountId);
}

TEST_F(CreateTransfersTest, pending_transfer_has_different_credit_account_id) {
  Pending(10, 5);
  Transfer t = MakePost(11, 10);
  t.debit_account_id = 1;  // equal: fine
  t.credit_account_id = 1;
  EXPECT_EQ(CreateTransfer(t), TR::kPendingTransferHasDifferentCreditAccountId);
}

TEST_F(CreateTransfersTest, pending_transfer_has_different_ledger) {
  Pending(10, 5);
  Transfer t = MakeVoid(11, 10);
  t.ledger = 2;
  EXPECT_EQ(CreateTransfer(t), TR::kPendingTransferHasDifferentLedger);
}

TEST_F(CreateTransfersTest, pending_transfer_has_different_code) {
  Pending(10, 5);
  Transfer t = MakeVoid(11, 10);
  t.code = 2;
  EXPECT_EQ(CreateTransfer(t), TR::kPendingTransferHasDifferentCode);
}

TEST_F(CreateTransfersTest, exceeds_pending_transfer_amount) {
  Pending(10, 5);
  EXPECT_EQ(CreateTransfer(MakePost(11, 10, 6)), TR::kExceedsPendingTransferAmount);
  Transfer v = MakeVoid(12, 10);
  v.amount = 6;
  EXPECT_EQ(CreateTransfer(v), TR::kExceedsPendingTransferAmount);
}

TEST_F(CreateTransfersTest, pending_transfer_has_different_amount) {
  Pending(10, 5);
  Transfer v = MakeVoid(11, 10);
  v.amount = 4;
  EXPECT_EQ(CreateTransfer(v), TR::kPendingTransferHasDifferentAmount);
  v.id = 12;
  v.amount = 5;
  EXPECT_EQ(CreateTransfer(v), TR::kCreated);
}

TEST_F(CreateTransfersTest, pending_transfer_already_posted) {
  Pending(10, 5);
  ASSERT_EQ(CreateTransfer(MakePost(11, 10)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakePost(12, 10)), TR::kPendingTransferAlreadyPosted);
  EXPECT_EQ(CreateTransfer(MakeVoid(13, 10)), TR::kPendingTransferAlreadyPosted);
}

TEST_F(CreateTransfersTest, pending_transfer_already_voided) {
  Pending(10, 5);
  ASSERT_EQ(CreateTransfer(MakeVoid(11, 10)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakePost(12, 10)), TR::kPendingTransferAlreadyVoided);
}

TEST_F(CreateTransfersTest, pending_transfer_expired) {
  Pending(10, 5, /*timeout=*/1);
  const uint64_t created = clock_;
  EXPECT_EQ(sm_.NextExpiryTimestamp().value(), created + kNanosecondsPerSecond);
  AdvanceSeconds(1);
  // Due but not yet released by a pulse: still refused (§6.3 step 8).
  EXPECT_EQ(CreateTransfer(MakePost(11, 10)), TR::kPendingTransferExpired);
  EXPECT_EQ(GetAccount(1).debits_pending, 5u);
  EXPECT_EQ(Expire(), 1u);
  EXPECT_EQ(GetAccount(1).debits_pending, 0u);
  EXPECT_EQ(GetAccount(2).credits_pending, 0u);
  EXPECT_EQ(*store_.GetPendingStatus(created), PendingStatus::kExpired);
  EXPECT_EQ(CreateTransfer(MakeVoid(12, 10)), TR::kPendingTransferExpired);
  EXPECT_EQ(sm_.NextExpiryTimestamp().value(), 0u);
  EXPECT_EQ(Expire(), 0u);
}

TEST_F(CreateTransfersTest, expiry_order_and_not_before_time) {
  Pending(10, 1, 3);
  Pending(11, 2, 1);
  Pending(12, 4, 1);
  Pending(13, 8, 5);
  // Nothing is released before its instant.
  clock_ += kNanosecondsPerSecond - 5000;
  EXPECT_EQ(Expire(), 0u);
  EXPECT_EQ(GetAccount(1).debits_pending, 15u);
  AdvanceSeconds(3);
  EXPECT_EQ(Expire(), 3u);  // 11, 12 (expires first, ties by timestamp), then 10
  EXPECT_EQ(GetAccount(1).debits_pending, 8u);
  // A post before the deadline works and removes the expiry entry.
  EXPECT_EQ(CreateTransfer(MakePost(20, 13, 3)), TR::kCreated);
  AdvanceSeconds(10);
  EXPECT_EQ(Expire(), 0u);
  EXPECT_EQ(GetAccount(1).debits_pending, 0u);
  EXPECT_EQ(GetAccount(1).debits_posted, 3u);
}

TEST_F(CreateTransfersTest, expiry_reopens_closed_account) {
  Pending(10, 0, 1, tf::kClosingDebit | tf::kClosingCredit);
  EXPECT_NE(GetAccount(1).flags & af::kClosed, 0);
  EXPECT_NE(GetAccount(2).flags & af::kClosed, 0);
  AdvanceSeconds(2);
  EXPECT_EQ(Expire(), 1u);
  EXPECT_EQ(GetAccount(1).flags & af::kClosed, 0);
  EXPECT_EQ(GetAccount(2).flags & af::kClosed, 0);
}

TEST_F(CreateTransfersTest, pulse_timestamp_contract) {
  EXPECT_EQ(sm_.ExpirePendingTransfers(clock_).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(sm_.ExpirePendingTransfers(clock_ + 1).ok());
}

class TransferExistsTest : public CreateTransfersTest {
 protected:
  void SetUp() override {
    CreateTransfersTest::SetUp();
    base_ = MakeTransfer(10, 1, 2, 100, 0, 1, 7);
    base_.user_data_128 = 1;
    base_.user_data_64 = 2;
    base_.user_data_32 = 3;
    ASSERT_EQ(CreateTransfer(base_), TR::kCreated);
  }
  Transfer base_;
};

TEST_F(TransferExistsTest, exists_with_different_flags) {
  Transfer t = base_;
  t.flags = tf::kPending;
  t.amount = 1;
  EXPECT_EQ(CreateTransfer(t), TR::kExistsWithDifferentFlags);
}

TEST_F(TransferExistsTest, exists_with_different_debit_account_id) {
  Transfer t = base_;
  t.debit_account_id = 5;
  EXPECT_EQ(CreateTransfer(t), TR::kExistsWithDifferentDebitAccountId);
}

TEST_F(TransferExistsTest, exists_with_different_credit_account_id) {
  Transfer t = base_;
  t.credit_account_id = 5;
  EXPECT_EQ(CreateTransfer(t), TR::kExistsWithDifferentCreditAccountId);
}

TEST_F(TransferExistsTest, exists_with_different_amount) {
  Transfer t = base_;
  t.amount = 101;
  EXPECT_EQ(CreateTransfer(t), TR::kExistsWithDifferentAmount);
}

TEST_F(TransferExistsTest, exists_with_different_pending_id) {
  Transfer t = base_;
  t.pending_id = 3;
  t.debit_account_id = 9;  // pending_id is compared before the accounts
  EXPECT_EQ(CreateTransfer(t), TR::kExistsWithDifferentPendingId);
}

TEST_F(TransferExistsTest, exists_with_different_user_data_128) {
  Transfer t = base_;
  t.user_data_128 = 0;
  EXPECT_EQ(CreateTransfer(t), TR::kExistsWithDifferentUserData128);
}

TEST_F(TransferExistsTest, exists_with_different_user_data_64) {
  Transfer t = base_;
  t.user_data_64 = 0;
  EXPECT_EQ(CreateTransfer(t), TR::kExistsWithDifferentUserData64);
}

TEST_F(TransferExistsTest, exists_with_different_user_data_32) {
  Transfer t = base_;
  t.user_data_32 = 0;
  EXPECT_EQ(CreateTransfer(t), TR::kExistsWithDifferentUserData32);
}

TEST_F(TransferExistsTest, exists_with_different_timeout) {
  Transfer t = base_;
  t.timeout = 1;
  EXPECT_EQ(CreateTransfer(t), TR::kExistsWithDifferentTimeout);
}

TEST_F(TransferExistsTest, exists_with_different_code) {
  Transfer t = base_;
  t.code = 1;
  EXPECT_EQ(CreateTransfer(t), TR::kExistsWithDifferentCode);
}

TEST_F(TransferExistsTest, exists_with_different_ledger) {
  Transfer t = base_;
  t.ledger = 2;
  t.code = 1;  // ledger (67) is compared before code (45)
  EXPECT_EQ(CreateTransfer(t), TR::kExistsWithDifferentLedger);
}

TEST_F(TransferExistsTest, exists) {
  Transfer stored;
  ASSERT_TRUE(*store_.GetTransfer(10, &stored));
  auto r = CreateTransfers({base_});
  EXPECT_EQ(r[0].status, TR::kExists);
  EXPECT_EQ(r[0].timestamp, stored.timestamp);
  EXPECT_EQ(GetAccount(1).debits_posted, 100u);  // applied once
}

TEST_F(CreateTransfersTest, exists_balancing_and_post_void_rules) {
  ASSERT_EQ(CreateTransfer(MakeTransfer(9, 2, 4, 30)), TR::kCreated);  // 4 has 30 credits
  Transfer b = MakeTransfer(10, 4, 2, 1000, tf::kBalancingDebit);
  ASSERT_EQ(CreateTransfer(b), TR::kCreated);
  Transfer stored;
  ASSERT_TRUE(*store_.GetTransfer(10, &stored));
  EXPECT_EQ(stored.amount, 30u);
  EXPECT_EQ(CreateTransfer(b), TR::kExists);  // any bound >= the moved amount
  b.amount = 30;
  EXPECT_EQ(CreateTransfer(b), TR::kExists);
  b.amount = 29;
  EXPECT_EQ(CreateTransfer(b), TR::kExistsWithDifferentAmount);
  // Post/void: 0 fields inherit from the pending transfer.
  Transfer p = MakeTransfer(20, 1, 2, 50, tf::kPending);
  p.user_data_64 = 77;
  ASSERT_EQ(CreateTransfer(p), TR::kCreated);
  ASSERT_EQ(CreateTransfer(MakePost(21, 20, 40)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakePost(21, 20, 40)), TR::kExists);
  EXPECT_EQ(CreateTransfer(MakePost(21, 20)), TR::kExistsWithDifferentAmount);  // max = 50
  Transfer q = MakePost(21, 20, 40);
  q.user_data_64 = 77;
  EXPECT_EQ(CreateTransfer(q), TR::kExists);
  q.user_data_64 = 78;
  EXPECT_EQ(CreateTransfer(q), TR::kExistsWithDifferentUserData64);
  q = MakePost(21, 20, 40);
  q.debit_account_id = 2;
  EXPECT_EQ(CreateTransfer(q), TR::kExistsWithDifferentDebitAccountId);
  q = MakePost(21, 20, 40);
  q.ledger = 9;
  EXPECT_EQ(CreateTransfer(q), TR::kExistsWithDifferentLedger);
  ASSERT_EQ(CreateTransfer(MakeTransfer(30, 1, 2, 5, tf::kPending)), TR::kCreated);
  ASSERT_EQ(CreateTransfer(MakePost(31, 30)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakePost(31, 30)), TR::kExists);
  EXPECT_EQ(CreateTransfer(MakePost(31, 30, 5)), TR::kExists);
}

class OverflowTest : public LedgerFixture {
 protected:
  void SetUp() override {
    std::vector<Account> accounts;
    for (u128 id = 1; id <= 20; id++) accounts.push_back(MakeAccount(id));
    CreateAccounts(accounts);
  }
  static constexpr u128 kHuge = kU128Max - 5;
  static constexpr u128 kHalf = u128{1} << 127;
};

TEST_F(OverflowTest, overflows_debits_pending) {
  ASSERT_EQ(CreateTransfer(MakeTransfer(100, 1, 2, kHuge, tf::kPending)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakeTransfer(101, 1, 3, 10, tf::kPending)), TR::kOverflowsDebitsPending);
}

TEST_F(OverflowTest, overflows_credits_pending) {
  ASSERT_EQ(CreateTransfer(MakeTransfer(100, 1, 2, kHuge, tf::kPending)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakeTransfer(101, 3, 2, 10, tf::kPending)),
            TR::kOverflowsCreditsPending);
}

TEST_F(OverflowTest, overflows_debits_posted) {
  ASSERT_EQ(CreateTransfer(MakeTransfer(100, 1, 2, kHuge)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakeTransfer(101, 1, 3, 10)), TR::kOverflowsDebitsPosted);
}

TEST_F(OverflowTest, overflows_credits_posted) {
  ASSERT_EQ(CreateTransfer(MakeTransfer(100, 1, 2, kHuge)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakeTransfer(101, 3, 2, 10)), TR::kOverflowsCreditsPosted);
}

TEST_F(OverflowTest, overflows_debits) {
  ASSERT_EQ(CreateTransfer(MakeTransfer(100, 1, 2, kHalf, tf::kPending)), TR::kCreated);
  ASSERT_EQ(CreateTransfer(MakeTransfer(101, 1, 3, kHalf - 1)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakeTransfer(102, 1, 4, 1)), TR::kOverflowsDebits);
}

TEST_F(OverflowTest, overflows_credits) {
  ASSERT_EQ(CreateTransfer(MakeTransfer(100, 2, 1, kHalf, tf::kPending)), TR::kCreated);
  ASSERT_EQ(CreateTransfer(MakeTransfer(101, 3, 1, kHalf - 1)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakeTransfer(102, 4, 1, 1)), TR::kOverflowsCredits);
}

TEST_F(OverflowTest, overflows_timeout) {
  clock_ = kTimestampMax - 3 * kNanosecondsPerSecond;
  Transfer t = MakeTransfer(100, 1, 2, 1, tf::kPending);
  t.timeout = 5;
  EXPECT_EQ(CreateTransfer(t), TR::kOverflowsTimeout);
  t.timeout = 2;
  EXPECT_EQ(CreateTransfer(t), TR::kCreated);
}

TEST_F(CreateTransfersTest, exceeds_credits) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 4, 2, 1)), TR::kExceedsCredits);
  ASSERT_EQ(CreateTransfer(MakeTransfer(11, 2, 4, 10)), TR::kCreated);
  ASSERT_EQ(CreateTransfer(MakeTransfer(12, 4, 2, 6, tf::kPending)), TR::kCreated);
  // Pending debits count against the limit.
  EXPECT_EQ(CreateTransfer(MakeTransfer(13, 4, 2, 5)), TR::kExceedsCredits);
  EXPECT_EQ(CreateTransfer(MakeTransfer(14, 4, 2, 4)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakeTransfer(13, 4, 2, 0)), TR::kIdAlreadyFailed);
}

TEST_F(CreateTransfersTest, exceeds_debits) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 2, 5, 1)), TR::kExceedsDebits);
  ASSERT_EQ(CreateTransfer(MakeTransfer(11, 5, 2, 10)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakeTransfer(12, 2, 5, 10)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakeTransfer(13, 2, 5, 1)), TR::kExceedsDebits);
}

TEST_F(CreateTransfersTest, balancing_debit_and_credit) {
  ASSERT_EQ(CreateTransfer(MakeTransfer(10, 2, 1, 70)), TR::kCreated);  // 1: credits 70
  ASSERT_EQ(CreateTransfer(MakeTransfer(11, 1, 6, 20, tf::kPending)), TR::kCreated);
  // Debit side cap: 70 - (0 + 20) = 50.
  ASSERT_EQ(CreateTransfer(MakeTransfer(12, 1, 2, kAmountMax, tf::kBalancingDebit)), TR::kCreated);
  Transfer t;
  ASSERT_TRUE(*store_.GetTransfer(12, &t));
  EXPECT_EQ(t.amount, 50u);
  // Nothing left: a zero-amount transfer is still recorded.
  ASSERT_EQ(CreateTransfer(MakeTransfer(13, 1, 2, 5, tf::kBalancingDebit)), TR::kCreated);
  ASSERT_TRUE(*store_.GetTransfer(13, &t));
  EXPECT_EQ(t.amount, 0u);
  // Credit side: 2 has debits 50 (12) + 70 (10)... cap = debits_posted - credits.
  const Account two = GetAccount(2);
  ASSERT_EQ(CreateTransfer(MakeTransfer(14, 7, 2, kAmountMax, tf::kBalancingCredit)), TR::kCreated);
  ASSERT_TRUE(*store_.GetTransfer(14, &t));
  EXPECT_EQ(t.amount, two.debits_posted - two.credits_posted - two.credits_pending);
  EXPECT_EQ(GetAccount(2).credits_posted, GetAccount(2).debits_posted);
}

TEST_F(CreateTransfersTest, closing_transfer_must_be_pending) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 2, 0, tf::kClosingDebit)),
            TR::kClosingTransferMustBePending);
}

TEST_F(CreateTransfersTest, debit_account_already_closed) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 8, 2, 1)), TR::kDebitAccountAlreadyClosed);
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 1, 2, 1)), TR::kIdAlreadyFailed);
}

TEST_F(CreateTransfersTest, credit_account_already_closed) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 2, 8, 1)), TR::kCreditAccountAlreadyClosed);
}

TEST_F(CreateTransfersTest, closing_then_void_reopens) {
  Pending(10, 3);
  ASSERT_EQ(CreateTransfer(MakeTransfer(11, 1, 2, 0, tf::kPending | tf::kClosingDebit)),
            TR::kCreated);
  EXPECT_NE(GetAccount(1).flags & af::kClosed, 0);
  EXPECT_EQ(GetAccount(2).flags & af::kClosed, 0);
  EXPECT_EQ(CreateTransfer(MakeTransfer(12, 1, 2, 1)), TR::kDebitAccountAlreadyClosed);
  EXPECT_EQ(CreateTransfer(MakeTransfer(13, 2, 1, 1)), TR::kCreditAccountAlreadyClosed);
  // Posting is refused on a closed account, even the closing transfer itself.
  EXPECT_EQ(CreateTransfer(MakePost(14, 10)), TR::kDebitAccountAlreadyClosed);
  EXPECT_EQ(CreateTransfer(MakePost(15, 11)), TR::kDebitAccountAlreadyClosed);
  // Voids pass.
  EXPECT_EQ(CreateTransfer(MakeVoid(16, 10)), TR::kCreated);
  EXPECT_EQ(CreateTransfer(MakeVoid(17, 11)), TR::kCreated);
  EXPECT_EQ(GetAccount(1).flags & af::kClosed, 0);
  EXPECT_EQ(CreateTransfer(MakeTransfer(18, 1, 2, 1)), TR::kCreated);
  // Re-creating the account now differs in flags? No: closed is clear again.
  EXPECT_EQ(CreateAccount(MakeAccount(1)), CreateAccountResult::kExists);
}

TEST_F(CreateTransfersTest, post_partial_zero_and_full) {
  Pending(10, 100);
  Pending(11, 100);
  Pending(12, 100);
  ASSERT_EQ(CreateTransfer(MakePost(20, 10, 30)), TR::kCreated);  // partial
  ASSERT_EQ(CreateTransfer(MakePost(21, 11, 0)), TR::kCreated);   // zero posts nothing
  ASSERT_EQ(CreateTransfer(MakePost(22, 12)), TR::kCreated);      // AMOUNT_MAX: full
  const Account a = GetAccount(1);
  EXPECT_EQ(a.debits_pending, 0u);
  EXPECT_EQ(a.debits_posted, 130u);
  Transfer t;
  ASSERT_TRUE(*store_.GetTransfer(22, &t));
  EXPECT_EQ(t.amount, 100u);
  EXPECT_EQ(t.debit_account_id, 1u);
  EXPECT_EQ(t.ledger, 1u);
}

TEST_F(CreateTransfersTest, id_already_failed) {
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 4, 2, 1)), TR::kExceedsCredits);
  ASSERT_EQ(CreateTransfer(MakeTransfer(11, 2, 4, 10)), TR::kCreated);
  // Even though it would succeed now, the id stays failed.
  EXPECT_EQ(CreateTransfer(MakeTransfer(10, 4, 2, 1)), TR::kIdAlreadyFailed);
  // Deterministic failures are not remembered.
  EXPECT_EQ(CreateTransfer(MakeTransfer(12, 1, 2, 1, 0, 1, 0)), TR::kCodeMustNotBeZero);
  EXPECT_EQ(CreateTransfer(MakeTransfer(12, 1, 2, 1)), TR::kCreated);
}

class ImportedTest : public CreateTransfersTest {
 protected:
  Transfer Imported(u128 id, u128 dr, u128 cr, uint64_t ts, uint16_t flags = 0) {
    Transfer t = MakeTransfer(id, dr, cr, 1, tf::kImported | flags);
    t.timestamp = ts;
    return t;
  }
};

TEST_F(ImportedTest, imported_created) {
  const uint64_t ts = clock_ + 10;  // accounts were created before clock_
  auto r = CreateTransfers({Imported(10, 1, 2, ts), Imported(11, 1, 2, ts + 1)});
  EXPECT_EQ(r[0].status, TR::kCreated);
  EXPECT_EQ(r[0].timestamp, ts);
  EXPECT_EQ(r[1].status, TR::kCreated);
  Transfer t;
  ASSERT_TRUE(*store_.GetTransfer(11, &t));
  EXPECT_EQ(t.timestamp, ts + 1);
}

TEST_F(ImportedTest, imported_event_expected) {
  auto r = CreateTransfers({Imported(10, 1, 2, clock_ + 10), MakeTransfer(11, 1, 2, 1)});
  EXPECT_EQ(r[1].status, TR::kImportedEventExpected);
}

TEST_F(ImportedTest, imported_event_not_expected) {
  auto r = CreateTransfers({MakeTransfer(11, 1, 2, 1), Imported(10, 1, 2, clock_ + 10)});
  EXPECT_EQ(r[1].status, TR::kImportedEventNotExpected);
}

TEST_F(ImportedTest, imported_event_timestamp_out_of_range) {
  EXPECT_EQ(CreateTransfer(Imported(10, 1, 2, 0)), TR::kImportedEventTimestampOutOfRange);
  EXPECT_EQ(CreateTransfer(Imported(10, 1, 2, ~uint64_t{0})),
            TR::kImportedEventTimestampOutOfRange);
}

TEST_F(ImportedTest, imported_event_timestamp_must_not_advance) {
  EXPECT_EQ(CreateTransfer(Imported(10, 1, 2, clock_ + 1001)),
            TR::kImportedEventTimestampMustNotAdvance);
}

TEST_F(ImportedTest, imported_event_timestamp_must_not_regress) {
  ASSERT_EQ(CreateTransfer(Imported(10, 1, 2, clock_ + 10)), TR::kCreated);
  Transfer t;
  ASSERT_TRUE(*store_.GetTransfer(10, &t));
  EXPECT_EQ(CreateTransfer(Imported(11, 1, 2, t.timestamp)),
            TR::kImportedEventTimestampMustNotRegress);
  EXPECT_EQ(CreateTransfer(Imported(11, 1, 2, t.timestamp - 1)),
            TR::kImportedEventTimestampMustNotRegress);
  // Equal to an account's timestamp.
  Account acc = MakeAccount(30, 1, 1, af::kImported);
  acc.timestamp = clock_ + 5;
  ASSERT_EQ(CreateAccount(acc), CreateAccountResult::kCreated);
  EXPECT_EQ(CreateTransfer(Imported(12, 1, 2, acc.timestamp)),
            TR::kImportedEventTimestampMustNotRegress);
  // Post/void path: regress checked too.
  Pending(40, 5);
  Transfer post = MakePost(41, 40);
  post.flags |= tf::kImported;
  post.timestamp = t.timestamp;
  EXPECT_EQ(CreateTransfer(post), TR::kImportedEventTimestampMustNotRegress);
}

TEST_F(ImportedTest, imported_event_timestamp_must_postdate_debit_account) {
  Account acc = MakeAccount(30, 1, 1, af::kImported);
  acc.timestamp = clock_ + 50;
  ASSERT_EQ(CreateAccount(acc), CreateAccountResult::kCreated);
  EXPECT_EQ(CreateTransfer(Imported(10, 30, 2, acc.timestamp - 10)),
            TR::kImportedEventTimestampMustPostdateDebitAccount);
}

TEST_F(ImportedTest, imported_event_timestamp_must_postdate_credit_account) {
  Account acc = MakeAccount(30, 1, 1, af::kImported);
  acc.timestamp = clock_ + 50;
  ASSERT_EQ(CreateAccount(acc), CreateAccountResult::kCreated);
  EXPECT_EQ(CreateTransfer(Imported(10, 1, 30, acc.timestamp - 10)),
            TR::kImportedEventTimestampMustPostdateCreditAccount);
}

TEST_F(ImportedTest, imported_event_timeout_must_be_zero) {
  Transfer t = Imported(10, 1, 2, clock_ + 10, tf::kPending);
  t.timeout = 1;
  EXPECT_EQ(CreateTransfer(t), TR::kImportedEventTimeoutMustBeZero);
}

TEST_F(CreateTransfersTest, history_and_account_balances) {
  ASSERT_EQ(CreateTransfer(MakeTransfer(10, 6, 7, 5)), TR::kCreated);
  ASSERT_EQ(CreateTransfer(MakeTransfer(11, 7, 6, 2, tf::kPending)), TR::kCreated);
  ASSERT_EQ(CreateTransfer(MakeTransfer(12, 6, 1, 1)), TR::kCreated);
  ASSERT_EQ(CreateTransfer(MakePost(13, 11)), TR::kCreated);
  AccountFilter f{};
  f.account_id = 6;
  f.limit = 10;
  f.flags = account_filter_flags::kDebits | account_filter_flags::kCredits;
  std::vector<AccountBalance> balances;
  ASSERT_TRUE(sm_.GetAccountBalances(f, &balances).ok());
  ASSERT_EQ(balances.size(), 4u);
  EXPECT_EQ(balances[0].debits_posted, 5u);
  EXPECT_EQ(balances[1].credits_pending, 2u);
  EXPECT_EQ(balances[2].debits_posted, 6u);
  EXPECT_EQ(balances[3].credits_pending, 0u);
  EXPECT_EQ(balances[3].credits_posted, 2u);
  f.flags |= account_filter_flags::kReversed;
  f.limit = 1;
  ASSERT_TRUE(sm_.GetAccountBalances(f, &balances).ok());
  ASSERT_EQ(balances.size(), 1u);
  EXPECT_EQ(balances[0].credits_posted, 2u);
  // Debits only.
  f.flags = account_filter_flags::kDebits;
  f.limit = 10;
  ASSERT_TRUE(sm_.GetAccountBalances(f, &balances).ok());
  EXPECT_EQ(balances.size(), 2u);
  // No history flag: empty.
  f.account_id = 1;
  ASSERT_TRUE(sm_.GetAccountBalances(f, &balances).ok());
  EXPECT_TRUE(balances.empty());
}

}  // namespace
}  // namespace zq::ledger::testing
