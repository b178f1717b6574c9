// Building and rewriting plan nodes while the planner still owns them.
#pragma once

#include <memory>

#include "sql/planner/plan.hpp"

namespace zq::sql {

// Plans are immutable once returned; while the planner still owns a node
// alone it may edit it.
using MutPlan = std::shared_ptr<PlanNode>;
inline MutPlan Mut(const PlanPtr& p) { return std::const_pointer_cast<PlanNode>(p); }

MutPlan NewPlan(PlanKind kind);
// A reference to column `index` of the current row (depth 0).
BoundPtr ColumnRef(int index, const OutputColumn& c, uint32_t position = 0);
// Whether `e` holds a subquery anywhere.
bool HasSubquery(const BoundExpr& e);

}  // namespace zq::sql
