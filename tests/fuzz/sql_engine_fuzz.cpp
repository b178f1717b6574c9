// Fuzzes the whole SQL engine: the bytes are a script of statements (split
// at ';'), each executed on its own against an in-memory database (a copy of
// one prepared once) that already holds a few small tables, indexes, a view
// and a row-id table.
// Any statement may fail, but only with a SQLSTATE, never an internal error
// (XX000) or a corruption report (XX001) on intact data; nothing may crash,
// hang, leak or escape as an exception; and afterwards the store must verify
// (no page leaked by DDL, rollbacks or failed statements), the setup tables
// that were not dropped must still read, and the database must close.
//
// Tables have two rows each and the harness skips scripts with many join
// points or nested SELECTs: a cross join of many tables is slow work, not a
// hang, and would only drown the fuzzer in timeouts.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/database.hpp"
#include "sql/lexer/sql_error.hpp"
#include "storage/vfs/fault_vfs.hpp"

using namespace zq;

namespace {

constexpr size_t kInputBytesMax = 2048;
constexpr int kJoinPointsMax = 8;       // ',' and JOIN
constexpr int kSelectsMax = 4;
constexpr int kViewsMax = 1;

constexpr const char* kSetup =
    "CREATE TABLE t1 (id INT PRIMARY KEY, a INT, b TEXT NOT NULL DEFAULT 'x', "
    "  n NUMERIC(8,2) CHECK (n > -1000), f DOUBLE PRECISION, UNIQUE (a));"
    "CREATE TABLE t2 (k BIGINT, v VARCHAR(5), flag BOOLEAN, raw BYTEA, PRIMARY KEY (k, v));"
    "CREATE TABLE t3 (x SMALLINT, y INT);"
    "CREATE INDEX t2_flag ON t2 (flag, k DESC);"
    "CREATE INDEX t3_y ON t3 USING HASH (y);"
    "CREATE INDEX t1_lower ON t1 (lower(b), (a % 7) DESC);"
    "CREATE INDEX t3_xy ON t3 USING HASH ((x + y), abs(x));"
    "CREATE UNIQUE INDEX t2_part ON t2 (v, k) WHERE flag AND k > 0;"
    "INSERT INTO t1 VALUES (1, 10, 'one', 1.50, 0.5), (2, NULL, 'two', NULL, 'NaN');"
    "INSERT INTO t2 VALUES (1, 'a', true, '\\x00ff'), (2, 'b', NULL, NULL);"
    "INSERT INTO t3 VALUES (1, NULL), (NULL, 2);"
    "CREATE VIEW v1 AS SELECT id, a, b FROM t1 WHERE a IS NOT NULL;"
    "CREATE TABLE t4 (d DATE PRIMARY KEY, ts TIMESTAMP(3), tz TIMESTAMPTZ);"
    "CREATE INDEX t4_ts ON t4 (ts DESC, tz);"
    "INSERT INTO t4 VALUES ('2024-02-29', '2024-02-29 13:45:07.5', '1970-01-01 00:00Z'), "
    "  ('0001-01-01', NULL, '9999-12-31 23:59:59+00')";

int CountInsensitive(std::string_view text, std::string_view word) {
  int n = 0;
  for (size_t i = 0; i + word.size() <= text.size(); i++) {
    bool match = true;
    for (size_t j = 0; j < word.size() && match; j++) {
      match = std::tolower(static_cast<unsigned char>(text[i + j])) == word[j];
    }
    n += match ? 1 : 0;
  }
  return n;
}

// The database after kSetup, built once: each input opens a copy of its
// files, which is much cheaper than running the DDL again.
struct Image {
  std::string db, wal;
  bool has_wal = false;
};

const Image& SetupImage() {
  static const Image image = [] {
    storage::FaultVfs vfs(1);
    engine::DatabaseOptions options;
    options.store.vfs = &vfs;
    Result<std::unique_ptr<engine::Database>> db = engine::Database::Open("fuzz.zq", options);
    if (!db.ok() || !(*db)->ExecuteScript(kSetup).ok() || !(*db)->Close().ok()) std::abort();
    Image out;
    out.db = vfs.ReadFileBytes("fuzz.zq").value();
    Result<std::string> wal = vfs.ReadFileBytes("fuzz.zq-wal");
    out.has_wal = wal.ok();
    if (wal.ok()) out.wal = *wal;
    return out;
  }();
  return image;
}

void CheckStatus(const Status& s) {
  if (s.ok()) return;
  std::optional<sql::SqlError> e = sql::DecodeSqlError(s);
  if (!e) std::abort();  // every failure names a SQLSTATE
  if (e->sqlstate == "XX000" || e->sqlstate == "XX001") std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kInputBytesMax) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (std::count(input.begin(), input.end(), ',') + CountInsensitive(input, "join") > kJoinPointsMax ||
      CountInsensitive(input, "select") > kSelectsMax || CountInsensitive(input, "view") > kViewsMax) {
    return 0;
  }
  const Image& image = SetupImage();
  storage::FaultVfs vfs(1);
  if (!vfs.WriteFileBytes("fuzz.zq", image.db).ok()) std::abort();
  if (image.has_wal && !vfs.WriteFileBytes("fuzz.zq-wal", image.wal).ok()) std::abort();
  engine::DatabaseOptions options;
  options.store.vfs = &vfs;
  options.memory_limit_bytes = 4 << 20;
  Result<std::unique_ptr<engine::Database>> opened = engine::Database::Open("fuzz.zq", options);
  if (!opened.ok()) std::abort();
  std::unique_ptr<engine::Database> db = std::move(opened).value();

  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find(';', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view statement = input.substr(start, end - start);
    start = end + 1;
    if (statement.find_first_not_of(" \t\r\n") == std::string_view::npos) continue;
    CheckStatus(db->Execute(statement).status());
  }
  if (db->in_transaction()) {
    if (!db->Execute("ROLLBACK").ok()) std::abort();
  }
  uint64_t pages = 0;
  if (!db->store()->Verify(&pages).ok()) std::abort();
  for (const char* table : {"t1", "t2", "t3", "t4"}) {
    Result<engine::QueryResult> r = db->Execute(std::string("SELECT * FROM ") + table);
    if (r.ok()) continue;
    std::optional<sql::SqlError> e = sql::DecodeSqlError(r.status());
    if (!e || e->sqlstate != "42P01") std::abort();  // dropped or renamed: fine
  }
  if (!db->Close().ok()) std::abort();
  return 0;
}
