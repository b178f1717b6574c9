// Ledger: the ledger state machine running inside the storage commit
// pipeline (ARCHITECTURE.md §6). A request is one logged batch
// (storage::Store::CommitBatch): the WAL keeps only the request — operation
// and events — and recovery re-executes it on the same state, which gives the
// same result because the state machine is deterministic. Batches run
// serially under the commit lock; each is durable on return.
//
// Batch record input (little-endian): operation u8 (bit 0x80: events
// sparse-coded) | event_count u32 | events (none for a pulse or a settle);
// see ledger.cpp.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ledger/kv_ledger_store.hpp"
#include "ledger/state_machine.hpp"
#include "ledger/types.hpp"
#include "storage/store/store.hpp"

namespace zq::ledger {

enum class LedgerOperation : uint8_t {
  kCreateAccounts = 1,
  kCreateTransfers = 2,
  kExpirePending = 3,  // the pulse: expires due pending transfers
  kSettle = 4,         // writes out deferred index entries (no events)
};

// Executes ledger batches for the store (and again at recovery). Holds no
// state itself (what it keeps across batches lives in each store's
// context: an AccountCache), so one shared instance serves every store.
class LedgerBatchExecutor final : public storage::BatchExecutor {
 public:
  // `deferred_entries_max`: debit/credit index entries batches may leave for
  // a later settle (KvLedgerStore); 0 writes them with their batch.
  explicit LedgerBatchExecutor(
      size_t deferred_entries_max = KvLedgerStore::kDeferredEntriesDefault)
      : deferred_entries_max_(deferred_entries_max) {}
  // The executor of Ledger::Open, with the defaults.
  static LedgerBatchExecutor* Shared();
  std::unique_ptr<Context> NewContext() override;
  Status Execute(std::string_view input, uint64_t last_timestamp, storage::WriteTxn* state,
                 Context* context, std::string* output) override;
  // kSettle when the context holds deferred index entries.
  std::string SettleInput(Context* context) override;

 private:
  size_t deferred_entries_max_;
};

class Ledger {
 public:
  // Opens (or creates) a database holding a ledger. `options.batch_executor`
  // is a LedgerBatchExecutor, or null for LedgerBatchExecutor::Shared().
  static Result<std::unique_ptr<Ledger>> Open(const std::string& path,
                                              storage::StoreOptions options);
  // The ledger of a store opened by someone else (the SQL engine), which must
  // have been opened with LedgerBatchExecutor::Shared() as its batch executor
  // and must outlive the ledger. Creates the ledger's trees when the store is
  // writable; a read-only store without them is NotFound.
  static Result<std::unique_ptr<Ledger>> Attach(storage::Store* store);
  ~Ledger();

  Status CreateAccounts(std::span<const Account> events, std::vector<CreateAccountsResult>* out);
  Status CreateTransfers(std::span<const Transfer> events,
                         std::vector<CreateTransfersResult>* out);
  // Expires every pending transfer that is due now; returns how many.
  Result<size_t> ExpirePending();

  Status LookupAccounts(std::span<const u128> ids, std::vector<Account>* out);
  Status LookupTransfers(std::span<const u128> ids, std::vector<Transfer>* out);
  Status GetAccountTransfers(const AccountFilter& filter, std::vector<Transfer>* out);
  Status GetAccountBalances(const AccountFilter& filter, std::vector<AccountBalance>* out);
  Status QueryAccounts(const QueryFilter& filter, std::vector<Account>* out);
  Status QueryTransfers(const QueryFilter& filter, std::vector<Transfer>* out);
  // Hash of the whole ledger state (determinism checks, `zqlite ledger hash`).
  Result<StateHash> Hash();

  storage::Store* store() { return store_; }
  // Closes the store when this ledger opened it; an attached one stays open.
  Status Close();

 private:
  Ledger() = default;
  template <typename Event, typename ResultRecord>
  Status Submit(LedgerOperation op, std::span<const Event> events,
                std::vector<ResultRecord>* out);
  template <typename Fn>
  Status Read(Fn fn);

  std::unique_ptr<storage::Store> owned_store_;  // set by Open, not by Attach
  storage::Store* store_ = nullptr;
};

}  // namespace zq::ledger
