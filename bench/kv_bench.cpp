// kv_bench: ZQLite's storage engine (zq::storage::Store) against LMDB and SQLite on
// one key/value workload, in one process and one run, so that every number shares
// the same machine, disk and page-cache state.
//
// Usage: kv_bench [--quick] [--dir DIR] [--systems zqlite,zqlite-encrypted,lmdb,sqlite]
//
// Each system gets a fresh database in a mkdtemp directory under DIR (default /tmp),
// removed at the end, and runs these cases in order on identical data:
//   bulk_load        N keys in durable commits of kLoadBatchKeys keys. ops = keys;
//                    latency = one commit of kLoadBatchKeys puts (begin to durable).
//   random_read      N point reads of loaded keys, each in its own read snapshot.
//                    ops = reads; latency = one read. Every value is verified.
//   ordered_scan     one full scan in key order. ops = keys visited; latency = one
//                    chunk of kScanChunkKeys consecutive keys. Count, key order and
//                    values are verified.
//   commit_1thread   C durable commits of one new key each, from one thread.
//                    ops = commits; latency = one commit (begin to durable).
//   commit_8threads  the same C commits split over kCommitThreadCount threads, each
//                    with its own transactions (its own connection for SQLite).
// ops_per_s = ops / wall seconds of the whole case (verification included: it is
// the same cheap memcmp for every system). Latencies are p50/p99 by nearest rank.
// After the cases an untimed check counts every key and reads every committed one:
// a benchmark must not measure a broken engine.
//
// Data: keys are 16 bytes from std::mt19937_64(kKeySeed); the value of entry i is
// 100 bytes: i (8 bytes, little-endian) then 92 bytes of splitmix64(i) output, so a
// value names its own key. Entries [0, N) are loaded; [N, N + C) are
// commit_1thread's and [N + C, N + 2C) commit_8threads'.
//
// Durability: every commit is durable when the call returns. LMDB: default flags
// (fsync per commit), map size 4 GiB. SQLite: WAL, synchronous=FULL, a WITHOUT ROWID
// table, prepared statements, default cache. ZQLite: default StoreOptions (plus an
// AES-256-GCM key for zqlite-encrypted), one tree made by CreateTree() in its own commit.
//
// Output: a table on stderr as cases finish; the last stdout line is one JSON object
// (contract in bench/README.md). Errors: adapters throw BenchError; main prints it,
// removes the run directory and exits 1. Usage errors exit 2.
//
// -DKV_BENCH_NO_ZQLITE builds only the LMDB and SQLite adapters (no zqlite_core link).
#include <lmdb.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_util.hpp"

#ifndef KV_BENCH_NO_ZQLITE
#include "storage/store/store.hpp"
#endif

namespace {

using namespace zq::bench;  // NOLINT: the shared bench vocabulary

constexpr size_t kKeyBytes = 16;
constexpr size_t kValueBytes = 100;
constexpr size_t kValueIndexBytes = 8;  // the entry index at the head of each value
constexpr size_t kLoadKeyCount = 1'000'000;
constexpr size_t kLoadKeyCountQuick = 100'000;
constexpr size_t kCommitCount = 10'000;
constexpr size_t kCommitCountQuick = 2'000;
constexpr size_t kLoadBatchKeys = 1'000;
constexpr size_t kScanChunkKeys = 1'000;
constexpr int kCommitThreadCount = 8;
constexpr uint64_t kKeySeed = 0x7A716C6974656B76;  // "zqlitekv"
constexpr uint64_t kReadSeed = 0x7265616473656564;
constexpr uint64_t kEncryptionKeySeed = 0x656E637279707421;
constexpr size_t kLmdbMapSizeBytes = size_t{4} << 30;
// ZQLite reports write-write conflicts as retryable; distinct keys should never
// conflict, so hitting this many retries of one commit means a bug.
constexpr int kConflictRetryMax = 1'000;

static_assert(kValueIndexBytes < kValueBytes);
static_assert(kCommitThreadCount == 8, "the case is named commit_8threads");
static_assert(kLoadKeyCountQuick % kLoadBatchKeys == 0 && kLoadKeyCount % kLoadBatchKeys == 0);

constexpr std::array<std::string_view, 4> kSystemNames = {"zqlite", "zqlite-encrypted", "lmdb",
                                                          "sqlite"};

uint64_t DecodeFixed64(const char* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}

// --- the workload ------------------------------------------------------------

// All keys and values of one run, generated once and shared by every system.
class Dataset {
 public:
  Dataset(size_t load_count, size_t commit_count)
      : load_count_(load_count), commit_count_(commit_count) {
    const size_t total = total_count();
    keys_.resize(total * kKeyBytes);
    values_.resize(total * kValueBytes);
    std::mt19937_64 key_rng(kKeySeed);
    for (size_t i = 0; i < total; ++i) {
      for (size_t half = 0; half < kKeyBytes / 8; ++half) {
        const uint64_t bits = key_rng();
        for (size_t b = 0; b < 8; ++b) {
          keys_[i * kKeyBytes + half * 8 + b] = static_cast<char>(bits >> (56 - 8 * b));
        }
      }
      FillValue(i, &values_[i * kValueBytes]);
    }
    CheckKeysUnique();
    std::mt19937_64 read_rng(kReadSeed);
    read_order_.resize(load_count_);
    for (size_t& index : read_order_) index = read_rng() % load_count_;
  }

  size_t load_count() const { return load_count_; }
  size_t commit_count() const { return commit_count_; }
  size_t total_count() const { return load_count_ + 2 * commit_count_; }
  std::string_view Key(size_t index) const { return {&keys_[index * kKeyBytes], kKeyBytes}; }
  std::string_view Value(size_t index) const {
    return {&values_[index * kValueBytes], kValueBytes};
  }
  // Indexes into [0, load_count) for random_read.
  const std::vector<size_t>& read_order() const { return read_order_; }

 private:
  static void FillValue(size_t index, char* out) {
    for (size_t b = 0; b < kValueIndexBytes; ++b) out[b] = static_cast<char>(index >> (8 * b));
    uint64_t state = index;
    for (size_t b = kValueIndexBytes; b < kValueBytes; b += 8) {
      const uint64_t bits = SplitMix64(&state);
      const size_t n = std::min<size_t>(8, kValueBytes - b);
      std::memcpy(out + b, &bits, n);
    }
  }

  // 16 random bytes collide with negligible odds, but the scan check relies on it.
  void CheckKeysUnique() const {
    std::vector<std::array<char, kKeyBytes>> sorted(total_count());
    std::memcpy(sorted.data(), keys_.data(), keys_.size());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return std::memcmp(a.data(), b.data(), kKeyBytes) < 0;
    });
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
      Fail("dataset: duplicate random key");
    }
  }

  size_t load_count_;
  size_t commit_count_;
  std::vector<char> keys_;
  std::vector<char> values_;
  std::vector<size_t> read_order_;
};

// --- the adapter interface ---------------------------------------------------

// One writing thread's handle. Not thread-safe: one per thread.
class KvWriter {
 public:
  virtual ~KvWriter() = default;
  // Puts entries [begin, end) of data in one transaction; returns once it is durable.
  virtual void CommitRange(const Dataset& data, size_t begin, size_t end) = 0;
};

using ScanVisitor = std::function<void(std::string_view key, std::string_view value)>;

// One open database of one system. Read and Scan are called from one thread at a
// time; NewWriter from any thread (the writer is then used by that thread only).
class KvSystem {
 public:
  virtual ~KvSystem() = default;
  virtual std::unique_ptr<KvWriter> NewWriter() = 0;
  // Looks key up in a fresh read snapshot; true and fills *value when present.
  virtual bool Read(std::string_view key, std::string* value) = 0;
  // Visits every entry in key order, in one read snapshot.
  virtual void Scan(const ScanVisitor& visit) = 0;
  // Flushes and closes, throwing on error (destructors ignore errors).
  virtual void Close() = 0;
  // Commits that had to be retried (ZQLite conflicts), for the notes.
  virtual uint64_t retry_count() const { return 0; }
};

// --- ZQLite ------------------------------------------------------------------

#ifndef KV_BENCH_NO_ZQLITE
namespace zs = zq::storage;

void CheckZq(const zq::Status& status, const char* what) {
  if (!status.ok()) Fail(std::string("zqlite ") + what + ": " + status.ToString());
}

class ZqliteWriter final : public KvWriter {
 public:
  ZqliteWriter(zs::Store* store, zs::TreeId tree, std::atomic<uint64_t>* retry_count)
      : store_(store), tree_(tree), retry_count_(retry_count) {}

  void CommitRange(const Dataset& data, size_t begin, size_t end) override {
    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<zs::WriteTxn> txn = store_->BeginWrite();
      if (txn == nullptr) Fail("zqlite BeginWrite returned no transaction");
      for (size_t i = begin; i < end; ++i) {
        CheckZq(txn->Put(tree_, data.Key(i), data.Value(i)), "put");
      }
      const zq::Status status = txn->Commit();
      if (status.ok()) return;
      if (status.code() != zq::StatusCode::kConflict || attempt == kConflictRetryMax) {
        CheckZq(status, "commit");
      }
      retry_count_->fetch_add(1, std::memory_order_relaxed);
    }
  }

 private:
  zs::Store* store_;
  zs::TreeId tree_;
  std::atomic<uint64_t>* retry_count_;
};

class ZqliteSystem final : public KvSystem {
 public:
  ZqliteSystem(const std::string& dir, bool encrypted) {
    zs::StoreOptions options;
    if (encrypted) {
      // Fixed, so runs are comparable; random-looking, so it is a realistic key.
      std::mt19937_64 rng(kEncryptionKeySeed);
      zq::crypto::AeadKey key;
      for (uint8_t& byte : key) byte = static_cast<uint8_t>(rng());
      options.encryption_key = key;
    }
    zq::Result<std::unique_ptr<zs::Store>> store = zs::Store::Open(dir + "/kv.zq", options);
    CheckZq(store.status(), "open");
    store_ = std::move(store).value();
    std::unique_ptr<zs::WriteTxn> txn = store_->BeginWrite();
    if (txn == nullptr) Fail("zqlite BeginWrite returned no transaction");
    zq::Result<zs::TreeId> tree = txn->CreateTree();
    CheckZq(tree.status(), "create tree");
    tree_ = *tree;
    CheckZq(txn->Commit(), "commit create tree");
  }

  std::unique_ptr<KvWriter> NewWriter() override {
    return std::make_unique<ZqliteWriter>(store_.get(), tree_, &retry_count_);
  }

  bool Read(std::string_view key, std::string* value) override {
    std::unique_ptr<zs::Snapshot> snapshot = store_->GetSnapshot();
    zq::Result<bool> found = snapshot->Get(tree_, key, value);
    CheckZq(found.status(), "get");
    return *found;
  }

  void Scan(const ScanVisitor& visit) override {
    std::unique_ptr<zs::Snapshot> snapshot = store_->GetSnapshot();
    zq::Result<std::unique_ptr<zs::Cursor>> opened = snapshot->NewCursor(tree_);
    CheckZq(opened.status(), "new cursor");
    std::unique_ptr<zs::Cursor> cursor = std::move(opened).value();
    CheckZq(cursor->SeekFirst(), "seek first");
    while (cursor->Valid()) {
      visit(cursor->key(), cursor->value());
      CheckZq(cursor->Next(), "cursor next");
    }
  }

  void Close() override { CheckZq(store_->Close(), "close"); }
  uint64_t retry_count() const override { return retry_count_.load(); }

 private:
  std::unique_ptr<zs::Store> store_;
  zs::TreeId tree_ = 0;
  std::atomic<uint64_t> retry_count_{0};
};
#endif  // KV_BENCH_NO_ZQLITE

// --- LMDB --------------------------------------------------------------------

void CheckMdb(int rc, const char* what) {
  if (rc != MDB_SUCCESS) Fail(std::string("lmdb ") + what + ": " + mdb_strerror(rc));
}

MDB_val MdbVal(std::string_view bytes) {
  return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};
}

class LmdbWriter final : public KvWriter {
 public:
  LmdbWriter(MDB_env* env, MDB_dbi dbi) : env_(env), dbi_(dbi) {}

  // Write transactions serialize on LMDB's writer lock: that is its real behaviour.
  void CommitRange(const Dataset& data, size_t begin, size_t end) override {
    MDB_txn* txn = nullptr;
    CheckMdb(mdb_txn_begin(env_, nullptr, 0, &txn), "txn begin");
    for (size_t i = begin; i < end; ++i) {
      MDB_val key = MdbVal(data.Key(i));
      MDB_val value = MdbVal(data.Value(i));
      const int rc = mdb_put(txn, dbi_, &key, &value, 0);
      if (rc != MDB_SUCCESS) mdb_txn_abort(txn);
      CheckMdb(rc, "put");
    }
    CheckMdb(mdb_txn_commit(txn), "commit");
  }

 private:
  MDB_env* env_;
  MDB_dbi dbi_;
};

class LmdbSystem final : public KvSystem {
 public:
  explicit LmdbSystem(const std::string& dir) {
    CheckMdb(mdb_env_create(&env_), "env create");
    CheckMdb(mdb_env_set_mapsize(env_, kLmdbMapSizeBytes), "set mapsize");
    CheckMdb(mdb_env_open(env_, dir.c_str(), 0, 0644), "env open");
    MDB_txn* txn = nullptr;
    CheckMdb(mdb_txn_begin(env_, nullptr, 0, &txn), "txn begin");
    const int rc = mdb_dbi_open(txn, nullptr, 0, &dbi_);
    if (rc != MDB_SUCCESS) mdb_txn_abort(txn);
    CheckMdb(rc, "dbi open");
    CheckMdb(mdb_txn_commit(txn), "commit dbi");
  }
  ~LmdbSystem() override { CloseQuietly(); }

  std::unique_ptr<KvWriter> NewWriter() override {
    return std::make_unique<LmdbWriter>(env_, dbi_);
  }

  bool Read(std::string_view key, std::string* value) override {
    MDB_txn* txn = AcquireReadTxn();
    MDB_val mdb_key = MdbVal(key);
    MDB_val mdb_value{};
    const int rc = mdb_get(txn, dbi_, &mdb_key, &mdb_value);
    if (rc == MDB_SUCCESS) {
      value->assign(static_cast<const char*>(mdb_value.mv_data), mdb_value.mv_size);
    }
    mdb_txn_reset(txn);
    if (rc == MDB_NOTFOUND) return false;
    CheckMdb(rc, "get");
    return true;
  }

  void Scan(const ScanVisitor& visit) override {
    MDB_txn* txn = AcquireReadTxn();
    MDB_cursor* cursor = nullptr;
    int rc = mdb_cursor_open(txn, dbi_, &cursor);
    MDB_val key{};
    MDB_val value{};
    for (MDB_cursor_op op = MDB_FIRST; rc == MDB_SUCCESS; op = MDB_NEXT) {
      rc = mdb_cursor_get(cursor, &key, &value, op);
      if (rc != MDB_SUCCESS) break;
      visit({static_cast<const char*>(key.mv_data), key.mv_size},
            {static_cast<const char*>(value.mv_data), value.mv_size});
    }
    if (cursor != nullptr) mdb_cursor_close(cursor);
    mdb_txn_reset(txn);
    if (rc != MDB_NOTFOUND) CheckMdb(rc, "scan");
  }

  void Close() override { CloseQuietly(); }

 private:
  // One read transaction, reset between uses and renewed per snapshot: LMDB ties a
  // reader slot to its thread, and reset/renew is its cheap way to take a snapshot.
  MDB_txn* AcquireReadTxn() {
    if (read_txn_ == nullptr) {
      CheckMdb(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &read_txn_), "read txn begin");
    } else {
      CheckMdb(mdb_txn_renew(read_txn_), "read txn renew");
    }
    return read_txn_;
  }

  // mdb_env_close reports nothing: committed data is already durable.
  void CloseQuietly() {
    if (read_txn_ != nullptr) mdb_txn_abort(read_txn_);
    read_txn_ = nullptr;
    if (env_ != nullptr) mdb_env_close(env_);
    env_ = nullptr;
  }

  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
  MDB_txn* read_txn_ = nullptr;
};

// --- SQLite ------------------------------------------------------------------

void BindBlob(SqliteConnection& connection, sqlite3_stmt* stmt, int column,
              std::string_view bytes) {
  connection.Check(
      sqlite3_bind_blob(stmt, column, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC),
      "bind");
}

std::string_view ColumnBlob(sqlite3_stmt* stmt, int column) {
  const void* data = sqlite3_column_blob(stmt, column);
  return {static_cast<const char*>(data), static_cast<size_t>(sqlite3_column_bytes(stmt, column))};
}

class SqliteWriter final : public KvWriter {
 public:
  explicit SqliteWriter(const std::string& path) : connection_(path) {
    begin_ = connection_.Prepare("BEGIN IMMEDIATE");
    insert_ = connection_.Prepare("INSERT INTO kv(k, v) VALUES(?1, ?2)");
    commit_ = connection_.Prepare("COMMIT");
  }

  void CommitRange(const Dataset& data, size_t begin, size_t end) override {
    connection_.StepDone(begin_, "begin immediate");
    for (size_t i = begin; i < end; ++i) {
      BindBlob(connection_, insert_, 1, data.Key(i));
      BindBlob(connection_, insert_, 2, data.Value(i));
      connection_.StepDone(insert_, "insert");
    }
    connection_.StepDone(commit_, "commit");
  }

 private:
  SqliteConnection connection_;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
};

class SqliteSystem final : public KvSystem {
 public:
  explicit SqliteSystem(const std::string& dir) : path_(dir + "/kv.sqlite"), main_(path_) {
    main_.EnableWal();
    main_.Exec("CREATE TABLE kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID");
    read_ = main_.Prepare("SELECT v FROM kv WHERE k = ?1");
    scan_ = main_.Prepare("SELECT k, v FROM kv ORDER BY k");
  }

  std::unique_ptr<KvWriter> NewWriter() override { return std::make_unique<SqliteWriter>(path_); }

  // Autocommit: the statement takes its own read snapshot.
  bool Read(std::string_view key, std::string* value) override {
    BindBlob(main_, read_, 1, key);
    const int rc = sqlite3_step(read_);
    if (rc == SQLITE_ROW) value->assign(ColumnBlob(read_, 0));
    sqlite3_reset(read_);
    main_.Check(rc, "read");
    return rc == SQLITE_ROW;
  }

  void Scan(const ScanVisitor& visit) override {
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(scan_)) == SQLITE_ROW) {
      visit(ColumnBlob(scan_, 0), ColumnBlob(scan_, 1));
    }
    sqlite3_reset(scan_);
    main_.Check(rc, "scan");
  }

  void Close() override {
    const std::string error = main_.Close();
    if (!error.empty()) Fail("sqlite close: " + error);
  }

 private:
  std::string path_;
  SqliteConnection main_;
  sqlite3_stmt* read_ = nullptr;
  sqlite3_stmt* scan_ = nullptr;
};

std::unique_ptr<KvSystem> OpenSystem(std::string_view name, const std::string& dir) {
#ifndef KV_BENCH_NO_ZQLITE
  if (name == "zqlite") return std::make_unique<ZqliteSystem>(dir, false);
  if (name == "zqlite-encrypted") return std::make_unique<ZqliteSystem>(dir, true);
#endif
  if (name == "lmdb") return std::make_unique<LmdbSystem>(dir);
  if (name == "sqlite") return std::make_unique<SqliteSystem>(dir);
  Fail("system " + std::string(name) + " is not built into this kv_bench");
}

// --- measuring ---------------------------------------------------------------

CaseResult RunBulkLoad(std::string_view name, KvSystem& system, const Dataset& data) {
  std::unique_ptr<KvWriter> writer = system.NewWriter();
  std::vector<uint64_t> latencies_ns;
  latencies_ns.reserve(data.load_count() / kLoadBatchKeys + 1);
  const Clock::time_point start = Clock::now();
  for (size_t begin = 0; begin < data.load_count(); begin += kLoadBatchKeys) {
    const size_t end = std::min(begin + kLoadBatchKeys, data.load_count());
    const Clock::time_point commit_start = Clock::now();
    writer->CommitRange(data, begin, end);
    latencies_ns.push_back(NanosBetween(commit_start, Clock::now()));
  }
  const uint64_t wall_ns = NanosBetween(start, Clock::now());
  return MakeResult(name, "bulk_load", data.load_count(), wall_ns, std::move(latencies_ns));
}

[[noreturn]] void FailRead(std::string_view name, size_t index, const char* problem) {
  char message[160];
  std::snprintf(message, sizeof(message), "%.*s: read of loaded entry %zu %s",
                static_cast<int>(name.size()), name.data(), index, problem);
  Fail(message);
}

CaseResult RunRandomRead(std::string_view name, KvSystem& system, const Dataset& data) {
  std::vector<uint64_t> latencies_ns;
  latencies_ns.reserve(data.read_order().size());
  std::string value;
  value.reserve(kValueBytes);
  const Clock::time_point start = Clock::now();
  for (const size_t index : data.read_order()) {
    const Clock::time_point read_start = Clock::now();
    const bool found = system.Read(data.Key(index), &value);
    latencies_ns.push_back(NanosBetween(read_start, Clock::now()));
    if (!found) FailRead(name, index, "missed");
    if (value != data.Value(index)) FailRead(name, index, "returned a wrong value");
  }
  const uint64_t wall_ns = NanosBetween(start, Clock::now());
  const uint64_t read_count = latencies_ns.size();  // before the move below
  return MakeResult(name, "random_read", read_count, wall_ns, std::move(latencies_ns));
}

// Checks one scanned entry: keys strictly increase, and the value names its key.
class ScanChecker {
 public:
  ScanChecker(std::string_view name, const Dataset& data) : name_(name), data_(data) {
    previous_key_.reserve(kKeyBytes);
  }

  void Visit(std::string_view key, std::string_view value) {
    if (count_ > 0 && !(previous_key_ < key)) Problem("keys out of order");
    if (value.size() != kValueBytes) Problem("value of the wrong size");
    const uint64_t index = DecodeFixed64(value.data());
    if (index >= data_.total_count() || data_.Key(index) != key || data_.Value(index) != value) {
      Problem("value does not match its key");
    }
    previous_key_.assign(key);
    ++count_;
  }

  void ExpectCount(size_t expected) const {
    if (count_ != expected) {
      Problem("visited " + std::to_string(count_) + " keys, expected " + std::to_string(expected));
    }
  }
  size_t count() const { return count_; }

 private:
  [[noreturn]] void Problem(const std::string& problem) const {
    Fail(std::string(name_) + ": ordered scan at key " + std::to_string(count_) + ": " + problem);
  }

  std::string_view name_;
  const Dataset& data_;
  std::string previous_key_;  // std::string compares bytes as unsigned, like memcmp
  size_t count_ = 0;
};

CaseResult RunOrderedScan(std::string_view name, KvSystem& system, const Dataset& data) {
  ScanChecker checker(name, data);
  std::vector<uint64_t> latencies_ns;
  latencies_ns.reserve(data.load_count() / kScanChunkKeys + 1);
  const Clock::time_point start = Clock::now();
  Clock::time_point chunk_start = start;
  system.Scan([&](std::string_view key, std::string_view value) {
    checker.Visit(key, value);
    if (checker.count() % kScanChunkKeys == 0) {
      const Clock::time_point now = Clock::now();
      latencies_ns.push_back(NanosBetween(chunk_start, now));
      chunk_start = now;
    }
  });
  const uint64_t wall_ns = NanosBetween(start, Clock::now());
  checker.ExpectCount(data.load_count());
  return MakeResult(name, "ordered_scan", checker.count(), wall_ns, std::move(latencies_ns));
}

// The first error of any worker thread.
class ErrorSlot {
 public:
  void Set(const std::string& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failed_.load()) message_ = message;
    failed_.store(true);
  }
  bool failed() const { return failed_.load(std::memory_order_relaxed); }
  void ThrowIfSet() const {
    if (failed_.load()) Fail(message_);
  }

 private:
  std::mutex mutex_;
  std::atomic<bool> failed_{false};
  std::string message_;
};

struct CommitWorkerResult {
  std::vector<uint64_t> latencies_ns;
  Clock::time_point end;
};

// Commits entries [begin, end) one per transaction. Opening the writer (an SQLite
// connection) happens before the start latch, so it is not timed.
void CommitWorker(KvSystem& system, const Dataset& data, size_t begin, size_t end,
                  std::latch& start, CommitWorkerResult* result, ErrorSlot* error) {
  std::unique_ptr<KvWriter> writer;
  try {
    writer = system.NewWriter();
  } catch (const std::exception& e) {
    error->Set(e.what());
  }
  result->latencies_ns.reserve(end - begin);
  start.arrive_and_wait();
  try {
    for (size_t i = begin; writer != nullptr && i < end && !error->failed(); ++i) {
      const Clock::time_point commit_start = Clock::now();
      writer->CommitRange(data, i, i + 1);
      result->latencies_ns.push_back(NanosBetween(commit_start, Clock::now()));
    }
  } catch (const std::exception& e) {
    error->Set(e.what());
  }
  result->end = Clock::now();
}

CaseResult RunCommits(std::string_view name, std::string_view case_name, KvSystem& system,
                      const Dataset& data, size_t first_index, int thread_count) {
  const size_t count = data.commit_count();
  std::vector<CommitWorkerResult> results(static_cast<size_t>(thread_count));
  std::vector<std::thread> threads;
  ErrorSlot error;
  std::latch start(thread_count + 1);
  for (int t = 0; t < thread_count; ++t) {
    const size_t begin = first_index + count * static_cast<size_t>(t) / thread_count;
    const size_t end = first_index + count * static_cast<size_t>(t + 1) / thread_count;
    threads.emplace_back(CommitWorker, std::ref(system), std::cref(data), begin, end,
                         std::ref(start), &results[static_cast<size_t>(t)], &error);
  }
  start.arrive_and_wait();
  const Clock::time_point start_time = Clock::now();
  for (std::thread& thread : threads) thread.join();
  error.ThrowIfSet();
  Clock::time_point end_time = start_time;
  std::vector<uint64_t> latencies_ns;
  for (const CommitWorkerResult& result : results) {
    end_time = std::max(end_time, result.end);
    latencies_ns.insert(latencies_ns.end(), result.latencies_ns.begin(), result.latencies_ns.end());
  }
  return MakeResult(name, case_name, count, NanosBetween(start_time, end_time),
                    std::move(latencies_ns));
}

// Untimed: every key is there once, in order, and each committed key reads back.
void VerifyFinalState(std::string_view name, KvSystem& system, const Dataset& data) {
  ScanChecker checker(name, data);
  system.Scan([&](std::string_view key, std::string_view value) { checker.Visit(key, value); });
  checker.ExpectCount(data.total_count());
  std::string value;
  for (size_t i = data.load_count(); i < data.total_count(); ++i) {
    if (!system.Read(data.Key(i), &value) || value != data.Value(i)) {
      Fail(std::string(name) + ": committed entry " + std::to_string(i) + " does not read back");
    }
  }
}

// --- output ------------------------------------------------------------------

void PrintNotes(const Dataset& data, const std::string& run_dir) {
  std::fprintf(stderr,
               "kv_bench: %zu keys (16 B) -> values (100 B), %zu commits per commit case, "
               "databases under %s\n"
               "notes: latency is per commit (%zu keys) for bulk_load, per read for "
               "random_read, per chunk of %zu keys for ordered_scan, per commit for "
               "commit_1thread and commit_%dthreads (begin to durable).\n",
               data.load_count(), data.commit_count(), run_dir.c_str(), kLoadBatchKeys,
               kScanChunkKeys, kCommitThreadCount);
  WarnIfTmpfs(run_dir);
}

// --- main --------------------------------------------------------------------

struct Options {
  bool quick = false;
  std::string dir_base = "/tmp";
  std::vector<std::string> systems;
};

constexpr const char* kUsage =
    "usage: kv_bench [--quick] [--dir DIR] [--systems zqlite,zqlite-encrypted,lmdb,sqlite]\n";

bool ParseOptions(int argc, char** argv, Options* options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--quick") {
      options->quick = true;
    } else if (arg == "--dir" && i + 1 < argc) {
      options->dir_base = argv[++i];
    } else if (arg == "--systems" && i + 1 < argc) {
      if (!ParseSystemList("kv_bench", argv[++i], kSystemNames, &options->systems)) {
        return false;
      }
    } else {
      return false;
    }
  }
  if (options->systems.empty()) {
#ifdef KV_BENCH_NO_ZQLITE
    options->systems = {"lmdb", "sqlite"};
#else
    options->systems.assign(kSystemNames.begin(), kSystemNames.end());
#endif
  }
  return true;
}

void RunSystem(const std::string& name, const std::string& dir, const Dataset& data,
               std::vector<CaseResult>* results) {
  std::filesystem::create_directory(dir);
  std::unique_ptr<KvSystem> system = OpenSystem(name, dir);
  const auto record = [&](CaseResult result) {
    PrintTableRow(result);
    results->push_back(std::move(result));
  };
  record(RunBulkLoad(name, *system, data));
  record(RunRandomRead(name, *system, data));
  record(RunOrderedScan(name, *system, data));
  record(RunCommits(name, "commit_1thread", *system, data, data.load_count(), 1));
  record(RunCommits(name, "commit_8threads", *system, data, data.load_count() + data.commit_count(),
                    kCommitThreadCount));
  VerifyFinalState(name, *system, data);
  if (system->retry_count() > 0) {
    std::fprintf(stderr, "note: %s retried %llu conflicting commits\n", name.c_str(),
                 static_cast<unsigned long long>(system->retry_count()));
  }
  system->Close();
  system.reset();
  std::filesystem::remove_all(dir);
}

int RunAll(const Options& options) {
  const size_t load_count = options.quick ? kLoadKeyCountQuick : kLoadKeyCount;
  const size_t commit_count = options.quick ? kCommitCountQuick : kCommitCount;
  const Dataset data(load_count, commit_count);
  const std::string run_dir = MakeRunDir(options.dir_base, "kv_bench");
  std::vector<CaseResult> results;
  try {
    PrintNotes(data, run_dir);
    PrintTableHeader();
    for (const std::string& name : options.systems) {
      RunSystem(name, run_dir + "/" + name, data, &results);
    }
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(run_dir, ignored);
    throw;
  }
  std::filesystem::remove_all(run_dir);
  std::printf("%s\n", ResultsJson("kv", options.quick, results).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, &options)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  try {
    return RunAll(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kv_bench: error: %s\n", e.what());
    return 1;
  }
}
