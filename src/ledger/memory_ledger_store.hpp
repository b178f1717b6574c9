// MemoryLedgerStore: the LedgerStore contract over std::map, for tests and as
// the executable reference of that contract (KvLedgerStore must behave the
// same, byte for byte, as StateHash checks). Not thread-safe.
#pragma once

#include <map>
#include <set>
#include <utility>

#include "ledger/ledger_store.hpp"

namespace zq::ledger {

class MemoryLedgerStore final : public LedgerStore {
 public:
  Result<bool> GetAccount(u128 id, Account* out) override;
  Status InsertAccount(const Account& account) override;
  Status UpdateAccount(const Account& account) override;
  Status RemoveAccount(const Account& account) override;

  Result<bool> GetTransfer(u128 id, Transfer* out) override;
  Status InsertTransfer(const Transfer& transfer) override;
  Status RemoveTransfer(const Transfer& transfer) override;

  Result<bool> IsFailedTransferId(u128 id) override;
  Status AddFailedTransferId(u128 id) override;

  Result<std::optional<PendingStatus>> GetPendingStatus(uint64_t timestamp) override;
  Status PutPendingStatus(uint64_t timestamp, PendingStatus status) override;
  Status RemovePendingStatus(uint64_t timestamp) override;

  Status AddExpiry(const ExpiryEntry& entry) override;
  Status RemoveExpiry(const ExpiryEntry& entry) override;
  Status ScanExpiries(uint64_t expires_at_max, size_t count_max,
                      std::vector<ExpiryEntry>* out) override;

  Status PutBalance(u128 account_id, const AccountBalance& balance) override;
  Status RemoveBalance(u128 account_id, uint64_t timestamp) override;
  Result<bool> GetBalance(u128 account_id, uint64_t timestamp, AccountBalance* out) override;

  Result<uint64_t> GetCommitTimestamp() override { return commit_timestamp_; }
  Status SetCommitTimestamp(uint64_t timestamp) override;

  Status ScanIndex(IndexId index, u128 value, uint64_t timestamp_min, uint64_t timestamp_max,
                   bool reversed, const IndexVisitor& visit) override;

  Status ForEachAccount(const AccountVisitor& visit) override;
  Status ForEachTransfer(const TransferVisitor& visit) override;
  Status ForEachPendingStatus(const PendingVisitor& visit) override;
  Status ForEachFailedTransferId(const IdVisitor& visit) override;
  Status ForEachBalance(const BalanceVisitor& visit) override;

  size_t account_count() const { return accounts_.size(); }
  size_t transfer_count() const { return transfers_.size(); }

 private:
  using IndexKey = std::pair<u128, uint64_t>;  // (value, timestamp)
  using Index = std::map<IndexKey, u128>;      // -> object id

  void IndexInsert(IndexId index, u128 value, uint64_t timestamp, u128 id);
  void IndexRemove(IndexId index, u128 value, uint64_t timestamp, u128 id);

  std::map<u128, Account> accounts_;
  std::map<u128, Transfer> transfers_;
  std::set<u128> failed_ids_;
  std::map<uint64_t, PendingStatus> pending_;
  std::map<std::pair<uint64_t, uint64_t>, u128> expiries_;
  std::map<std::pair<u128, uint64_t>, AccountBalance> balances_;
  std::array<Index, kIndexCount> indexes_;
  uint64_t commit_timestamp_ = 0;
};

}  // namespace zq::ledger
