// MemoryLedgerStore (memory_ledger_store.hpp). Contract violations by the
// state machine (inserting an existing id, removing a missing one) are bugs:
// they assert.
#include "ledger/memory_ledger_store.hpp"

#include "util/assert.hpp"

namespace zq::ledger {

void MemoryLedgerStore::IndexInsert(IndexId index, u128 value, uint64_t timestamp, u128 id) {
  ZQ_ASSERT(static_cast<size_t>(index) < kIndexCount);
  const bool inserted =
      indexes_[static_cast<size_t>(index)].emplace(IndexKey{value, timestamp}, id).second;
  ZQ_ASSERT(inserted);
}

void MemoryLedgerStore::IndexRemove(IndexId index, u128 value, uint64_t timestamp, u128 id) {
  ZQ_ASSERT(static_cast<size_t>(index) < kIndexCount);
  auto& map = indexes_[static_cast<size_t>(index)];
  auto it = map.find(IndexKey{value, timestamp});
  ZQ_ASSERT(it != map.end() && it->second == id);
  map.erase(it);
}

Result<bool> MemoryLedgerStore::GetAccount(u128 id, Account* out) {
  ZQ_ASSERT(out != nullptr);
  auto it = accounts_.find(id);
  if (it == accounts_.end()) return false;
  *out = it->second;
  ZQ_ASSERT(out->id == id);
  return true;
}

Status MemoryLedgerStore::InsertAccount(const Account& account) {
  const bool inserted = accounts_.emplace(account.id, account).second;
  ZQ_ASSERT(inserted);
  const AccountIndexEntries e = IndexEntriesOf(account);
  for (size_t i = 0; i < kAccountIndexCount; i++) {
    if (e.present[i])
      IndexInsert(e.entries[i].index, e.entries[i].value, account.timestamp, account.id);
  }
  return Status::Ok();
}

Status MemoryLedgerStore::UpdateAccount(const Account& account) {
  auto it = accounts_.find(account.id);
  ZQ_ASSERT(it != accounts_.end());
  ZQ_ASSERT(it->second.timestamp == account.timestamp);
  it->second = account;
  return Status::Ok();
}

Status MemoryLedgerStore::RemoveAccount(const Account& account) {
  auto it = accounts_.find(account.id);
  ZQ_ASSERT(it != accounts_.end());
  ZQ_ASSERT(it->second.timestamp == account.timestamp);
  const AccountIndexEntries e = IndexEntriesOf(it->second);
  for (size_t i = 0; i < kAccountIndexCount; i++) {
    if (e.present[i])
      IndexRemove(e.entries[i].index, e.entries[i].value, account.timestamp, account.id);
  }
  accounts_.erase(it);
  return Status::Ok();
}

Result<bool> MemoryLedgerStore::GetTransfer(u128 id, Transfer* out) {
  ZQ_ASSERT(out != nullptr);
  auto it = transfers_.find(id);
  if (it == transfers_.end()) return false;
  *out = it->second;
  ZQ_ASSERT(out->id == id);
  return true;
}

Status MemoryLedgerStore::InsertTransfer(const Transfer& transfer) {
  const bool inserted = transfers_.emplace(transfer.id, transfer).second;
  ZQ_ASSERT(inserted);
  const TransferIndexEntries e = IndexEntriesOf(transfer);
  for (size_t i = 0; i < kTransferIndexCount; i++) {
    if (e.present[i])
      IndexInsert(e.entries[i].index, e.entries[i].value, transfer.timestamp, transfer.id);
  }
  return Status::Ok();
}

Status MemoryLedgerStore::RemoveTransfer(const Transfer& transfer) {
  auto it = transfers_.find(transfer.id);
  ZQ_ASSERT(it != transfers_.end());
  ZQ_ASSERT(it->second.timestamp == transfer.timestamp);
  const TransferIndexEntries e = IndexEntriesOf(it->second);
  for (size_t i = 0; i < kTransferIndexCount; i++) {
    if (e.present[i])
      IndexRemove(e.entries[i].index, e.entries[i].value, transfer.timestamp, transfer.id);
  }
  transfers_.erase(it);
  return Status::Ok();
}

Result<bool> MemoryLedgerStore::IsFailedTransferId(u128 id) {
  ZQ_ASSERT(id != 0);
  return failed_ids_.count(id) != 0;
}

Status MemoryLedgerStore::AddFailedTransferId(u128 id) {
  ZQ_ASSERT(id != 0);
  ZQ_ASSERT(transfers_.count(id) == 0);
  failed_ids_.insert(id);
  return Status::Ok();
}

Result<std::optional<PendingStatus>> MemoryLedgerStore::GetPendingStatus(uint64_t timestamp) {
  ZQ_ASSERT(timestamp != 0);
  auto it = pending_.find(timestamp);
  if (it == pending_.end()) return std::optional<PendingStatus>();
  return std::optional<PendingStatus>(it->second);
}

Status MemoryLedgerStore::PutPendingStatus(uint64_t timestamp, PendingStatus status) {
  ZQ_ASSERT(timestamp != 0);
  ZQ_ASSERT(status >= PendingStatus::kPending && status <= PendingStatus::kExpired);
  pending_[timestamp] = status;
  return Status::Ok();
}

Status MemoryLedgerStore::RemovePendingStatus(uint64_t timestamp) {
  const size_t erased = pending_.erase(timestamp);
  ZQ_ASSERT(erased == 1);
  return Status::Ok();
}

Status MemoryLedgerStore::AddExpiry(const ExpiryEntry& entry) {
  ZQ_ASSERT(entry.expires_at > entry.timestamp);
  const bool inserted =
      expiries_.emplace(std::make_pair(entry.expires_at, entry.timestamp), entry.transfer_id)
          .second;
  ZQ_ASSERT(inserted);
  return Status::Ok();
}

Status MemoryLedgerStore::RemoveExpiry(const ExpiryEntry& entry) {
  auto it = expiries_.find(std::make_pair(entry.expires_at, entry.timestamp));
  ZQ_ASSERT(it != expiries_.end());
  ZQ_ASSERT(it->second == entry.transfer_id);
  expiries_.erase(it);
  return Status::Ok();
}

Status MemoryLedgerStore::ScanExpiries(uint64_t expires_at_max, size_t count_max,
                                       std::vector<ExpiryEntry>* out) {
  ZQ_ASSERT(out != nullptr);
  out->clear();
  for (const auto& [key, id] : expiries_) {
    if (key.first > expires_at_max || out->size() >= count_max) break;
    out->push_back(ExpiryEntry{key.first, key.second, id});
  }
  ZQ_ASSERT(out->size() <= count_max);
  return Status::Ok();
}

Status MemoryLedgerStore::PutBalance(u128 account_id, const AccountBalance& balance) {
  ZQ_ASSERT(account_id != 0);
  ZQ_ASSERT(balance.timestamp != 0);
  const bool inserted =
      balances_.emplace(std::make_pair(account_id, balance.timestamp), balance).second;
  ZQ_ASSERT(inserted);
  return Status::Ok();
}

Status MemoryLedgerStore::RemoveBalance(u128 account_id, uint64_t timestamp) {
  const size_t erased = balances_.erase(std::make_pair(account_id, timestamp));
  ZQ_ASSERT(erased == 1);
  return Status::Ok();
}

Result<bool> MemoryLedgerStore::GetBalance(u128 account_id, uint64_t timestamp,
                                           AccountBalance* out) {
  ZQ_ASSERT(out != nullptr);
  auto it = balances_.find(std::make_pair(account_id, timestamp));
  if (it == balances_.end()) return false;
  *out = it->second;
  ZQ_ASSERT(out->timestamp == timestamp);
  return true;
}

Status MemoryLedgerStore::SetCommitTimestamp(uint64_t timestamp) {
  ZQ_ASSERT(timestamp >= commit_timestamp_);
  ZQ_ASSERT(timestamp <= kTimestampMax);
  commit_timestamp_ = timestamp;
  return Status::Ok();
}

Status MemoryLedgerStore::ScanIndex(IndexId index, u128 value, uint64_t timestamp_min,
                                    uint64_t timestamp_max, bool reversed,
                                    const IndexVisitor& visit) {
  ZQ_ASSERT(static_cast<size_t>(index) < kIndexCount);
  ZQ_ASSERT(timestamp_min <= timestamp_max);
  const Index& map = indexes_[static_cast<size_t>(index)];
  auto lo = map.lower_bound(IndexKey{value, timestamp_min});
  auto hi = map.upper_bound(IndexKey{value, timestamp_max});
  if (!reversed) {
    for (auto it = lo; it != hi; ++it) {
      ZQ_ASSIGN_OR_RETURN(bool more, visit(it->first.second, it->second));
      if (!more) break;
    }
  } else {
    for (auto it = hi; it != lo;) {
      --it;
      ZQ_ASSIGN_OR_RETURN(bool more, visit(it->first.second, it->second));
      if (!more) break;
    }
  }
  return Status::Ok();
}

Status MemoryLedgerStore::ForEachAccount(const AccountVisitor& visit) {
  for (const auto& [id, a] : accounts_) {
    if (!visit(a)) break;
  }
  return Status::Ok();
}

Status MemoryLedgerStore::ForEachTransfer(const TransferVisitor& visit) {
  for (const auto& [id, t] : transfers_) {
    if (!visit(t)) break;
  }
  return Status::Ok();
}

Status MemoryLedgerStore::ForEachPendingStatus(const PendingVisitor& visit) {
  for (const auto& [ts, status] : pending_) {
    if (!visit(ts, status)) break;
  }
  return Status::Ok();
}

Status MemoryLedgerStore::ForEachFailedTransferId(const IdVisitor& visit) {
  for (u128 id : failed_ids_) {
    if (!visit(id)) break;
  }
  return Status::Ok();
}

Status MemoryLedgerStore::ForEachBalance(const BalanceVisitor& visit) {
  for (const auto& [key, balance] : balances_) {
    if (!visit(key.first, balance)) break;
  }
  return Status::Ok();
}

}  // namespace zq::ledger
