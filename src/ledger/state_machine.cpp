// StateMachine: create_accounts / create_transfers / pulse / reads, following
// shared/reference/ledger-model.md. Section numbers (§) below refer to it; the
// check order of every function is the spec's, since clients and the
// differential test depend on which code wins.
#include "ledger/state_machine.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "util/assert.hpp"

namespace zq::ledger {

namespace {

using AR = CreateAccountResult;
using TR = CreateTransferResult;
namespace af = account_flags;
namespace tf = transfer_flags;

// The prelude codes (§5 steps 1-4, §6.1) and flag bits of each event kind.
struct AccountCodes {
  using Code = AR;
  static constexpr Code kCreated = AR::kCreated;
  static constexpr Code kExists = AR::kExists;
  static constexpr Code kLinkedEventFailed = AR::kLinkedEventFailed;
  static constexpr Code kLinkedEventChainOpen = AR::kLinkedEventChainOpen;
  static constexpr Code kImportedEventExpected = AR::kImportedEventExpected;
  static constexpr Code kImportedEventNotExpected = AR::kImportedEventNotExpected;
  static constexpr Code kOutOfRange = AR::kImportedEventTimestampOutOfRange;
  static constexpr Code kMustNotAdvance = AR::kImportedEventTimestampMustNotAdvance;
  static constexpr Code kTimestampMustBeZero = AR::kTimestampMustBeZero;
  static constexpr uint16_t kLinkedFlag = af::kLinked;
  static constexpr uint16_t kImportedFlag = af::kImported;
  static bool Transient(Code) { return false; }  // §5: never transient
};
struct TransferCodes {
  using Code = TR;
  static constexpr Code kCreated = TR::kCreated;
  static constexpr Code kExists = TR::kExists;
  static constexpr Code kLinkedEventFailed = TR::kLinkedEventFailed;
  static constexpr Code kLinkedEventChainOpen = TR::kLinkedEventChainOpen;
  static constexpr Code kImportedEventExpected = TR::kImportedEventExpected;
  static constexpr Code kImportedEventNotExpected = TR::kImportedEventNotExpected;
  static constexpr Code kOutOfRange = TR::kImportedEventTimestampOutOfRange;
  static constexpr Code kMustNotAdvance = TR::kImportedEventTimestampMustNotAdvance;
  static constexpr Code kTimestampMustBeZero = TR::kTimestampMustBeZero;
  static constexpr uint16_t kLinkedFlag = tf::kLinked;
  static constexpr uint16_t kImportedFlag = tf::kImported;
  static bool Transient(Code c) { return IsTransient(c); }
};
static_assert(af::kLinked == tf::kLinked);

// §5 steps 3-4 / §6.1: imported batch agreement and timestamp range.
template <typename Codes, typename Event>
typename Codes::Code Prelude(const Event& e, bool batch_imported, uint64_t batch_timestamp) {
  const bool imported = (e.flags & Codes::kImportedFlag) != 0;
  if (batch_imported && !imported) return Codes::kImportedEventExpected;
  if (!batch_imported && imported) return Codes::kImportedEventNotExpected;
  if (imported) {
    if (e.timestamp == 0 || e.timestamp > kTimestampMax) return Codes::kOutOfRange;
    if (e.timestamp >= batch_timestamp) return Codes::kMustNotAdvance;
  } else if (e.timestamp != 0) {
    return Codes::kTimestampMustBeZero;
  }
  return Codes::kCreated;
}

bool AddOverflows(u128 a, u128 b) {
  return a > kU128Max - b;
}
u128 SaturatingSub(u128 a, u128 b) {
  return a > b ? a - b : 0;
}
// expires_at of a pending transfer; callers ensure it fits (overflows_timeout).
uint64_t ExpiresAt(const Transfer& p) {
  ZQ_ASSERT(p.timeout != 0);
  const u128 at = u128{p.timestamp} + u128{p.timeout} * kNanosecondsPerSecond;
  ZQ_ASSERT(at <= kTimestampMax);
  return static_cast<uint64_t>(at);
}
bool SameBytes(const Account& a, const Account& b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

bool IsTransient(CreateTransferResult r) {
  switch (r) {
    case TR::kDebitAccountNotFound:
    case TR::kCreditAccountNotFound:
    case TR::kPendingTransferNotFound:
    case TR::kExceedsCredits:
    case TR::kExceedsDebits:
    case TR::kDebitAccountAlreadyClosed:
    case TR::kCreditAccountAlreadyClosed:
      return true;
    default:
      return false;
  }
}

std::string StateHash::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; i++) {
    out[static_cast<size_t>(15 - i)] = kDigits[(high >> (4 * i)) & 0xF];
    out[static_cast<size_t>(31 - i)] = kDigits[(low >> (4 * i)) & 0xF];
  }
  ZQ_ASSERT(out.size() == 32);
  return out;
}

StateMachine::StateMachine(LedgerStore* store) : store_(store) {
  ZQ_ASSERT(store_ != nullptr);
  ZQ_ASSERT(undo_.empty());
}

// --- Batches and linked chains (§4.2, §7) ---------------------------------

// Account reads miss the CPU cache at realistic account counts: the store
// is asked for them kFar transfers ahead (where to look) and kNear ahead
// (the record), so that both memory waits overlap earlier transfers' work.
void StateMachine::PrefetchAccounts(std::span<const Transfer> events, size_t i) {
  constexpr size_t kFar = 8;
  constexpr size_t kNear = 3;
  if (i + kFar < events.size()) {
    store_->PrefetchAccount(events[i + kFar].debit_account_id, false);
    store_->PrefetchAccount(events[i + kFar].credit_account_id, false);
  }
  if (i + kNear < events.size()) {
    store_->PrefetchAccount(events[i + kNear].debit_account_id, true);
    store_->PrefetchAccount(events[i + kNear].credit_account_id, true);
  }
}

Status StateMachine::CheckBatchTimestamp(size_t event_count, uint64_t batch_timestamp) {
  ZQ_ASSERT(!chain_open_);
  ZQ_ASSERT(undo_.empty());
  if (event_count > kBatchEventsMax) {
    return Status::LimitExceeded("ledger batch has more than kBatchEventsMax events");
  }
  ZQ_ASSIGN_OR_RETURN(uint64_t commit, store_->GetCommitTimestamp());
  if (batch_timestamp > kTimestampMax || batch_timestamp < event_count ||
      batch_timestamp - event_count < commit || batch_timestamp <= commit) {
    return Status::InvalidArgument("ledger batch timestamp does not follow the last one");
  }
  return Status::Ok();
}

template <typename Codes, typename Event, typename ResultRecord, typename CreateFn>
Status StateMachine::ExecuteCreate(std::span<const Event> events, uint64_t batch_timestamp,
                                   std::vector<ResultRecord>* results, CreateFn create) {
  ZQ_ASSERT(results != nullptr);
  ZQ_RETURN_IF_ERROR(CheckBatchTimestamp(events.size(), batch_timestamp));
  // On an error return the caller discards the batch (its WriteTxn); forget
  // the chain so this object stays usable.
  struct ChainReset {
    StateMachine* sm;
    ~ChainReset() {
      sm->chain_open_ = false;
      sm->undo_.clear();
    }
  } chain_reset{this};
  using Code = typename Codes::Code;
  const size_t n = events.size();
  const uint64_t first_slot = batch_timestamp - n + 1;
  results->assign(n, ResultRecord{});
  const bool batch_imported = n > 0 && (events[0].flags & Codes::kImportedFlag) != 0;
  constexpr size_t kNone = ~size_t{0};
  size_t chain_start = kNone;
  bool broken = false;
  for (size_t i = 0; i < n; i++) {
    const Event& e = events[i];
    const uint64_t slot = first_slot + i;
    if constexpr (std::is_same_v<Event, Transfer>) PrefetchAccounts(events, i);
    const bool linked = (e.flags & Codes::kLinkedFlag) != 0;
    if (linked && chain_start == kNone) {
      chain_start = i;
      chain_open_ = true;
      ZQ_ASSERT(undo_.empty());
    }
    Code status;
    uint64_t result_timestamp = slot;
    if (linked && i == n - 1) {
      status = Codes::kLinkedEventChainOpen;
    } else if (broken) {
      status = Codes::kLinkedEventFailed;
    } else {
      status = Prelude<Codes>(e, batch_imported, batch_timestamp);
      if (status == Codes::kCreated) {
        const uint64_t timestamp = batch_imported ? e.timestamp : slot;
        ZQ_ASSIGN_OR_RETURN(status, create(e, timestamp, &result_timestamp));
      }
    }
    if (status != Codes::kCreated) {
      if (chain_start != kNone && !broken) {
        broken = true;
        ZQ_RETURN_IF_ERROR(RollbackChain());
        for (size_t j = chain_start; j < i; j++) {
          (*results)[j] = ResultRecord{first_slot + j, Codes::kLinkedEventFailed, 0};
        }
      }
      if (Codes::Transient(status)) ZQ_RETURN_IF_ERROR(store_->AddFailedTransferId(e.id));
      if (result_timestamp != slot) ZQ_ASSERT(status == Codes::kExists);
    }
    (*results)[i] = ResultRecord{result_timestamp, status, 0};
    if (chain_start != kNone && (!linked || status == Codes::kLinkedEventChainOpen)) {
      if (!broken) undo_.clear();
      ZQ_ASSERT(undo_.empty());
      chain_start = kNone;
      broken = false;
      chain_open_ = false;
    }
  }
  ZQ_ASSERT(chain_start == kNone && !chain_open_);
  ZQ_RETURN_IF_ERROR(store_->SetCommitTimestamp(batch_timestamp));
  return store_->Flush();
}

Status StateMachine::CreateAccounts(std::span<const Account> events, uint64_t batch_timestamp,
                                    std::vector<CreateAccountsResult>* results) {
  ZQ_ASSERT(store_ != nullptr);
  return ExecuteCreate<AccountCodes>(events, batch_timestamp, results,
                                     [this](const Account& a, uint64_t ts, uint64_t* result_ts) {
                                       return CreateAccount(a, ts, result_ts);
                                     });
}

Status StateMachine::CreateTransfers(std::span<const Transfer> events, uint64_t batch_timestamp,
                                     std::vector<CreateTransfersResult>* results) {
  ZQ_ASSERT(store_ != nullptr);
  return ExecuteCreate<TransferCodes>(events, batch_timestamp, results,
                                      [this](const Transfer& t, uint64_t ts, uint64_t* result_ts) {
                                        return CreateTransfer(t, ts, result_ts);
                                      });
}

// --- create_account (§5) --------------------------------------------------

Result<CreateAccountResult> StateMachine::CreateAccount(const Account& a, uint64_t timestamp,
                                                        uint64_t* result_timestamp) {
  ZQ_ASSERT(timestamp != 0 && timestamp <= kTimestampMax);
  ZQ_ASSERT(result_timestamp != nullptr);
  if (a.reserved != 0) return AR::kReservedField;
  if ((a.flags & af::kPadding) != 0) return AR::kReservedFlag;
  if (a.id == 0) return AR::kIdMustNotBeZero;
  if (a.id == kU128Max) return AR::kIdMustNotBeIntMax;
  Account existing;
  ZQ_ASSIGN_OR_RETURN(bool found, store_->GetAccount(a.id, &existing));
  if (found) {
    const AR r = AccountExists(a, existing);
    if (r == AR::kExists) *result_timestamp = existing.timestamp;
    return r;
  }
  if ((a.flags & af::kDebitsMustNotExceedCredits) != 0 &&
      (a.flags & af::kCreditsMustNotExceedDebits) != 0) {
    return AR::kFlagsAreMutuallyExclusive;
  }
  if (a.debits_pending != 0) return AR::kDebitsPendingMustBeZero;
  if (a.debits_posted != 0) return AR::kDebitsPostedMustBeZero;
  if (a.credits_pending != 0) return AR::kCreditsPendingMustBeZero;
  if (a.credits_posted != 0) return AR::kCreditsPostedMustBeZero;
  if (a.ledger == 0) return AR::kLedgerMustNotBeZero;
  if (a.code == 0) return AR::kCodeMustNotBeZero;
  if ((a.flags & af::kImported) != 0) {
    ZQ_ASSIGN_OR_RETURN(bool regresses, AccountTimestampRegresses(timestamp));
    if (regresses) return AR::kImportedEventTimestampMustNotRegress;
  }
  Account created = a;
  created.timestamp = timestamp;
  ZQ_RETURN_IF_ERROR(DoInsertAccount(created));
  *result_timestamp = timestamp;
  return AR::kCreated;
}

CreateAccountResult StateMachine::AccountExists(const Account& a, const Account& e) {
  ZQ_ASSERT(a.id == e.id);
  ZQ_ASSERT(e.timestamp != 0);
  if (a.flags != e.flags) return AR::kExistsWithDifferentFlags;
  if (a.user_data_128 != e.user_data_128) return AR::kExistsWithDifferentUserData128;
  if (a.user_data_64 != e.user_data_64) return AR::kExistsWithDifferentUserData64;
  if (a.user_data_32 != e.user_data_32) return AR::kExistsWithDifferentUserData32;
  if (a.ledger != e.ledger) return AR::kExistsWithDifferentLedger;
  if (a.code != e.code) return AR::kExistsWithDifferentCode;
  return AR::kExists;
}

// --- Imported timestamps (§4.3) -------------------------------------------

Result<uint64_t> StateMachine::NewestTimestamp(IndexId index) {
  ZQ_ASSERT(index == IndexId::kAccountTimestamp || index == IndexId::kTransferTimestamp);
  uint64_t newest = 0;
  ZQ_RETURN_IF_ERROR(store_->ScanIndex(index, 0, 1, kTimestampMax, /*reversed=*/true,
                                       [&](uint64_t ts, u128) -> Result<bool> {
                                         newest = ts;
                                         return false;
                                       }));
  ZQ_ASSERT(newest <= kTimestampMax);
  return newest;
}

Result<bool> StateMachine::TimestampTaken(IndexId index, uint64_t timestamp) {
  ZQ_ASSERT(index == IndexId::kAccountTimestamp || index == IndexId::kTransferTimestamp);
  ZQ_ASSERT(timestamp != 0);
  bool taken = false;
  ZQ_RETURN_IF_ERROR(
      store_->ScanIndex(index, 0, timestamp, timestamp, false, [&](uint64_t, u128) -> Result<bool> {
        taken = true;
        return false;
      }));
  return taken;
}

Result<bool> StateMachine::AccountTimestampRegresses(uint64_t timestamp) {
  ZQ_ASSERT(timestamp != 0 && timestamp <= kTimestampMax);
  ZQ_ASSIGN_OR_RETURN(uint64_t newest, NewestTimestamp(IndexId::kAccountTimestamp));
  if (timestamp <= newest) return true;
  return TimestampTaken(IndexId::kTransferTimestamp, timestamp);
}

Result<bool> StateMachine::TransferTimestampRegresses(uint64_t timestamp) {
  ZQ_ASSERT(timestamp != 0 && timestamp <= kTimestampMax);
  ZQ_ASSIGN_OR_RETURN(uint64_t newest, NewestTimestamp(IndexId::kTransferTimestamp));
  if (timestamp <= newest) return true;
  return TimestampTaken(IndexId::kAccountTimestamp, timestamp);
}

// --- create_transfer (§6) -------------------------------------------------

Result<CreateTransferResult> StateMachine::CreateTransfer(const Transfer& t, uint64_t timestamp,
                                                          uint64_t* result_timestamp) {
  ZQ_ASSERT(timestamp != 0 && timestamp <= kTimestampMax);
  ZQ_ASSERT(result_timestamp != nullptr);
  if ((t.flags & tf::kPadding) != 0) return TR::kReservedFlag;
  if (t.id == 0) return TR::kIdMustNotBeZero;
  if (t.id == kU128Max) return TR::kIdMustNotBeIntMax;
  Transfer existing;
  ZQ_ASSIGN_OR_RETURN(bool found, store_->GetTransfer(t.id, &existing));
  if (found) {
    ZQ_ASSIGN_OR_RETURN(TR r, TransferExists(t, existing));
    if (r == TR::kExists) *result_timestamp = existing.timestamp;
    return r;
  }
  ZQ_ASSIGN_OR_RETURN(bool failed, store_->IsFailedTransferId(t.id));
  if (failed) return TR::kIdAlreadyFailed;
  TR r;
  if ((t.flags & (tf::kPostPendingTransfer | tf::kVoidPendingTransfer)) != 0) {
    ZQ_ASSIGN_OR_RETURN(r, PostOrVoid(t, timestamp));
  } else {
    ZQ_ASSIGN_OR_RETURN(r, CreateSinglePhase(t, timestamp));
  }
  if (r == TR::kCreated) *result_timestamp = timestamp;
  return r;
}

// §6.7: idempotency comparison against the stored transfer `e`.
Result<CreateTransferResult> StateMachine::TransferExists(const Transfer& t, const Transfer& e) {
  ZQ_ASSERT(t.id == e.id);
  ZQ_ASSERT(e.timestamp != 0);
  if (t.flags != e.flags) return TR::kExistsWithDifferentFlags;
  if (t.pending_id != e.pending_id) return TR::kExistsWithDifferentPendingId;
  if (t.timeout != e.timeout) return TR::kExistsWithDifferentTimeout;
  const bool is_void = (t.flags & tf::kVoidPendingTransfer) != 0;
  const bool is_post = (t.flags & tf::kPostPendingTransfer) != 0;
  if (is_void || is_post) {
    Transfer p;
    ZQ_ASSIGN_OR_RETURN(bool found, store_->GetTransfer(e.pending_id, &p));
    if (!found) return Status::Corruption("ledger: posted transfer without its pending transfer");
    if (t.debit_account_id != 0 && t.debit_account_id != e.debit_account_id) {
      return TR::kExistsWithDifferentDebitAccountId;
    }
    if (t.credit_account_id != 0 && t.credit_account_id != e.credit_account_id) {
      return TR::kExistsWithDifferentCreditAccountId;
    }
    const bool inherit_amount = is_void ? t.amount == 0 : t.amount == kAmountMax;
    if (inherit_amount ? e.amount != p.amount : t.amount != e.amount) {
      return TR::kExistsWithDifferentAmount;
    }
    if ((t.user_data_128 == 0 ? p.user_data_128 : t.user_data_128) != e.user_data_128) {
      return TR::kExistsWithDifferentUserData128;
    }
    if ((t.user_data_64 == 0 ? p.user_data_64 : t.user_data_64) != e.user_data_64) {
      return TR::kExistsWithDifferentUserData64;
    }
    if ((t.user_data_32 == 0 ? p.user_data_32 : t.user_data_32) != e.user_data_32) {
      return TR::kExistsWithDifferentUserData32;
    }
    if (t.ledger != 0 && t.ledger != e.ledger) return TR::kExistsWithDifferentLedger;
    if (t.code != 0 && t.code != e.code) return TR::kExistsWithDifferentCode;
    return TR::kExists;
  }
  if (t.debit_account_id != e.debit_account_id) return TR::kExistsWithDifferentDebitAccountId;
  if (t.credit_account_id != e.credit_account_id) return TR::kExistsWithDifferentCreditAccountId;
  const bool balancing = (t.flags & (tf::kBalancingDebit | tf::kBalancingCredit)) != 0;
  if (balancing ? t.amount < e.amount : t.amount != e.amount) {
    return TR::kExistsWithDifferentAmount;
  }
  if (t.user_data_128 != e.user_data_128) return TR::kExistsWithDifferentUserData128;
  if (t.user_data_64 != e.user_data_64) return TR::kExistsWithDifferentUserData64;
  if (t.user_data_32 != e.user_data_32) return TR::kExistsWithDifferentUserData32;
  if (t.ledger != e.ledger) return TR::kExistsWithDifferentLedger;
  if (t.code != e.code) return TR::kExistsWithDifferentCode;
  return TR::kExists;
}

// §6.4 steps 1-10; on kCreated fills the accounts and the actual amount.
Result<CreateTransferResult> StateMachine::CheckSinglePhase(const Transfer& t, uint64_t timestamp,
                                                            Account* dr, Account* cr,
                                                            u128* amount) {
  ZQ_ASSERT(dr != nullptr && cr != nullptr && amount != nullptr);
  ZQ_ASSERT((t.flags & (tf::kPostPendingTransfer | tf::kVoidPendingTransfer)) == 0);
  if (t.debit_account_id == 0) return TR::kDebitAccountIdMustNotBeZero;
  if (t.debit_account_id == kU128Max) return TR::kDebitAccountIdMustNotBeIntMax;
  if (t.credit_account_id == 0) return TR::kCreditAccountIdMustNotBeZero;
  if (t.credit_account_id == kU128Max) return TR::kCreditAccountIdMustNotBeIntMax;
  if (t.debit_account_id == t.credit_account_id) return TR::kAccountsMustBeDifferent;
  if (t.pending_id != 0) return TR::kPendingIdMustBeZero;
  const bool pending = (t.flags & tf::kPending) != 0;
  if (!pending) {
    if (t.timeout != 0) return TR::kTimeoutReservedForPendingTransfer;
    if ((t.flags & (tf::kClosingDebit | tf::kClosingCredit)) != 0) {
      return TR::kClosingTransferMustBePending;
    }
  }
  if (t.ledger == 0) return TR::kLedgerMustNotBeZero;
  if (t.code == 0) return TR::kCodeMustNotBeZero;
  ZQ_ASSIGN_OR_RETURN(bool dr_found, store_->GetAccount(t.debit_account_id, dr));
  if (!dr_found) return TR::kDebitAccountNotFound;
  ZQ_ASSIGN_OR_RETURN(bool cr_found, store_->GetAccount(t.credit_account_id, cr));
  if (!cr_found) return TR::kCreditAccountNotFound;
  if (dr->ledger != cr->ledger) return TR::kAccountsMustHaveTheSameLedger;
  if (t.ledger != dr->ledger) return TR::kTransferMustHaveTheSameLedgerAsAccounts;
  if ((t.flags & tf::kImported) != 0) {
    ZQ_ASSIGN_OR_RETURN(bool regresses, TransferTimestampRegresses(timestamp));
    if (regresses) return TR::kImportedEventTimestampMustNotRegress;
    if (timestamp <= dr->timestamp) return TR::kImportedEventTimestampMustPostdateDebitAccount;
    if (timestamp <= cr->timestamp) return TR::kImportedEventTimestampMustPostdateCreditAccount;
    if (t.timeout != 0) return TR::kImportedEventTimeoutMustBeZero;
  }
  if ((dr->flags & af::kClosed) != 0) return TR::kDebitAccountAlreadyClosed;
  if ((cr->flags & af::kClosed) != 0) return TR::kCreditAccountAlreadyClosed;
  // The debits/credits sums cannot overflow: overflows_debits/_credits kept them in range.
  ZQ_ASSERT(!AddOverflows(dr->debits_pending, dr->debits_posted));
  ZQ_ASSERT(!AddOverflows(cr->credits_pending, cr->credits_posted));
  u128 a = t.amount;  // §6.5 balancing
  if ((t.flags & tf::kBalancingDebit) != 0) {
    a = std::min(a, SaturatingSub(dr->credits_posted, dr->debits_posted + dr->debits_pending));
  }
  if ((t.flags & tf::kBalancingCredit) != 0) {
    a = std::min(a, SaturatingSub(cr->debits_posted, cr->credits_posted + cr->credits_pending));
  }
  if (pending && AddOverflows(dr->debits_pending, a)) return TR::kOverflowsDebitsPending;
  if (pending && AddOverflows(cr->credits_pending, a)) return TR::kOverflowsCreditsPending;
  if (AddOverflows(dr->debits_posted, a)) return TR::kOverflowsDebitsPosted;
  if (AddOverflows(cr->credits_posted, a)) return TR::kOverflowsCreditsPosted;
  if (AddOverflows(dr->debits_pending, dr->debits_posted) ||
      AddOverflows(dr->debits_pending + dr->debits_posted, a)) {
    return TR::kOverflowsDebits;
  }
  if (AddOverflows(cr->credits_pending, cr->credits_posted) ||
      AddOverflows(cr->credits_pending + cr->credits_posted, a)) {
    return TR::kOverflowsCredits;
  }
  if (u128{timestamp} + u128{t.timeout} * kNanosecondsPerSecond > kTimestampMax) {
    return TR::kOverflowsTimeout;
  }
  if ((dr->flags & af::kDebitsMustNotExceedCredits) != 0 &&
      dr->debits_pending + dr->debits_posted + a > dr->credits_posted) {
    return TR::kExceedsCredits;
  }
  if ((cr->flags & af::kCreditsMustNotExceedDebits) != 0 &&
      cr->credits_pending + cr->credits_posted + a > cr->debits_posted) {
    return TR::kExceedsDebits;
  }
  *amount = a;
  return TR::kCreated;
}

// §6.4 step 11.
Result<CreateTransferResult> StateMachine::CreateSinglePhase(const Transfer& t,
                                                             uint64_t timestamp) {
  Account dr, cr;
  u128 amount = 0;
  ZQ_ASSIGN_OR_RETURN(TR r, CheckSinglePhase(t, timestamp, &dr, &cr, &amount));
  if (r != TR::kCreated) return r;
  ZQ_ASSERT(amount <= t.amount);
  Transfer created = t;
  created.amount = amount;
  created.timestamp = timestamp;
  ZQ_RETURN_IF_ERROR(DoInsertTransfer(created));
  Account dr_after = dr, cr_after = cr;
  if ((t.flags & tf::kPending) != 0) {
    dr_after.debits_pending += amount;
    cr_after.credits_pending += amount;
    ZQ_RETURN_IF_ERROR(DoPutPendingStatus(timestamp, PendingStatus::kPending));
    if (t.timeout != 0) {
      ZQ_RETURN_IF_ERROR(DoAddExpiry(ExpiryEntry{ExpiresAt(created), timestamp, t.id}));
    }
  } else {
    dr_after.debits_posted += amount;
    cr_after.credits_posted += amount;
  }
  if ((t.flags & tf::kClosingDebit) != 0) dr_after.flags |= af::kClosed;
  if ((t.flags & tf::kClosingCredit) != 0) cr_after.flags |= af::kClosed;
  ZQ_RETURN_IF_ERROR(WriteAccounts(dr, dr_after, cr, cr_after, timestamp, true));
  return TR::kCreated;
}

// §6.3 steps 1-10; on kCreated fills p, its accounts and the actual amount.
Result<CreateTransferResult> StateMachine::CheckPostOrVoid(const Transfer& t, uint64_t timestamp,
                                                           Transfer* p, Account* dr, Account* cr,
                                                           u128* amount) {
  ZQ_ASSERT(p != nullptr && dr != nullptr && cr != nullptr && amount != nullptr);
  const bool is_post = (t.flags & tf::kPostPendingTransfer) != 0;
  const bool is_void = (t.flags & tf::kVoidPendingTransfer) != 0;
  ZQ_ASSERT(is_post || is_void);
  constexpr uint16_t kConflicting = tf::kPending | tf::kBalancingDebit | tf::kBalancingCredit |
                                    tf::kClosingDebit | tf::kClosingCredit;
  if ((is_post && is_void) || (t.flags & kConflicting) != 0) {
    return TR::kFlagsAreMutuallyExclusive;
  }
  if (t.pending_id == 0) return TR::kPendingIdMustNotBeZero;
  if (t.pending_id == kU128Max) return TR::kPendingIdMustNotBeIntMax;
  if (t.pending_id == t.id) return TR::kPendingIdMustBeDifferent;
  if (t.timeout != 0) return TR::kTimeoutReservedForPendingTransfer;
  ZQ_ASSIGN_OR_RETURN(bool found, store_->GetTransfer(t.pending_id, p));
  if (!found) return TR::kPendingTransferNotFound;
  if ((p->flags & tf::kPending) == 0) return TR::kPendingTransferNotPending;
  if (t.debit_account_id != 0 && t.debit_account_id != p->debit_account_id) {
    return TR::kPendingTransferHasDifferentDebitAccountId;
  }
  if (t.credit_account_id != 0 && t.credit_account_id != p->credit_account_id) {
    return TR::kPendingTransferHasDifferentCreditAccountId;
  }
  if (t.ledger != 0 && t.ledger != p->ledger) return TR::kPendingTransferHasDifferentLedger;
  if (t.code != 0 && t.code != p->code) return TR::kPendingTransferHasDifferentCode;
  const u128 a = is_void ? (t.amount == 0 ? p->amount : t.amount)
                         : (t.amount == kAmountMax ? p->amount : t.amount);
  if (a > p->amount) return TR::kExceedsPendingTransferAmount;
  if (is_void && a < p->amount) return TR::kPendingTransferHasDifferentAmount;
  ZQ_ASSIGN_OR_RETURN(std::optional<PendingStatus> status, store_->GetPendingStatus(p->timestamp));
  if (!status.has_value()) return Status::Corruption("ledger: pending transfer without status");
  if (*status == PendingStatus::kPosted) return TR::kPendingTransferAlreadyPosted;
  if (*status == PendingStatus::kVoided) return TR::kPendingTransferAlreadyVoided;
  if (*status == PendingStatus::kExpired) return TR::kPendingTransferExpired;
  ZQ_ASSERT(*status == PendingStatus::kPending);
  if (p->timeout != 0 && ExpiresAt(*p) <= timestamp) return TR::kPendingTransferExpired;
  if ((t.flags & tf::kImported) != 0) {
    ZQ_ASSIGN_OR_RETURN(bool regresses, TransferTimestampRegresses(timestamp));
    if (regresses) return TR::kImportedEventTimestampMustNotRegress;
  }
  ZQ_ASSIGN_OR_RETURN(bool dr_found, store_->GetAccount(p->debit_account_id, dr));
  ZQ_ASSIGN_OR_RETURN(bool cr_found, store_->GetAccount(p->credit_account_id, cr));
  if (!dr_found || !cr_found) return Status::Corruption("ledger: transfer account missing");
  if (!is_void && (dr->flags & af::kClosed) != 0) return TR::kDebitAccountAlreadyClosed;
  if (!is_void && (cr->flags & af::kClosed) != 0) return TR::kCreditAccountAlreadyClosed;
  *amount = a;
  return TR::kCreated;
}

// §6.3 step 11.
Result<CreateTransferResult> StateMachine::PostOrVoid(const Transfer& t, uint64_t timestamp) {
  Transfer p;
  Account dr, cr;
  u128 amount = 0;
  ZQ_ASSIGN_OR_RETURN(TR r, CheckPostOrVoid(t, timestamp, &p, &dr, &cr, &amount));
  if (r != TR::kCreated) return r;
  ZQ_ASSERT(amount <= p.amount);
  const bool is_post = (t.flags & tf::kPostPendingTransfer) != 0;
  Transfer created{};
  created.id = t.id;
  created.debit_account_id = p.debit_account_id;
  created.credit_account_id = p.credit_account_id;
  created.amount = amount;
  created.pending_id = t.pending_id;
  created.user_data_128 = t.user_data_128 != 0 ? t.user_data_128 : p.user_data_128;
  created.user_data_64 = t.user_data_64 != 0 ? t.user_data_64 : p.user_data_64;
  created.user_data_32 = t.user_data_32 != 0 ? t.user_data_32 : p.user_data_32;
  created.timeout = 0;
  created.ledger = p.ledger;
  created.code = p.code;
  created.flags = t.flags;
  created.timestamp = timestamp;
  ZQ_RETURN_IF_ERROR(DoInsertTransfer(created));
  Account dr_after = dr, cr_after = cr;
  ZQ_ASSERT(dr_after.debits_pending >= p.amount && cr_after.credits_pending >= p.amount);
  dr_after.debits_pending -= p.amount;
  cr_after.credits_pending -= p.amount;
  if (is_post) {
    ZQ_ASSERT(!AddOverflows(dr_after.debits_posted, amount));
    ZQ_ASSERT(!AddOverflows(cr_after.credits_posted, amount));
    dr_after.debits_posted += amount;
    cr_after.credits_posted += amount;
  } else {
    if ((p.flags & tf::kClosingDebit) != 0) dr_after.flags &= static_cast<uint16_t>(~af::kClosed);
    if ((p.flags & tf::kClosingCredit) != 0) cr_after.flags &= static_cast<uint16_t>(~af::kClosed);
  }
  ZQ_RETURN_IF_ERROR(
      DoPutPendingStatus(p.timestamp, is_post ? PendingStatus::kPosted : PendingStatus::kVoided));
  if (p.timeout != 0) {
    ZQ_RETURN_IF_ERROR(DoRemoveExpiry(ExpiryEntry{ExpiresAt(p), p.timestamp, p.id}));
  }
  ZQ_RETURN_IF_ERROR(WriteAccounts(dr, dr_after, cr, cr_after, timestamp, true));
  return TR::kCreated;
}

// Writes the accounts that changed and, for history accounts, their balances
// after the transfer at `timestamp` (§9.3).
Status StateMachine::WriteAccounts(const Account& dr_before, const Account& dr_after,
                                   const Account& cr_before, const Account& cr_after,
                                   uint64_t timestamp, bool record_history) {
  ZQ_ASSERT(dr_before.id == dr_after.id && cr_before.id == cr_after.id);
  ZQ_ASSERT(dr_after.id != cr_after.id);
  if (!SameBytes(dr_before, dr_after)) ZQ_RETURN_IF_ERROR(DoUpdateAccount(dr_before, dr_after));
  if (!SameBytes(cr_before, cr_after)) ZQ_RETURN_IF_ERROR(DoUpdateAccount(cr_before, cr_after));
  if (!record_history) return Status::Ok();
  if ((dr_after.flags & af::kHistory) != 0) ZQ_RETURN_IF_ERROR(DoPutBalance(dr_after, timestamp));
  if ((cr_after.flags & af::kHistory) != 0) ZQ_RETURN_IF_ERROR(DoPutBalance(cr_after, timestamp));
  return Status::Ok();
}

// --- Pulse: pending timeouts (§8) -----------------------------------------

Result<size_t> StateMachine::ExpirePendingTransfers(uint64_t now_timestamp) {
  ZQ_ASSERT(!chain_open_);
  ZQ_ASSERT(undo_.empty());
  ZQ_ASSIGN_OR_RETURN(uint64_t commit, store_->GetCommitTimestamp());
  if (now_timestamp <= commit || now_timestamp > kTimestampMax) {
    return Status::InvalidArgument("ledger pulse timestamp does not follow the last one");
  }
  std::vector<ExpiryEntry> due;
  ZQ_RETURN_IF_ERROR(store_->ScanExpiries(now_timestamp, kExpiriesPerPulseMax, &due));
  for (const ExpiryEntry& e : due) {
    Transfer p;
    ZQ_ASSIGN_OR_RETURN(bool found, store_->GetTransfer(e.transfer_id, &p));
    if (!found || p.timestamp != e.timestamp || p.timeout == 0 || ExpiresAt(p) != e.expires_at) {
      return Status::Corruption("ledger: expiry entry does not match its transfer");
    }
    ZQ_ASSIGN_OR_RETURN(std::optional<PendingStatus> status, store_->GetPendingStatus(p.timestamp));
    if (status != PendingStatus::kPending) {
      return Status::Corruption("ledger: expiry entry for a resolved transfer");
    }
    Account dr, cr;
    ZQ_ASSIGN_OR_RETURN(bool dr_found, store_->GetAccount(p.debit_account_id, &dr));
    ZQ_ASSIGN_OR_RETURN(bool cr_found, store_->GetAccount(p.credit_account_id, &cr));
    if (!dr_found || !cr_found) return Status::Corruption("ledger: transfer account missing");
    Account dr_after = dr, cr_after = cr;
    ZQ_ASSERT(dr.debits_pending >= p.amount && cr.credits_pending >= p.amount);
    dr_after.debits_pending -= p.amount;
    cr_after.credits_pending -= p.amount;
    if ((p.flags & tf::kClosingDebit) != 0) dr_after.flags &= static_cast<uint16_t>(~af::kClosed);
    if ((p.flags & tf::kClosingCredit) != 0) cr_after.flags &= static_cast<uint16_t>(~af::kClosed);
    ZQ_RETURN_IF_ERROR(DoPutPendingStatus(p.timestamp, PendingStatus::kExpired));
    ZQ_RETURN_IF_ERROR(DoRemoveExpiry(e));
    ZQ_RETURN_IF_ERROR(WriteAccounts(dr, dr_after, cr, cr_after, 0, /*record_history=*/false));
  }
  ZQ_RETURN_IF_ERROR(store_->SetCommitTimestamp(now_timestamp));
  ZQ_RETURN_IF_ERROR(store_->Flush());
  return due.size();
}

Result<uint64_t> StateMachine::NextExpiryTimestamp() {
  std::vector<ExpiryEntry> next;
  ZQ_RETURN_IF_ERROR(store_->ScanExpiries(~uint64_t{0}, 1, &next));
  ZQ_ASSERT(next.size() <= 1);
  return next.empty() ? uint64_t{0} : next[0].expires_at;
}

// --- Mutations and the chain undo log ---------------------------------------

Status StateMachine::DoInsertAccount(const Account& a) {
  ZQ_ASSERT(a.timestamp != 0);
  if (chain_open_) undo_.push_back(Undo{Undo::Kind::kAccountInserted, a, {}, {}, 0, {}});
  return store_->InsertAccount(a);
}

Status StateMachine::DoUpdateAccount(const Account& before, const Account& after) {
  ZQ_ASSERT(before.id == after.id && before.timestamp == after.timestamp);
  ZQ_ASSERT(before.ledger == after.ledger && before.code == after.code);
  if (chain_open_) undo_.push_back(Undo{Undo::Kind::kAccountUpdated, before, {}, {}, 0, {}});
  return store_->UpdateAccount(after);
}

Status StateMachine::DoInsertTransfer(const Transfer& t) {
  ZQ_ASSERT(t.timestamp != 0);
  ZQ_ASSERT(t.id != 0 && t.id != kU128Max);
  if (chain_open_) undo_.push_back(Undo{Undo::Kind::kTransferInserted, {}, t, {}, 0, {}});
  return store_->InsertTransfer(t);
}

Status StateMachine::DoPutPendingStatus(uint64_t timestamp, PendingStatus status) {
  ZQ_ASSERT(timestamp != 0);
  if (chain_open_) {
    ZQ_ASSIGN_OR_RETURN(std::optional<PendingStatus> prior, store_->GetPendingStatus(timestamp));
    undo_.push_back(Undo{Undo::Kind::kPendingStatusPut, {}, {}, {}, timestamp, prior});
  }
  return store_->PutPendingStatus(timestamp, status);
}

Status StateMachine::DoAddExpiry(const ExpiryEntry& e) {
  ZQ_ASSERT(e.expires_at > e.timestamp);
  if (chain_open_) undo_.push_back(Undo{Undo::Kind::kExpiryAdded, {}, {}, e, 0, {}});
  return store_->AddExpiry(e);
}

Status StateMachine::DoRemoveExpiry(const ExpiryEntry& e) {
  ZQ_ASSERT(e.expires_at > e.timestamp);
  if (chain_open_) undo_.push_back(Undo{Undo::Kind::kExpiryRemoved, {}, {}, e, 0, {}});
  return store_->RemoveExpiry(e);
}

Status StateMachine::DoPutBalance(const Account& account, uint64_t timestamp) {
  ZQ_ASSERT((account.flags & af::kHistory) != 0);
  ZQ_ASSERT(timestamp != 0);
  AccountBalance b{};
  b.debits_pending = account.debits_pending;
  b.debits_posted = account.debits_posted;
  b.credits_pending = account.credits_pending;
  b.credits_posted = account.credits_posted;
  b.timestamp = timestamp;
  if (chain_open_) undo_.push_back(Undo{Undo::Kind::kBalancePut, account, {}, {}, timestamp, {}});
  return store_->PutBalance(account.id, b);
}

Status StateMachine::RollbackChain() {
  ZQ_ASSERT(chain_open_);
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    const Undo& u = *it;
    switch (u.kind) {
      case Undo::Kind::kAccountInserted:
        ZQ_RETURN_IF_ERROR(store_->RemoveAccount(u.account));
        break;
      case Undo::Kind::kAccountUpdated:
        ZQ_RETURN_IF_ERROR(store_->UpdateAccount(u.account));
        break;
      case Undo::Kind::kTransferInserted:
        ZQ_RETURN_IF_ERROR(store_->RemoveTransfer(u.transfer));
        break;
      case Undo::Kind::kPendingStatusPut:
        if (u.prior_status.has_value()) {
          ZQ_RETURN_IF_ERROR(store_->PutPendingStatus(u.timestamp, *u.prior_status));
        } else {
          ZQ_RETURN_IF_ERROR(store_->RemovePendingStatus(u.timestamp));
        }
        break;
      case Undo::Kind::kExpiryAdded:
        ZQ_RETURN_IF_ERROR(store_->RemoveExpiry(u.expiry));
        break;
      case Undo::Kind::kExpiryRemoved:
        ZQ_RETURN_IF_ERROR(store_->AddExpiry(u.expiry));
        break;
      case Undo::Kind::kBalancePut:
        ZQ_RETURN_IF_ERROR(store_->RemoveBalance(u.account.id, u.timestamp));
        break;
    }
  }
  undo_.clear();
  ZQ_ASSERT(undo_.empty());
  return Status::Ok();
}

}  // namespace zq::ledger
