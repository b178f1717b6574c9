// QueryCursor: a statement's result read a row at a time (database.hpp).
#include <utility>

#include "engine/database_impl.hpp"
#include "sql/executor/operator.hpp"
#include "sql/lexer/sql_error.hpp"

namespace zq::engine {

struct QueryCursor::State {
  QueryResult header;          // rows stay empty: they are below
  std::vector<sql::Row> rows;  // computed ahead; read before anything else
  size_t next = 0;             // in `rows`
  Status error;                // reported once `rows` are read; sticky

  // A SELECT still running (op non-null). Destroyed in reverse order: the
  // operators before their context, the context before the transaction.
  Database::Impl* db = nullptr;  // set while registered with the session
  uint32_t position = 0;
  bool reads_session_txn = false;  // false: `own` is its snapshot
  std::unique_ptr<storage::WriteTxn> own;
  std::vector<sql::Value> params;
  sql::PlanPtr plan;
  std::unique_ptr<sql::ExecContext> ctx;
  sql::OpPtr op;
  sql::Chunk chunk;
  size_t chunk_next = 0;

  bool running() const { return op != nullptr; }

  // Ends the running query and gives back what it holds.
  void Stop() {
    op.reset();
    ctx.reset();
    plan.reset();
    chunk.clear();
    chunk_next = 0;
    if (own) {
      own->Rollback();  // it only read
      own.reset();
    }
    if (db != nullptr) {
      db->cursors.erase(this);
      db = nullptr;
    }
  }

  void Fail(Status status) {
    // An error inside BEGIN aborts the transaction, as after any statement.
    if (reads_session_txn && db != nullptr) db->txn_failed = true;
    error = std::move(status);
    Stop();
  }

  // Reads the next rows of the running query into `chunk`; false at the end
  // or on an error (then `error` is set), and the query has stopped.
  bool Fill() {
    chunk.clear();
    chunk_next = 0;
    bool more = true;
    const Status s = CatchStatementErrors(position, [&] {
      while (more && chunk.empty()) more = op->Next(&chunk);
    });
    if (!s.ok()) {
      Fail(s);
      return false;
    }
    if (chunk.empty()) {
      Stop();
      return false;
    }
    return true;
  }

  // Runs the query to its end, keeping its rows in `rows`.
  void Drain() {
    while (running()) {
      for (; chunk_next < chunk.size(); chunk_next++) rows.push_back(std::move(chunk[chunk_next]));
      Fill();
    }
  }
};

QueryCursor::QueryCursor(std::unique_ptr<State> state) : state_(std::move(state)) {}

QueryCursor::~QueryCursor() { state_->Stop(); }

const QueryResult& QueryCursor::header() const { return state_->header; }

Result<bool> QueryCursor::Next(sql::Row* row) {
  State& s = *state_;
  if (s.next < s.rows.size()) {
    *row = std::move(s.rows[s.next++]);
    return true;
  }
  if (s.running() && (s.chunk_next < s.chunk.size() || s.Fill())) {
    *row = std::move(s.chunk[s.chunk_next++]);
    return true;
  }
  if (!s.error.ok()) return s.error;
  return false;
}

Result<std::unique_ptr<QueryCursor>> Database::Impl::Start(const sql::Statement& stmt,
                                                           const std::vector<sql::Value>& params,
                                                           const std::string* sql) {
  auto state = std::make_unique<QueryCursor::State>();
  const auto* select = stmt.As<sql::SelectStmt>();
  if (select == nullptr) {
    ZQ_ASSIGN_OR_RETURN(QueryResult result, Run(stmt, params, sql));
    state->rows = std::move(result.rows);
    result.rows.clear();
    state->header = std::move(result);
    return std::unique_ptr<QueryCursor>(new QueryCursor(std::move(state)));
  }
  FinishTransactionCursors();
  ZQ_ASSIGN_OR_RETURN(Scope scope, OpenScope(stmt.position));
  state->params = params;
  const StatementContext sc = ContextFor(&scope, state->params, sql);
  const Status failure = CatchStatementErrors(stmt.position, [&] {
    state->plan = PlanQuery(sc, *select, &state->header);
    state->ctx = std::make_unique<sql::ExecContext>(sc.MakeExec());
    state->op = sql::BuildOperator(*state->plan, *state->ctx);
  });
  if (!failure.ok()) {
    state->Stop();
    EndScope(&scope, failure);
    return failure;
  }
  // The plan keeps copies of what it reads of the catalog: `scope.working`
  // may go.
  state->own = std::move(scope.own);
  state->reads_session_txn = state->own == nullptr;
  state->position = stmt.position;
  state->db = this;
  cursors.insert(state.get());
  return std::unique_ptr<QueryCursor>(new QueryCursor(std::move(state)));
}

void Database::Impl::FinishTransactionCursors() {
  if (cursors.empty()) return;
  const std::set<QueryCursor::State*> open = cursors;  // Drain unregisters
  for (QueryCursor::State* c : open) {
    if (c->reads_session_txn) c->Drain();
  }
}

void Database::Impl::EndCursors() {
  const std::set<QueryCursor::State*> open = cursors;  // Stop unregisters
  for (QueryCursor::State* c : open) {
    c->rows.clear();
    c->next = 0;
    c->Stop();
    c->error = SqlStatus("08003", c->position, "the database was closed while the query was open");
  }
}

}  // namespace zq::engine
