// ledger_bench: the ledger's create_transfers against SQLite and PostgreSQL doing the
// same double-entry work, in one process and one run (bench/README.md, "ledger").
//
// Every system gets the same accounts (ids 1..N, ledger 1, code 1, no limits) and the
// same transfers (sequential ids 1..T, as TigerBeetle recommends time-ordered ids;
// two distinct accounts; amount 1..1000; ledger 1, code 1), generated per batch from a
// fixed seed, in batches of 8,189, each durable when the call returns. Per transfer
// each system does the double-entry work: both accounts must exist and share the
// transfer's ledger, the transfer is inserted (unique id), both balances are updated.
//
// Correctness is checked outside the timed region: every result is "created", and
// afterwards every account's debits_posted / credits_posted equals what the workload
// predicts (so the systems agree with each other), Σ debits = Σ credits = Σ amounts,
// the transfer count is T, and a sample of transfers read back matches.
//
// PostgreSQL runs as a throwaway cluster (initdb under the run directory, Unix socket
// only, as the `postgres` user since it refuses root), reached through libpq loaded
// with dlopen (bench/CMakeLists.txt links only the engine, LMDB and SQLite). When
// anything of that is missing the system is skipped and the JSON line says why.
#include <dlfcn.h>
#include <postgresql/libpq-fe.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.hpp"
#include "ledger/ledger.hpp"

namespace zq::bench {
namespace {

namespace fs = std::filesystem;

constexpr size_t kBatchTransfers = 8189;  // ledger::kBatchEventsMaxDefault
static_assert(kBatchTransfers == ledger::kBatchEventsMaxDefault);
constexpr uint64_t kHotAccounts = 10;
constexpr uint64_t kHotPercent = 10;
constexpr uint64_t kAmountMax = 1000;
constexpr uint32_t kLedger = 1;
constexpr uint16_t kCode = 1;
constexpr size_t kSampleTransfers = 1000;

// --- workload ------------------------------------------------------------------

struct TransferSpec {
  uint64_t id;
  uint64_t debit;
  uint64_t credit;
  uint64_t amount;
};

enum class Skew { kUniform, kHot };

struct Params {
  uint64_t account_count = 100'000;
  uint64_t transfer_count = 10'000'000;
};

// Batch b is a pure function of (skew, b): every system, and the expectation,
// regenerate it identically.
class Workload {
 public:
  Workload(const Params& params, Skew skew) : params_(params), skew_(skew) {}

  size_t batch_count() const {
    return static_cast<size_t>((params_.transfer_count + kBatchTransfers - 1) / kBatchTransfers);
  }

  void Batch(size_t b, std::vector<TransferSpec>* out) const {
    out->clear();
    const uint64_t first = uint64_t{b} * kBatchTransfers;
    const uint64_t end = std::min<uint64_t>(first + kBatchTransfers, params_.transfer_count);
    uint64_t rng = 0x5EED0000ull + (skew_ == Skew::kHot ? 1ull << 40 : 0) + b;
    for (uint64_t i = first; i < end; i++) {
      const bool hot = skew_ == Skew::kHot && SplitMix64(&rng) % 100 < kHotPercent;
      const uint64_t pool = hot ? kHotAccounts : params_.account_count;
      const uint64_t debit = 1 + SplitMix64(&rng) % pool;
      uint64_t credit = 1 + SplitMix64(&rng) % (pool - 1);
      if (credit >= debit) credit++;
      out->push_back({i + 1, debit, credit, 1 + SplitMix64(&rng) % kAmountMax});
    }
  }

 private:
  Params params_;
  Skew skew_;
};

struct Expected {
  std::vector<uint64_t> debits_posted;  // by account id
  std::vector<uint64_t> credits_posted;
  uint64_t amount_sum = 0;
};

Expected Expect(const Params& params, const Workload& workload) {
  Expected e;
  e.debits_posted.assign(params.account_count + 1, 0);
  e.credits_posted.assign(params.account_count + 1, 0);
  std::vector<TransferSpec> batch;
  for (size_t b = 0; b < workload.batch_count(); b++) {
    workload.Batch(b, &batch);
    for (const TransferSpec& t : batch) {
      e.debits_posted[t.debit] += t.amount;
      e.credits_posted[t.credit] += t.amount;
      e.amount_sum += t.amount;
    }
  }
  return e;
}

// What a system reports back for validation.
struct Totals {
  uint64_t transfer_count = 0;
  uint64_t debits_posted_sum = 0;
  uint64_t credits_posted_sum = 0;
};

class LedgerSystem {
 public:
  virtual ~LedgerSystem() = default;
  virtual void CreateAccounts(uint64_t count) = 0;
  // Durable on return.
  virtual void RunBatch(std::span<const TransferSpec> batch) = 0;
  // Untimed: checks the outcome of the last RunBatch.
  virtual void CheckBatch(std::span<const TransferSpec> batch) = 0;
  // Timed, after the last batch: whatever the system still owes before a
  // reader sees every transfer through every index (ZQLite: its deferred
  // debit/credit index entries). Nothing for the others.
  virtual void MakeReadable() {}
  // Flushes everything to the main files, then the bytes they take on disk.
  virtual uint64_t CheckpointAndMeasureBytes() = 0;
  virtual Totals ReadTotals() = 0;
  // debits_posted, credits_posted of accounts 1..count (index 0 unused).
  virtual void ReadBalances(uint64_t count, std::vector<uint64_t>* debits,
                            std::vector<uint64_t>* credits) = 0;
  // The stored transfer with this id, as a spec; false when absent.
  virtual bool ReadTransfer(uint64_t id, TransferSpec* out) = 0;
  virtual void Close() = 0;
};

uint64_t FileBytes(const std::string& path) {
  std::error_code ec;
  const uint64_t n = fs::file_size(path, ec);
  return ec ? 0 : n;
}

// --- zqlite --------------------------------------------------------------------

class ZqliteLedger : public LedgerSystem {
 public:
  explicit ZqliteLedger(const std::string& dir) : path_(dir + "/ledger.zq") {
    auto opened = ledger::Ledger::Open(path_, storage::StoreOptions{});
    if (!opened.ok()) Fail("zqlite open: " + opened.status().ToString());
    ledger_ = std::move(*opened);
  }

  void CreateAccounts(uint64_t count) override {
    account_count_ = count;
    std::vector<ledger::Account> accounts;
    std::vector<ledger::CreateAccountsResult> results;
    for (uint64_t first = 1; first <= count; first += kBatchTransfers) {
      accounts.clear();
      for (uint64_t id = first; id < first + kBatchTransfers && id <= count; id++) {
        ledger::Account a;
        a.id = id;
        a.ledger = kLedger;
        a.code = kCode;
        accounts.push_back(a);
      }
      Check(ledger_->CreateAccounts(accounts, &results), "create_accounts");
      for (const auto& r : results) {
        if (r.status != ledger::CreateAccountResult::kCreated) Fail("zqlite: account not created");
      }
    }
  }

  void RunBatch(std::span<const TransferSpec> batch) override {
    events_.resize(batch.size());
    for (size_t i = 0; i < batch.size(); i++) {
      ledger::Transfer& t = events_[i];
      t = ledger::Transfer{};
      t.id = batch[i].id;
      t.debit_account_id = batch[i].debit;
      t.credit_account_id = batch[i].credit;
      t.amount = batch[i].amount;
      t.ledger = kLedger;
      t.code = kCode;
    }
    Check(ledger_->CreateTransfers(events_, &results_), "create_transfers");
  }

  // A read publishes the newest state, which settles the deferred entries.
  void MakeReadable() override {
    std::vector<ledger::Account> found;
    const ledger::u128 first = 1;
    Check(ledger_->LookupAccounts(std::span(&first, 1), &found), "lookup_accounts");
  }

  void CheckBatch(std::span<const TransferSpec> batch) override {
    if (results_.size() != batch.size()) Fail("zqlite: result count differs from batch size");
    for (const auto& r : results_) {
      if (r.status != ledger::CreateTransferResult::kCreated) {
        Fail("zqlite: transfer not created: " +
             std::string(ledger::ResultName(
                 static_cast<ledger::CreateTransferResult>(r.status))));
      }
    }
  }

  uint64_t CheckpointAndMeasureBytes() override {
    Check(ledger_->store()->Checkpoint(), "checkpoint");
    // Copy-on-write checkpoints leave free pages in the file: say how many.
    const storage::StoreStats stats = ledger_->store()->Stats();
    std::fprintf(stderr, "zqlite file: %" PRIu64 " pages, %" PRIu64 " free, %" PRIu64
                 " checkpoints\n",
                 stats.page_count, stats.free_page_count, stats.checkpoints);
    return FileBytes(path_) + FileBytes(path_ + "-wal");
  }

  Totals ReadTotals() override {
    Totals totals;
    std::vector<uint64_t> debits, credits;
    ReadBalances(account_count_, &debits, &credits);
    for (size_t i = 1; i < debits.size(); i++) {
      totals.debits_posted_sum += debits[i];
      totals.credits_posted_sum += credits[i];
    }
    // Count through the timestamp index (query_transfers with no field filter).
    ledger::QueryFilter filter{};
    filter.limit = static_cast<uint32_t>(ledger::kQueryResultsMax);
    std::vector<ledger::Transfer> page;
    for (;;) {
      Check(ledger_->QueryTransfers(filter, &page), "query_transfers");
      totals.transfer_count += page.size();
      if (page.size() < filter.limit) break;
      filter.timestamp_min = page.back().timestamp + 1;
    }
    return totals;
  }

  void ReadBalances(uint64_t count, std::vector<uint64_t>* debits,
                    std::vector<uint64_t>* credits) override {
    debits->assign(count + 1, 0);
    credits->assign(count + 1, 0);
    std::vector<ledger::u128> ids;
    std::vector<ledger::Account> found;
    for (uint64_t first = 1; first <= count; first += kBatchTransfers) {
      ids.clear();
      for (uint64_t id = first; id < first + kBatchTransfers && id <= count; id++) {
        ids.push_back(id);
      }
      Check(ledger_->LookupAccounts(ids, &found), "lookup_accounts");
      if (found.size() != ids.size()) Fail("zqlite: accounts missing");
      for (const ledger::Account& a : found) {
        const auto id = static_cast<uint64_t>(a.id);
        (*debits)[id] = static_cast<uint64_t>(a.debits_posted);
        (*credits)[id] = static_cast<uint64_t>(a.credits_posted);
      }
    }
  }

  bool ReadTransfer(uint64_t id, TransferSpec* out) override {
    const ledger::u128 ids[1] = {id};
    std::vector<ledger::Transfer> found;
    Check(ledger_->LookupTransfers(ids, &found), "lookup_transfers");
    if (found.empty()) return false;
    const ledger::Transfer& t = found[0];
    *out = {static_cast<uint64_t>(t.id), static_cast<uint64_t>(t.debit_account_id),
            static_cast<uint64_t>(t.credit_account_id), static_cast<uint64_t>(t.amount)};
    return t.ledger == kLedger && t.code == kCode;
  }

  void Close() override { Check(ledger_->Close(), "close"); }

 private:
  static void Check(const Status& s, const char* what) {
    if (!s.ok()) Fail(std::string("zqlite ") + what + ": " + s.ToString());
  }

  std::string path_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::vector<ledger::Transfer> events_;
  std::vector<ledger::CreateTransfersResult> results_;
  uint64_t account_count_ = 0;  // ReadTotals sums over every account
};

// --- SQLite --------------------------------------------------------------------

// The layout one would pick for SQLite: 64-bit ids as rowids, balances as INTEGER,
// the transfer's accounts indexed with its timestamp (get_account_transfers).
constexpr const char* kSqliteSchema =
    "CREATE TABLE accounts (id INTEGER PRIMARY KEY, ledger INTEGER NOT NULL,"
    " code INTEGER NOT NULL, flags INTEGER NOT NULL,"
    " debits_pending INTEGER NOT NULL, debits_posted INTEGER NOT NULL,"
    " credits_pending INTEGER NOT NULL, credits_posted INTEGER NOT NULL,"
    " timestamp INTEGER NOT NULL);"
    "CREATE TABLE transfers (id INTEGER PRIMARY KEY, debit_account_id INTEGER NOT NULL,"
    " credit_account_id INTEGER NOT NULL, amount INTEGER NOT NULL, ledger INTEGER NOT NULL,"
    " code INTEGER NOT NULL, flags INTEGER NOT NULL, timestamp INTEGER NOT NULL);"
    "CREATE INDEX transfers_debit ON transfers (debit_account_id, timestamp);"
    "CREATE INDEX transfers_credit ON transfers (credit_account_id, timestamp);";

class SqliteLedger : public LedgerSystem {
 public:
  explicit SqliteLedger(const std::string& dir) : path_(dir + "/ledger.sqlite"), db_(path_) {
    db_.EnableWal();
    db_.Exec(kSqliteSchema);
    select_ledger_ = db_.Prepare("SELECT ledger FROM accounts WHERE id = ?1");
    insert_ = db_.Prepare(
        "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, ledger, code,"
        " flags, timestamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)");
    debit_ = db_.Prepare("UPDATE accounts SET debits_posted = debits_posted + ?2 WHERE id = ?1");
    credit_ = db_.Prepare("UPDATE accounts SET credits_posted = credits_posted + ?2 WHERE id = ?1");
  }

  void CreateAccounts(uint64_t count) override {
    db_.Exec("BEGIN");
    sqlite3_stmt* insert = db_.Prepare(
        "INSERT INTO accounts VALUES (?1, ?2, ?3, 0, 0, 0, 0, 0, ?4)");
    for (uint64_t id = 1; id <= count; id++) {
      sqlite3_bind_int64(insert, 1, static_cast<int64_t>(id));
      sqlite3_bind_int64(insert, 2, kLedger);
      sqlite3_bind_int64(insert, 3, kCode);
      sqlite3_bind_int64(insert, 4, static_cast<int64_t>(++timestamp_));
      db_.StepDone(insert, "insert account");
    }
    db_.Exec("COMMIT");
  }

  void RunBatch(std::span<const TransferSpec> batch) override {
    created_ = 0;
    db_.Exec("BEGIN");
    for (const TransferSpec& t : batch) {
      const int64_t debit_ledger = LedgerOf(t.debit);
      const int64_t credit_ledger = LedgerOf(t.credit);
      if (debit_ledger != kLedger || credit_ledger != kLedger) continue;
      sqlite3_bind_int64(insert_, 1, static_cast<int64_t>(t.id));
      sqlite3_bind_int64(insert_, 2, static_cast<int64_t>(t.debit));
      sqlite3_bind_int64(insert_, 3, static_cast<int64_t>(t.credit));
      sqlite3_bind_int64(insert_, 4, static_cast<int64_t>(t.amount));
      sqlite3_bind_int64(insert_, 5, kLedger);
      sqlite3_bind_int64(insert_, 6, kCode);
      sqlite3_bind_int64(insert_, 7, static_cast<int64_t>(++timestamp_));
      const int rc = sqlite3_step(insert_);
      sqlite3_reset(insert_);
      if (rc == SQLITE_CONSTRAINT) continue;  // the id exists
      db_.Check(rc, "insert transfer");
      Update(debit_, t.debit, t.amount);
      Update(credit_, t.credit, t.amount);
      created_++;
    }
    db_.Exec("COMMIT");
  }

  void CheckBatch(std::span<const TransferSpec> batch) override {
    if (created_ != batch.size()) Fail("sqlite: not every transfer was created");
  }

  uint64_t CheckpointAndMeasureBytes() override {
    db_.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return FileBytes(path_) + FileBytes(path_ + "-wal");
  }

  Totals ReadTotals() override {
    Totals totals;
    sqlite3_stmt* count = db_.Prepare("SELECT count(*) FROM transfers");
    if (sqlite3_step(count) != SQLITE_ROW) Fail("sqlite: count");
    totals.transfer_count = static_cast<uint64_t>(sqlite3_column_int64(count, 0));
    sqlite3_reset(count);
    sqlite3_stmt* sums =
        db_.Prepare("SELECT sum(debits_posted), sum(credits_posted) FROM accounts");
    if (sqlite3_step(sums) != SQLITE_ROW) Fail("sqlite: sums");
    totals.debits_posted_sum = static_cast<uint64_t>(sqlite3_column_int64(sums, 0));
    totals.credits_posted_sum = static_cast<uint64_t>(sqlite3_column_int64(sums, 1));
    sqlite3_reset(sums);
    return totals;
  }

  void ReadBalances(uint64_t count, std::vector<uint64_t>* debits,
                    std::vector<uint64_t>* credits) override {
    debits->assign(count + 1, 0);
    credits->assign(count + 1, 0);
    sqlite3_stmt* all = db_.Prepare("SELECT id, debits_posted, credits_posted FROM accounts");
    int rc;
    while ((rc = sqlite3_step(all)) == SQLITE_ROW) {
      const auto id = static_cast<uint64_t>(sqlite3_column_int64(all, 0));
      if (id == 0 || id > count) Fail("sqlite: unexpected account id");
      (*debits)[id] = static_cast<uint64_t>(sqlite3_column_int64(all, 1));
      (*credits)[id] = static_cast<uint64_t>(sqlite3_column_int64(all, 2));
    }
    sqlite3_reset(all);
    db_.Check(rc, "read balances");
  }

  bool ReadTransfer(uint64_t id, TransferSpec* out) override {
    if (select_transfer_ == nullptr) {
      select_transfer_ = db_.Prepare(
          "SELECT debit_account_id, credit_account_id, amount FROM transfers WHERE id = ?1");
    }
    sqlite3_bind_int64(select_transfer_, 1, static_cast<int64_t>(id));
    const bool found = sqlite3_step(select_transfer_) == SQLITE_ROW;
    if (found) {
      *out = {id, static_cast<uint64_t>(sqlite3_column_int64(select_transfer_, 0)),
              static_cast<uint64_t>(sqlite3_column_int64(select_transfer_, 1)),
              static_cast<uint64_t>(sqlite3_column_int64(select_transfer_, 2))};
    }
    sqlite3_reset(select_transfer_);
    return found;
  }

  void Close() override {
    const std::string error = db_.Close();
    if (!error.empty()) Fail("sqlite close: " + error);
  }

 private:
  int64_t LedgerOf(uint64_t account) {
    sqlite3_bind_int64(select_ledger_, 1, static_cast<int64_t>(account));
    const int rc = sqlite3_step(select_ledger_);
    const int64_t ledger = rc == SQLITE_ROW ? sqlite3_column_int64(select_ledger_, 0) : -1;
    sqlite3_reset(select_ledger_);
    if (rc != SQLITE_ROW) db_.Check(rc, "select account");
    return ledger;
  }

  void Update(sqlite3_stmt* stmt, uint64_t account, uint64_t amount) {
    sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(account));
    sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(amount));
    db_.StepDone(stmt, "update balance");
    if (sqlite3_changes(db_.db()) != 1) Fail("sqlite: balance update changed no row");
  }

  std::string path_;
  SqliteConnection db_;
  sqlite3_stmt* select_ledger_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* debit_ = nullptr;
  sqlite3_stmt* credit_ = nullptr;
  sqlite3_stmt* select_transfer_ = nullptr;
  uint64_t timestamp_ = 0;
  size_t created_ = 0;
};

// --- PostgreSQL ------------------------------------------------------------------

// libpq through dlopen: the functions this bench calls, typed by libpq-fe.h.
struct Libpq {
  void* handle = nullptr;
  decltype(&PQconnectdb) connectdb = nullptr;
  decltype(&PQstatus) status = nullptr;
  decltype(&PQerrorMessage) error_message = nullptr;
  decltype(&PQexec) exec = nullptr;
  decltype(&PQexecParams) exec_params = nullptr;
  decltype(&PQresultStatus) result_status = nullptr;
  decltype(&PQresultErrorMessage) result_error_message = nullptr;
  decltype(&PQgetvalue) get_value = nullptr;
  decltype(&PQntuples) ntuples = nullptr;
  decltype(&PQclear) clear = nullptr;
  decltype(&PQfinish) finish = nullptr;

  // Empty on success, else why not.
  std::string Load() {
    handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return std::string("cannot load libpq.so.5: ") + dlerror();
    bool ok = true;
    auto sym = [&](auto* fn, const char* name) {
      *fn = reinterpret_cast<std::remove_pointer_t<decltype(fn)>>(dlsym(handle, name));
      ok = ok && *fn != nullptr;
    };
    sym(&connectdb, "PQconnectdb");
    sym(&status, "PQstatus");
    sym(&error_message, "PQerrorMessage");
    sym(&exec, "PQexec");
    sym(&exec_params, "PQexecParams");
    sym(&result_status, "PQresultStatus");
    sym(&result_error_message, "PQresultErrorMessage");
    sym(&get_value, "PQgetvalue");
    sym(&ntuples, "PQntuples");
    sym(&clear, "PQclear");
    sym(&finish, "PQfinish");
    return ok ? "" : "libpq.so.5 lacks a function this bench needs";
  }
};

constexpr const char* kPgBin = "/usr/lib/postgresql/15/bin";

// Same tables as SQLite; the per-transfer work runs server-side, one call per
// batch with the batch as arrays: the best batching PostgreSQL allows for
// sequential, checked double-entry work.
constexpr const char* kPgSchema = R"sql(
CREATE TABLE accounts (id bigint PRIMARY KEY, ledger integer NOT NULL, code integer NOT NULL,
  flags integer NOT NULL, debits_pending bigint NOT NULL, debits_posted bigint NOT NULL,
  credits_pending bigint NOT NULL, credits_posted bigint NOT NULL, timestamp bigint NOT NULL);
CREATE TABLE transfers (id bigint PRIMARY KEY, debit_account_id bigint NOT NULL,
  credit_account_id bigint NOT NULL, amount bigint NOT NULL, ledger integer NOT NULL,
  code integer NOT NULL, flags integer NOT NULL, timestamp bigint NOT NULL);
CREATE INDEX transfers_debit ON transfers (debit_account_id, timestamp);
CREATE INDEX transfers_credit ON transfers (credit_account_id, timestamp);
CREATE FUNCTION create_transfers(p_id bigint[], p_debit bigint[], p_credit bigint[],
                                 p_amount bigint[], p_ledger integer, p_code integer,
                                 p_timestamp bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  debit_ledger integer;
  credit_ledger integer;
  created integer := 0;
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_id, 1), 0) LOOP
    SELECT ledger INTO debit_ledger FROM accounts WHERE id = p_debit[i];
    CONTINUE WHEN NOT FOUND OR debit_ledger <> p_ledger;
    SELECT ledger INTO credit_ledger FROM accounts WHERE id = p_credit[i];
    CONTINUE WHEN NOT FOUND OR credit_ledger <> p_ledger;
    INSERT INTO transfers VALUES (p_id[i], p_debit[i], p_credit[i], p_amount[i], p_ledger,
                                  p_code, 0, p_timestamp + i)
      ON CONFLICT (id) DO NOTHING;
    CONTINUE WHEN NOT FOUND;
    UPDATE accounts SET debits_posted = debits_posted + p_amount[i] WHERE id = p_debit[i];
    UPDATE accounts SET credits_posted = credits_posted + p_amount[i] WHERE id = p_credit[i];
    created := created + 1;
  END LOOP;
  RETURN created;
END $$;
)sql";

int RunShell(const std::string& command) {
  const int rc = std::system(command.c_str());
  return rc == -1 ? -1 : WEXITSTATUS(rc);
}

class PostgresLedger : public LedgerSystem {
 public:
  // Starts the cluster; on failure leaves *why_not set and the object unusable.
  PostgresLedger(const Libpq& pq, const std::string& dir, std::string* why_not)
      : pq_(pq), data_dir_(dir + "/pgdata") {
    *why_not = Start(dir);
    if (!why_not->empty()) return;
    const std::string conninfo = "host=" + data_dir_ + " port=5432 user=postgres dbname=postgres";
    conn_ = pq_.connectdb(conninfo.c_str());
    if (pq_.status(conn_) != CONNECTION_OK) {
      *why_not = std::string("cannot connect: ") + pq_.error_message(conn_);
      return;
    }
    Exec(kPgSchema);
  }

  ~PostgresLedger() override {
    if (conn_ != nullptr) pq_.finish(conn_);
    if (started_) Stop();
  }

  void CreateAccounts(uint64_t count) override {
    Exec(("INSERT INTO accounts SELECT g, 1, 1, 0, 0, 0, 0, 0, g FROM generate_series(1, " +
          std::to_string(count) + ") g")
             .c_str());
    timestamp_ = count;
    Exec("VACUUM ANALYZE accounts");
  }

  void RunBatch(std::span<const TransferSpec> batch) override {
    ids_.assign("{");
    debits_.assign("{");
    credits_.assign("{");
    amounts_.assign("{");
    for (const TransferSpec& t : batch) {
      AppendNumber(&ids_, t.id);
      AppendNumber(&debits_, t.debit);
      AppendNumber(&credits_, t.credit);
      AppendNumber(&amounts_, t.amount);
    }
    for (std::string* s : {&ids_, &debits_, &credits_, &amounts_}) s->back() = '}';
    const std::string ledger = std::to_string(kLedger), code = std::to_string(kCode);
    const std::string timestamp = std::to_string(timestamp_);
    timestamp_ += batch.size();
    const char* values[7] = {ids_.c_str(),   debits_.c_str(), credits_.c_str(),
                             amounts_.c_str(), ledger.c_str(), code.c_str(), timestamp.c_str()};
    PGresult* r = pq_.exec_params(conn_, "SELECT create_transfers($1, $2, $3, $4, $5, $6, $7)", 7,
                                  nullptr, values, nullptr, nullptr, 0);
    CheckResult(r, PGRES_TUPLES_OK, "create_transfers");
    created_ = std::strtoull(pq_.get_value(r, 0, 0), nullptr, 10);
    pq_.clear(r);
  }

  void CheckBatch(std::span<const TransferSpec> batch) override {
    if (created_ != batch.size()) Fail("postgresql: not every transfer was created");
  }

  uint64_t CheckpointAndMeasureBytes() override {
    Exec("CHECKPOINT");
    return QueryNumber(
        "SELECT pg_total_relation_size('transfers') + pg_total_relation_size('accounts')");
  }

  Totals ReadTotals() override {
    Totals totals;
    totals.transfer_count = QueryNumber("SELECT count(*) FROM transfers");
    totals.debits_posted_sum = QueryNumber("SELECT sum(debits_posted) FROM accounts");
    totals.credits_posted_sum = QueryNumber("SELECT sum(credits_posted) FROM accounts");
    return totals;
  }

  void ReadBalances(uint64_t count, std::vector<uint64_t>* debits,
                    std::vector<uint64_t>* credits) override {
    debits->assign(count + 1, 0);
    credits->assign(count + 1, 0);
    PGresult* r = pq_.exec(conn_, "SELECT id, debits_posted, credits_posted FROM accounts");
    CheckResult(r, PGRES_TUPLES_OK, "read balances");
    for (int row = 0; row < pq_.ntuples(r); row++) {
      const uint64_t id = std::strtoull(pq_.get_value(r, row, 0), nullptr, 10);
      if (id == 0 || id > count) Fail("postgresql: unexpected account id");
      (*debits)[id] = std::strtoull(pq_.get_value(r, row, 1), nullptr, 10);
      (*credits)[id] = std::strtoull(pq_.get_value(r, row, 2), nullptr, 10);
    }
    pq_.clear(r);
  }

  bool ReadTransfer(uint64_t id, TransferSpec* out) override {
    const std::string sql =
        "SELECT debit_account_id, credit_account_id, amount FROM transfers WHERE id = " +
        std::to_string(id);
    PGresult* r = pq_.exec(conn_, sql.c_str());
    CheckResult(r, PGRES_TUPLES_OK, "read transfer");
    const bool found = pq_.ntuples(r) == 1;
    if (found) {
      *out = {id, std::strtoull(pq_.get_value(r, 0, 0), nullptr, 10),
              std::strtoull(pq_.get_value(r, 0, 1), nullptr, 10),
              std::strtoull(pq_.get_value(r, 0, 2), nullptr, 10)};
    }
    pq_.clear(r);
    return found;
  }

  void Close() override {
    if (conn_ != nullptr) pq_.finish(conn_);
    conn_ = nullptr;
    if (started_) Stop();
  }

 private:
  // initdb + start as the postgres user (PostgreSQL refuses to run as root),
  // socket in the data directory, no TCP. Durability settings stay at their
  // defaults (fsync, synchronous_commit, full_page_writes on); memory and WAL
  // sizes are raised so checkpoints do not dominate a bulk run.
  std::string Start(const std::string& dir) {
    if (access((std::string(kPgBin) + "/pg_ctl").c_str(), X_OK) != 0) {
      return std::string("no PostgreSQL 15 server binaries in ") + kPgBin +
             " (apt package postgresql-15)";
    }
    const std::string user = geteuid() == 0 ? "runuser -u postgres -- " : "";
    if (chmod(dir.c_str(), 0755) != 0 || mkdir(data_dir_.c_str(), 0700) != 0) {
      return "cannot create " + data_dir_;
    }
    if (geteuid() == 0 && RunShell("chown postgres:postgres '" + data_dir_ + "'") != 0) {
      return "cannot hand " + data_dir_ + " to the postgres user";
    }
    const std::string log = data_dir_ + "/server.log";
    if (RunShell(user + kPgBin + "/initdb -D '" + data_dir_ +
                 "' -A trust -U postgres --no-sync >/dev/null 2>&1") != 0) {
      return "initdb failed";
    }
    const std::string settings =
        "-k " + data_dir_ +
        " -c listen_addresses='' -c shared_buffers=1GB -c max_wal_size=8GB"
        " -c checkpoint_timeout=30min -c fsync=on -c synchronous_commit=on";
    if (RunShell(user + kPgBin + "/pg_ctl -D '" + data_dir_ + "' -l '" + log + "' -o \"" +
                 settings + "\" -w start >/dev/null 2>&1") != 0) {
      return "pg_ctl start failed (see " + log + ")";
    }
    started_ = true;
    stop_command_ =
        user + kPgBin + "/pg_ctl -D '" + data_dir_ + "' -m fast -w stop >/dev/null 2>&1";
    return "";
  }

  void Stop() {
    started_ = false;
    if (RunShell(stop_command_) != 0) std::fprintf(stderr, "ledger_bench: pg_ctl stop failed\n");
  }

  void CheckResult(PGresult* r, ExecStatusType want, const char* what) {
    if (pq_.result_status(r) == want) return;
    const std::string message = r != nullptr ? pq_.result_error_message(r) : "no result";
    pq_.clear(r);
    Fail(std::string("postgresql ") + what + ": " + message);
  }

  void Exec(const char* sql) {
    PGresult* r = pq_.exec(conn_, sql);
    CheckResult(r, PGRES_COMMAND_OK, sql);
    pq_.clear(r);
  }

  uint64_t QueryNumber(const char* sql) {
    PGresult* r = pq_.exec(conn_, sql);
    CheckResult(r, PGRES_TUPLES_OK, sql);
    const uint64_t n = std::strtoull(pq_.get_value(r, 0, 0), nullptr, 10);
    pq_.clear(r);
    return n;
  }

  static void AppendNumber(std::string* out, uint64_t n) {
    char digits[24];
    const int len = std::snprintf(digits, sizeof digits, "%" PRIu64 ",", n);
    out->append(digits, static_cast<size_t>(len));
  }

  const Libpq& pq_;
  std::string data_dir_;
  std::string stop_command_;
  bool started_ = false;
  PGconn* conn_ = nullptr;
  uint64_t timestamp_ = 0;
  uint64_t created_ = 0;
  std::string ids_, debits_, credits_, amounts_;
};

// --- running -----------------------------------------------------------------------

struct LedgerResult {
  CaseResult base;
  double bytes_per_transfer = 0;
  // CPU of this process during the timed batches (PostgreSQL's work is in its
  // server): on a shared machine it shows cost that wall time blurs.
  double client_cpu_seconds = 0;
};

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void Validate(const std::string& system, LedgerSystem* db, const Params& params,
              const Workload& workload, const Expected& expected) {
  auto fail = [&](const std::string& what) { Fail(system + ": validation: " + what); };
  const Totals totals = db->ReadTotals();
  if (totals.transfer_count != params.transfer_count) fail("transfer count");
  if (totals.debits_posted_sum != expected.amount_sum) fail("sum of debits_posted");
  if (totals.credits_posted_sum != expected.amount_sum) fail("sum of credits_posted");
  std::vector<uint64_t> debits, credits;
  db->ReadBalances(params.account_count, &debits, &credits);
  if (debits != expected.debits_posted || credits != expected.credits_posted) {
    fail("account balances differ from the workload's");
  }
  std::vector<TransferSpec> batch;
  uint64_t rng = 42;
  for (size_t k = 0; k < kSampleTransfers; k++) {
    const uint64_t index = SplitMix64(&rng) % params.transfer_count;
    workload.Batch(static_cast<size_t>(index / kBatchTransfers), &batch);
    const TransferSpec& want = batch[index % kBatchTransfers];
    TransferSpec got{};
    if (!db->ReadTransfer(want.id, &got)) fail("transfer " + std::to_string(want.id) + " missing");
    if (got.debit != want.debit || got.credit != want.credit || got.amount != want.amount) {
      fail("transfer " + std::to_string(want.id) + " differs");
    }
  }
}

std::unique_ptr<LedgerSystem> OpenSystem(const std::string& system, const std::string& dir,
                                         const Libpq& pq, std::string* why_not) {
  if (system == "zqlite") return std::make_unique<ZqliteLedger>(dir);
  if (system == "sqlite") return std::make_unique<SqliteLedger>(dir);
  auto pg = std::make_unique<PostgresLedger>(pq, dir, why_not);
  if (!why_not->empty()) return nullptr;
  return pg;
}

// Each batch's latency in microseconds, one per line in batch order, to
// PREFIX.SYSTEM.CASE: where a p99 comes from is in which batches are slow.
void WriteLatencies(const std::string& prefix, const std::string& system,
                    const std::string& case_name, const std::vector<uint64_t>& latencies_ns) {
  const std::string path = prefix + "." + system + "." + case_name;
  std::FILE* f = std::fopen(path.c_str(), "w");
  bool ok = f != nullptr;
  for (size_t i = 0; ok && i < latencies_ns.size(); i++) {
    ok = std::fprintf(f, "%.3f\n", static_cast<double>(latencies_ns[i]) / 1e3) > 0;
  }
  if (f != nullptr && std::fclose(f) != 0) ok = false;
  if (!ok) std::fprintf(stderr, "ledger_bench: could not write %s\n", path.c_str());
}

// One (system, case) on a fresh database; nullopt-like empty system when skipped.
bool RunCase(const std::string& system, Skew skew, const Params& params, const std::string& base,
             const std::string& latency_prefix, const Libpq& pq, LedgerResult* out,
             std::string* why_not) {
  const std::string case_name = skew == Skew::kUniform ? "uniform" : "hot";
  const Workload workload(params, skew);
  const Expected expected = Expect(params, workload);
  const std::string dir = MakeRunDir(base, "zq-ledger-bench");
  WarnIfTmpfs(dir);
  struct RemoveDir {
    std::string path;
    ~RemoveDir() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } remove_dir{dir};
  std::unique_ptr<LedgerSystem> db = OpenSystem(system, dir, pq, why_not);
  if (db == nullptr) return false;
  db->CreateAccounts(params.account_count);
  std::vector<TransferSpec> batch;
  std::vector<uint64_t> latencies_ns;
  uint64_t wall_ns = 0;
  const double cpu_start = ProcessCpuSeconds();
  for (size_t b = 0; b < workload.batch_count(); b++) {
    workload.Batch(b, &batch);  // untimed: the client has its batch ready
    const auto start = Clock::now();
    db->RunBatch(batch);
    const uint64_t ns = NanosBetween(start, Clock::now());
    wall_ns += ns;
    latencies_ns.push_back(ns);
    db->CheckBatch(batch);
  }
  const auto settle_start = Clock::now();
  db->MakeReadable();
  wall_ns += NanosBetween(settle_start, Clock::now());
  out->client_cpu_seconds = ProcessCpuSeconds() - cpu_start;
  const uint64_t bytes = db->CheckpointAndMeasureBytes();
  Validate(system, db.get(), params, workload, expected);
  db->Close();
  if (!latency_prefix.empty()) WriteLatencies(latency_prefix, system, case_name, latencies_ns);
  out->base = MakeResult(system, case_name, params.transfer_count, wall_ns, latencies_ns);
  out->bytes_per_transfer =
      static_cast<double>(bytes) / static_cast<double>(params.transfer_count);
  return true;
}

std::string LedgerJson(bool quick, const std::vector<LedgerResult>& results,
                       const std::vector<std::string>& notes) {
  std::string json = "{\"bench\":\"ledger\",\"machine\":" + JsonString(DescribeMachine()) +
                     ",\"quick\":" + (quick ? "true" : "false") + ",\"results\":[";
  for (size_t i = 0; i < results.size(); i++) {
    const CaseResult& r = results[i].base;
    char numbers[200];
    std::snprintf(numbers, sizeof numbers,
                  ",\"ops_per_s\":%.1f,\"p50_us\":%.2f,\"p99_us\":%.2f,"
                  "\"bytes_per_transfer\":%.1f}",
                  r.ops_per_s, r.p50_us, r.p99_us, results[i].bytes_per_transfer);
    json += (i == 0 ? "" : ",");
    json += "{\"system\":" + JsonString(r.system) + ",\"case\":" + JsonString(r.case_name) +
            numbers;
  }
  json += "]";
  if (!notes.empty()) {
    json += ",\"notes\":[";
    for (size_t i = 0; i < notes.size(); i++) json += (i == 0 ? "" : ",") + JsonString(notes[i]);
    json += "]";
  }
  return json + "}";
}

struct Options {
  bool quick = false;
  std::string dir = "/tmp";
  std::string latency_prefix;  // empty: no latency files
  std::vector<std::string> systems;
  std::vector<std::string> cases;
};

constexpr const char* kUsage =
    "usage: ledger_bench [--quick] [--dir DIR] [--systems zqlite,sqlite,postgresql]\n"
    "                    [--cases uniform,hot] [--latencies PREFIX]\n"
    "  --latencies PREFIX  each batch's latency (us), one per line, to PREFIX.SYSTEM.CASE\n";

bool ParseOptions(int argc, char** argv, Options* options) {
  static constexpr std::string_view kSystems[] = {"zqlite", "sqlite", "postgresql"};
  static constexpr std::string_view kCases[] = {"uniform", "hot"};
  for (int i = 1; i < argc; i++) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--quick") {
      options->quick = true;
    } else if (arg == "--dir" && has_value) {
      options->dir = argv[++i];
    } else if (arg == "--latencies" && has_value) {
      options->latency_prefix = argv[++i];
    } else if (arg == "--systems" && has_value) {
      if (!ParseSystemList("ledger_bench", argv[++i], kSystems, &options->systems)) return false;
    } else if (arg == "--cases" && has_value) {
      if (!ParseSystemList("ledger_bench", argv[++i], kCases, &options->cases)) return false;
    } else {
      return false;
    }
  }
  if (options->systems.empty()) options->systems.assign(std::begin(kSystems), std::end(kSystems));
  if (options->cases.empty()) options->cases.assign(std::begin(kCases), std::end(kCases));
  return true;
}

int RunAll(const Options& options) {
  Params params;
  if (options.quick) params = {10'000, 500'000};
  std::fprintf(stderr, "ledger: %" PRIu64 " accounts, %" PRIu64 " transfers in batches of %zu%s\n",
               params.account_count, params.transfer_count, kBatchTransfers,
               options.quick ? " (quick)" : "");
  Libpq pq;
  std::string pq_missing;
  std::vector<std::string> notes;
  std::vector<LedgerResult> results;
  PrintTableHeader();
  for (const std::string& system : options.systems) {
    if (system == "postgresql") {
      pq_missing = pq.Load();
      if (!pq_missing.empty()) {
        notes.push_back("postgresql skipped: " + pq_missing);
        std::fprintf(stderr, "%s\n", notes.back().c_str());
        continue;
      }
    }
    for (const std::string& case_name : options.cases) {
      LedgerResult r;
      std::string why_not;
      const Skew skew = case_name == "hot" ? Skew::kHot : Skew::kUniform;
      if (!RunCase(system, skew, params, options.dir, options.latency_prefix, pq, &r, &why_not)) {
        notes.push_back(system + " skipped: " + why_not);
        std::fprintf(stderr, "%s\n", notes.back().c_str());
        break;
      }
      PrintTableRow(r.base);
      std::fprintf(stderr, "%-17s %-16s bytes/transfer %.1f, client cpu %.3f s\n", "", "",
                   r.bytes_per_transfer, r.client_cpu_seconds);
      results.push_back(r);
    }
  }
  std::printf("%s\n", LedgerJson(options.quick, results, notes).c_str());
  return 0;
}

}  // namespace
}  // namespace zq::bench

int main(int argc, char** argv) {
  zq::bench::Options options;
  if (!zq::bench::ParseOptions(argc, argv, &options)) {
    std::fputs(zq::bench::kUsage, stderr);
    return 2;
  }
  try {
    return zq::bench::RunAll(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ledger_bench: error: %s\n", e.what());
    return 1;
  }
}
