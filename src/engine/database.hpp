// Database: the embedded SQL engine over one database file. SQL text goes
// through the lexer, parser, planner and executor; every statement runs in a
// transaction of the store (its own, or the one BEGIN opened), so a failed
// statement changes nothing and a committed one is durable.
//
// One Database is one session (like one SQLite connection): calls must not
// run concurrently on the same object. Errors carry a SQLSTATE and a byte
// position (sql::DecodeSqlError recovers them from the Status).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.hpp"
#include "ledger/ledger.hpp"
#include "sql/types/value.hpp"
#include "storage/store/store.hpp"
#include "util/result.hpp"

namespace zq::engine {

struct QueryResult {
  bool returns_rows = false;  // a query (or RETURNING): columns and rows are set
  std::vector<std::string> column_names;
  std::vector<sql::ColumnType> column_types;
  std::vector<sql::Row> rows;
  int64_t changes = 0;  // rows inserted, updated or deleted
  std::string command;  // "SELECT", "INSERT", "CREATE TABLE", ...
};

struct DatabaseOptions {
  storage::StoreOptions store;
  uint64_t memory_limit_bytes = uint64_t{1} << 30;  // per statement
  // Aggregations and joins on the vectorized operators (docs/sql.md); false
  // runs every query row by row (for comparison).
  bool vectorized_execution = true;
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const DatabaseOptions& options);
  ~Database();

  // Runs one statement. `params` binds $1.. / ? in order.
  Result<QueryResult> Execute(std::string_view sql, const std::vector<sql::Value>& params = {});
  // Runs every statement of a script, in order; stops at the first error.
  Result<std::vector<QueryResult>> ExecuteScript(std::string_view sql);

  bool in_transaction() const;
  // The schema as this session sees it (inside a transaction: with its DDL).
  Result<catalog::Catalog> ReadCatalog();
  storage::Store* store();
  // The database's ledger (docs/ledger.md), created on first use when the file
  // has none. Ledger batches are their own atomic, durable commits: they are
  // not part of a SQL transaction opened with BEGIN.
  Result<ledger::Ledger*> Ledger();
  // Rolls back an open transaction, then closes the store.
  Status Close();

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zq::engine
