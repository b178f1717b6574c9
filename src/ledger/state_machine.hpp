// StateMachine: TigerBeetle's ledger semantics (shared/reference/ledger-model.md)
// over a LedgerStore.
//
// Determinism: every operation is a pure function of (store contents, input
// events, the caller-assigned timestamp). No clock, no randomness, no hash-map
// iteration; the only state outside the store is the per-chain undo log, which
// is empty between calls. So replaying the same (batch, timestamp) sequence on
// an empty store reaches the same StateHash.
//
// Timestamps (spec §4.2): the caller (the commit pipeline) assigns each
// create batch a timestamp T with T - n >= the store's commit timestamp; event i
// of the n events gets T - n + i + 1 (its "slot"), used as the object timestamp
// unless the batch is imported (§4.3). ExpirePendingTransfers(now) is the
// "pulse": it needs now > commit timestamp.
//
// Atomicity: a linked chain is undone through an undo log kept while the chain
// is open (§7). A whole call is made durable by the caller (e.g. one storage
// WriteTxn committed per batch); an error Status means the store may hold a
// partial batch and the caller must discard it (roll back the WriteTxn).
// Domain outcomes are per-event result codes, never errors.
// Not thread-safe: one StateMachine (and its store) is used by one thread at a
// time; ledger batches are serial by design (ARCHITECTURE.md §6).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ledger/ledger_store.hpp"
#include "ledger/types.hpp"

namespace zq::ledger {

// Query results per call: min(filter.limit, this).
inline constexpr size_t kQueryResultsMax = kBatchEventsMaxDefault;
// Expiries per pulse: TigerBeetle's pulse reserves a legacy full batch (8190).
inline constexpr size_t kExpiriesPerPulseMax = kBatchEventsMaxDefault + 1;
static_assert(kExpiriesPerPulseMax == 8190);

struct StateHash {
  uint64_t high = 0;
  uint64_t low = 0;
  bool operator==(const StateHash&) const = default;
  std::string ToHex() const;
};

class StateMachine {
 public:
  explicit StateMachine(LedgerStore* store);

  // Executes one create_accounts / create_transfers request. `results` gets one
  // entry per event, in order. InvalidArgument when the timestamp breaks the
  // contract above; LimitExceeded above kBatchEventsMax; storage errors pass up.
  Status CreateAccounts(std::span<const Account> events, uint64_t batch_timestamp,
                        std::vector<CreateAccountsResult>* results);
  Status CreateTransfers(std::span<const Transfer> events, uint64_t batch_timestamp,
                         std::vector<CreateTransfersResult>* results);

  // The pulse (spec §8): expires up to kExpiriesPerPulseMax pending transfers
  // with expires_at <= now_timestamp, in (expires_at, timestamp) order, and
  // releases their pending amounts. Returns how many expired; call again (with
  // a later timestamp) while it returns the maximum.
  Result<size_t> ExpirePendingTransfers(uint64_t now_timestamp);
  // The earliest expires_at still pending, or 0 when none.
  Result<uint64_t> NextExpiryTimestamp();

  // Reads (spec §9). Invalid filters give an empty result, not an error.
  Status LookupAccounts(std::span<const u128> ids, std::vector<Account>* out);
  Status LookupTransfers(std::span<const u128> ids, std::vector<Transfer>* out);
  Status GetAccountTransfers(const AccountFilter& filter, std::vector<Transfer>* out);
  Status GetAccountBalances(const AccountFilter& filter, std::vector<AccountBalance>* out);
  Status QueryAccounts(const QueryFilter& filter, std::vector<Account>* out);
  Status QueryTransfers(const QueryFilter& filter, std::vector<Transfer>* out);

  // XXH3-128 over the full state in key order: accounts, transfers, pending
  // statuses, failed ids, expiry index, balance history, commit timestamp.
  Result<StateHash> ComputeStateHash();

 private:
  // One step to undo when a linked chain fails (spec §7).
  struct Undo {
    enum class Kind : uint8_t {
      kAccountInserted,
      kAccountUpdated,
      kTransferInserted,
      kPendingStatusPut,
      kExpiryAdded,
      kExpiryRemoved,
      kBalancePut,
    };
    Kind kind;
    Account account;         // inserted account, or the state before an update
    Transfer transfer;       // inserted transfer
    ExpiryEntry expiry;      // added or removed entry
    uint64_t timestamp = 0;  // pending status / balance key
    std::optional<PendingStatus> prior_status;
  };
  template <typename Codes, typename Event, typename ResultRecord, typename CreateFn>
  Status ExecuteCreate(std::span<const Event> events, uint64_t batch_timestamp,
                       std::vector<ResultRecord>* results, CreateFn create);
  Status CheckBatchTimestamp(size_t event_count, uint64_t batch_timestamp);
  // Before transfer i: tells the store which accounts the next transfers read.
  void PrefetchAccounts(std::span<const Transfer> events, size_t i);

  Result<CreateAccountResult> CreateAccount(const Account& a, uint64_t timestamp,
                                            uint64_t* result_timestamp);
  CreateAccountResult AccountExists(const Account& a, const Account& e);
  Result<CreateTransferResult> CreateTransfer(const Transfer& t, uint64_t timestamp,
                                              uint64_t* result_timestamp);
  Result<CreateTransferResult> TransferExists(const Transfer& t, const Transfer& e);
  Result<CreateTransferResult> CreateSinglePhase(const Transfer& t, uint64_t timestamp);
  Result<CreateTransferResult> CheckSinglePhase(const Transfer& t, uint64_t timestamp, Account* dr,
                                                Account* cr, u128* amount);
  Result<CreateTransferResult> PostOrVoid(const Transfer& t, uint64_t timestamp);
  Result<CreateTransferResult> CheckPostOrVoid(const Transfer& t, uint64_t timestamp, Transfer* p,
                                               Account* dr, Account* cr, u128* amount);
  Result<bool> TransferTimestampRegresses(uint64_t timestamp);
  Result<bool> AccountTimestampRegresses(uint64_t timestamp);
  Result<uint64_t> NewestTimestamp(IndexId index);
  Result<bool> TimestampTaken(IndexId index, uint64_t timestamp);

  // Mutations, recorded in the undo log while a chain is open.
  Status DoInsertAccount(const Account& a);
  Status DoUpdateAccount(const Account& before, const Account& after);
  Status DoInsertTransfer(const Transfer& t);
  Status DoPutPendingStatus(uint64_t timestamp, PendingStatus status);
  Status DoAddExpiry(const ExpiryEntry& e);
  Status DoRemoveExpiry(const ExpiryEntry& e);
  Status DoPutBalance(const Account& account, uint64_t timestamp);
  Status RollbackChain();
  Status WriteAccounts(const Account& dr_before, const Account& dr_after, const Account& cr_before,
                       const Account& cr_after, uint64_t timestamp, bool record_history);

  Status SelectAccountTransfers(const AccountFilter& filter, std::vector<Transfer>* out);
  template <typename Record>
  Status QueryObjects(const QueryFilter& filter, bool accounts, std::vector<Record>* out);

  LedgerStore* store_;
  bool chain_open_ = false;
  std::vector<Undo> undo_;
};

bool IsTransient(CreateTransferResult r);
bool AccountFilterValid(const AccountFilter& f);
bool QueryFilterValid(const QueryFilter& f);

}  // namespace zq::ledger
