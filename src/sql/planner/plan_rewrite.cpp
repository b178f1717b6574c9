#include "sql/planner/plan_rewrite.hpp"

namespace zq::sql {

MutPlan NewPlan(PlanKind kind) {
  auto p = std::make_shared<PlanNode>();
  p->kind = kind;
  return p;
}

BoundPtr ColumnRef(int index, const OutputColumn& c, uint32_t position) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = ExprKind::kColumn;
  e->type = c.type;
  e->index = index;
  e->name = c.name;
  e->position = position;
  return e;
}

bool HasSubquery(const BoundExpr& e) {
  if (e.subquery) return true;
  for (const BoundPtr& c : e.children) {
    if (HasSubquery(*c)) return true;
  }
  return false;
}

}  // namespace zq::sql
