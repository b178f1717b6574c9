// The interfaces the executor's operators share. Row operators pull chunks of
// rows; vectorized operators pull batches of column vectors. Either kind can
// sit under the other: BuildOperator picks the vectorized form of a plan
// subtree where it has one (BuildVectorized) and wraps it for row consumers.
#pragma once

#include <memory>
#include <vector>

#include "sql/executor/column_batch.hpp"
#include "sql/executor/exec_context.hpp"
#include "sql/planner/plan.hpp"

namespace zq::sql {

using Chunk = std::vector<Row>;

class Operator {
 public:
  virtual ~Operator() = default;
  // Fills `out` with the next rows; false (and `out` empty) when done.
  virtual bool Next(Chunk* out) = 0;
};
using OpPtr = std::unique_ptr<Operator>;

// `needed`, when given, marks the output columns the caller reads; the
// others may come out NULL (a vectorized plan then never decodes them).
OpPtr BuildOperator(const PlanNode& plan, ExecContext& ctx,
                    const std::vector<bool>* needed = nullptr);

// A row operator running `plan` with the vectorized operators, or null when
// the plan is better run row by row (or has no vectorized form).
OpPtr BuildVectorized(const PlanNode& plan, ExecContext& ctx, const std::vector<bool>* needed);
// The nodes of `plan` that BuildOperator runs on vectorized operators (for
// EXPLAIN), in no particular order.
std::vector<const PlanNode*> VectorizedNodes(const PlanNode& plan);


// Holds memory reserved from the budget until destroyed.
class Reservation {
 public:
  explicit Reservation(ExecContext& ctx) : ctx_(ctx) {}
  ~Reservation() { Clear(); }
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;
  void Add(uint64_t bytes) {
    ctx_.Reserve(bytes);
    bytes_ += bytes;
  }
  // Gives back everything held so far.
  void Clear() {
    ctx_.Release(bytes_);
    bytes_ = 0;
  }

 private:
  ExecContext& ctx_;
  uint64_t bytes_ = 0;
};

}  // namespace zq::sql
