#include "ledger/ledger.hpp"

#include <cstring>

#include "ledger/kv_ledger_store.hpp"
#include "util/coding.hpp"
#include "util/sparse_record.hpp"

namespace zq::ledger {

namespace {
// A batch's input (what its WAL record holds): operation u8 | event_count u32
// | events. With kSparseEvents set in the operation byte, each event is
// sparse-coded (util/sparse_record.hpp; a benchmark transfer takes about 30
// bytes instead of 128, so the WAL, its fsync and the checkpoints it
// triggers shrink with it); without, the events are the raw 128-byte records,
// as builds before 2026-11-27 wrote them (still read: a WAL left by a crash).
constexpr size_t kInputHeadBytes = 5;
constexpr uint8_t kSparseEvents = 0x80;
static_assert(sizeof(Account) == 128 && sizeof(Transfer) == 128);
static_assert(sizeof(CreateAccountsResult) == sizeof(CreateTransfersResult));

template <typename Event>
Status DecodeEvents(std::string_view bytes, uint32_t count, bool sparse,
                    std::vector<Event>* events) {
  events->resize(count);
  if (!sparse) {
    if (bytes.size() != size_t{count} * sizeof(Event)) {
      return Status::Corruption("ledger batch: event bytes do not match the count");
    }
    if (count > 0) std::memcpy(events->data(), bytes.data(), bytes.size());
    return Status::Ok();
  }
  for (Event& e : *events) {
    const size_t size = SparseRecordSize(bytes, sizeof(Event));
    if (size == 0 || size > bytes.size() ||
        !DecodeSparseRecord(bytes.substr(0, size), &e, sizeof(Event))) {
      return Status::Corruption("ledger batch: malformed event");
    }
    bytes.remove_prefix(size);
  }
  if (!bytes.empty()) return Status::Corruption("ledger batch: bytes after the last event");
  return Status::Ok();
}

// A create batch's decoded events and results. Kept in the context, their
// memory (a megabyte at 8,189 events) serves every batch instead of being
// mapped and faulted in afresh.
struct CreateBuffers {
  std::vector<Account> accounts;
  std::vector<Transfer> transfers;
  std::vector<CreateAccountsResult> account_results;
  std::vector<CreateTransfersResult> transfer_results;
};

template <typename Event>
Status RunCreate(StateMachine* machine, std::string_view events_bytes, uint32_t count, bool sparse,
                 uint64_t last_timestamp, CreateBuffers* buffers, std::string* output) {
  if (count > kBatchEventsMax) return Status::Corruption("ledger batch: too many events");
  const auto emit = [&](const auto& results) {
    if (output != nullptr) {
      output->assign(reinterpret_cast<const char*>(results.data()),
                     results.size() * sizeof(results[0]));
    }
  };
  if constexpr (std::is_same_v<Event, Account>) {
    ZQ_RETURN_IF_ERROR(DecodeEvents(events_bytes, count, sparse, &buffers->accounts));
    ZQ_RETURN_IF_ERROR(
        machine->CreateAccounts(buffers->accounts, last_timestamp, &buffers->account_results));
    emit(buffers->account_results);
  } else {
    ZQ_RETURN_IF_ERROR(DecodeEvents(events_bytes, count, sparse, &buffers->transfers));
    ZQ_RETURN_IF_ERROR(
        machine->CreateTransfers(buffers->transfers, last_timestamp, &buffers->transfer_results));
    emit(buffers->transfer_results);
  }
  return Status::Ok();
}

// What a store keeps for its ledger batches from one to the next.
struct LedgerContext final : storage::BatchExecutor::Context {
  KvLedgerStore::Reusable reusable;
  CreateBuffers buffers;
};
}  // namespace

std::unique_ptr<storage::BatchExecutor::Context> LedgerBatchExecutor::NewContext() {
  auto context = std::make_unique<LedgerContext>();
  context->reusable.deferred_entries_max = deferred_entries_max_;
  return context;
}

Status LedgerBatchExecutor::Execute(std::string_view input, uint64_t last_timestamp,
                                    storage::WriteTxn* state, Context* context,
                                    std::string* output) {
  if (input.size() < kInputHeadBytes) return Status::Corruption("ledger batch: short input");
  const bool sparse = (static_cast<uint8_t>(input[0]) & kSparseEvents) != 0;
  auto op = static_cast<LedgerOperation>(static_cast<uint8_t>(input[0]) & ~kSparseEvents);
  uint32_t count = GetFixed32(reinterpret_cast<const uint8_t*>(input.data()) + 1);
  std::string_view events = input.substr(kInputHeadBytes);
  auto* ledger_context = dynamic_cast<LedgerContext*>(context);
  KvLedgerStore store(state, ledger_context != nullptr ? &ledger_context->reusable : nullptr);
  StateMachine machine(&store);
  CreateBuffers own_buffers;
  CreateBuffers* buffers = ledger_context != nullptr ? &ledger_context->buffers : &own_buffers;
  switch (op) {
    case LedgerOperation::kCreateAccounts:
      ZQ_RETURN_IF_ERROR(
          RunCreate<Account>(&machine, events, count, sparse, last_timestamp, buffers, output));
      return store.FinishBatch();
    case LedgerOperation::kCreateTransfers:
      ZQ_RETURN_IF_ERROR(
          RunCreate<Transfer>(&machine, events, count, sparse, last_timestamp, buffers, output));
      return store.FinishBatch();
    case LedgerOperation::kExpirePending: {
      ZQ_ASSIGN_OR_RETURN(size_t expired, machine.ExpirePendingTransfers(last_timestamp));
      if (output) AppendFixed64(output, expired);
      return store.FinishBatch();
    }
    case LedgerOperation::kSettle:
      if (count != 0 || !events.empty()) return Status::Corruption("ledger batch: bad settle");
      return store.Settle();
  }
  return Status::Corruption("ledger batch: unknown operation");
}

std::string LedgerBatchExecutor::SettleInput(Context* context) {
  auto* ledger_context = dynamic_cast<LedgerContext*>(context);
  if (ledger_context == nullptr || ledger_context->reusable.deferred_size() == 0) return {};
  std::string input(kInputHeadBytes, '\0');
  input[0] = static_cast<char>(LedgerOperation::kSettle);
  return input;
}

LedgerBatchExecutor* LedgerBatchExecutor::Shared() {
  static LedgerBatchExecutor executor;
  return &executor;
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::string& path,
                                             storage::StoreOptions options) {
  if (options.batch_executor == nullptr) {
    options.batch_executor = LedgerBatchExecutor::Shared();
  } else if (dynamic_cast<LedgerBatchExecutor*>(options.batch_executor) == nullptr) {
    return Status::InvalidArgument("a ledger's store runs a LedgerBatchExecutor");
  }
  ZQ_ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::Store::Open(path, options));
  ZQ_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger, Attach(store.get()));
  ledger->owned_store_ = std::move(store);
  return ledger;
}

Result<std::unique_ptr<Ledger>> Ledger::Attach(storage::Store* store) {
  if (store == nullptr) return Status::InvalidArgument("ledger: no store");
  std::unique_ptr<Ledger> ledger(new Ledger());
  ledger->store_ = store;
  auto txn = store->BeginWrite();
  Status created = KvLedgerStore::CreateTrees(txn.get());
  if (created.ok()) created = txn->Commit();
  if (created.ok()) return ledger;
  // A read-only store cannot create them: fine when they are all there.
  txn->Rollback();
  auto snapshot = store->GetSnapshot();
  ZQ_ASSIGN_OR_RETURN(bool complete, KvLedgerStore::TreesExist(snapshot.get()));
  if (!complete) {
    return Status::NotFound("the database holds no ledger (" + created.ToString() + ")");
  }
  return ledger;
}

Ledger::~Ledger() { Close().IgnoreError(); }

Status Ledger::Close() {
  store_ = nullptr;
  if (!owned_store_) return Status::Ok();
  Status s = owned_store_->Close();
  owned_store_.reset();
  return s;
}

template <typename Event, typename ResultRecord>
Status Ledger::Submit(LedgerOperation op, std::span<const Event> events,
                      std::vector<ResultRecord>* out) {
  if (events.size() > kBatchEventsMax) {
    return Status::LimitExceeded("ledger batch larger than " + std::to_string(kBatchEventsMax));
  }
  std::string input(kInputHeadBytes, '\0');
  input[0] = static_cast<char>(static_cast<uint8_t>(op) | kSparseEvents);
  PutFixed32(reinterpret_cast<uint8_t*>(input.data()) + 1, static_cast<uint32_t>(events.size()));
  input.reserve(kInputHeadBytes + events.size() * SparseRecordBytesMax(sizeof(Event)));
  for (const Event& e : events) AppendSparseRecord(&e, sizeof(Event), &input);
  std::string output;
  uint64_t timestamps = std::max<uint64_t>(1, events.size());
  ZQ_RETURN_IF_ERROR(store_->CommitBatch(input, timestamps, &output));
  out->resize(output.size() / sizeof(ResultRecord));
  if (!out->empty()) std::memcpy(out->data(), output.data(), out->size() * sizeof(ResultRecord));
  return Status::Ok();
}

Status Ledger::CreateAccounts(std::span<const Account> events,
                              std::vector<CreateAccountsResult>* out) {
  return Submit(LedgerOperation::kCreateAccounts, events, out);
}

Status Ledger::CreateTransfers(std::span<const Transfer> events,
                               std::vector<CreateTransfersResult>* out) {
  return Submit(LedgerOperation::kCreateTransfers, events, out);
}

Result<size_t> Ledger::ExpirePending() {
  std::string input(kInputHeadBytes, '\0');
  input[0] = static_cast<char>(LedgerOperation::kExpirePending);
  std::string output;
  ZQ_RETURN_IF_ERROR(store_->CommitBatch(input, 1, &output));
  if (output.size() != 8) return Status::Internal("pulse returned no count");
  return static_cast<size_t>(GetFixed64(reinterpret_cast<const uint8_t*>(output.data())));
}

// Reads run the state machine over a snapshot (a read-only KvLedgerStore).
template <typename Fn>
Status Ledger::Read(Fn fn) {
  auto snapshot = store_->GetSnapshot();
  KvLedgerStore store(snapshot.get());
  StateMachine machine(&store);
  return fn(machine);
}

Status Ledger::LookupAccounts(std::span<const u128> ids, std::vector<Account>* out) {
  return Read([&](StateMachine& m) { return m.LookupAccounts(ids, out); });
}
Status Ledger::LookupTransfers(std::span<const u128> ids, std::vector<Transfer>* out) {
  return Read([&](StateMachine& m) { return m.LookupTransfers(ids, out); });
}
Status Ledger::GetAccountTransfers(const AccountFilter& f, std::vector<Transfer>* out) {
  return Read([&](StateMachine& m) { return m.GetAccountTransfers(f, out); });
}
Status Ledger::GetAccountBalances(const AccountFilter& f, std::vector<AccountBalance>* out) {
  return Read([&](StateMachine& m) { return m.GetAccountBalances(f, out); });
}
Status Ledger::QueryAccounts(const QueryFilter& f, std::vector<Account>* out) {
  return Read([&](StateMachine& m) { return m.QueryAccounts(f, out); });
}
Status Ledger::QueryTransfers(const QueryFilter& f, std::vector<Transfer>* out) {
  return Read([&](StateMachine& m) { return m.QueryTransfers(f, out); });
}

Result<StateHash> Ledger::Hash() {
  StateHash hash;
  ZQ_RETURN_IF_ERROR(Read([&](StateMachine& m) {
    ZQ_ASSIGN_OR_RETURN(hash, m.ComputeStateHash());
    return Status::Ok();
  }));
  return hash;
}

}  // namespace zq::ledger
