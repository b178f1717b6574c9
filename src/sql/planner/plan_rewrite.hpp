// Building and rewriting plan nodes while the planner still owns them.
#pragma once

#include <memory>
#include <vector>

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
// Whether `e` calls random() (it must run where it was written).
bool CallsRandom(const BoundExpr& e);
// Columns of the current row (depth 0) an expression reads: [min, max];
// false when it also holds something that cannot move (a correlated
// subquery).
bool ColumnSpan(const BoundExpr& e, int* lo, int* hi);
// Renumbers every column of the current row (depth 0) `e` reads: column i
// becomes to(i).
template <typename To>
void MapColumns(BoundExpr* e, const To& to) {
  if (e->kind == ExprKind::kColumn && e->depth == 0) e->index = to(e->index);
  for (BoundPtr& c : e->children) MapColumns(c.get(), to);
}
// Adds `delta` to every column of the current row `e` reads.
void ShiftColumns(BoundExpr* e, int delta);
// A projection of `input` whose column j, named and typed as columns[j], is
// input column from(j).
template <typename From>
MutPlan ProjectColumns(const PlanPtr& input, std::vector<OutputColumn> columns, const From& from) {
  MutPlan project = NewPlan(PlanKind::kProject);
  for (int j = 0; j < static_cast<int>(columns.size()); j++) {
    const int i = from(j);
    project->exprs.push_back(ColumnRef(i, input->columns[static_cast<size_t>(i)]));
  }
  project->columns = std::move(columns);
  project->children.push_back(input);
  return project;
}
// A join's row: its inputs' columns, left then right.
void SetJoinColumns(PlanNode* join);
// Moves the equalities between one column (or expression) of each input out
// of a join's predicate into its key lists (left_keys/right_keys, or the
// key expressions).
void ExtractJoinKeys(PlanNode* join, int left_width);
// A join's key pairs as equality conditions over its combined row (copies).
std::vector<BoundPtr> KeyConditions(const PlanNode& join);

}  // namespace zq::sql
