// Expression evaluation over a whole batch, a column at a time. Columns,
// constants, parameters, comparisons, AND/OR/NOT, IS [NOT] NULL and integer
// and double arithmetic run as loops over arrays; every other expression is
// evaluated row by row with the row evaluator, so any bound expression works
// and gives the same values and errors. Laziness is kept: where the row
// evaluator would skip an operand (the right side of AND after FALSE, of an
// operator after a NULL), an operand that can raise an error is evaluated only
// on the rows the row evaluator would evaluate it for.
#pragma once

#include <deque>
#include <vector>

#include "sql/executor/column_batch.hpp"
#include "sql/executor/exec_context.hpp"
#include "sql/planner/plan.hpp"

namespace zq::sql {

class VectorEvaluator {
 public:
  explicit VectorEvaluator(ExecContext& ctx) : ctx_(ctx) {}

  // Starts a new batch: results of earlier Evaluate calls are invalid after it.
  void Begin(const Batch& batch);
  // The values of `e` on every row of the batch given to Begin(); may be a
  // column of the batch itself.
  const ColumnVector& Evaluate(const BoundExpr& e);
  // keep[i] = 1 where the predicate is TRUE (not FALSE, not NULL).
  void Predicate(const BoundExpr& e, std::vector<uint8_t>* keep);
  // `e` where the row evaluator would evaluate it: on the rows where mask[i]
  // (an expression that cannot fail is evaluated on all of them).
  const ColumnVector& EvaluateWhere(const BoundExpr& e, const std::vector<uint8_t>& mask);

 private:
  ColumnVector& Temp(TypeId type, bool as_values = false);
  const std::vector<Row>& Rows();
  // Row-by-row evaluation on the rows where mask[i] (all rows when null).
  const ColumnVector& EvaluateRows(const BoundExpr& e, const std::vector<uint8_t>* mask);
  const ColumnVector& Broadcast(const BoundExpr& e, const Value& v);
  const ColumnVector& Compare(const BoundExpr& e);
  const ColumnVector& Logic(const BoundExpr& e);
  const ColumnVector& Arith(const BoundExpr& e);

  ExecContext& ctx_;
  const Batch* batch_ = nullptr;
  std::deque<ColumnVector> temps_;  // deque: references stay valid as it grows
  size_t temps_used_ = 0;
  std::vector<Row> rows_;  // the batch as rows, built on first need
  bool rows_built_ = false;
};

// True when evaluating `e` can never raise an error (so it may be evaluated
// on rows the row evaluator would skip).
bool CannotFail(const BoundExpr& e);

}  // namespace zq::sql
