// ReferenceLedger: a deliberately naive ledger written straight from
// shared/reference/ledger-model.md, sharing nothing with StateMachine but the
// record types. It is the oracle of the model-based random test: plain maps,
// linear scans where the spec says "any"/"some", and chain rollback by saving
// the first-touched value of every key (not an operation log).
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <tuple>
#include <vector>

#include "ledger/types.hpp"

namespace zq::ledger::testing {

class ReferenceLedger {
 public:
  using AR = CreateAccountResult;
  using TR = CreateTransferResult;

  std::map<u128, Account> accounts;
  std::map<u128, Transfer> transfers;
  std::set<u128> failed_ids;
  std::map<uint64_t, PendingStatus> status_by_ts;  // pending transfer ts -> status
  std::set<uint64_t> live_pending;  // ts of unresolved pending transfers that have a timeout
  std::map<uint64_t, u128> account_ts, transfer_ts;  // timestamp -> id
  std::map<std::pair<u128, uint64_t>, AccountBalance> history;
  uint64_t last_timestamp = 0;

  std::vector<CreateAccountsResult> CreateAccounts(std::span<const Account> batch, uint64_t ts) {
    std::vector<CreateAccountsResult> out(batch.size());
    Run(batch, ts, out,
        [&](const Account& a, uint64_t slot, uint64_t* rts) { return OneAccount(a, slot, rts); });
    return out;
  }

  std::vector<CreateTransfersResult> CreateTransfers(std::span<const Transfer> batch, uint64_t ts) {
    std::vector<CreateTransfersResult> out(batch.size());
    Run(batch, ts, out,
        [&](const Transfer& t, uint64_t slot, uint64_t* rts) { return OneTransfer(t, slot, rts); });
    return out;
  }

  size_t Expire(uint64_t now) {
    std::vector<std::pair<uint64_t, uint64_t>> due;  // (expires_at, ts)
    for (uint64_t ts : live_pending) {
      const Transfer& p = transfers.at(transfer_ts.at(ts));
      if (p.timeout == 0) continue;
      const uint64_t at = p.timestamp + uint64_t{p.timeout} * 1000000000ull;
      if (at <= now) due.push_back({at, ts});
    }
    std::sort(due.begin(), due.end());
    if (due.size() > 8190) due.resize(8190);
    for (auto [at, ts] : due) {
      const Transfer p = transfers.at(transfer_ts.at(ts));
      Account& dr = accounts.at(p.debit_account_id);
      Account& cr = accounts.at(p.credit_account_id);
      dr.debits_pending -= p.amount;
      cr.credits_pending -= p.amount;
      if (p.flags & transfer_flags::kClosingDebit) dr.flags &= ~account_flags::kClosed;
      if (p.flags & transfer_flags::kClosingCredit) cr.flags &= ~account_flags::kClosed;
      status_by_ts[ts] = PendingStatus::kExpired;
      live_pending.erase(ts);
    }
    last_timestamp = now;
    return due.size();
  }

 private:
  // First-touched values of everything a chain changed.
  struct Saved {
    std::map<u128, std::optional<Account>> accounts;
    std::vector<u128> new_transfers;
    std::map<uint64_t, std::optional<PendingStatus>> statuses;
    std::vector<std::pair<u128, uint64_t>> new_history;
  };
  std::optional<Saved> saved_;

  void SaveAccount(u128 id) {
    if (!saved_ || saved_->accounts.count(id)) return;
    auto it = accounts.find(id);
    saved_->accounts[id] =
        it == accounts.end() ? std::optional<Account>() : std::optional<Account>(it->second);
  }
  void SaveStatus(uint64_t ts) {
    if (!saved_ || saved_->statuses.count(ts)) return;
    auto it = status_by_ts.find(ts);
    saved_->statuses[ts] = it == status_by_ts.end() ? std::optional<PendingStatus>()
                                                    : std::optional<PendingStatus>(it->second);
  }
  bool Timed(uint64_t ts) const { return transfers.at(transfer_ts.at(ts)).timeout != 0; }
  void SetStatus(uint64_t ts, PendingStatus s) {
    SaveStatus(ts);
    status_by_ts[ts] = s;
    if (s == PendingStatus::kPending && Timed(ts)) {
      live_pending.insert(ts);
    } else {
      live_pending.erase(ts);
    }
  }
  void Restore() {
    for (auto& [id, old] : saved_->accounts) {
      if (old) {
        accounts[id] = *old;
      } else {
        account_ts.erase(accounts.at(id).timestamp);
        accounts.erase(id);
      }
    }
    for (u128 id : saved_->new_transfers) {
      transfer_ts.erase(transfers.at(id).timestamp);
      transfers.erase(id);
    }
    for (auto& [ts, old] : saved_->statuses) {
      if (old) {
        status_by_ts[ts] = *old;
        if (*old == PendingStatus::kPending && Timed(ts))
          live_pending.insert(ts);
        else
          live_pending.erase(ts);
      } else {
        status_by_ts.erase(ts);
        live_pending.erase(ts);
      }
    }
    for (auto& key : saved_->new_history) history.erase(key);
  }

  static bool IsTransientCode(TR r) {
    return r == TR::kDebitAccountNotFound || r == TR::kCreditAccountNotFound ||
           r == TR::kPendingTransferNotFound || r == TR::kExceedsCredits ||
           r == TR::kExceedsDebits || r == TR::kDebitAccountAlreadyClosed ||
           r == TR::kCreditAccountAlreadyClosed;
  }
  static bool IsTransientCode(AR) { return false; }
  static AR PreludeCode(AR, int which) {
    const AR codes[] = {AR::kImportedEventExpected, AR::kImportedEventNotExpected,
                        AR::kImportedEventTimestampOutOfRange,
                        AR::kImportedEventTimestampMustNotAdvance, AR::kTimestampMustBeZero};
    return codes[which];
  }
  static TR PreludeCode(TR, int which) {
    const TR codes[] = {TR::kImportedEventExpected, TR::kImportedEventNotExpected,
                        TR::kImportedEventTimestampOutOfRange,
                        TR::kImportedEventTimestampMustNotAdvance, TR::kTimestampMustBeZero};
    return codes[which];
  }
  static uint16_t ImportedBit(const Account&) { return account_flags::kImported; }
  static uint16_t ImportedBit(const Transfer&) { return transfer_flags::kImported; }

  // The per-request loop of spec §7, literally.
  template <typename Event, typename Res, typename Fn>
  void Run(std::span<const Event> batch, uint64_t request_ts, std::vector<Res>& out, Fn one) {
    using Code = decltype(Res{}.status);
    const size_t n = batch.size();
    const bool batch_imported = n > 0 && (batch[0].flags & ImportedBit(batch[0]));
    const size_t kNoChain = n;  // sentinel: no chain open
    size_t chain_start = kNoChain;
    bool broken = false;
    for (size_t i = 0; i < n; i++) {
      const Event& e = batch[i];
      const bool linked = e.flags & 1;
      const uint64_t slot = request_ts - n + i + 1;
      if (linked && chain_start == kNoChain) {
        chain_start = i;
        saved_.emplace();
      }
      Code status;
      uint64_t rts = slot;
      if (linked && i == n - 1) {
        status = Code::kLinkedEventChainOpen;
      } else if (broken) {
        status = Code::kLinkedEventFailed;
      } else {
        const bool imp = e.flags & ImportedBit(e);
        if (batch_imported && !imp)
          status = PreludeCode(Code{}, 0);
        else if (!batch_imported && imp)
          status = PreludeCode(Code{}, 1);
        else if (imp && (e.timestamp == 0 || e.timestamp >= (uint64_t{1} << 63)))
          status = PreludeCode(Code{}, 2);
        else if (imp && e.timestamp >= request_ts)
          status = PreludeCode(Code{}, 3);
        else if (!imp && e.timestamp != 0)
          status = PreludeCode(Code{}, 4);
        else
          status = one(e, imp ? e.timestamp : slot, &rts);
      }
      if (status != Code::kCreated) {
        if (chain_start != kNoChain && !broken) {
          broken = true;
          Restore();
          for (size_t j = chain_start; j < i; j++) {
            out[j].status = Code::kLinkedEventFailed;
            out[j].timestamp = request_ts - n + j + 1;
          }
        }
        if (IsTransientCode(status)) failed_ids.insert(e.id);
      }
      out[i].status = status;
      out[i].timestamp = rts;
      if (chain_start != kNoChain && (!linked || status == Code::kLinkedEventChainOpen)) {
        chain_start = kNoChain;
        broken = false;
        saved_.reset();
      }
    }
    last_timestamp = request_ts;
  }

  bool AnyTransferAt(uint64_t ts) const { return transfer_ts.count(ts) != 0; }
  bool AnyAccountAt(uint64_t ts) const { return account_ts.count(ts) != 0; }
  uint64_t NewestAccountTs() const { return account_ts.empty() ? 0 : account_ts.rbegin()->first; }
  uint64_t NewestTransferTs() const {
    return transfer_ts.empty() ? 0 : transfer_ts.rbegin()->first;
  }

  AR OneAccount(const Account& a, uint64_t ts, uint64_t* rts) {
    if (a.reserved) return AR::kReservedField;
    if (a.flags >> 6) return AR::kReservedFlag;
    if (a.id == 0) return AR::kIdMustNotBeZero;
    if (a.id == ~u128{0}) return AR::kIdMustNotBeIntMax;
    if (accounts.count(a.id)) {
      const Account& e = accounts.at(a.id);
      if (a.flags != e.flags) return AR::kExistsWithDifferentFlags;
      if (a.user_data_128 != e.user_data_128) return AR::kExistsWithDifferentUserData128;
      if (a.user_data_64 != e.user_data_64) return AR::kExistsWithDifferentUserData64;
      if (a.user_data_32 != e.user_data_32) return AR::kExistsWithDifferentUserData32;
      if (a.ledger != e.ledger) return AR::kExistsWithDifferentLedger;
      if (a.code != e.code) return AR::kExistsWithDifferentCode;
      *rts = e.timestamp;
      return AR::kExists;
    }
    if ((a.flags & 2) && (a.flags & 4)) return AR::kFlagsAreMutuallyExclusive;
    if (a.debits_pending) return AR::kDebitsPendingMustBeZero;
    if (a.debits_posted) return AR::kDebitsPostedMustBeZero;
    if (a.credits_pending) return AR::kCreditsPendingMustBeZero;
    if (a.credits_posted) return AR::kCreditsPostedMustBeZero;
    if (a.ledger == 0) return AR::kLedgerMustNotBeZero;
    if (a.code == 0) return AR::kCodeMustNotBeZero;
    if ((a.flags & account_flags::kImported) && (ts <= NewestAccountTs() || AnyTransferAt(ts))) {
      return AR::kImportedEventTimestampMustNotRegress;
    }
    SaveAccount(a.id);
    Account n = a;
    n.timestamp = ts;
    accounts[a.id] = n;
    account_ts[ts] = a.id;
    *rts = ts;
    return AR::kCreated;
  }

  TR OneTransfer(const Transfer& t, uint64_t ts, uint64_t* rts) {
    namespace tf = transfer_flags;
    if (t.flags >> 9) return TR::kReservedFlag;
    if (t.id == 0) return TR::kIdMustNotBeZero;
    if (t.id == ~u128{0}) return TR::kIdMustNotBeIntMax;
    if (transfers.count(t.id)) {
      const TR r = Existing(t, transfers.at(t.id));
      if (r == TR::kExists) *rts = transfers.at(t.id).timestamp;
      return r;
    }
    if (failed_ids.count(t.id)) return TR::kIdAlreadyFailed;
    const TR r = (t.flags & (tf::kPostPendingTransfer | tf::kVoidPendingTransfer)) ? Resolve(t, ts)
                                                                                   : Simple(t, ts);
    if (r == TR::kCreated) *rts = ts;
    return r;
  }

  TR Existing(const Transfer& t, const Transfer& e) {
    namespace tf = transfer_flags;
    if (t.flags != e.flags) return TR::kExistsWithDifferentFlags;
    if (t.pending_id != e.pending_id) return TR::kExistsWithDifferentPendingId;
    if (t.timeout != e.timeout) return TR::kExistsWithDifferentTimeout;
    if (t.flags & (tf::kPostPendingTransfer | tf::kVoidPendingTransfer)) {
      const Transfer& p = transfers.at(e.pending_id);
      if (t.debit_account_id && t.debit_account_id != e.debit_account_id)
        return TR::kExistsWithDifferentDebitAccountId;
      if (t.credit_account_id && t.credit_account_id != e.credit_account_id)
        return TR::kExistsWithDifferentCreditAccountId;
      if (t.flags & tf::kVoidPendingTransfer) {
        if (t.amount == 0 ? e.amount != p.amount : t.amount != e.amount)
          return TR::kExistsWithDifferentAmount;
      } else {
        if (t.amount == ~u128{0} ? e.amount != p.amount : t.amount != e.amount)
          return TR::kExistsWithDifferentAmount;
      }
      if (t.user_data_128 == 0 ? e.user_data_128 != p.user_data_128
                               : e.user_data_128 != t.user_data_128)
        return TR::kExistsWithDifferentUserData128;
      if (t.user_data_64 == 0 ? e.user_data_64 != p.user_data_64 : e.user_data_64 != t.user_data_64)
        return TR::kExistsWithDifferentUserData64;
      if (t.user_data_32 == 0 ? e.user_data_32 != p.user_data_32 : e.user_data_32 != t.user_data_32)
        return TR::kExistsWithDifferentUserData32;
      if (t.ledger && t.ledger != e.ledger) return TR::kExistsWithDifferentLedger;
      if (t.code && t.code != e.code) return TR::kExistsWithDifferentCode;
      return TR::kExists;
    }
    if (t.debit_account_id != e.debit_account_id) return TR::kExistsWithDifferentDebitAccountId;
    if (t.credit_account_id != e.credit_account_id) return TR::kExistsWithDifferentCreditAccountId;
    if (t.flags & (tf::kBalancingDebit | tf::kBalancingCredit)) {
      if (t.amount < e.amount) return TR::kExistsWithDifferentAmount;
    } else if (t.amount != e.amount) {
      return TR::kExistsWithDifferentAmount;
    }
    if (t.user_data_128 != e.user_data_128) return TR::kExistsWithDifferentUserData128;
    if (t.user_data_64 != e.user_data_64) return TR::kExistsWithDifferentUserData64;
    if (t.user_data_32 != e.user_data_32) return TR::kExistsWithDifferentUserData32;
    if (t.ledger != e.ledger) return TR::kExistsWithDifferentLedger;
    if (t.code != e.code) return TR::kExistsWithDifferentCode;
    return TR::kExists;
  }

  static bool Overflows(u128 a, u128 b) { return a + b < a; }
  static bool Overflows3(u128 a, u128 b, u128 c) { return Overflows(a, b) || Overflows(a + b, c); }

  TR Simple(const Transfer& t, uint64_t ts) {
    namespace tf = transfer_flags;
    namespace af = account_flags;
    const u128 kMax = ~u128{0};
    if (t.debit_account_id == 0) return TR::kDebitAccountIdMustNotBeZero;
    if (t.debit_account_id == kMax) return TR::kDebitAccountIdMustNotBeIntMax;
    if (t.credit_account_id == 0) return TR::kCreditAccountIdMustNotBeZero;
    if (t.credit_account_id == kMax) return TR::kCreditAccountIdMustNotBeIntMax;
    if (t.credit_account_id == t.debit_account_id) return TR::kAccountsMustBeDifferent;
    if (t.pending_id) return TR::kPendingIdMustBeZero;
    const bool pending = t.flags & tf::kPending;
    if (!pending && t.timeout) return TR::kTimeoutReservedForPendingTransfer;
    if (!pending && (t.flags & (tf::kClosingDebit | tf::kClosingCredit)))
      return TR::kClosingTransferMustBePending;
    if (!t.ledger) return TR::kLedgerMustNotBeZero;
    if (!t.code) return TR::kCodeMustNotBeZero;
    if (!accounts.count(t.debit_account_id)) return TR::kDebitAccountNotFound;
    if (!accounts.count(t.credit_account_id)) return TR::kCreditAccountNotFound;
    const Account dr = accounts.at(t.debit_account_id);
    const Account cr = accounts.at(t.credit_account_id);
    if (dr.ledger != cr.ledger) return TR::kAccountsMustHaveTheSameLedger;
    if (t.ledger != dr.ledger) return TR::kTransferMustHaveTheSameLedgerAsAccounts;
    if (t.flags & tf::kImported) {
      if (ts <= NewestTransferTs() || AnyAccountAt(ts))
        return TR::kImportedEventTimestampMustNotRegress;
      if (ts <= dr.timestamp) return TR::kImportedEventTimestampMustPostdateDebitAccount;
      if (ts <= cr.timestamp) return TR::kImportedEventTimestampMustPostdateCreditAccount;
      if (t.timeout) return TR::kImportedEventTimeoutMustBeZero;
    }
    if (dr.flags & af::kClosed) return TR::kDebitAccountAlreadyClosed;
    if (cr.flags & af::kClosed) return TR::kCreditAccountAlreadyClosed;
    u128 amount = t.amount;
    if (t.flags & tf::kBalancingDebit) {
      const u128 used = dr.debits_posted + dr.debits_pending;
      const u128 room = dr.credits_posted > used ? dr.credits_posted - used : 0;
      if (room < amount) amount = room;
    }
    if (t.flags & tf::kBalancingCredit) {
      const u128 used = cr.credits_posted + cr.credits_pending;
      const u128 room = cr.debits_posted > used ? cr.debits_posted - used : 0;
      if (room < amount) amount = room;
    }
    if (pending && Overflows(dr.debits_pending, amount)) return TR::kOverflowsDebitsPending;
    if (pending && Overflows(cr.credits_pending, amount)) return TR::kOverflowsCreditsPending;
    if (Overflows(dr.debits_posted, amount)) return TR::kOverflowsDebitsPosted;
    if (Overflows(cr.credits_posted, amount)) return TR::kOverflowsCreditsPosted;
    if (Overflows3(dr.debits_pending, dr.debits_posted, amount)) return TR::kOverflowsDebits;
    if (Overflows3(cr.credits_pending, cr.credits_posted, amount)) return TR::kOverflowsCredits;
    if (u128{ts} + u128{t.timeout} * 1000000000u >= (u128{1} << 63)) return TR::kOverflowsTimeout;
    if ((dr.flags & af::kDebitsMustNotExceedCredits) &&
        dr.debits_pending + dr.debits_posted + amount > dr.credits_posted)
      return TR::kExceedsCredits;
    if ((cr.flags & af::kCreditsMustNotExceedDebits) &&
        cr.credits_pending + cr.credits_posted + amount > cr.debits_posted)
      return TR::kExceedsDebits;
    Transfer n = t;
    n.amount = amount;
    n.timestamp = ts;
    AddTransfer(n);
    SaveAccount(dr.id);
    SaveAccount(cr.id);
    Account& d = accounts.at(dr.id);
    Account& c = accounts.at(cr.id);
    if (pending) {
      d.debits_pending += amount;
      c.credits_pending += amount;
      SetStatus(ts, PendingStatus::kPending);
    } else {
      d.debits_posted += amount;
      c.credits_posted += amount;
    }
    if (t.flags & tf::kClosingDebit) d.flags |= af::kClosed;
    if (t.flags & tf::kClosingCredit) c.flags |= af::kClosed;
    Snapshot(d, ts);
    Snapshot(c, ts);
    return TR::kCreated;
  }

  TR Resolve(const Transfer& t, uint64_t ts) {
    namespace tf = transfer_flags;
    namespace af = account_flags;
    const bool post = t.flags & tf::kPostPendingTransfer;
    const bool is_void = t.flags & tf::kVoidPendingTransfer;
    if (post && is_void) return TR::kFlagsAreMutuallyExclusive;
    if (t.flags & (tf::kPending | tf::kBalancingDebit | tf::kBalancingCredit | tf::kClosingDebit |
                   tf::kClosingCredit))
      return TR::kFlagsAreMutuallyExclusive;
    if (t.pending_id == 0) return TR::kPendingIdMustNotBeZero;
    if (t.pending_id == ~u128{0}) return TR::kPendingIdMustNotBeIntMax;
    if (t.pending_id == t.id) return TR::kPendingIdMustBeDifferent;
    if (t.timeout) return TR::kTimeoutReservedForPendingTransfer;
    if (!transfers.count(t.pending_id)) return TR::kPendingTransferNotFound;
    const Transfer p = transfers.at(t.pending_id);
    if (!(p.flags & tf::kPending)) return TR::kPendingTransferNotPending;
    if (t.debit_account_id && t.debit_account_id != p.debit_account_id)
      return TR::kPendingTransferHasDifferentDebitAccountId;
    if (t.credit_account_id && t.credit_account_id != p.credit_account_id)
      return TR::kPendingTransferHasDifferentCreditAccountId;
    if (t.ledger && t.ledger != p.ledger) return TR::kPendingTransferHasDifferentLedger;
    if (t.code && t.code != p.code) return TR::kPendingTransferHasDifferentCode;
    u128 amount = t.amount;
    if (is_void && amount == 0) amount = p.amount;
    if (post && amount == ~u128{0}) amount = p.amount;
    if (amount > p.amount) return TR::kExceedsPendingTransferAmount;
    if (is_void && amount < p.amount) return TR::kPendingTransferHasDifferentAmount;
    switch (status_by_ts.at(p.timestamp)) {
      case PendingStatus::kPosted:
        return TR::kPendingTransferAlreadyPosted;
      case PendingStatus::kVoided:
        return TR::kPendingTransferAlreadyVoided;
      case PendingStatus::kExpired:
        return TR::kPendingTransferExpired;
      case PendingStatus::kPending:
        break;
    }
    if (p.timeout && p.timestamp + uint64_t{p.timeout} * 1000000000ull <= ts)
      return TR::kPendingTransferExpired;
    if ((t.flags & tf::kImported) && (ts <= NewestTransferTs() || AnyAccountAt(ts)))
      return TR::kImportedEventTimestampMustNotRegress;
    const Account dr = accounts.at(p.debit_account_id);
    const Account cr = accounts.at(p.credit_account_id);
    if (!is_void && (dr.flags & af::kClosed)) return TR::kDebitAccountAlreadyClosed;
    if (!is_void && (cr.flags & af::kClosed)) return TR::kCreditAccountAlreadyClosed;
    Transfer n{};
    n.id = t.id;
    n.debit_account_id = p.debit_account_id;
    n.credit_account_id = p.credit_account_id;
    n.amount = amount;
    n.pending_id = p.id;
    n.user_data_128 = t.user_data_128 ? t.user_data_128 : p.user_data_128;
    n.user_data_64 = t.user_data_64 ? t.user_data_64 : p.user_data_64;
    n.user_data_32 = t.user_data_32 ? t.user_data_32 : p.user_data_32;
    n.ledger = p.ledger;
    n.code = p.code;
    n.flags = t.flags;
    n.timestamp = ts;
    AddTransfer(n);
    SaveAccount(dr.id);
    SaveAccount(cr.id);
    Account& d = accounts.at(dr.id);
    Account& c = accounts.at(cr.id);
    d.debits_pending -= p.amount;
    c.credits_pending -= p.amount;
    if (post) {
      d.debits_posted += amount;
      c.credits_posted += amount;
    } else {
      if (p.flags & tf::kClosingDebit) d.flags &= ~af::kClosed;
      if (p.flags & tf::kClosingCredit) c.flags &= ~af::kClosed;
    }
    SetStatus(p.timestamp, post ? PendingStatus::kPosted : PendingStatus::kVoided);
    Snapshot(d, ts);
    Snapshot(c, ts);
    return TR::kCreated;
  }

  void AddTransfer(const Transfer& n) {
    transfers[n.id] = n;
    transfer_ts[n.timestamp] = n.id;
    if (saved_) saved_->new_transfers.push_back(n.id);
  }
  void Snapshot(const Account& a, uint64_t ts) {
    if (!(a.flags & account_flags::kHistory)) return;
    AccountBalance b{};
    b.debits_pending = a.debits_pending;
    b.debits_posted = a.debits_posted;
    b.credits_pending = a.credits_pending;
    b.credits_posted = a.credits_posted;
    b.timestamp = ts;
    history[{a.id, ts}] = b;
    if (saved_) saved_->new_history.push_back({a.id, ts});
  }
};

}  // namespace zq::ledger::testing
