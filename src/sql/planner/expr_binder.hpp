// ExprBinder: turns one AST expression into a BoundExpr over a Scope.
#pragma once

#include <vector>

#include "sql/planner/planner.hpp"

namespace zq::sql {

// The common type of CASE branches, COALESCE arguments, IN lists, UNION
// columns (`context` names the construct in the error).
ColumnType CommonType(const std::vector<const BoundExpr*>& items, uint32_t position,
                      const char* context);

class ExprBinder {
 public:
  ExprBinder(Planner* planner, const Scope* scope) : planner_(planner), scope_(scope) {}

  BoundPtr Bind(const Expr& expr);
  BoundPtr BindBoolean(const Expr& expr, const char* context);
  void set_allow_aggregates(bool allow) { allow_aggregates_ = allow; }

 private:
  BoundPtr BindNode(const Expr& expr);
  BoundPtr BindBooleanNode(const Expr& expr, const char* context);
  // NULL-input and constant folding of a whole bound expression.
  BoundPtr Finish(BoundPtr e);
  BoundPtr BindLiteral(const LiteralExpr& lit, uint32_t position);
  BoundPtr BindBinary(const BinaryExpr& bin, uint32_t position);
  BoundPtr BindDatetimeArith(BinaryOp op, BoundPtr a, BoundPtr b, uint32_t position);
  BoundPtr BindCase(const CaseExpr& c, uint32_t position);
  BoundPtr BindInList(const InListExpr& in, uint32_t position);
  BoundPtr BindSubquery(const SelectStmt& query, ExprKind kind, uint32_t position);
  BoundPtr BindFunction(const FunctionExpr& fn, uint32_t position);
  BoundPtr BindAggregate(const FunctionExpr& fn, uint32_t position);
  BoundPtr ResolveColumn(const ColumnRefExpr& ref, uint32_t position);
  void Unify(BoundPtr* a, BoundPtr* b, BinaryOp op, uint32_t position);
  std::vector<ColumnType>& param_types();

  Planner* planner_;
  const Scope* scope_;
  bool allow_aggregates_ = false;
  bool in_aggregate_ = false;
};

}  // namespace zq::sql
