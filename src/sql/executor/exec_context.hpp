// ExecContext: what one statement's execution shares: the transaction it
// reads and writes through, parameter values, the rows of enclosing queries
// (for correlated subqueries), cached results of uncorrelated subqueries, and
// the memory budget of sorts, hash tables and materialized results.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "sql/planner/plan.hpp"
#include "storage/store/store.hpp"

namespace zq::sql {

// Rows flow between operators in chunks of up to this many.
inline constexpr size_t kChunkRows = 1024;
// Default budget for the rows a statement holds in memory at once.
inline constexpr uint64_t kDefaultMemoryLimitBytes = uint64_t{1} << 30;

struct SubqueryResult {
  std::vector<Row> rows;
};

struct ExecContext {
  storage::WriteTxn* txn = nullptr;
  const std::vector<Value>* params = nullptr;
  std::vector<const Row*> outer;  // innermost last
  std::map<const BoundExpr*, std::shared_ptr<SubqueryResult>> subquery_cache;
  // WITH RECURSIVE: the rows of the previous iteration, per work-table node.
  std::map<const PlanNode*, const std::vector<Row>*> work_tables;
  // Aggregations and joins run on the vectorized operators; false keeps
  // every operator row by row (tests compare the two).
  bool vectorize = true;
  uint64_t memory_limit = kDefaultMemoryLimitBytes;
  uint64_t memory_used = 0;
  // random(): seeded on first use (std::random_device costs microseconds in
  // a VM, too much to pay on every statement).
  std::optional<std::mt19937_64> rng;
  std::mt19937_64& Random() {
    if (!rng) rng.emplace(std::random_device{}());
    return *rng;
  }
  // statement_timestamp(): one reading of the clock per statement, so every
  // row sees the same time (microseconds since 1970, UTC). now() and
  // CURRENT_*: the transaction's start when the engine sets it (BEGIN),
  // else the statement's.
  std::optional<int64_t> statement_micros;
  std::optional<int64_t> transaction_micros;
  int64_t StatementMicros() {
    if (!statement_micros) statement_micros = ClockMicros();
    return *statement_micros;
  }
  int64_t NowMicros() { return transaction_micros ? *transaction_micros : StatementMicros(); }
  static int64_t ClockMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // Accounts for `bytes` more held in memory; throws 53200 past the limit.
  void Reserve(uint64_t bytes);
  void Release(uint64_t bytes) { memory_used -= std::min(bytes, memory_used); }
};

// Turns a storage error into a SQL error (40001 for a write conflict, 58030
// for I/O, XX001 for corruption, 53400 for limits, XX000 otherwise).
void ThrowIfError(const Status& status);

// Approximate heap bytes of a row (for the memory budget).
uint64_t RowBytes(const Row& row);

}  // namespace zq::sql
