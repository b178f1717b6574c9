// StateMachine reads (spec §9): lookups, account filters, query filters, and
// the state hash used by determinism tests.
#include <xxhash.h>

#include <algorithm>
#include <cstring>

#include "ledger/state_machine.hpp"
#include "util/assert.hpp"

namespace zq::ledger {

namespace {

bool AllZero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] != 0) return false;
  }
  return true;
}

// Each bound is 0 ("none") or a valid timestamp; a set maximum is >= minimum.
bool TimestampRangeValid(uint64_t min, uint64_t max) {
  if (min > kTimestampMax || max > kTimestampMax) return false;
  return max == 0 || min <= max;
}

template <typename Record>
bool MatchesQuery(const Record& r, const QueryFilter& f) {
  if (f.user_data_128 != 0 && r.user_data_128 != f.user_data_128) return false;
  if (f.user_data_64 != 0 && r.user_data_64 != f.user_data_64) return false;
  if (f.user_data_32 != 0 && r.user_data_32 != f.user_data_32) return false;
  if (f.ledger != 0 && r.ledger != f.ledger) return false;
  return f.code == 0 || r.code == f.code;
}

bool MatchesAccountFilter(const Transfer& t, const AccountFilter& f) {
  if (f.user_data_128 != 0 && t.user_data_128 != f.user_data_128) return false;
  if (f.user_data_64 != 0 && t.user_data_64 != f.user_data_64) return false;
  if (f.user_data_32 != 0 && t.user_data_32 != f.user_data_32) return false;
  return f.code == 0 || t.code == f.code;
}

Result<bool> LoadRecord(LedgerStore* store, u128 id, Account* out) {
  return store->GetAccount(id, out);
}
Result<bool> LoadRecord(LedgerStore* store, u128 id, Transfer* out) {
  return store->GetTransfer(id, out);
}

}  // namespace

bool AccountFilterValid(const AccountFilter& f) {
  if (f.account_id == 0 || f.account_id == kU128Max) return false;
  if (!TimestampRangeValid(f.timestamp_min, f.timestamp_max)) return false;
  if (f.limit == 0) return false;
  if ((f.flags & (account_filter_flags::kDebits | account_filter_flags::kCredits)) == 0) {
    return false;
  }
  if ((f.flags & account_filter_flags::kPadding) != 0) return false;
  return AllZero(f.reserved, sizeof f.reserved);
}

bool QueryFilterValid(const QueryFilter& f) {
  if (!TimestampRangeValid(f.timestamp_min, f.timestamp_max)) return false;
  if (f.limit == 0) return false;
  if ((f.flags & query_filter_flags::kPadding) != 0) return false;
  return AllZero(f.reserved, sizeof f.reserved);
}

Status StateMachine::LookupAccounts(std::span<const u128> ids, std::vector<Account>* out) {
  ZQ_ASSERT(out != nullptr);
  out->clear();
  if (ids.size() > kBatchEventsMax) return Status::LimitExceeded("lookup batch too large");
  for (u128 id : ids) {
    Account a;
    ZQ_ASSIGN_OR_RETURN(bool found, store_->GetAccount(id, &a));
    if (found) out->push_back(a);
  }
  ZQ_ASSERT(out->size() <= ids.size());
  return Status::Ok();
}

Status StateMachine::LookupTransfers(std::span<const u128> ids, std::vector<Transfer>* out) {
  ZQ_ASSERT(out != nullptr);
  out->clear();
  if (ids.size() > kBatchEventsMax) return Status::LimitExceeded("lookup batch too large");
  for (u128 id : ids) {
    Transfer t;
    ZQ_ASSIGN_OR_RETURN(bool found, store_->GetTransfer(id, &t));
    if (found) out->push_back(t);
  }
  ZQ_ASSERT(out->size() <= ids.size());
  return Status::Ok();
}

// §9.2 on a valid filter: the debit-side and credit-side index streams are each
// cut at `limit` matches, then merged by timestamp (a transfer is never on both
// sides: accounts_must_be_different).
Status StateMachine::SelectAccountTransfers(const AccountFilter& f, std::vector<Transfer>* out) {
  ZQ_ASSERT(AccountFilterValid(f));
  ZQ_ASSERT(out->empty());
  const uint64_t lo = f.timestamp_min != 0 ? f.timestamp_min : 1;
  const uint64_t hi = f.timestamp_max != 0 ? f.timestamp_max : kTimestampMax;
  const size_t limit = std::min<size_t>(f.limit, kQueryResultsMax);
  const bool reversed = (f.flags & account_filter_flags::kReversed) != 0;
  std::vector<Transfer> sides[2];
  const IndexId indexes[2] = {IndexId::kTransferDebitAccountId, IndexId::kTransferCreditAccountId};
  const uint32_t side_flags[2] = {account_filter_flags::kDebits, account_filter_flags::kCredits};
  for (int s = 0; s < 2; s++) {
    if ((f.flags & side_flags[s]) == 0) continue;
    std::vector<Transfer>* dst = &sides[s];
    ZQ_RETURN_IF_ERROR(store_->ScanIndex(
        indexes[s], f.account_id, lo, hi, reversed, [&](uint64_t ts, u128 id) -> Result<bool> {
          Transfer t;
          ZQ_ASSIGN_OR_RETURN(bool found, store_->GetTransfer(id, &t));
          if (!found || t.timestamp != ts) return Status::Corruption("ledger: stale index entry");
          if (MatchesAccountFilter(t, f)) dst->push_back(t);
          return dst->size() < limit;
        }));
  }
  auto before = [reversed](const Transfer& a, const Transfer& b) {
    return reversed ? a.timestamp > b.timestamp : a.timestamp < b.timestamp;
  };
  out->resize(sides[0].size() + sides[1].size());
  std::merge(sides[0].begin(), sides[0].end(), sides[1].begin(), sides[1].end(), out->begin(),
             before);
  if (out->size() > limit) out->resize(limit);
  return Status::Ok();
}

Status StateMachine::GetAccountTransfers(const AccountFilter& filter, std::vector<Transfer>* out) {
  ZQ_ASSERT(out != nullptr);
  out->clear();
  if (!AccountFilterValid(filter)) return Status::Ok();
  return SelectAccountTransfers(filter, out);
}

// §9.3: one balance row per selected transfer, for history accounts only.
Status StateMachine::GetAccountBalances(const AccountFilter& filter,
                                        std::vector<AccountBalance>* out) {
  ZQ_ASSERT(out != nullptr);
  out->clear();
  if (!AccountFilterValid(filter)) return Status::Ok();
  Account account;
  ZQ_ASSIGN_OR_RETURN(bool found, store_->GetAccount(filter.account_id, &account));
  if (!found || (account.flags & account_flags::kHistory) == 0) return Status::Ok();
  std::vector<Transfer> transfers;
  ZQ_RETURN_IF_ERROR(SelectAccountTransfers(filter, &transfers));
  out->reserve(transfers.size());
  for (const Transfer& t : transfers) {
    AccountBalance b;
    ZQ_ASSIGN_OR_RETURN(bool have, store_->GetBalance(filter.account_id, t.timestamp, &b));
    if (!have) return Status::Corruption("ledger: history account lacks a balance row");
    out->push_back(b);
  }
  ZQ_ASSERT(out->size() == transfers.size());
  return Status::Ok();
}

// §9.4: drive the scan by the first non-zero field's index (else the timestamp
// index) and check the other fields on the record.
template <typename Record>
Status StateMachine::QueryObjects(const QueryFilter& f, bool accounts, std::vector<Record>* out) {
  ZQ_ASSERT(out != nullptr && out->empty());
  ZQ_ASSERT(QueryFilterValid(f));
  const size_t base = accounts ? 0 : kAccountIndexCount;
  // Field order in both index groups: timestamp, [debit, credit,] ud128, ud64, ud32, ledger, code.
  const size_t field_base = accounts ? base + 1 : base + 3;
  IndexId index = static_cast<IndexId>(base);
  u128 value = 0;
  const u128 fields[5] = {f.user_data_128, f.user_data_64, f.user_data_32, f.ledger, f.code};
  for (size_t i = 0; i < 5; i++) {
    if (fields[i] != 0) {
      index = static_cast<IndexId>(field_base + i);
      value = fields[i];
      break;
    }
  }
  const uint64_t lo = f.timestamp_min != 0 ? f.timestamp_min : 1;
  const uint64_t hi = f.timestamp_max != 0 ? f.timestamp_max : kTimestampMax;
  const size_t limit = std::min<size_t>(f.limit, kQueryResultsMax);
  const bool reversed = (f.flags & query_filter_flags::kReversed) != 0;
  ZQ_RETURN_IF_ERROR(
      store_->ScanIndex(index, value, lo, hi, reversed, [&](uint64_t ts, u128 id) -> Result<bool> {
        Record r;
        ZQ_ASSIGN_OR_RETURN(bool found, LoadRecord(store_, id, &r));
        if (!found || r.timestamp != ts) return Status::Corruption("ledger: stale index entry");
        if (MatchesQuery(r, f)) out->push_back(r);
        return out->size() < limit;
      }));
  ZQ_ASSERT(out->size() <= limit);
  return Status::Ok();
}

Status StateMachine::QueryAccounts(const QueryFilter& filter, std::vector<Account>* out) {
  ZQ_ASSERT(out != nullptr);
  out->clear();
  if (!QueryFilterValid(filter)) return Status::Ok();
  return QueryObjects(filter, true, out);
}

Status StateMachine::QueryTransfers(const QueryFilter& filter, std::vector<Transfer>* out) {
  ZQ_ASSERT(out != nullptr);
  out->clear();
  if (!QueryFilterValid(filter)) return Status::Ok();
  return QueryObjects(filter, false, out);
}

// Sections are tagged so that moving a record between sections changes the hash.
Result<StateHash> StateMachine::ComputeStateHash() {
  ZQ_ASSERT(!chain_open_);
  XXH3_state_t* state = XXH3_createState();
  ZQ_ASSERT(state != nullptr);
  XXH3_128bits_reset(state);
  auto put = [state](const void* p, size_t n) { XXH3_128bits_update(state, p, n); };
  auto tag = [&](uint8_t t) { put(&t, 1); };
  Status s;
  tag(1);
  s = store_->ForEachAccount([&](const Account& a) {
    put(&a, sizeof a);
    return true;
  });
  if (s.ok()) {
    tag(2);
    s = store_->ForEachTransfer([&](const Transfer& t) {
      put(&t, sizeof t);
      return true;
    });
  }
  if (s.ok()) {
    tag(3);
    s = store_->ForEachPendingStatus([&](uint64_t ts, PendingStatus st) {
      const uint8_t b = static_cast<uint8_t>(st);
      put(&ts, sizeof ts);
      put(&b, 1);
      return true;
    });
  }
  if (s.ok()) {
    tag(4);
    s = store_->ForEachFailedTransferId([&](u128 id) {
      put(&id, sizeof id);
      return true;
    });
  }
  std::vector<ExpiryEntry> expiries;
  if (s.ok()) s = store_->ScanExpiries(~uint64_t{0}, ~size_t{0}, &expiries);
  if (s.ok()) {
    tag(5);
    for (const ExpiryEntry& e : expiries) {
      put(&e.expires_at, 8);
      put(&e.timestamp, 8);
      put(&e.transfer_id, 16);
    }
    tag(6);
    s = store_->ForEachBalance([&](u128 account_id, const AccountBalance& b) {
      put(&account_id, sizeof account_id);
      put(&b, sizeof b);
      return true;
    });
  }
  Result<uint64_t> commit = s.ok() ? store_->GetCommitTimestamp() : Result<uint64_t>(s);
  if (commit.ok()) {
    tag(7);
    put(&*commit, sizeof(uint64_t));
  }
  const XXH128_hash_t digest = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  if (!commit.ok()) return commit.status();
  return StateHash{digest.high64, digest.low64};
}

}  // namespace zq::ledger
