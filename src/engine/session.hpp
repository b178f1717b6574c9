// Session internals shared by the statement implementations (database.cpp,
// ddl.cpp, dml.cpp). Statement code throws sql::SqlException; Database
// catches it at the API boundary.
#pragma once

#include <memory>
#include <map>
#include <optional>
#include <string>

#include "catalog/catalog.hpp"
#include "engine/database.hpp"
#include "sql/executor/exec_context.hpp"
#include "sql/parser/ast.hpp"
#include "sql/planner/planner.hpp"

namespace zq::engine {

// What a statement runs against: its transaction and catalog copy.
// Plans of SELECT statements by SQL text, for the schema generation and the
// parameter types they were made for (plans are immutable; each run keeps
// its own state).
class PlanCache {
 public:
  sql::PlanPtr Find(const std::string& key) const;
  void Put(std::string key, sql::PlanPtr plan);

 private:
  static constexpr size_t kEntriesMax = 256;
  std::map<std::string, sql::PlanPtr, std::less<>> plans_;
};

struct StatementContext {
  storage::WriteTxn* txn = nullptr;
  PlanCache* plans = nullptr;      // may be null
  const std::string* sql = nullptr;  // the statement's text (cache key)
  catalog::Catalog* catalog = nullptr;
  const std::vector<sql::Value>* params = nullptr;
  uint64_t memory_limit = 0;
  bool vectorize = true;
  // now() inside BEGIN: the transaction's start (absent in autocommit).
  std::optional<int64_t> transaction_micros;

  sql::Planner MakePlanner() const;
  sql::ExecContext MakeExec() const;
};

// The plan of a SELECT (from the plan cache when it has one); fills the
// header's columns and command.
sql::PlanPtr PlanQuery(const StatementContext& sc, const sql::SelectStmt& select,
                       QueryResult* header);
QueryResult RunQuery(const StatementContext& sc, const sql::SelectStmt& select);
QueryResult RunExplain(const StatementContext& sc, const sql::ExplainStmt& explain);

QueryResult CreateTable(const StatementContext& sc, const sql::CreateTableStmt& stmt);
QueryResult CreateIndex(const StatementContext& sc, const sql::CreateIndexStmt& stmt);
QueryResult CreateView(const StatementContext& sc, const sql::CreateViewStmt& stmt);
QueryResult Drop(const StatementContext& sc, const sql::DropStmt& stmt);
QueryResult AlterTable(const StatementContext& sc, const sql::AlterTableStmt& stmt);

QueryResult Insert(const StatementContext& sc, const sql::InsertStmt& stmt);
QueryResult Update(const StatementContext& sc, const sql::UpdateStmt& stmt);
QueryResult Delete(const StatementContext& sc, const sql::DeleteStmt& stmt);

// Throws 42809 for a table SQL may only read (the ledger's): `verb` as in
// "cannot <verb> ...".
void RefuseReadOnly(const catalog::TableDef& table, const std::string& verb);

}  // namespace zq::engine
