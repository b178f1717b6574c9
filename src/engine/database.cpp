#include "engine/database.hpp"

#include <algorithm>
#include <functional>

#include "engine/database_impl.hpp"
#include "engine/ledger_tables.hpp"
#include "engine/session.hpp"
#include "sql/executor/evaluator.hpp"
#include "sql/executor/operator.hpp"
#include "sql/lexer/sql_error.hpp"
#include "sql/parser/parser.hpp"

namespace zq::engine {

using sql::SqlException;
using sql::ThrowSqlError;

sql::Planner StatementContext::MakePlanner() const {
  sql::Planner planner(catalog, [](const sql::BoundExpr& e) { return sql::EvaluateConstant(e); });
  if (params != nullptr) planner.SeedParamTypes(*params);
  sql::JoinStatistics stats;
  if (txn != nullptr) {
    storage::WriteTxn* reads = txn;
    stats.table_rows = [reads](const catalog::TableDef& t) -> uint64_t {
      Result<uint64_t> rows = reads->EstimateEntries(t.tree);
      return rows.ok() ? *rows : 0;  // a missing tree reads as empty
    };
  }
  stats.memory_limit = memory_limit;
  planner.SetStatistics(std::move(stats));
  return planner;
}

sql::ExecContext StatementContext::MakeExec() const {
  sql::ExecContext ctx;
  ctx.txn = txn;
  ctx.params = params;
  ctx.memory_limit = memory_limit;
  ctx.vectorize = vectorize;
  ctx.transaction_micros = transaction_micros;
  return ctx;
}

sql::PlanPtr PlanCache::Find(const std::string& key) const {
  auto it = plans_.find(key);
  return it == plans_.end() ? nullptr : it->second;
}

void PlanCache::Put(std::string key, sql::PlanPtr plan) {
  if (plans_.size() >= kEntriesMax) plans_.clear();  // crude, bounded
  plans_[std::move(key)] = std::move(plan);
}

namespace {

std::string PlanKey(const StatementContext& sc) {
  std::string key = std::to_string(sc.catalog->generation()) + ":";
  if (sc.params != nullptr) {
    for (const sql::Value& v : *sc.params) {
      key.push_back(static_cast<char>('A' + static_cast<int>(v.null ? sql::TypeId::kNull : v.type)));
    }
  }
  return key + ":" + *sc.sql;
}

}  // namespace

sql::PlanPtr PlanQuery(const StatementContext& sc, const sql::SelectStmt& select,
                       QueryResult* header) {
  sql::PlanPtr plan;
  std::string key;
  if (sc.plans != nullptr && sc.sql != nullptr) {
    key = PlanKey(sc);
    plan = sc.plans->Find(key);
  }
  if (!plan) {
    sql::Planner planner = sc.MakePlanner();
    plan = planner.PlanSelect(select, nullptr);
    if (!key.empty()) sc.plans->Put(key, plan);
  }
  header->returns_rows = true;
  header->command = "SELECT";
  for (const sql::OutputColumn& c : plan->columns) {
    header->column_names.push_back(c.name);
    header->column_types.push_back(c.type);
  }
  return plan;
}

QueryResult RunQuery(const StatementContext& sc, const sql::SelectStmt& select) {
  QueryResult result;
  sql::PlanPtr plan = PlanQuery(sc, select, &result);
  sql::ExecContext ctx = sc.MakeExec();
  result.rows = sql::RunPlan(*plan, ctx);
  return result;
}

QueryResult RunExplain(const StatementContext& sc, const sql::ExplainStmt& explain) {
  const sql::SelectStmt* select = explain.statement->As<sql::SelectStmt>();
  if (select == nullptr || explain.analyze) {
    ThrowSqlError(sql::kSqlStateFeatureNotSupported, explain.statement->position,
                  "EXPLAIN supports SELECT statements only (EXPLAIN ANALYZE not yet)");
  }
  sql::Planner planner = sc.MakePlanner();
  sql::PlanPtr plan = planner.PlanSelect(*select, nullptr);
  QueryResult result;
  result.returns_rows = true;
  result.command = "EXPLAIN";
  result.column_names = {"QUERY PLAN"};
  result.column_types = {sql::ColumnType{sql::TypeId::kText}};
  std::vector<const sql::PlanNode*> vectorized;
  if (sc.vectorize) vectorized = sql::VectorizedNodes(*plan);
  const std::string text = sql::ExplainPlan(*plan, [&](const sql::PlanNode& node) {
    return std::find(vectorized.begin(), vectorized.end(), &node) != vectorized.end();
  });
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    result.rows.push_back({sql::Value::Text(text.substr(start, end - start))});
    start = end + 1;
  }
  return result;
}

Status SqlStatus(std::string_view state, uint32_t position, std::string message) {
  return sql::MakeSqlStatus(sql::SqlError{std::string(state), position, std::move(message)});
}

Status AbortedTransaction(uint32_t position) {
  return SqlStatus(sql::kSqlStateInFailedTransaction, position,
                   "current transaction is aborted, commands ignored until end of "
                   "transaction block");
}

Status CommitStatus(const Status& s) {
  if (s.ok() || sql::DecodeSqlError(s)) return s;
  try {
    sql::ThrowIfError(s);
  } catch (const SqlException& e) {
    return sql::MakeSqlStatus(e.error());
  }
  return s;
}

Status CatchStatementErrors(uint32_t position, const std::function<void()>& body) {
  try {
    body();
  } catch (const SqlException& e) {
    return sql::MakeSqlStatus(e.error());
  } catch (const std::bad_alloc&) {
    return SqlStatus(sql::kSqlStateOutOfMemory, position, "out of memory");
  } catch (const std::exception& e) {
    return SqlStatus(sql::kSqlStateInternalError, position,
                     std::string("internal error: ") + e.what());
  }
  return Status::Ok();
}

QueryResult Database::Impl::Dispatch(const StatementContext& sc, const sql::Statement& stmt) {
  if (auto* s = stmt.As<sql::SelectStmt>()) return RunQuery(sc, *s);
  if (auto* s = stmt.As<sql::InsertStmt>()) return Insert(sc, *s);
  if (auto* s = stmt.As<sql::UpdateStmt>()) return Update(sc, *s);
  if (auto* s = stmt.As<sql::DeleteStmt>()) return Delete(sc, *s);
  if (auto* s = stmt.As<sql::CreateTableStmt>()) return CreateTable(sc, *s);
  if (auto* s = stmt.As<sql::CreateIndexStmt>()) return CreateIndex(sc, *s);
  if (auto* s = stmt.As<sql::CreateViewStmt>()) return CreateView(sc, *s);
  if (auto* s = stmt.As<sql::DropStmt>()) return Drop(sc, *s);
  if (auto* s = stmt.As<sql::AlterTableStmt>()) return AlterTable(sc, *s);
  if (auto* s = stmt.As<sql::ExplainStmt>()) return RunExplain(sc, *s);
  ThrowSqlError(sql::kSqlStateFeatureNotSupported, stmt.position, "statement not supported yet");
}

Result<QueryResult> Database::Impl::RunTransactionControl(const sql::TransactionStmt& t,
                                                          uint32_t position) {
  QueryResult result;
  switch (t.op) {
    case sql::TransactionOp::kBegin:
      result.command = "BEGIN";
      if (txn) return result;  // PostgreSQL warns and stays in the transaction
      txn = store->BeginWrite();
      txn_failed = false;
      txn_started_micros = sql::ExecContext::ClockMicros();
      {
        Result<catalog::Catalog> loaded = CommittedCatalog(txn.get());
        if (!loaded.ok()) {
          txn->Rollback();
          txn.reset();
          return CommitStatus(loaded.status());
        }
        txn_catalog = std::move(loaded).value();
      }
      return result;
    case sql::TransactionOp::kCommit: {
      result.command = "COMMIT";
      if (!txn) return result;  // PostgreSQL warns: no transaction in progress
      std::unique_ptr<storage::WriteTxn> t2 = std::move(txn);
      std::optional<catalog::Catalog> schema = std::move(txn_catalog);
      txn_catalog.reset();
      savepoints.clear();
      if (txn_failed) {
        t2->Rollback();
        txn_failed = false;
        result.command = "ROLLBACK";
        return result;
      }
      ZQ_RETURN_IF_ERROR(CommitStatus(t2->Commit()));
      committed_catalog = std::move(schema);
      return result;
    }
    case sql::TransactionOp::kRollback:
      result.command = "ROLLBACK";
      if (txn) txn->Rollback();
      txn.reset();
      txn_catalog.reset();
      savepoints.clear();
      txn_failed = false;
      return result;
    case sql::TransactionOp::kSavepoint:
      result.command = "SAVEPOINT";
      if (!txn) {
        return SqlStatus(sql::kSqlStateNoActiveTransaction, position,
                         "SAVEPOINT can only be used in transaction blocks");
      }
      if (txn_failed) {
        return AbortedTransaction(position);
      }
      savepoints.push_back({t.savepoint, txn->Savepoint(), *txn_catalog});
      return result;
    case sql::TransactionOp::kRelease:
    case sql::TransactionOp::kRollbackToSavepoint: {
      const bool release = t.op == sql::TransactionOp::kRelease;
      result.command = release ? "RELEASE" : "ROLLBACK";
      if (!txn) {
        return SqlStatus(sql::kSqlStateNoActiveTransaction, position,
                         std::string(release ? "RELEASE" : "ROLLBACK TO") +
                             " SAVEPOINT can only be used in transaction blocks");
      }
      if (release && txn_failed) {
        return AbortedTransaction(position);
      }
      // The newest savepoint of that name (names may repeat, as in PostgreSQL).
      size_t i = savepoints.size();
      while (i > 0 && savepoints[i - 1].name != t.savepoint) i--;
      if (i == 0) {
        txn_failed = true;  // as in PostgreSQL, the error aborts the transaction
        return SqlStatus("3B001", position, "savepoint \"" + t.savepoint + "\" does not exist");
      }
      SavepointEntry& entry = savepoints[i - 1];
      if (release) {
        ZQ_RETURN_IF_ERROR(txn->ReleaseSavepoint(entry.token));
        savepoints.resize(i - 1);
      } else {
        ZQ_RETURN_IF_ERROR(txn->RollbackToSavepoint(entry.token));
        txn_catalog = entry.catalog;
        savepoints.resize(i);
        txn_failed = false;  // the failed part is undone
      }
      return result;
    }
  }
  return SqlStatus(sql::kSqlStateInternalError, position, "unknown transaction statement");
}

namespace {

bool ChangesSchema(const sql::Statement& stmt) {
  return stmt.As<sql::CreateTableStmt>() != nullptr || stmt.As<sql::CreateIndexStmt>() != nullptr ||
         stmt.As<sql::CreateViewStmt>() != nullptr || stmt.As<sql::DropStmt>() != nullptr ||
         stmt.As<sql::AlterTableStmt>() != nullptr;
}

}  // namespace

Result<Database::Impl::Scope> Database::Impl::OpenScope(uint32_t position) {
  if (txn && txn_failed) return AbortedTransaction(position);
  Scope scope;
  if (txn) {
    scope.active = txn.get();
    scope.working = *txn_catalog;
    return scope;
  }
  scope.own = store->BeginWrite();
  Result<catalog::Catalog> loaded = CommittedCatalog(scope.own.get());
  if (!loaded.ok()) {
    scope.own->Rollback();
    return CommitStatus(loaded.status());
  }
  scope.active = scope.own.get();
  scope.working = std::move(loaded).value();
  return scope;
}

StatementContext Database::Impl::ContextFor(Scope* scope, const std::vector<sql::Value>& params,
                                            const std::string* sql) {
  StatementContext sc;
  sc.txn = scope->active;
  sc.catalog = &scope->working;
  sc.params = &params;
  sc.memory_limit = options.memory_limit_bytes;
  sc.vectorize = options.vectorized_execution;
  sc.plans = &plans;
  sc.sql = sql;
  if (!scope->own) sc.transaction_micros = txn_started_micros;
  return sc;
}

void Database::Impl::EndScope(Scope* scope, const Status& failure) {
  if (failure.ok()) return;
  if (scope->own) {
    scope->own->Rollback();
  } else {
    // The store has no statement-level undo yet: the whole transaction fails,
    // as in PostgreSQL after an error.
    txn_failed = true;
  }
}

Result<QueryResult> Database::Impl::Run(const sql::Statement& stmt,
                                        const std::vector<sql::Value>& params,
                                        const std::string* sql) {
  FinishTransactionCursors();
  if (auto* t = stmt.As<sql::TransactionStmt>()) return RunTransactionControl(*t, stmt.position);
  // A statement edits a copy of the catalog: on failure the copy is dropped.
  ZQ_ASSIGN_OR_RETURN(Scope scope, OpenScope(stmt.position));
  const StatementContext sc = ContextFor(&scope, params, sql);
  QueryResult result;
  const Status failure =
      CatchStatementErrors(stmt.position, [&] { result = Dispatch(sc, stmt); });
  EndScope(&scope, failure);
  ZQ_RETURN_IF_ERROR(failure);
  if (scope.own) {
    ZQ_RETURN_IF_ERROR(CommitStatus(scope.own->Commit()));
    if (ChangesSchema(stmt)) committed_catalog = std::move(scope.working);
  } else {
    txn_catalog = std::move(scope.working);
  }
  return result;
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Database::~Database() {
  if (!impl_) return;
  impl_->EndCursors();
  if (impl_->txn) impl_->txn->Rollback();
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const DatabaseOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  // Every file may hold ledger batches in its WAL: recovery re-executes them.
  if (impl->options.store.batch_executor == nullptr) {
    impl->options.store.batch_executor = ledger::LedgerBatchExecutor::Shared();
  }
  ZQ_ASSIGN_OR_RETURN(impl->store, storage::Store::Open(path, impl->options.store));
  return std::unique_ptr<Database>(new Database(std::move(impl)));
}

Result<std::shared_ptr<const sql::Statement>> Database::Impl::Parse(std::string_view sql) {
  auto it = parsed.find(sql);
  if (it == parsed.end()) {
    ZQ_ASSIGN_OR_RETURN(sql::Statement stmt, sql::ParseStatement(sql));
    if (parsed.size() >= 256) parsed.clear();  // crude, bounded
    it = parsed.emplace(std::string(sql), std::make_shared<const sql::Statement>(std::move(stmt)))
             .first;
  }
  return it->second;  // shared: survives a cache clear
}

Result<QueryResult> Database::Execute(std::string_view sql,
                                      const std::vector<sql::Value>& params) {
  ZQ_ASSIGN_OR_RETURN(std::shared_ptr<const sql::Statement> stmt, impl_->Parse(sql));
  const std::string text(sql);
  return impl_->Run(*stmt, params, &text);
}

Result<std::unique_ptr<QueryCursor>> Database::Start(std::string_view sql,
                                                     const std::vector<sql::Value>& params) {
  ZQ_ASSIGN_OR_RETURN(std::shared_ptr<const sql::Statement> stmt, impl_->Parse(sql));
  const std::string text(sql);
  return impl_->Start(*stmt, params, &text);
}

Result<std::vector<QueryResult>> Database::ExecuteScript(std::string_view sql) {
  ZQ_ASSIGN_OR_RETURN(std::vector<sql::Statement> statements, sql::ParseScript(sql));
  std::vector<QueryResult> results;
  const std::vector<sql::Value> no_params;
  for (const sql::Statement& stmt : statements) {
    ZQ_ASSIGN_OR_RETURN(QueryResult r, impl_->Run(stmt, no_params));
    results.push_back(std::move(r));
  }
  return results;
}

bool Database::in_transaction() const { return impl_->txn != nullptr; }

Result<catalog::Catalog> Database::ReadCatalog() {
  if (impl_->txn) return *impl_->txn_catalog;
  std::unique_ptr<storage::WriteTxn> txn = impl_->store->BeginWrite();
  Result<catalog::Catalog> catalog = impl_->CommittedCatalog(txn.get());
  txn->Rollback();
  return catalog;
}

storage::Store* Database::store() { return impl_->store.get(); }

Result<ledger::Ledger*> Database::Ledger() {
  if (!impl_->ledger) {
    ZQ_ASSIGN_OR_RETURN(impl_->ledger, ledger::Ledger::Attach(impl_->store.get()));
    // Its trees may be new: the next statement loads the ledger's SQL tables.
    impl_->committed_catalog.reset();
  }
  return impl_->ledger.get();
}

Status Database::Close() {
  impl_->EndCursors();
  if (impl_->txn) {
    impl_->txn->Rollback();
    impl_->txn.reset();
  }
  impl_->ledger.reset();
  return impl_->store->Close();
}

}  // namespace zq::engine
