// Decimal u128 text and the result-code name tables of types.hpp.
#include "ledger/types.hpp"

#include <array>

#include "util/assert.hpp"

namespace zq::ledger {

std::string U128ToString(u128 v) {
  char buf[40];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  ZQ_ASSERT(n >= 1 && n <= 39);
  std::string out(static_cast<size_t>(n), '0');
  for (int i = 0; i < n; i++) out[static_cast<size_t>(i)] = buf[n - 1 - i];
  return out;
}

std::optional<u128> ParseU128(std::string_view text) {
  if (text.empty() || text.size() > 39) return std::nullopt;
  u128 v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const u128 digit = static_cast<u128>(c - '0');
    if (v > (kU128Max - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  ZQ_ASSERT(text.size() < 39 || v >= u128{1} << 64);
  return v;
}

namespace {

template <typename E>
struct NamedCode {
  E code;
  std::string_view name;
};
constexpr std::array<NamedCode<CreateAccountResult>, 28> kAccountNames = {{
    {CreateAccountResult::kDeprecatedOk, "deprecated_ok"},
    {CreateAccountResult::kLinkedEventFailed, "linked_event_failed"},
    {CreateAccountResult::kLinkedEventChainOpen, "linked_event_chain_open"},
    {CreateAccountResult::kTimestampMustBeZero, "timestamp_must_be_zero"},
    {CreateAccountResult::kReservedField, "reserved_field"},
    {CreateAccountResult::kReservedFlag, "reserved_flag"},
    {CreateAccountResult::kIdMustNotBeZero, "id_must_not_be_zero"},
    {CreateAccountResult::kIdMustNotBeIntMax, "id_must_not_be_int_max"},
    {CreateAccountResult::kFlagsAreMutuallyExclusive, "flags_are_mutually_exclusive"},
    {CreateAccountResult::kDebitsPendingMustBeZero, "debits_pending_must_be_zero"},
    {CreateAccountResult::kDebitsPostedMustBeZero, "debits_posted_must_be_zero"},
    {CreateAccountResult::kCreditsPendingMustBeZero, "credits_pending_must_be_zero"},
    {CreateAccountResult::kCreditsPostedMustBeZero, "credits_posted_must_be_zero"},
    {CreateAccountResult::kLedgerMustNotBeZero, "ledger_must_not_be_zero"},
    {CreateAccountResult::kCodeMustNotBeZero, "code_must_not_be_zero"},
    {CreateAccountResult::kExistsWithDifferentFlags, "exists_with_different_flags"},
    {CreateAccountResult::kExistsWithDifferentUserData128, "exists_with_different_user_data_128"},
    {CreateAccountResult::kExistsWithDifferentUserData64, "exists_with_different_user_data_64"},
    {CreateAccountResult::kExistsWithDifferentUserData32, "exists_with_different_user_data_32"},
    {CreateAccountResult::kExistsWithDifferentLedger, "exists_with_different_ledger"},
    {CreateAccountResult::kExistsWithDifferentCode, "exists_with_different_code"},
    {CreateAccountResult::kExists, "exists"},
    {CreateAccountResult::kImportedEventExpected, "imported_event_expected"},
    {CreateAccountResult::kImportedEventNotExpected, "imported_event_not_expected"},
    {CreateAccountResult::kImportedEventTimestampOutOfRange,
     "imported_event_timestamp_out_of_range"},
    {CreateAccountResult::kImportedEventTimestampMustNotAdvance,
     "imported_event_timestamp_must_not_advance"},
    {CreateAccountResult::kImportedEventTimestampMustNotRegress,
     "imported_event_timestamp_must_not_regress"},
    {CreateAccountResult::kCreated, "created"},
}};

constexpr std::array<NamedCode<CreateTransferResult>, 70> kTransferNames = {{
    {CreateTransferResult::kDeprecatedOk, "deprecated_ok"},
    {CreateTransferResult::kLinkedEventFailed, "linked_event_failed"},
    {CreateTransferResult::kLinkedEventChainOpen, "linked_event_chain_open"},
    {CreateTransferResult::kTimestampMustBeZero, "timestamp_must_be_zero"},
    {CreateTransferResult::kReservedFlag, "reserved_flag"},
    {CreateTransferResult::kIdMustNotBeZero, "id_must_not_be_zero"},
    {CreateTransferResult::kIdMustNotBeIntMax, "id_must_not_be_int_max"},
    {CreateTransferResult::kFlagsAreMutuallyExclusive, "flags_are_mutually_exclusive"},
    {CreateTransferResult::kDebitAccountIdMustNotBeZero, "debit_account_id_must_not_be_zero"},
    {CreateTransferResult::kDebitAccountIdMustNotBeIntMax, "debit_account_id_must_not_be_int_max"},
    {CreateTransferResult::kCreditAccountIdMustNotBeZero, "credit_account_id_must_not_be_zero"},
    {CreateTransferResult::kCreditAccountIdMustNotBeIntMax,
     "credit_account_id_must_not_be_int_max"},
    {CreateTransferResult::kAccountsMustBeDifferent, "accounts_must_be_different"},
    {CreateTransferResult::kPendingIdMustBeZero, "pending_id_must_be_zero"},
    {CreateTransferResult::kPendingIdMustNotBeZero, "pending_id_must_not_be_zero"},
    {CreateTransferResult::kPendingIdMustNotBeIntMax, "pending_id_must_not_be_int_max"},
    {CreateTransferResult::kPendingIdMustBeDifferent, "pending_id_must_be_different"},
    {CreateTransferResult::kTimeoutReservedForPendingTransfer,
     "timeout_reserved_for_pending_transfer"},
    {CreateTransferResult::kAmountMustNotBeZero, "amount_must_not_be_zero"},
    {CreateTransferResult::kLedgerMustNotBeZero, "ledger_must_not_be_zero"},
    {CreateTransferResult::kCodeMustNotBeZero, "code_must_not_be_zero"},
    {CreateTransferResult::kDebitAccountNotFound, "debit_account_not_found"},
    {CreateTransferResult::kCreditAccountNotFound, "credit_account_not_found"},
    {CreateTransferResult::kAccountsMustHaveTheSameLedger, "accounts_must_have_the_same_ledger"},
    {CreateTransferResult::kTransferMustHaveTheSameLedgerAsAccounts,
     "transfer_must_have_the_same_ledger_as_accounts"},
    {CreateTransferResult::kPendingTransferNotFound, "pending_transfer_not_found"},
    {CreateTransferResult::kPendingTransferNotPending, "pending_transfer_not_pending"},
    {CreateTransferResult::kPendingTransferHasDifferentDebitAccountId,
     "pending_transfer_has_different_debit_account_id"},
    {CreateTransferResult::kPendingTransferHasDifferentCreditAccountId,
     "pending_transfer_has_different_credit_account_id"},
    {CreateTransferResult::kPendingTransferHasDifferentLedger,
     "pending_transfer_has_different_ledger"},
    {CreateTransferResult::kPendingTransferHasDifferentCode, "pending_transfer_has_different_code"},
    {CreateTransferResult::kExceedsPendingTransferAmount, "exceeds_pending_transfer_amount"},
    {CreateTransferResult::kPendingTransferHasDifferentAmount,
     "pending_transfer_has_different_amount"},
    {CreateTransferResult::kPendingTransferAlreadyPosted, "pending_transfer_already_posted"},
    {CreateTransferResult::kPendingTransferAlreadyVoided, "pending_transfer_already_voided"},
    {CreateTransferResult::kPendingTransferExpired, "pending_transfer_expired"},
    {CreateTransferResult::kExistsWithDifferentFlags, "exists_with_different_flags"},
    {CreateTransferResult::kExistsWithDifferentDebitAccountId,
     "exists_with_different_debit_account_id"},
    {CreateTransferResult::kExistsWithDifferentCreditAccountId,
     "exists_with_different_credit_account_id"},
    {CreateTransferResult::kExistsWithDifferentAmount, "exists_with_different_amount"},
    {CreateTransferResult::kExistsWithDifferentPendingId, "exists_with_different_pending_id"},
    {CreateTransferResult::kExistsWithDifferentUserData128, "exists_with_different_user_data_128"},
    {CreateTransferResult::kExistsWithDifferentUserData64, "exists_with_different_user_data_64"},
    {CreateTransferResult::kExistsWithDifferentUserData32, "exists_with_different_user_data_32"},
    {CreateTransferResult::kExistsWithDifferentTimeout, "exists_with_different_timeout"},
    {CreateTransferResult::kExistsWithDifferentCode, "exists_with_different_code"},
    {CreateTransferResult::kExists, "exists"},
    {CreateTransferResult::kOverflowsDebitsPending, "overflows_debits_pending"},
    {CreateTransferResult::kOverflowsCreditsPending, "overflows_credits_pending"},
    {CreateTransferResult::kOverflowsDebitsPosted, "overflows_debits_posted"},
    {CreateTransferResult::kOverflowsCreditsPosted, "overflows_credits_posted"},
    {CreateTransferResult::kOverflowsDebits, "overflows_debits"},
    {CreateTransferResult::kOverflowsCredits, "overflows_credits"},
    {CreateTransferResult::kOverflowsTimeout, "overflows_timeout"},
    {CreateTransferResult::kExceedsCredits, "exceeds_credits"},
    {CreateTransferResult::kExceedsDebits, "exceeds_debits"},
    {CreateTransferResult::kImportedEventExpected, "imported_event_expected"},
    {CreateTransferResult::kImportedEventNotExpected, "imported_event_not_expected"},
    {CreateTransferResult::kImportedEventTimestampOutOfRange,
     "imported_event_timestamp_out_of_range"},
    {CreateTransferResult::kImportedEventTimestampMustNotAdvance,
     "imported_event_timestamp_must_not_advance"},
    {CreateTransferResult::kImportedEventTimestampMustNotRegress,
     "imported_event_timestamp_must_not_regress"},
    {CreateTransferResult::kImportedEventTimestampMustPostdateDebitAccount,
     "imported_event_timestamp_must_postdate_debit_account"},
    {CreateTransferResult::kImportedEventTimestampMustPostdateCreditAccount,
     "imported_event_timestamp_must_postdate_credit_account"},
    {CreateTransferResult::kImportedEventTimeoutMustBeZero, "imported_event_timeout_must_be_zero"},
    {CreateTransferResult::kClosingTransferMustBePending, "closing_transfer_must_be_pending"},
    {CreateTransferResult::kDebitAccountAlreadyClosed, "debit_account_already_closed"},
    {CreateTransferResult::kCreditAccountAlreadyClosed, "credit_account_already_closed"},
    {CreateTransferResult::kExistsWithDifferentLedger, "exists_with_different_ledger"},
    {CreateTransferResult::kIdAlreadyFailed, "id_already_failed"},
    {CreateTransferResult::kCreated, "created"},
}};

template <typename E, size_t N>
std::string_view NameOf(const std::array<NamedCode<E>, N>& table, E code) {
  for (const auto& entry : table) {
    if (entry.code == code) return entry.name;
  }
  return "unknown";
}

template <typename E, size_t N>
std::optional<E> CodeOf(const std::array<NamedCode<E>, N>& table, std::string_view name) {
  for (const auto& entry : table) {
    if (entry.name == name) return entry.code;
  }
  return std::nullopt;
}

// Every code 0..max appears once, plus `created`.
static_assert(kAccountNames.size() == kCreateAccountResultMax + 2);
static_assert(kTransferNames.size() == kCreateTransferResultMax + 2);

}  // namespace

std::string_view ResultName(CreateAccountResult r) {
  return NameOf(kAccountNames, r);
}
std::string_view ResultName(CreateTransferResult r) {
  return NameOf(kTransferNames, r);
}
std::optional<CreateAccountResult> ParseCreateAccountResult(std::string_view name) {
  return CodeOf(kAccountNames, name);
}
std::optional<CreateTransferResult> ParseCreateTransferResult(std::string_view name) {
  return CodeOf(kTransferNames, name);
}

}  // namespace zq::ledger
