// Ledger records: the exact 128-byte layouts of shared/reference/ledger-model.md §2
// (TigerBeetle's Account, Transfer, AccountBalance, AccountFilter; 64-byte
// QueryFilter; 16-byte create results), their flag bits and result codes with
// the wire numbers of the spec. Little-endian, no padding: the static_asserts
// below pin every size and offset, so a record can be memcpy'd to and from disk
// and the wire.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zq::ledger {

using u128 = unsigned __int128;

inline constexpr u128 kU128Max = ~u128{0};
// Post with this amount means "the full pending amount" (spec §2.3, current API).
inline constexpr u128 kAmountMax = kU128Max;
// Timestamps are nanoseconds in [1, 2^63 - 1] (spec §4.2): the top bit is reserved.
inline constexpr uint64_t kTimestampMax = (uint64_t{1} << 63) - 1;
inline constexpr uint64_t kNanosecondsPerSecond = 1'000'000'000;

// Decimal text of v (no sign, no leading zeros; "0" for zero).
std::string U128ToString(u128 v);
// Parses a decimal u128; nullopt on empty input, a non-digit, or overflow.
std::optional<u128> ParseU128(std::string_view text);
inline u128 MakeU128(uint64_t hi, uint64_t lo) {
  return (u128{hi} << 64) | lo;
}

// Hash of a u128 for hash tables and caches: ids are often sequential, so
// both halves are mixed into every bit.
struct U128Hash {
  size_t operator()(u128 v) const {
    const uint64_t high = static_cast<uint64_t>(v >> 64);
    const uint64_t x = static_cast<uint64_t>(v) ^ (high * 0x9E3779B97F4A7C15ull);
    return static_cast<size_t>((x ^ (x >> 29)) * 0xBF58476D1CE4E5B9ull);
  }
};

// --- Account (spec §2.1) -------------------------------------------------
struct Account {
  u128 id = 0;
  u128 debits_pending = 0;
  u128 debits_posted = 0;
  u128 credits_pending = 0;
  u128 credits_posted = 0;
  u128 user_data_128 = 0;
  uint64_t user_data_64 = 0;
  uint32_t user_data_32 = 0;
  uint32_t reserved = 0;
  uint32_t ledger = 0;
  uint16_t code = 0;
  uint16_t flags = 0;
  uint64_t timestamp = 0;
};

namespace account_flags {  // spec §2.2
inline constexpr uint16_t kLinked = 1u << 0;
inline constexpr uint16_t kDebitsMustNotExceedCredits = 1u << 1;
inline constexpr uint16_t kCreditsMustNotExceedDebits = 1u << 2;
inline constexpr uint16_t kHistory = 1u << 3;
inline constexpr uint16_t kImported = 1u << 4;
inline constexpr uint16_t kClosed = 1u << 5;
inline constexpr uint16_t kPadding = static_cast<uint16_t>(0xFFFFu << 6);
}  // namespace account_flags

// --- Transfer (spec §2.3) ------------------------------------------------
struct Transfer {
  u128 id = 0;
  u128 debit_account_id = 0;
  u128 credit_account_id = 0;
  u128 amount = 0;
  u128 pending_id = 0;
  u128 user_data_128 = 0;
  uint64_t user_data_64 = 0;
  uint32_t user_data_32 = 0;
  uint32_t timeout = 0;  // seconds
  uint32_t ledger = 0;
  uint16_t code = 0;
  uint16_t flags = 0;
  uint64_t timestamp = 0;
};

namespace transfer_flags {  // spec §2.4
inline constexpr uint16_t kLinked = 1u << 0;
inline constexpr uint16_t kPending = 1u << 1;
inline constexpr uint16_t kPostPendingTransfer = 1u << 2;
inline constexpr uint16_t kVoidPendingTransfer = 1u << 3;
inline constexpr uint16_t kBalancingDebit = 1u << 4;
inline constexpr uint16_t kBalancingCredit = 1u << 5;
inline constexpr uint16_t kClosingDebit = 1u << 6;
inline constexpr uint16_t kClosingCredit = 1u << 7;
inline constexpr uint16_t kImported = 1u << 8;
inline constexpr uint16_t kPadding = static_cast<uint16_t>(0xFFFFu << 9);
}  // namespace transfer_flags

// --- Query records (spec §2.5) -------------------------------------------
struct AccountBalance {
  u128 debits_pending = 0;
  u128 debits_posted = 0;
  u128 credits_pending = 0;
  u128 credits_posted = 0;
  uint64_t timestamp = 0;
  uint8_t reserved[56] = {};
};

struct AccountFilter {
  u128 account_id = 0;
  u128 user_data_128 = 0;
  uint64_t user_data_64 = 0;
  uint32_t user_data_32 = 0;
  uint16_t code = 0;
  uint8_t reserved[58] = {};
  uint64_t timestamp_min = 0;
  uint64_t timestamp_max = 0;
  uint32_t limit = 0;
  uint32_t flags = 0;
};

namespace account_filter_flags {
inline constexpr uint32_t kDebits = 1u << 0;
inline constexpr uint32_t kCredits = 1u << 1;
inline constexpr uint32_t kReversed = 1u << 2;
inline constexpr uint32_t kPadding = ~uint32_t{0} << 3;
}  // namespace account_filter_flags

struct QueryFilter {
  u128 user_data_128 = 0;
  uint64_t user_data_64 = 0;
  uint32_t user_data_32 = 0;
  uint32_t ledger = 0;
  uint16_t code = 0;
  uint8_t reserved[6] = {};
  uint64_t timestamp_min = 0;
  uint64_t timestamp_max = 0;
  uint32_t limit = 0;
  uint32_t flags = 0;
};

namespace query_filter_flags {
inline constexpr uint32_t kReversed = 1u << 0;
inline constexpr uint32_t kPadding = ~uint32_t{0} << 1;
}  // namespace query_filter_flags

// --- Result codes (spec §5, §6; numbers are wire values) -----------------
enum class CreateAccountResult : uint32_t {
  kDeprecatedOk = 0,  // never produced by the current API
  kLinkedEventFailed = 1,
  kLinkedEventChainOpen = 2,
  kTimestampMustBeZero = 3,
  kReservedField = 4,
  kReservedFlag = 5,
  kIdMustNotBeZero = 6,
  kIdMustNotBeIntMax = 7,
  kFlagsAreMutuallyExclusive = 8,
  kDebitsPendingMustBeZero = 9,
  kDebitsPostedMustBeZero = 10,
  kCreditsPendingMustBeZero = 11,
  kCreditsPostedMustBeZero = 12,
  kLedgerMustNotBeZero = 13,
  kCodeMustNotBeZero = 14,
  kExistsWithDifferentFlags = 15,
  kExistsWithDifferentUserData128 = 16,
  kExistsWithDifferentUserData64 = 17,
  kExistsWithDifferentUserData32 = 18,
  kExistsWithDifferentLedger = 19,
  kExistsWithDifferentCode = 20,
  kExists = 21,
  kImportedEventExpected = 22,
  kImportedEventNotExpected = 23,
  kImportedEventTimestampOutOfRange = 24,
  kImportedEventTimestampMustNotAdvance = 25,
  kImportedEventTimestampMustNotRegress = 26,
  kCreated = 0xFFFFFFFFu,
};

enum class CreateTransferResult : uint32_t {
  kDeprecatedOk = 0,  // never produced by the current API
  kLinkedEventFailed = 1,
  kLinkedEventChainOpen = 2,
  kTimestampMustBeZero = 3,
  kReservedFlag = 4,
  kIdMustNotBeZero = 5,
  kIdMustNotBeIntMax = 6,
  kFlagsAreMutuallyExclusive = 7,
  kDebitAccountIdMustNotBeZero = 8,
  kDebitAccountIdMustNotBeIntMax = 9,
  kCreditAccountIdMustNotBeZero = 10,
  kCreditAccountIdMustNotBeIntMax = 11,
  kAccountsMustBeDifferent = 12,
  kPendingIdMustBeZero = 13,
  kPendingIdMustNotBeZero = 14,
  kPendingIdMustNotBeIntMax = 15,
  kPendingIdMustBeDifferent = 16,
  kTimeoutReservedForPendingTransfer = 17,
  kAmountMustNotBeZero = 18,  // retired since 0.16.0; never produced
  kLedgerMustNotBeZero = 19,
  kCodeMustNotBeZero = 20,
  kDebitAccountNotFound = 21,
  kCreditAccountNotFound = 22,
  kAccountsMustHaveTheSameLedger = 23,
  kTransferMustHaveTheSameLedgerAsAccounts = 24,
  kPendingTransferNotFound = 25,
  kPendingTransferNotPending = 26,
  kPendingTransferHasDifferentDebitAccountId = 27,
  kPendingTransferHasDifferentCreditAccountId = 28,
  kPendingTransferHasDifferentLedger = 29,
  kPendingTransferHasDifferentCode = 30,
  kExceedsPendingTransferAmount = 31,
  kPendingTransferHasDifferentAmount = 32,
  kPendingTransferAlreadyPosted = 33,
  kPendingTransferAlreadyVoided = 34,
  kPendingTransferExpired = 35,
  kExistsWithDifferentFlags = 36,
  kExistsWithDifferentDebitAccountId = 37,
  kExistsWithDifferentCreditAccountId = 38,
  kExistsWithDifferentAmount = 39,
  kExistsWithDifferentPendingId = 40,
  kExistsWithDifferentUserData128 = 41,
  kExistsWithDifferentUserData64 = 42,
  kExistsWithDifferentUserData32 = 43,
  kExistsWithDifferentTimeout = 44,
  kExistsWithDifferentCode = 45,
  kExists = 46,
  kOverflowsDebitsPending = 47,
  kOverflowsCreditsPending = 48,
  kOverflowsDebitsPosted = 49,
  kOverflowsCreditsPosted = 50,
  kOverflowsDebits = 51,
  kOverflowsCredits = 52,
  kOverflowsTimeout = 53,
  kExceedsCredits = 54,
  kExceedsDebits = 55,
  kImportedEventExpected = 56,
  kImportedEventNotExpected = 57,
  kImportedEventTimestampOutOfRange = 58,
  kImportedEventTimestampMustNotAdvance = 59,
  kImportedEventTimestampMustNotRegress = 60,
  kImportedEventTimestampMustPostdateDebitAccount = 61,
  kImportedEventTimestampMustPostdateCreditAccount = 62,
  kImportedEventTimeoutMustBeZero = 63,
  kClosingTransferMustBePending = 64,
  kDebitAccountAlreadyClosed = 65,
  kCreditAccountAlreadyClosed = 66,
  kExistsWithDifferentLedger = 67,
  kIdAlreadyFailed = 68,
  kCreated = 0xFFFFFFFFu,
};

inline constexpr uint32_t kCreateAccountResultMax = 26;  // highest non-created code
inline constexpr uint32_t kCreateTransferResultMax = 68;

// The spec's snake_case names ("created", "exceeds_credits", ...); "unknown"
// for a value that is not a code.
std::string_view ResultName(CreateAccountResult r);
std::string_view ResultName(CreateTransferResult r);
// Inverse of ResultName; nullopt for an unknown name.
std::optional<CreateAccountResult> ParseCreateAccountResult(std::string_view name);
std::optional<CreateTransferResult> ParseCreateTransferResult(std::string_view name);

// One result per event, in event order (spec §2.5, current API: dense).
struct CreateAccountsResult {
  uint64_t timestamp = 0;
  CreateAccountResult status = CreateAccountResult::kCreated;
  uint32_t reserved = 0;
};
struct CreateTransfersResult {
  uint64_t timestamp = 0;
  CreateTransferResult status = CreateTransferResult::kCreated;
  uint32_t reserved = 0;
};

// Status of a pending transfer, kept beside it keyed by its timestamp (§8).
enum class PendingStatus : uint8_t { kPending = 1, kPosted = 2, kVoided = 3, kExpired = 4 };

// --- Layout pins ----------------------------------------------------------
static_assert(sizeof(u128) == 16 && alignof(u128) == 16);
static_assert(sizeof(Account) == 128 && alignof(Account) == 16);
static_assert(offsetof(Account, id) == 0);
static_assert(offsetof(Account, debits_pending) == 16);
static_assert(offsetof(Account, debits_posted) == 32);
static_assert(offsetof(Account, credits_pending) == 48);
static_assert(offsetof(Account, credits_posted) == 64);
static_assert(offsetof(Account, user_data_128) == 80);
static_assert(offsetof(Account, user_data_64) == 96);
static_assert(offsetof(Account, user_data_32) == 104);
static_assert(offsetof(Account, reserved) == 108);
static_assert(offsetof(Account, ledger) == 112);
static_assert(offsetof(Account, code) == 116);
static_assert(offsetof(Account, flags) == 118);
static_assert(offsetof(Account, timestamp) == 120);

static_assert(sizeof(Transfer) == 128 && alignof(Transfer) == 16);
static_assert(offsetof(Transfer, id) == 0);
static_assert(offsetof(Transfer, debit_account_id) == 16);
static_assert(offsetof(Transfer, credit_account_id) == 32);
static_assert(offsetof(Transfer, amount) == 48);
static_assert(offsetof(Transfer, pending_id) == 64);
static_assert(offsetof(Transfer, user_data_128) == 80);
static_assert(offsetof(Transfer, user_data_64) == 96);
static_assert(offsetof(Transfer, user_data_32) == 104);
static_assert(offsetof(Transfer, timeout) == 108);
static_assert(offsetof(Transfer, ledger) == 112);
static_assert(offsetof(Transfer, code) == 116);
static_assert(offsetof(Transfer, flags) == 118);
static_assert(offsetof(Transfer, timestamp) == 120);

static_assert(sizeof(AccountBalance) == 128);
static_assert(offsetof(AccountBalance, debits_pending) == 0);
static_assert(offsetof(AccountBalance, debits_posted) == 16);
static_assert(offsetof(AccountBalance, credits_pending) == 32);
static_assert(offsetof(AccountBalance, credits_posted) == 48);
static_assert(offsetof(AccountBalance, timestamp) == 64);
static_assert(offsetof(AccountBalance, reserved) == 72);

static_assert(sizeof(AccountFilter) == 128);
static_assert(offsetof(AccountFilter, account_id) == 0);
static_assert(offsetof(AccountFilter, user_data_128) == 16);
static_assert(offsetof(AccountFilter, user_data_64) == 32);
static_assert(offsetof(AccountFilter, user_data_32) == 40);
static_assert(offsetof(AccountFilter, code) == 44);
static_assert(offsetof(AccountFilter, reserved) == 46);
static_assert(offsetof(AccountFilter, timestamp_min) == 104);
static_assert(offsetof(AccountFilter, timestamp_max) == 112);
static_assert(offsetof(AccountFilter, limit) == 120);
static_assert(offsetof(AccountFilter, flags) == 124);

static_assert(sizeof(QueryFilter) == 64);
static_assert(offsetof(QueryFilter, user_data_128) == 0);
static_assert(offsetof(QueryFilter, user_data_64) == 16);
static_assert(offsetof(QueryFilter, user_data_32) == 24);
static_assert(offsetof(QueryFilter, ledger) == 28);
static_assert(offsetof(QueryFilter, code) == 32);
static_assert(offsetof(QueryFilter, reserved) == 34);
static_assert(offsetof(QueryFilter, timestamp_min) == 40);
static_assert(offsetof(QueryFilter, timestamp_max) == 48);
static_assert(offsetof(QueryFilter, limit) == 56);
static_assert(offsetof(QueryFilter, flags) == 60);

static_assert(sizeof(CreateAccountsResult) == 16);
static_assert(offsetof(CreateAccountsResult, status) == 8);
static_assert(sizeof(CreateTransfersResult) == 16);
static_assert(offsetof(CreateTransfersResult, status) == 8);

// Batch sizes (spec §3.2): 1 MiB message - 256-byte header = 8190 records of
// 128 bytes, minus one record for the multi-batch trailer.
inline constexpr size_t kMessageBytesMax = 1u << 20;
inline constexpr size_t kMessageHeaderBytes = 256;
inline constexpr size_t kBatchEventsMaxDefault =
    (kMessageBytesMax - kMessageHeaderBytes) / sizeof(Transfer) - 1;
// Configurable ceiling (issue 6): a batch above this is LimitExceeded.
inline constexpr size_t kBatchEventsMax = 131072;
static_assert(kBatchEventsMaxDefault == 8189);
static_assert(kBatchEventsMaxDefault <= kBatchEventsMax);

}  // namespace zq::ledger
