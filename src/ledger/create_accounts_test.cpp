// create_accounts: one test per result code (spec §5), named after the code,
// plus chain and timestamp cases.
#include <gtest/gtest.h>

#include "ledger/ledger_test_util.hpp"

namespace zq::ledger::testing {
namespace {

using AR = CreateAccountResult;
namespace af = account_flags;

class CreateAccountsTest : public LedgerFixture {};

TEST_F(CreateAccountsTest, created) {
  auto r = CreateAccounts({MakeAccount(1), MakeAccount(2)});
  EXPECT_EQ(r[0].status, AR::kCreated);
  EXPECT_EQ(r[1].status, AR::kCreated);
  // Event i of n gets batch_ts - n + i + 1.
  EXPECT_EQ(r[0].timestamp, clock_ - 1);
  EXPECT_EQ(r[1].timestamp, clock_);
  EXPECT_EQ(GetAccount(1).timestamp, clock_ - 1);
  EXPECT_EQ(GetAccount(2).timestamp, clock_);
}

TEST_F(CreateAccountsTest, deprecated_ok) {
  // The current API never reports 0 ("ok"): success is `created` (0xFFFFFFFF).
  auto r = CreateAccounts({MakeAccount(1), MakeAccount(1), MakeAccount(0)});
  for (const auto& x : r) EXPECT_NE(x.status, AR::kDeprecatedOk);
  EXPECT_EQ(static_cast<uint32_t>(r[0].status), 0xFFFFFFFFu);
  EXPECT_EQ(r[1].status, AR::kExists);
}

TEST_F(CreateAccountsTest, linked_event_failed) {
  Account bad = MakeAccount(2);
  bad.code = 0;
  auto r = CreateAccounts({MakeAccount(1, 1, 1, af::kLinked), bad, MakeAccount(3)});
  EXPECT_EQ(r[0].status, AR::kLinkedEventFailed);
  EXPECT_EQ(r[1].status, AR::kCodeMustNotBeZero);
  EXPECT_EQ(r[2].status, AR::kCreated);
  Account a;
  EXPECT_FALSE(*store_.GetAccount(1, &a));
  // Later events of a broken chain are not executed.
  r = CreateAccounts({MakeAccount(4, 1, 1, af::kLinked), MakeAccount(3, 1, 2, af::kLinked),
                      MakeAccount(5, 1, 1, af::kLinked), MakeAccount(6)});
  EXPECT_EQ(r[0].status, AR::kLinkedEventFailed);
  EXPECT_EQ(r[1].status, AR::kExistsWithDifferentFlags);
  EXPECT_EQ(r[2].status, AR::kLinkedEventFailed);
  EXPECT_EQ(r[3].status, AR::kLinkedEventFailed);
  EXPECT_FALSE(*store_.GetAccount(4, &a));
  EXPECT_FALSE(*store_.GetAccount(6, &a));
}

TEST_F(CreateAccountsTest, linked_event_chain_open) {
  auto r = CreateAccounts(
      {MakeAccount(1), MakeAccount(2, 1, 1, af::kLinked), MakeAccount(3, 1, 1, af::kLinked)});
  EXPECT_EQ(r[0].status, AR::kCreated);
  EXPECT_EQ(r[1].status, AR::kLinkedEventFailed);
  EXPECT_EQ(r[2].status, AR::kLinkedEventChainOpen);
  Account a;
  EXPECT_FALSE(*store_.GetAccount(2, &a));
  EXPECT_EQ(CreateAccount(MakeAccount(9, 1, 1, af::kLinked)), AR::kLinkedEventChainOpen);
}

TEST_F(CreateAccountsTest, linked_chain_success) {
  auto r = CreateAccounts(
      {MakeAccount(1, 1, 1, af::kLinked), MakeAccount(2, 1, 1, af::kLinked), MakeAccount(3)});
  for (const auto& x : r) EXPECT_EQ(x.status, AR::kCreated);
  EXPECT_EQ(GetAccount(1).flags, af::kLinked);  // the linked bit is stored
}

TEST_F(CreateAccountsTest, exists_breaks_chain) {
  EXPECT_EQ(CreateAccount(MakeAccount(1)), AR::kCreated);
  auto r = CreateAccounts({MakeAccount(2, 1, 1, af::kLinked), MakeAccount(1), MakeAccount(3)});
  EXPECT_EQ(r[0].status, AR::kLinkedEventFailed);
  EXPECT_EQ(r[1].status, AR::kExists);
  EXPECT_EQ(r[2].status, AR::kCreated);
}

TEST_F(CreateAccountsTest, timestamp_must_be_zero) {
  Account a = MakeAccount(1);
  a.timestamp = 7;
  EXPECT_EQ(CreateAccount(a), AR::kTimestampMustBeZero);
}

TEST_F(CreateAccountsTest, reserved_field) {
  Account a = MakeAccount(1);
  a.reserved = 1;
  EXPECT_EQ(CreateAccount(a), AR::kReservedField);
}

TEST_F(CreateAccountsTest, reserved_flag) {
  EXPECT_EQ(CreateAccount(MakeAccount(1, 1, 1, 1u << 6)), AR::kReservedFlag);
  EXPECT_EQ(CreateAccount(MakeAccount(1, 1, 1, 1u << 15)), AR::kReservedFlag);
}

TEST_F(CreateAccountsTest, id_must_not_be_zero) {
  EXPECT_EQ(CreateAccount(MakeAccount(0)), AR::kIdMustNotBeZero);
}

TEST_F(CreateAccountsTest, id_must_not_be_int_max) {
  EXPECT_EQ(CreateAccount(MakeAccount(kU128Max)), AR::kIdMustNotBeIntMax);
}

TEST_F(CreateAccountsTest, flags_are_mutually_exclusive) {
  EXPECT_EQ(CreateAccount(MakeAccount(
                1, 1, 1, af::kDebitsMustNotExceedCredits | af::kCreditsMustNotExceedDebits)),
            AR::kFlagsAreMutuallyExclusive);
}

TEST_F(CreateAccountsTest, debits_pending_must_be_zero) {
  Account a = MakeAccount(1);
  a.debits_pending = 1;
  EXPECT_EQ(CreateAccount(a), AR::kDebitsPendingMustBeZero);
}

TEST_F(CreateAccountsTest, debits_posted_must_be_zero) {
  Account a = MakeAccount(1);
  a.debits_posted = 1;
  EXPECT_EQ(CreateAccount(a), AR::kDebitsPostedMustBeZero);
}

TEST_F(CreateAccountsTest, credits_pending_must_be_zero) {
  Account a = MakeAccount(1);
  a.credits_pending = 1;
  EXPECT_EQ(CreateAccount(a), AR::kCreditsPendingMustBeZero);
}

TEST_F(CreateAccountsTest, credits_posted_must_be_zero) {
  Account a = MakeAccount(1);
  a.credits_posted = 1;
  EXPECT_EQ(CreateAccount(a), AR::kCreditsPostedMustBeZero);
}

TEST_F(CreateAccountsTest, ledger_must_not_be_zero) {
  EXPECT_EQ(CreateAccount(MakeAccount(1, 0)), AR::kLedgerMustNotBeZero);
}

TEST_F(CreateAccountsTest, code_must_not_be_zero) {
  EXPECT_EQ(CreateAccount(MakeAccount(1, 1, 0)), AR::kCodeMustNotBeZero);
}

class AccountExistsTest : public CreateAccountsTest {
 protected:
  void SetUp() override {
    base_ = MakeAccount(1, 5, 6, af::kHistory);
    base_.user_data_128 = 10;
    base_.user_data_64 = 11;
    base_.user_data_32 = 12;
    ASSERT_EQ(CreateAccount(base_), AR::kCreated);
  }
  Account base_;
};

TEST_F(AccountExistsTest, exists_with_different_flags) {
  Account a = base_;
  a.flags = 0;
  a.user_data_128 = 99;  // flags win over the later fields
  EXPECT_EQ(CreateAccount(a), AR::kExistsWithDifferentFlags);
}

TEST_F(AccountExistsTest, exists_with_different_user_data_128) {
  Account a = base_;
  a.user_data_128 = 99;
  a.code = 99;
  EXPECT_EQ(CreateAccount(a), AR::kExistsWithDifferentUserData128);
}

TEST_F(AccountExistsTest, exists_with_different_user_data_64) {
  Account a = base_;
  a.user_data_64 = 99;
  EXPECT_EQ(CreateAccount(a), AR::kExistsWithDifferentUserData64);
}

TEST_F(AccountExistsTest, exists_with_different_user_data_32) {
  Account a = base_;
  a.user_data_32 = 99;
  EXPECT_EQ(CreateAccount(a), AR::kExistsWithDifferentUserData32);
}

TEST_F(AccountExistsTest, exists_with_different_ledger) {
  Account a = base_;
  a.ledger = 99;
  EXPECT_EQ(CreateAccount(a), AR::kExistsWithDifferentLedger);
}

TEST_F(AccountExistsTest, exists_with_different_code) {
  Account a = base_;
  a.code = 99;
  EXPECT_EQ(CreateAccount(a), AR::kExistsWithDifferentCode);
}

TEST_F(AccountExistsTest, exists) {
  const uint64_t original = GetAccount(1).timestamp;
  auto r = CreateAccounts({base_});
  EXPECT_EQ(r[0].status, AR::kExists);
  EXPECT_EQ(r[0].timestamp, original);
  // Existence is checked before the later validations (§5 step 8).
  Account a = base_;
  a.flags |= af::kDebitsMustNotExceedCredits | af::kCreditsMustNotExceedDebits;
  EXPECT_EQ(CreateAccount(a), AR::kExistsWithDifferentFlags);
}

TEST_F(CreateAccountsTest, imported_event_expected) {
  Account a = MakeAccount(1, 1, 1, af::kImported);
  a.timestamp = 10;
  auto r = CreateAccounts({a, MakeAccount(2)});
  EXPECT_EQ(r[0].status, AR::kCreated);
  EXPECT_EQ(r[0].timestamp, 10u);
  EXPECT_EQ(r[1].status, AR::kImportedEventExpected);
}

TEST_F(CreateAccountsTest, imported_event_not_expected) {
  Account a = MakeAccount(2, 1, 1, af::kImported);
  a.timestamp = 10;
  auto r = CreateAccounts({MakeAccount(1), a});
  EXPECT_EQ(r[1].status, AR::kImportedEventNotExpected);
}

TEST_F(CreateAccountsTest, imported_event_timestamp_out_of_range) {
  Account a = MakeAccount(1, 1, 1, af::kImported);
  a.timestamp = 0;
  EXPECT_EQ(CreateAccount(a), AR::kImportedEventTimestampOutOfRange);
  a.timestamp = uint64_t{1} << 63;
  EXPECT_EQ(CreateAccount(a), AR::kImportedEventTimestampOutOfRange);
}

TEST_F(CreateAccountsTest, imported_event_timestamp_must_not_advance) {
  Account a = MakeAccount(1, 1, 1, af::kImported);
  a.timestamp = clock_ + 1 + 1000;  // == the batch timestamp
  EXPECT_EQ(CreateAccount(a), AR::kImportedEventTimestampMustNotAdvance);
}

TEST_F(CreateAccountsTest, imported_event_timestamp_must_not_regress) {
  Account a = MakeAccount(1, 1, 1, af::kImported);
  a.timestamp = 500;
  EXPECT_EQ(CreateAccount(a), AR::kCreated);
  Account b = MakeAccount(2, 1, 1, af::kImported);
  b.timestamp = 500;
  EXPECT_EQ(CreateAccount(b), AR::kImportedEventTimestampMustNotRegress);
  b.timestamp = 499;
  EXPECT_EQ(CreateAccount(b), AR::kImportedEventTimestampMustNotRegress);
  b.timestamp = 501;
  EXPECT_EQ(CreateAccount(b), AR::kCreated);
}

TEST_F(CreateAccountsTest, batch_timestamp_contract) {
  std::vector<CreateAccountsResult> r;
  const std::vector<Account> two = {MakeAccount(1), MakeAccount(2)};
  ASSERT_TRUE(sm_.CreateAccounts(two, 100, &r).ok());
  EXPECT_EQ(r[0].timestamp, 99u);
  // The next batch's first slot must be past 100.
  EXPECT_EQ(sm_.CreateAccounts(two, 101, &r).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(sm_.CreateAccounts(two, 1, &r).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(sm_.CreateAccounts(two, 102, &r).ok());
  EXPECT_EQ(r[0].status, AR::kExists);
  std::vector<Account> huge(kBatchEventsMax + 1, MakeAccount(3));
  EXPECT_EQ(sm_.CreateAccounts(huge, uint64_t{1} << 40, &r).code(), StatusCode::kLimitExceeded);
}

TEST(LedgerTypes, ResultNames) {
  EXPECT_EQ(ResultName(AR::kCreated), "created");
  EXPECT_EQ(ResultName(AR::kImportedEventTimestampMustNotRegress),
            "imported_event_timestamp_must_not_regress");
  EXPECT_EQ(ResultName(CreateTransferResult::kExceedsCredits), "exceeds_credits");
  EXPECT_EQ(ResultName(CreateTransferResult::kExistsWithDifferentUserData128),
            "exists_with_different_user_data_128");
  EXPECT_EQ(ResultName(CreateTransferResult::kIdAlreadyFailed), "id_already_failed");
  for (uint32_t c = 0; c <= kCreateTransferResultMax; c++) {
    const auto code = static_cast<CreateTransferResult>(c);
    EXPECT_NE(ResultName(code), "unknown") << c;
    EXPECT_EQ(ParseCreateTransferResult(ResultName(code)), code);
  }
  for (uint32_t c = 0; c <= kCreateAccountResultMax; c++) {
    const auto code = static_cast<CreateAccountResult>(c);
    EXPECT_NE(ResultName(code), "unknown") << c;
    EXPECT_EQ(ParseCreateAccountResult(ResultName(code)), code);
  }
  EXPECT_EQ(ResultName(static_cast<CreateTransferResult>(69)), "unknown");
  EXPECT_EQ(static_cast<uint32_t>(CreateTransferResult::kCreated), 0xFFFFFFFFu);
}

TEST(LedgerTypes, U128Decimal) {
  EXPECT_EQ(U128ToString(0), "0");
  EXPECT_EQ(U128ToString(kU128Max), "340282366920938463463374607431768211455");
  EXPECT_EQ(ParseU128("340282366920938463463374607431768211455"), kU128Max);
  EXPECT_EQ(ParseU128("340282366920938463463374607431768211456"), std::nullopt);
  EXPECT_EQ(ParseU128(""), std::nullopt);
  EXPECT_EQ(ParseU128("12a"), std::nullopt);
  EXPECT_EQ(ParseU128("18446744073709551616"), u128{1} << 64);
  EXPECT_EQ(U128ToString(u128{1} << 64), "18446744073709551616");
}

}  // namespace
}  // namespace zq::ledger::testing
