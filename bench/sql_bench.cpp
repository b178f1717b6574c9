// sql_bench: ZQLite's SQL engine (zq::engine::Database) against SQLite on one
// relational workload, in one process and one run, so that every number shares the
// same machine, disk and page-cache state.
//
// Usage: sql_bench [--quick] [--dir DIR] [--systems zqlite,sqlite]
//
// Schema (N = 1,000,000 rows, --quick: 100,000; M = N / 10):
//   t(id BIGINT PRIMARY KEY, k INTEGER NOT NULL, grp INTEGER NOT NULL,
//     val DOUBLE PRECISION NOT NULL, txt TEXT NOT NULL), index t_k ON t (k);  N rows
//   c(id BIGINT PRIMARY KEY, t_id BIGINT NOT NULL, qty INTEGER NOT NULL);     M rows
// c.t_id is a foreign key to t.id by construction, not declared: ZQLite refuses
// REFERENCES (0A000) and SQLite would not enforce it by default anyway. SQLite's
// DDL says `id INTEGER PRIMARY KEY`, its rowid alias: the layout anyone tuning for
// SQLite would pick, where BIGINT would add a second B-tree to every lookup. All
// other SQL text is identical for both systems (kInsertSql and the others below).
//
// Cases, in order, each on the state the previous ones left:
//   bulk_insert   N single-row INSERTs in transactions of kInsertBatchRows, the index
//                 on k maintained as rows arrive. ops = rows; latency = one transaction
//                 (BEGIN to durable COMMIT). c is then loaded the same way, untimed.
//   point_select  P = N / 10 SELECTs of one row by primary key, autocommit (each its
//                 own snapshot). ops = selects; latency = one select.
//   range_scan    P / 100 SELECTs of kRangeRows rows through the index on k (k is a
//                 permutation of [0, N), so every range holds exactly kRangeRows rows),
//                 all five columns. ops = scans; latency = one scan.
//   group_by      kAggregateQueryCount GROUP BY queries over t (≈kGroupCount groups).
//                 ops = rows of t aggregated (N per query); latency = one query.
//   join          kAggregateQueryCount joins of all of c with t on c.t_id = t.id, keeping
//                 the t rows with grp < 100 (10%), aggregated to one row. ops = rows of
//                 t joined against (N per query), the same unit as group_by; latency =
//                 one query. The filter is on t so that every c row must be joined:
//                 neither an index nested loop (SQLite) nor a hash join can skip work
//                 by reading c first.
//   update        P single-row UPDATEs by primary key in transactions of
//                 kUpdateBatchRows. ops = updates; latency = one transaction.
// ops_per_s = ops / wall seconds of the whole case (for group_by and join: the sum of
// the query latencies, since their results are checked between queries).
//
// Both systems run prepared-statement style with $n parameters. SQLite prepares each
// statement once (sqlite3_prepare_v3, persistent). ZQLite has no prepare step yet:
// Database::Start(sql, params) looks up the parsed statement and its plan by text on
// every call, and that cost is measured as it is. Both read rows one at a time as the
// query produces them (sqlite3_step, QueryCursor::Next).
//
// Correctness is checked, not assumed: every row a select or scan returns is folded
// into an order-independent checksum as it arrives (nanoseconds a row, the same for
// both systems), compared after the case with the one the dataset predicts; group_by
// and join results are kept and compared, after the timed queries, with values computed
// here from the data (sums of multiples of 1/4 are exact in a double, so equality is
// exact); every UPDATE must change one row; after the cases the row counts and the
// GROUP BY result (now with the updates) are checked again. Any failure exits 1.
//
// Durability: every COMMIT is durable when it returns. SQLite: WAL, synchronous=FULL,
// default cache. ZQLite: default DatabaseOptions.
//
// Output: a table on stderr as cases finish; the last stdout line is one JSON object
// (contract in bench/README.md). Errors exit 1, usage errors 2.
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.hpp"
#include "engine/database.hpp"

namespace {

using namespace zq::bench;  // NOLINT: the shared bench vocabulary

constexpr size_t kRowCount = 1'000'000;
constexpr size_t kRowCountQuick = 100'000;
constexpr size_t kChildRowsPerTableRow = 10;  // c has N / 10 rows
constexpr size_t kPointSelectsPerRow = 10;    // P = N / 10
constexpr size_t kRangeScansPerPointSelect = 100;
constexpr size_t kInsertBatchRows = 10'000;
constexpr size_t kRangeRows = 1'000;
constexpr size_t kUpdateBatchRows = 100;
constexpr size_t kAggregateQueryCount = 5;
constexpr int64_t kGroupCount = 1'000;
constexpr int64_t kQtyRange = 100;            // c.qty is uniform in [0, 100)
constexpr int64_t kJoinGrpBelow = 100;        // kJoinSql keeps the t rows with grp < 100 (10%)
constexpr uint64_t kValQuarterMax = 400'000;  // val in [0, 100000), a multiple of 1/4
constexpr size_t kTxtBytes = 32;
constexpr uint64_t kDataSeed = 0x7A716C6974657371;  // "zqliteSQ"
constexpr uint64_t kWorkSeed = 0x776F726B6C6F6164;  // "workload"

static_assert(kRowCount % kInsertBatchRows == 0 && kRowCountQuick % kInsertBatchRows == 0);
static_assert(kRowCountQuick / kPointSelectsPerRow % kUpdateBatchRows == 0);
static_assert(kRangeRows < kRowCountQuick);
// Sums of val (times 4) must stay exact in a double's 53-bit mantissa.
static_assert(kRowCount * kValQuarterMax * 2 < (uint64_t{1} << 53));

constexpr std::array<std::string_view, 2> kSystemNames = {"zqlite", "sqlite"};

// DDL: the one place where the texts differ (see the file comment).
constexpr const char* kZqliteSchema =
    "CREATE TABLE t (id BIGINT PRIMARY KEY, k INTEGER NOT NULL, grp INTEGER NOT NULL,"
    " val DOUBLE PRECISION NOT NULL, txt TEXT NOT NULL);"
    "CREATE INDEX t_k ON t (k);"
    "CREATE TABLE c (id BIGINT PRIMARY KEY, t_id BIGINT NOT NULL, qty INTEGER NOT NULL);";
constexpr const char* kSqliteSchema =
    "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, grp INTEGER NOT NULL,"
    " val DOUBLE PRECISION NOT NULL, txt TEXT NOT NULL);"
    "CREATE INDEX t_k ON t (k);"
    "CREATE TABLE c (id INTEGER PRIMARY KEY, t_id BIGINT NOT NULL, qty INTEGER NOT NULL);";

constexpr const char* kBeginSql = "BEGIN";
constexpr const char* kCommitSql = "COMMIT";
constexpr const char* kInsertSql =
    "INSERT INTO t (id, k, grp, val, txt) VALUES ($1, $2, $3, $4, $5)";
constexpr const char* kInsertChildSql = "INSERT INTO c (id, t_id, qty) VALUES ($1, $2, $3)";
constexpr const char* kPointSelectSql = "SELECT id, k, grp, val, txt FROM t WHERE id = $1";
constexpr const char* kRangeScanSql = "SELECT id, k, grp, val, txt FROM t WHERE k >= $1 AND k < $2";
constexpr const char* kGroupBySql = "SELECT grp, count(*), sum(val), max(k) FROM t GROUP BY grp";
constexpr const char* kJoinSql =
    "SELECT count(*), sum(t.val), sum(c.qty) FROM c JOIN t ON t.id = c.t_id WHERE t.grp < 100";
constexpr const char* kUpdateSql = "UPDATE t SET val = val + $2 WHERE id = $1";
constexpr const char* kCountTSql = "SELECT count(*) FROM t";
constexpr const char* kCountCSql = "SELECT count(*) FROM c";

// --- checksums ---------------------------------------------------------------

uint64_t Mix(uint64_t hash, uint64_t value) {
  uint64_t state = hash ^ value;
  return SplitMix64(&state);
}

uint64_t HashText(std::string_view text) {
  uint64_t hash = 0xCBF29CE484222325;  // FNV-1a
  for (const char c : text) hash = (hash ^ static_cast<uint8_t>(c)) * 0x100000001B3;
  return hash;
}

uint64_t DoubleBits(double value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

// One row of t; checksums add these, so the order rows arrive in does not matter.
uint64_t RowHash(int64_t id, int64_t k, int64_t grp, double val, std::string_view txt) {
  uint64_t hash = Mix(0, static_cast<uint64_t>(id));
  hash = Mix(hash, static_cast<uint64_t>(k));
  hash = Mix(hash, static_cast<uint64_t>(grp));
  hash = Mix(hash, DoubleBits(val));
  return Mix(hash, HashText(txt));
}

// --- the workload ------------------------------------------------------------

// Every row and every operation of one run, generated once and shared by both systems.
class Dataset {
 public:
  explicit Dataset(size_t row_count) : row_count_(row_count) {
    const size_t child_count = row_count / kChildRowsPerTableRow;
    const size_t select_count = row_count / kPointSelectsPerRow;
    std::mt19937_64 rng(kDataSeed);
    k_.resize(row_count);
    std::iota(k_.begin(), k_.end(), 0);
    std::shuffle(k_.begin(), k_.end(), rng);
    row_of_k_.resize(row_count);
    for (size_t i = 0; i < row_count; ++i) row_of_k_[static_cast<size_t>(k_[i])] = i;
    grp_.resize(row_count);
    val_.resize(row_count);
    txt_.resize(row_count * kTxtBytes);
    for (size_t i = 0; i < row_count; ++i) FillRow(i, rng);
    for (size_t j = 0; j < child_count; ++j) {
      child_t_id_.push_back(static_cast<int64_t>(rng() % row_count) + 1);
      child_qty_.push_back(static_cast<int32_t>(rng() % kQtyRange));
    }
    std::mt19937_64 work(kWorkSeed);
    for (size_t s = 0; s < select_count; ++s) {
      select_ids_.push_back(static_cast<int64_t>(work() % row_count) + 1);
      update_ids_.push_back(static_cast<int64_t>(work() % row_count) + 1);
    }
    for (size_t s = 0; s < select_count / kRangeScansPerPointSelect; ++s) {
      range_starts_.push_back(static_cast<int32_t>(work() % (row_count - kRangeRows + 1)));
    }
  }

  size_t row_count() const { return row_count_; }
  size_t child_count() const { return child_t_id_.size(); }
  // Row i of t (0-based) has id i + 1.
  int64_t K(size_t i) const { return k_[i]; }
  int64_t Grp(size_t i) const { return grp_[i]; }
  double Val(size_t i) const { return val_[i]; }
  std::string_view Txt(size_t i) const { return {&txt_[i * kTxtBytes], kTxtBytes}; }
  uint64_t RowHashOf(size_t i) const {
    return RowHash(static_cast<int64_t>(i) + 1, K(i), Grp(i), Val(i), Txt(i));
  }
  size_t RowOfK(int64_t k) const { return row_of_k_[static_cast<size_t>(k)]; }
  int64_t ChildTid(size_t j) const { return child_t_id_[j]; }
  int64_t ChildQty(size_t j) const { return child_qty_[j]; }

  const std::vector<int64_t>& select_ids() const { return select_ids_; }
  const std::vector<int32_t>& range_starts() const { return range_starts_; }
  const std::vector<int64_t>& update_ids() const { return update_ids_; }
  // The amount update u adds to val: a multiple of 1/4, so sums stay exact.
  static double UpdateDelta(size_t u) { return 0.25 * static_cast<double>(1 + u % 8); }

 private:
  void FillRow(size_t i, std::mt19937_64& rng) {
    grp_[i] = static_cast<int32_t>(rng() % kGroupCount);
    val_[i] = static_cast<double>(rng() % kValQuarterMax) / 4.0;
    char text[kTxtBytes + 1];  // snprintf's NUL must not land in the next row
    const uint64_t high = rng();
    const uint64_t low = rng();
    std::snprintf(text, sizeof(text), "%016" PRIx64 "%016" PRIx64, high, low);
    std::memcpy(&txt_[i * kTxtBytes], text, kTxtBytes);
  }

  size_t row_count_;
  std::vector<int32_t> k_;
  std::vector<size_t> row_of_k_;
  std::vector<int32_t> grp_;
  std::vector<double> val_;
  std::vector<char> txt_;
  std::vector<int64_t> child_t_id_;
  std::vector<int32_t> child_qty_;
  std::vector<int64_t> select_ids_;
  std::vector<int32_t> range_starts_;
  std::vector<int64_t> update_ids_;
};

// --- the adapter interface ---------------------------------------------------

enum class ParamType : uint8_t { kBigint, kInteger, kDouble, kText };

// One $n argument; `text` must outlive the call it is passed to.
struct Param {
  ParamType type = ParamType::kBigint;
  int64_t integer = 0;
  double real = 0;
  std::string_view text;
};

Param Bigint(int64_t v) {
  return Param{ParamType::kBigint, v, 0, {}};
}
Param Integer(int64_t v) {
  return Param{ParamType::kInteger, v, 0, {}};
}
Param Double(double v) {
  return Param{ParamType::kDouble, 0, v, {}};
}
Param Text(std::string_view v) {
  return Param{ParamType::kText, 0, 0, v};
}

// One result row, valid only during the visit. Columns are 0-based; a NULL or a
// value of another type is an error (the bench knows what each query returns).
class RowView {
 public:
  virtual ~RowView() = default;
  virtual int64_t Int(size_t column) const = 0;
  virtual double Real(size_t column) const = 0;
  virtual std::string_view Text(size_t column) const = 0;
};

using RowVisitor = std::function<void(const RowView&)>;
using StatementId = size_t;

// One open database of one system, used from one thread.
class SqlSystem {
 public:
  virtual ~SqlSystem() = default;
  // Runs a script of statements without parameters (the schema; untimed).
  virtual void ExecuteScript(const char* sql) = 0;
  virtual StatementId Prepare(const char* sql) = 0;
  // Runs a prepared statement, visits every row it returns, and returns the number
  // of rows it changed (meaningful for INSERT/UPDATE/DELETE only).
  virtual int64_t Run(StatementId statement, std::span<const Param> params,
                      const RowVisitor& visit) = 0;
  // Flushes and closes, throwing on error (destructors ignore errors).
  virtual void Close() = 0;
};

// --- ZQLite ------------------------------------------------------------------

namespace zsql = zq::sql;

void CheckZq(const zq::Status& status, std::string_view what) {
  if (!status.ok()) Fail("zqlite " + std::string(what) + ": " + status.ToString());
}

class ZqliteRowView final : public RowView {
 public:
  explicit ZqliteRowView(const zsql::Row& row) : row_(row) {}

  int64_t Int(size_t column) const override {
    const zsql::Value& v = At(column);
    if (!zsql::IsIntegerType(v.type))
      Fail("zqlite: column " + std::to_string(column) + " is not an integer");
    return v.i;
  }
  double Real(size_t column) const override {
    const zsql::Value& v = At(column);
    if (zsql::IsFloatType(v.type)) return v.f;
    if (!zsql::IsNumericCategory(v.type))
      Fail("zqlite: column " + std::to_string(column) + " is not a number");
    return zsql::ToDouble(v);
  }
  std::string_view Text(size_t column) const override {
    const zsql::Value& v = At(column);
    if (v.type != zsql::TypeId::kText)
      Fail("zqlite: column " + std::to_string(column) + " is not text");
    return v.s;
  }

 private:
  const zsql::Value& At(size_t column) const {
    if (column >= row_.size() || row_[column].null) {
      Fail("zqlite: column " + std::to_string(column) + " is missing or NULL");
    }
    return row_[column];
  }
  const zsql::Row& row_;
};

class ZqliteSystem final : public SqlSystem {
 public:
  explicit ZqliteSystem(const std::string& dir) {
    zq::Result<std::unique_ptr<zq::engine::Database>> db =
        zq::engine::Database::Open(dir + "/sql.zq", zq::engine::DatabaseOptions{});
    CheckZq(db.status(), "open");
    db_ = std::move(db).value();
  }

  void ExecuteScript(const char* sql) override { CheckZq(db_->ExecuteScript(sql).status(), sql); }

  StatementId Prepare(const char* sql) override {
    statements_.emplace_back(sql);
    return statements_.size() - 1;
  }

  int64_t Run(StatementId statement, std::span<const Param> params,
              const RowVisitor& visit) override {
    params_.resize(params.size());
    for (size_t i = 0; i < params.size(); ++i) ToValue(params[i], &params_[i]);
    // Rows are read as the query computes them, as sqlite3_step reads them.
    zq::Result<std::unique_ptr<zq::engine::QueryCursor>> cursor =
        db_->Start(statements_[statement], params_);
    CheckZq(cursor.status(), statements_[statement]);
    while (true) {
      zq::Result<bool> more = (*cursor)->Next(&row_);
      CheckZq(more.status(), statements_[statement]);
      if (!*more) break;
      visit(ZqliteRowView(row_));
    }
    return (*cursor)->header().changes;
  }

  void Close() override { CheckZq(db_->Close(), "close"); }

 private:
  // Reuses the Value (and its string's buffer) of the previous call.
  static void ToValue(const Param& param, zsql::Value* out) {
    out->null = false;
    switch (param.type) {
      case ParamType::kBigint:
        out->type = zsql::TypeId::kInt8;
        out->i = param.integer;
        break;
      case ParamType::kInteger:
        out->type = zsql::TypeId::kInt4;
        out->i = param.integer;
        break;
      case ParamType::kDouble:
        out->type = zsql::TypeId::kFloat8;
        out->f = param.real;
        break;
      case ParamType::kText:
        out->type = zsql::TypeId::kText;
        out->s.assign(param.text);
        break;
    }
  }

  std::unique_ptr<zq::engine::Database> db_;
  std::vector<std::string> statements_;
  std::vector<zsql::Value> params_;
  zsql::Row row_;
};

// --- SQLite ------------------------------------------------------------------

class SqliteRowView final : public RowView {
 public:
  explicit SqliteRowView(sqlite3_stmt* stmt) : stmt_(stmt) {}

  int64_t Int(size_t column) const override {
    Expect(column, SQLITE_INTEGER, "an integer");
    return sqlite3_column_int64(stmt_, static_cast<int>(column));
  }
  double Real(size_t column) const override {
    const int type = sqlite3_column_type(stmt_, static_cast<int>(column));
    if (type != SQLITE_FLOAT && type != SQLITE_INTEGER) Expect(column, SQLITE_FLOAT, "a number");
    return sqlite3_column_double(stmt_, static_cast<int>(column));
  }
  std::string_view Text(size_t column) const override {
    Expect(column, SQLITE_TEXT, "text");
    const unsigned char* text = sqlite3_column_text(stmt_, static_cast<int>(column));
    const int bytes = sqlite3_column_bytes(stmt_, static_cast<int>(column));
    return {reinterpret_cast<const char*>(text), static_cast<size_t>(bytes)};
  }

 private:
  void Expect(size_t column, int type, const char* what) const {
    if (sqlite3_column_type(stmt_, static_cast<int>(column)) != type) {
      Fail("sqlite: column " + std::to_string(column) + " is not " + what);
    }
  }
  sqlite3_stmt* stmt_;
};

class SqliteSystem final : public SqlSystem {
 public:
  explicit SqliteSystem(const std::string& dir) : connection_(dir + "/sql.sqlite") {
    connection_.EnableWal();
  }

  void ExecuteScript(const char* sql) override { connection_.Exec(sql); }

  // `$n` is a named parameter to SQLite, numbered by first appearance: map each
  // $n to its slot so that the text can list them in any order, as PostgreSQL's can.
  StatementId Prepare(const char* sql) override {
    Statement statement{connection_.Prepare(sql), sql, {}};
    const int count = sqlite3_bind_parameter_count(statement.stmt);
    for (int n = 1; n <= count; ++n) {
      const std::string name = "$" + std::to_string(n);
      const int slot = sqlite3_bind_parameter_index(statement.stmt, name.c_str());
      if (slot == 0) Fail(std::string("sqlite: ") + sql + " lacks parameter " + name);
      statement.slots.push_back(slot);
    }
    statements_.push_back(std::move(statement));
    return statements_.size() - 1;
  }

  int64_t Run(StatementId id, std::span<const Param> params, const RowVisitor& visit) override {
    const Statement& statement = statements_[id];
    if (params.size() != statement.slots.size())
      Fail("sqlite: wrong parameter count for " + statement.sql);
    for (size_t i = 0; i < params.size(); ++i) Bind(statement, statement.slots[i], params[i]);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(statement.stmt)) == SQLITE_ROW) visit(SqliteRowView(statement.stmt));
    sqlite3_reset(statement.stmt);
    connection_.Check(rc, statement.sql.c_str());
    return sqlite3_changes64(connection_.db());
  }

  void Close() override {
    const std::string error = connection_.Close();
    if (!error.empty()) Fail("sqlite close: " + error);
  }

 private:
  struct Statement {
    sqlite3_stmt* stmt;
    std::string sql;
    std::vector<int> slots;  // slots[n - 1] is where $n binds
  };

  void Bind(const Statement& statement, int slot, const Param& param) {
    int rc = SQLITE_OK;
    switch (param.type) {
      case ParamType::kBigint:
      case ParamType::kInteger:
        rc = sqlite3_bind_int64(statement.stmt, slot, param.integer);
        break;
      case ParamType::kDouble:
        rc = sqlite3_bind_double(statement.stmt, slot, param.real);
        break;
      case ParamType::kText:
        rc = sqlite3_bind_text(statement.stmt, slot, param.text.data(),
                               static_cast<int>(param.text.size()), SQLITE_STATIC);
        break;
    }
    connection_.Check(rc, "bind");
  }

  SqliteConnection connection_;
  std::vector<Statement> statements_;
};

std::unique_ptr<SqlSystem> OpenSystem(std::string_view name, const std::string& dir) {
  if (name == "zqlite") return std::make_unique<ZqliteSystem>(dir);
  if (name == "sqlite") return std::make_unique<SqliteSystem>(dir);
  Fail("system " + std::string(name) + " is not built into this sql_bench");
}

// --- the cases ---------------------------------------------------------------

// The statements of one system, prepared once before the cases.
struct Statements {
  StatementId begin, commit, insert, insert_child, point_select, range_scan, group_by, join, update,
      count_t, count_c;

  explicit Statements(SqlSystem& system)
      : begin(system.Prepare(kBeginSql)),
        commit(system.Prepare(kCommitSql)),
        insert(system.Prepare(kInsertSql)),
        insert_child(system.Prepare(kInsertChildSql)),
        point_select(system.Prepare(kPointSelectSql)),
        range_scan(system.Prepare(kRangeScanSql)),
        group_by(system.Prepare(kGroupBySql)),
        join(system.Prepare(kJoinSql)),
        update(system.Prepare(kUpdateSql)),
        count_t(system.Prepare(kCountTSql)),
        count_c(system.Prepare(kCountCSql)) {}
};

const RowVisitor kNoRows = [](const RowView&) { Fail("a statement returned a row"); };

struct Bench {
  std::string_view name;
  SqlSystem& system;
  const Statements& statements;
  const Dataset& data;

  void Exec(StatementId statement) const { system.Run(statement, {}, kNoRows); }
  int64_t Count(StatementId statement) const {
    int64_t count = -1;
    system.Run(statement, {}, [&](const RowView& row) { count = row.Int(0); });
    return count;
  }
  [[noreturn]] void Problem(std::string_view case_name, const std::string& problem) const {
    Fail(std::string(name) + " " + std::string(case_name) + ": " + problem);
  }
};

// Inserts rows [0, count) with `insert_row(i)` in transactions of kInsertBatchRows;
// returns each transaction's latency.
std::vector<uint64_t> InsertInBatches(const Bench& b, size_t count,
                                      const std::function<void(size_t)>& insert_row) {
  std::vector<uint64_t> latencies_ns;
  for (size_t begin = 0; begin < count; begin += kInsertBatchRows) {
    const Clock::time_point txn_start = Clock::now();
    b.Exec(b.statements.begin);
    for (size_t i = begin; i < std::min(count, begin + kInsertBatchRows); ++i) insert_row(i);
    b.Exec(b.statements.commit);
    latencies_ns.push_back(NanosBetween(txn_start, Clock::now()));
  }
  return latencies_ns;
}

CaseResult RunBulkInsert(const Bench& b) {
  const Dataset& data = b.data;
  std::array<Param, 5> params;
  int64_t changes = 0;
  const Clock::time_point start = Clock::now();
  std::vector<uint64_t> latencies_ns = InsertInBatches(b, data.row_count(), [&](size_t i) {
    params = {Bigint(static_cast<int64_t>(i) + 1), Integer(data.K(i)), Integer(data.Grp(i)),
              Double(data.Val(i)), Text(data.Txt(i))};
    changes += b.system.Run(b.statements.insert, params, kNoRows);
  });
  const uint64_t wall_ns = NanosBetween(start, Clock::now());
  if (changes != static_cast<int64_t>(data.row_count()) ||
      b.Count(b.statements.count_t) != changes) {
    b.Problem("bulk_insert", "inserted " + std::to_string(changes) + " rows, expected " +
                                 std::to_string(data.row_count()));
  }
  return MakeResult(b.name, "bulk_insert", data.row_count(), wall_ns, std::move(latencies_ns));
}

// Untimed: the join's table.
void LoadChildTable(const Bench& b) {
  const Dataset& data = b.data;
  std::array<Param, 3> params;
  InsertInBatches(b, data.child_count(), [&](size_t j) {
    params = {Bigint(static_cast<int64_t>(j) + 1), Bigint(data.ChildTid(j)),
              Integer(data.ChildQty(j))};
    b.system.Run(b.statements.insert_child, params, kNoRows);
  });
  if (b.Count(b.statements.count_c) != static_cast<int64_t>(data.child_count())) {
    b.Problem("load c", "wrong row count");
  }
}

// Folds the rows of a `SELECT id, k, grp, val, txt` into a count and a checksum.
struct RowChecksum {
  uint64_t count = 0;
  uint64_t sum = 0;
  void Add(const RowView& row) {
    ++count;
    sum += RowHash(row.Int(0), row.Int(1), row.Int(2), row.Real(3), row.Text(4));
  }
};

CaseResult RunPointSelect(const Bench& b) {
  const std::vector<int64_t>& ids = b.data.select_ids();
  RowChecksum seen;
  const RowVisitor visit = [&](const RowView& row) { seen.Add(row); };
  std::vector<uint64_t> latencies_ns;
  latencies_ns.reserve(ids.size());
  std::array<Param, 1> params;
  const Clock::time_point start = Clock::now();
  for (const int64_t id : ids) {
    const Clock::time_point select_start = Clock::now();
    params[0] = Bigint(id);
    b.system.Run(b.statements.point_select, params, visit);
    latencies_ns.push_back(NanosBetween(select_start, Clock::now()));
  }
  const uint64_t wall_ns = NanosBetween(start, Clock::now());
  uint64_t expected = 0;
  for (const int64_t id : ids) expected += b.data.RowHashOf(static_cast<size_t>(id) - 1);
  if (seen.count != ids.size() || seen.sum != expected) {
    b.Problem("point_select", "returned " + std::to_string(seen.count) + " rows for " +
                                  std::to_string(ids.size()) + " keys, or wrong values");
  }
  return MakeResult(b.name, "point_select", ids.size(), wall_ns, std::move(latencies_ns));
}

CaseResult RunRangeScan(const Bench& b) {
  const std::vector<int32_t>& starts = b.data.range_starts();
  RowChecksum seen;
  const RowVisitor visit = [&](const RowView& row) { seen.Add(row); };
  std::vector<uint64_t> latencies_ns;
  latencies_ns.reserve(starts.size());
  std::array<Param, 2> params;
  const Clock::time_point start = Clock::now();
  for (const int32_t first : starts) {
    const Clock::time_point scan_start = Clock::now();
    params = {Integer(first), Integer(first + static_cast<int64_t>(kRangeRows))};
    b.system.Run(b.statements.range_scan, params, visit);
    latencies_ns.push_back(NanosBetween(scan_start, Clock::now()));
  }
  const uint64_t wall_ns = NanosBetween(start, Clock::now());
  uint64_t expected = 0;
  for (const int32_t first : starts) {
    for (int64_t k = first; k < first + static_cast<int64_t>(kRangeRows); ++k) {
      expected += b.data.RowHashOf(b.data.RowOfK(k));
    }
  }
  if (seen.count != starts.size() * kRangeRows || seen.sum != expected) {
    b.Problem("range_scan", "returned " + std::to_string(seen.count) + " rows, expected " +
                                std::to_string(starts.size() * kRangeRows) + ", or wrong values");
  }
  return MakeResult(b.name, "range_scan", starts.size(), wall_ns, std::move(latencies_ns));
}

// --- group_by and join: few, long queries ----------------------------------------

struct GroupRow {
  int64_t count = 0;
  int64_t val_quarters = 0;  // sum(val) * 4, exact
  int64_t max_k = -1;
  bool operator==(const GroupRow&) const = default;
};
using GroupResult = std::vector<GroupRow>;  // indexed by grp

// What kGroupBySql must return, given the current val of every row.
GroupResult ExpectedGroups(const Dataset& data, const std::vector<double>& val) {
  GroupResult groups(kGroupCount);
  for (size_t i = 0; i < data.row_count(); ++i) {
    GroupRow& g = groups[static_cast<size_t>(data.Grp(i))];
    ++g.count;
    g.val_quarters += static_cast<int64_t>(val[i] * 4);
    g.max_k = std::max(g.max_k, data.K(i));
  }
  return groups;
}

// Runs the GROUP BY once into `out`; a repeated or out-of-range group is an error.
void QueryGroups(const Bench& b, GroupResult* out) {
  out->assign(kGroupCount, GroupRow{});
  b.system.Run(b.statements.group_by, {}, [&](const RowView& row) {
    const int64_t grp = row.Int(0);
    if (grp < 0 || grp >= kGroupCount || (*out)[static_cast<size_t>(grp)].count != 0) {
      b.Problem("group_by", "unexpected group " + std::to_string(grp));
    }
    (*out)[static_cast<size_t>(grp)] =
        GroupRow{row.Int(1), static_cast<int64_t>(row.Real(2) * 4), row.Int(3)};
  });
}

void CheckGroups(const Bench& b, std::string_view when, const GroupResult& got,
                 const GroupResult& expected) {
  for (size_t grp = 0; grp < expected.size(); ++grp) {
    if (got[grp] == expected[grp]) continue;
    b.Problem(when, "group " + std::to_string(grp) + ": count " + std::to_string(got[grp].count) +
                        " sum(val)*4 " + std::to_string(got[grp].val_quarters) + " max(k) " +
                        std::to_string(got[grp].max_k) + ", expected " +
                        std::to_string(expected[grp].count) + " " +
                        std::to_string(expected[grp].val_quarters) + " " +
                        std::to_string(expected[grp].max_k));
  }
}

CaseResult RunGroupBy(const Bench& b, const std::vector<double>& val) {
  std::vector<GroupResult> results(kAggregateQueryCount);
  std::vector<uint64_t> latencies_ns;
  uint64_t wall_ns = 0;
  for (GroupResult& result : results) {
    const Clock::time_point query_start = Clock::now();
    QueryGroups(b, &result);
    latencies_ns.push_back(NanosBetween(query_start, Clock::now()));
    wall_ns += latencies_ns.back();
  }
  const GroupResult expected = ExpectedGroups(b.data, val);
  for (const GroupResult& result : results) CheckGroups(b, "group_by", result, expected);
  return MakeResult(b.name, "group_by", kAggregateQueryCount * b.data.row_count(), wall_ns,
                    std::move(latencies_ns));
}

struct JoinRow {
  int64_t count = 0;
  int64_t val_quarters = 0;  // sum(t.val) * 4
  int64_t qty_sum = 0;
  bool operator==(const JoinRow&) const = default;
};

JoinRow ExpectedJoin(const Dataset& data) {
  JoinRow expected;
  for (size_t j = 0; j < data.child_count(); ++j) {
    const size_t row = static_cast<size_t>(data.ChildTid(j)) - 1;
    if (data.Grp(row) >= kJoinGrpBelow) continue;
    ++expected.count;
    expected.val_quarters += static_cast<int64_t>(data.Val(row) * 4);
    expected.qty_sum += data.ChildQty(j);
  }
  return expected;
}

CaseResult RunJoin(const Bench& b) {
  std::vector<JoinRow> results(kAggregateQueryCount);
  std::vector<uint64_t> latencies_ns;
  uint64_t wall_ns = 0;
  for (JoinRow& result : results) {
    int64_t row_count = 0;
    const Clock::time_point query_start = Clock::now();
    b.system.Run(b.statements.join, {}, [&](const RowView& row) {
      ++row_count;
      result = JoinRow{row.Int(0), static_cast<int64_t>(row.Real(1) * 4), row.Int(2)};
    });
    latencies_ns.push_back(NanosBetween(query_start, Clock::now()));
    wall_ns += latencies_ns.back();
    if (row_count != 1) b.Problem("join", "returned " + std::to_string(row_count) + " rows");
  }
  const JoinRow expected = ExpectedJoin(b.data);
  for (const JoinRow& r : results) {
    if (r == expected) continue;
    b.Problem("join",
              "count " + std::to_string(r.count) + " sum(val)*4 " + std::to_string(r.val_quarters) +
                  " sum(qty) " + std::to_string(r.qty_sum) + ", expected " +
                  std::to_string(expected.count) + " " + std::to_string(expected.val_quarters) +
                  " " + std::to_string(expected.qty_sum));
  }
  return MakeResult(b.name, "join", kAggregateQueryCount * b.data.row_count(), wall_ns,
                    std::move(latencies_ns));
}

// Applies the updates to `val` (the dataset's copy) as it runs them.
CaseResult RunUpdate(const Bench& b, std::vector<double>* val) {
  const std::vector<int64_t>& ids = b.data.update_ids();
  std::vector<uint64_t> latencies_ns;
  latencies_ns.reserve(ids.size() / kUpdateBatchRows);
  std::array<Param, 2> params;
  int64_t changes = 0;
  const Clock::time_point start = Clock::now();
  for (size_t begin = 0; begin < ids.size(); begin += kUpdateBatchRows) {
    const Clock::time_point txn_start = Clock::now();
    b.Exec(b.statements.begin);
    for (size_t u = begin; u < begin + kUpdateBatchRows; ++u) {
      params = {Bigint(ids[u]), Double(Dataset::UpdateDelta(u))};
      changes += b.system.Run(b.statements.update, params, kNoRows);
    }
    b.Exec(b.statements.commit);
    latencies_ns.push_back(NanosBetween(txn_start, Clock::now()));
  }
  const uint64_t wall_ns = NanosBetween(start, Clock::now());
  if (changes != static_cast<int64_t>(ids.size())) {
    b.Problem("update", "changed " + std::to_string(changes) + " rows, expected " +
                            std::to_string(ids.size()));
  }
  for (size_t u = 0; u < ids.size(); ++u) {
    (*val)[static_cast<size_t>(ids[u]) - 1] += Dataset::UpdateDelta(u);
  }
  return MakeResult(b.name, "update", ids.size(), wall_ns, std::move(latencies_ns));
}

// Untimed: the counts, and the GROUP BY now that the updates are in.
void VerifyFinalState(const Bench& b, const std::vector<double>& val) {
  if (b.Count(b.statements.count_t) != static_cast<int64_t>(b.data.row_count()) ||
      b.Count(b.statements.count_c) != static_cast<int64_t>(b.data.child_count())) {
    b.Problem("final check", "wrong row count");
  }
  GroupResult groups;
  QueryGroups(b, &groups);
  CheckGroups(b, "final check", groups, ExpectedGroups(b.data, val));
}

// --- main --------------------------------------------------------------------

void PrintNotes(const Dataset& data, const std::string& run_dir) {
  std::fprintf(stderr,
               "sql_bench: t %zu rows, c %zu rows, %zu point selects, %zu range scans of %zu "
               "rows, %zu GROUP BY and %zu join queries, %zu updates; databases under %s\n"
               "notes: latency is per transaction for bulk_insert (%zu rows) and update (%zu "
               "rows), per statement for point_select and range_scan, per query for group_by "
               "and join, whose ops are rows of t per query (%zu) times queries. SQLite runs "
               "prepared statements; ZQLite looks up each statement's parse and plan by text "
               "(no prepare step yet). Both read rows as the query produces them.\n",
               data.row_count(), data.child_count(), data.select_ids().size(),
               data.range_starts().size(), kRangeRows, kAggregateQueryCount, kAggregateQueryCount,
               data.update_ids().size(), run_dir.c_str(), kInsertBatchRows, kUpdateBatchRows,
               data.row_count());
  WarnIfTmpfs(run_dir);
}

void RunSystem(const std::string& name, const std::string& dir, const Dataset& data,
               std::vector<CaseResult>* results) {
  std::filesystem::create_directory(dir);
  std::unique_ptr<SqlSystem> system = OpenSystem(name, dir);
  system->ExecuteScript(name == "sqlite" ? kSqliteSchema : kZqliteSchema);
  const Statements statements(*system);
  const Bench b{name, *system, statements, data};
  const auto record = [&](CaseResult result) {
    PrintTableRow(result);
    results->push_back(std::move(result));
  };
  std::vector<double> val(data.row_count());
  for (size_t i = 0; i < data.row_count(); ++i) val[i] = data.Val(i);
  record(RunBulkInsert(b));
  LoadChildTable(b);
  record(RunPointSelect(b));
  record(RunRangeScan(b));
  record(RunGroupBy(b, val));
  record(RunJoin(b));
  record(RunUpdate(b, &val));
  VerifyFinalState(b, val);
  system->Close();
  system.reset();
  std::filesystem::remove_all(dir);
}

struct Options {
  bool quick = false;
  std::string dir_base = "/tmp";
  std::vector<std::string> systems;
};

constexpr const char* kUsage = "usage: sql_bench [--quick] [--dir DIR] [--systems zqlite,sqlite]\n";

bool ParseOptions(int argc, char** argv, Options* options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--quick") {
      options->quick = true;
    } else if (arg == "--dir" && i + 1 < argc) {
      options->dir_base = argv[++i];
    } else if (arg == "--systems" && i + 1 < argc) {
      if (!ParseSystemList("sql_bench", argv[++i], kSystemNames, &options->systems)) {
        return false;
      }
    } else {
      return false;
    }
  }
  if (options->systems.empty()) options->systems.assign(kSystemNames.begin(), kSystemNames.end());
  return true;
}

int RunAll(const Options& options) {
  const Dataset data(options.quick ? kRowCountQuick : kRowCount);
  const std::string run_dir = MakeRunDir(options.dir_base, "sql_bench");
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
  std::printf("%s\n", ResultsJson("sql", options.quick, results).c_str());
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
    std::fprintf(stderr, "sql_bench: error: %s\n", e.what());
    return 1;
  }
}
