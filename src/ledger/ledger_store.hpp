// LedgerStore: the storage contract of the ledger state machine.
//
// The state machine (state_machine.hpp) is a pure function of (prior state,
// batch, batch timestamp); everything it reads or writes goes through this
// interface, so the same code runs over a std::map reference store
// (MemoryLedgerStore) and over the storage engine's B+trees (KvLedgerStore).
//
// Contents (spec §9.5):
//   accounts           id -> Account
//   transfers          id -> Transfer
//   failed ids         transfer ids that failed transiently (§6.8)
//   pending status     pending transfer timestamp -> PendingStatus (§8)
//   expiry index       (expires_at, pending timestamp) -> transfer id
//   balance history    (account id, transfer timestamp) -> AccountBalance (§9.3)
//   secondary indexes  (field value, object timestamp) -> object id, one per
//                      IndexId; zero field values are not indexed (a query
//                      can never search for zero). The timestamp indexes hold
//                      every object with value 0.
//   commit timestamp   the highest timestamp any batch or pulse consumed.
// Invariants the store maintains: InsertAccount/InsertTransfer add the record
// and all its index entries; Remove* (used only to roll back a linked chain
// within the current batch) removes exactly what Insert added. Account index
// fields are immutable, so UpdateAccount never touches indexes.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "ledger/types.hpp"
#include "util/result.hpp"
#include "util/status.hpp"

namespace zq::ledger {

enum class IndexId : uint8_t {
  kAccountTimestamp = 0,
  kAccountUserData128,
  kAccountUserData64,
  kAccountUserData32,
  kAccountLedger,
  kAccountCode,
  kTransferTimestamp,
  kTransferDebitAccountId,
  kTransferCreditAccountId,
  kTransferUserData128,
  kTransferUserData64,
  kTransferUserData32,
  kTransferLedger,
  kTransferCode,
};
inline constexpr size_t kIndexCount = 14;
inline constexpr size_t kAccountIndexCount = 6;
inline constexpr size_t kTransferIndexCount = 8;
static_assert(kAccountIndexCount + kTransferIndexCount == kIndexCount);

struct IndexEntry {
  IndexId index;
  u128 value;  // 0 for the timestamp indexes
};

// The index entries of a record; entries with a zero field value (other than
// the timestamp index) are marked by `present[i] == false`.
struct AccountIndexEntries {
  std::array<IndexEntry, kAccountIndexCount> entries;
  std::array<bool, kAccountIndexCount> present;
};
struct TransferIndexEntries {
  std::array<IndexEntry, kTransferIndexCount> entries;
  std::array<bool, kTransferIndexCount> present;
};
AccountIndexEntries IndexEntriesOf(const Account& a);
TransferIndexEntries IndexEntriesOf(const Transfer& t);

struct ExpiryEntry {
  uint64_t expires_at = 0;
  uint64_t timestamp = 0;  // of the pending transfer
  u128 transfer_id = 0;
};

// Visitors return false to stop the scan.
using IndexVisitor = std::function<Result<bool>(uint64_t timestamp, u128 id)>;
using AccountVisitor = std::function<bool(const Account&)>;
using TransferVisitor = std::function<bool(const Transfer&)>;
using PendingVisitor = std::function<bool(uint64_t timestamp, PendingStatus)>;
using IdVisitor = std::function<bool(u128 id)>;
using BalanceVisitor = std::function<bool(u128 account_id, const AccountBalance&)>;

class LedgerStore {
 public:
  virtual ~LedgerStore() = default;

  virtual Result<bool> GetAccount(u128 id, Account* out) = 0;
  // A hint that GetAccount(id) follows soon: `near` false a few events
  // ahead, true just before. Changes nothing.
  virtual void PrefetchAccount(u128 /*id*/, bool /*near*/) {}
  virtual Status InsertAccount(const Account& account) = 0;
  virtual Status UpdateAccount(const Account& account) = 0;  // balances, flags
  virtual Status RemoveAccount(const Account& account) = 0;  // chain rollback only

  virtual Result<bool> GetTransfer(u128 id, Transfer* out) = 0;
  virtual Status InsertTransfer(const Transfer& transfer) = 0;
  virtual Status RemoveTransfer(const Transfer& transfer) = 0;  // chain rollback only

  virtual Result<bool> IsFailedTransferId(u128 id) = 0;
  virtual Status AddFailedTransferId(u128 id) = 0;

  virtual Result<std::optional<PendingStatus>> GetPendingStatus(uint64_t timestamp) = 0;
  virtual Status PutPendingStatus(uint64_t timestamp, PendingStatus status) = 0;
  virtual Status RemovePendingStatus(uint64_t timestamp) = 0;  // chain rollback only

  virtual Status AddExpiry(const ExpiryEntry& entry) = 0;
  virtual Status RemoveExpiry(const ExpiryEntry& entry) = 0;
  // Up to `count_max` entries with expires_at <= expires_at_max, in
  // (expires_at, timestamp) order.
  virtual Status ScanExpiries(uint64_t expires_at_max, size_t count_max,
                              std::vector<ExpiryEntry>* out) = 0;

  virtual Status PutBalance(u128 account_id, const AccountBalance& balance) = 0;
  virtual Status RemoveBalance(u128 account_id, uint64_t timestamp) = 0;  // rollback only
  virtual Result<bool> GetBalance(u128 account_id, uint64_t timestamp, AccountBalance* out) = 0;

  virtual Result<uint64_t> GetCommitTimestamp() = 0;
  virtual Status SetCommitTimestamp(uint64_t timestamp) = 0;

  // Entries of `index` equal to `value` with timestamp in [timestamp_min,
  // timestamp_max], ascending (or descending when `reversed`).
  virtual Status ScanIndex(IndexId index, u128 value, uint64_t timestamp_min,
                           uint64_t timestamp_max, bool reversed, const IndexVisitor& visit) = 0;

  // Writes out what the store buffered during a batch. The state machine calls
  // it at the end of every mutating call (create batch, pulse); a store that
  // writes through does nothing. Until then the store's own reads see the
  // buffered writes, but its backing storage (e.g. a WriteTxn) may not.
  virtual Status Flush() { return Status::Ok(); }

  // Full scans in key order, for StateHash and tests.
  virtual Status ForEachAccount(const AccountVisitor& visit) = 0;
  virtual Status ForEachTransfer(const TransferVisitor& visit) = 0;
  virtual Status ForEachPendingStatus(const PendingVisitor& visit) = 0;
  virtual Status ForEachFailedTransferId(const IdVisitor& visit) = 0;
  virtual Status ForEachBalance(const BalanceVisitor& visit) = 0;
};

}  // namespace zq::ledger
