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

// The result of one statement, read a row at a time (Database::Start). A
// SELECT runs as its rows are read, so a large result is never held in
// memory at once; any other statement has run to completion when Start
// returns, and its RETURNING rows (if any) are read from memory.
//
// A SELECT in autocommit mode reads its own snapshot: statements the session
// runs while the cursor is open do not change what it returns. Inside BEGIN
// it reads the session's transaction; before the session runs its next
// statement, the cursor computes its remaining rows (as if it had run to
// completion first), so later writes of the transaction never reach it.
// An error while reading fails the statement (and, inside BEGIN, aborts the
// transaction as in PostgreSQL). Closing or destroying the Database ends
// open cursors: their next read fails with 08003.
class QueryCursor {
 public:
  ~QueryCursor();
  QueryCursor(const QueryCursor&) = delete;
  QueryCursor& operator=(const QueryCursor&) = delete;

  // Columns and command are set; `changes` is final for statements that
  // write (a SELECT reports 0).
  const QueryResult& header() const;
  // The next row into `row`: true, or false at the end.
  Result<bool> Next(sql::Row* row);

  struct State;  // query_cursor.cpp

 private:
  friend class Database;
  explicit QueryCursor(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const DatabaseOptions& options);
  ~Database();

  // Runs one statement. `params` binds $1.. / ? in order.
  Result<QueryResult> Execute(std::string_view sql, const std::vector<sql::Value>& params = {});
  // Starts one statement and returns a cursor over its result (see
  // QueryCursor).
  Result<std::unique_ptr<QueryCursor>> Start(std::string_view sql,
                                             const std::vector<sql::Value>& params = {});
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

  struct Impl;  // engine/database_impl.hpp

 private:
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zq::engine
