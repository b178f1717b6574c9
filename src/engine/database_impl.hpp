// Database::Impl: the session state behind engine::Database, shared by
// database.cpp (statements, transactions) and query_cursor.cpp (cursors).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/database.hpp"
#include "engine/ledger_tables.hpp"
#include "engine/session.hpp"

namespace zq::engine {

struct Database::Impl {
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<ledger::Ledger> ledger;  // attached on first use
  DatabaseOptions options;
  // An explicit transaction (BEGIN ... COMMIT), or null in autocommit mode.
  std::unique_ptr<storage::WriteTxn> txn;
  std::optional<catalog::Catalog> txn_catalog;
  bool txn_failed = false;
  int64_t txn_started_micros = 0;  // now() inside the transaction
  struct SavepointEntry {
    std::string name;
    size_t token;
    catalog::Catalog catalog;  // the schema to return to with the writes
  };
  std::vector<SavepointEntry> savepoints;
  // The schema as last committed. This handle is the only writer of the file
  // (the store holds an exclusive lock), so the copy stays right until one of
  // its own DDL statements commits.
  std::optional<catalog::Catalog> committed_catalog;
  PlanCache plans;
  // Parsed statements by text (ASTs are read-only once parsed).
  std::map<std::string, std::shared_ptr<const sql::Statement>, std::less<>> parsed;
  // Open cursors of running SELECTs (they unregister when destroyed).
  std::set<QueryCursor::State*> cursors;

  Result<catalog::Catalog> CommittedCatalog(storage::WriteTxn* t) {
    if (!committed_catalog) {
      ZQ_ASSIGN_OR_RETURN(catalog::Catalog loaded, catalog::Catalog::Load(t));
      ZQ_RETURN_IF_ERROR(AddLedgerTables(t, &loaded));
      committed_catalog = std::move(loaded);
    }
    return *committed_catalog;
  }

  // The transaction and catalog copy one statement runs in: in autocommit
  // mode a transaction of its own, otherwise the session's.
  struct Scope {
    std::unique_ptr<storage::WriteTxn> own;
    storage::WriteTxn* active = nullptr;
    catalog::Catalog working;  // edited by DDL; dropped on failure
  };
  Result<Scope> OpenScope(uint32_t position);
  StatementContext ContextFor(Scope* scope, const std::vector<sql::Value>& params,
                              const std::string* sql);
  // After a failed statement: rolls back its own transaction, or marks the
  // session's failed. Nothing for `failure` ok.
  void EndScope(Scope* scope, const Status& failure);

  Result<std::shared_ptr<const sql::Statement>> Parse(std::string_view sql);
  Result<QueryResult> Run(const sql::Statement& stmt, const std::vector<sql::Value>& params,
                          const std::string* sql = nullptr);
  QueryResult Dispatch(const StatementContext& sc, const sql::Statement& stmt);
  Result<QueryResult> RunTransactionControl(const sql::TransactionStmt& t, uint32_t position);

  // A cursor over `stmt` (query_cursor.cpp): a running SELECT, or the
  // result of any other statement.
  Result<std::unique_ptr<QueryCursor>> Start(const sql::Statement& stmt,
                                             const std::vector<sql::Value>& params,
                                             const std::string* sql);
  // Before the session runs a statement: cursors reading its transaction
  // compute their remaining rows.
  void FinishTransactionCursors();
  // The database is closing: open cursors end with an error.
  void EndCursors();
};

Status SqlStatus(std::string_view state, uint32_t position, std::string message);
// After an error inside BEGIN, until ROLLBACK (as in PostgreSQL).
Status AbortedTransaction(uint32_t position);
// Storage errors at commit become SQL errors with a SQLSTATE too.
Status CommitStatus(const Status& s);
// Runs statement code, turning what it throws into a Status: SQL errors as
// they are, std::bad_alloc as 53200, anything else as an internal error
// (a bug, but never a crash).
Status CatchStatementErrors(uint32_t position, const std::function<void()>& body);

}  // namespace zq::engine
