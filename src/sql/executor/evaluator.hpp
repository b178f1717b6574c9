// Expression evaluation over one row, with PostgreSQL's semantics:
// three-valued logic, NULL propagation, overflow and division-by-zero errors.
#pragma once

#include "sql/executor/exec_context.hpp"
#include "sql/planner/plan.hpp"

namespace zq::sql {

Value Evaluate(const BoundExpr& e, const Row& row, ExecContext& ctx);
// True only when the predicate is TRUE (not FALSE, not NULL).
bool EvaluatePredicate(const BoundExpr& e, const Row& row, ExecContext& ctx);
// For constant folding at planning: evaluates an expression that reads no row.
Value EvaluateConstant(const BoundExpr& e);

// Whether `op` (= <> < <= > >=) holds for a three-way comparison result c.
bool CompareHolds(BinaryOp op, int c);

// Arithmetic on two non-NULL values of the expression's type.
Value Arithmetic(BinaryOp op, const Value& a, const Value& b, const ColumnType& type,
                 uint32_t position);
// SQL LIKE with % and _ and an escape character (0: none).
bool LikeMatch(std::string_view text, std::string_view pattern, int escape, bool fold_case);

// Runs a plan to completion (subqueries, CTEs, DML sources).
std::vector<Row> RunPlan(const PlanNode& plan, ExecContext& ctx);

}  // namespace zq::sql
