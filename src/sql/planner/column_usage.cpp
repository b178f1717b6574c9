#include "sql/planner/column_usage.hpp"

#include <vector>

#include "sql/planner/plan_rewrite.hpp"

namespace zq::sql {

namespace {

using Used = std::vector<bool>;

void Add(const BoundPtr& e, Used* used) {
  if (e) MarkColumnReads(*e, used);
}

Used All(const PlanPtr& p) { return Used(p->columns.size(), true); }

void MarkScan(PlanNode* scan, Used used) {
  Add(scan->predicate, &used);
  if (scan->range.index < 0 || scan->table.read_only()) return;
  const catalog::IndexDef& index = scan->table.indexes[static_cast<size_t>(scan->range.index)];
  if (index.hash) return;  // its entries hold hashes, not values
  // A key holds a value as it orders: numerics without their display scale
  // (1.50 as 1.5), floats with -0 as 0. Only lossless columns come from it.
  auto lossless = [&](uint32_t c) {
    const TypeId t = scan->table.columns[c].type.id;
    return t != TypeId::kNumeric && t != TypeId::kFloat4 && t != TypeId::kFloat8;
  };
  Used covered(scan->table.columns.size(), false);
  for (size_t k = 0; k < index.columns.size(); k++) {
    if (!index.IsExpression(k)) covered[index.columns[k]] = lossless(index.columns[k]);
  }
  for (uint32_t c : scan->table.primary_key) covered[c] = lossless(c);
  for (size_t c = 0; c < used.size(); c++) {
    if (used[c] && !covered[c]) return;
  }
  scan->index_only = true;
}

void Mark(const PlanPtr& plan, Used used) {
  MutPlan p = Mut(plan);
  switch (p->kind) {
    case PlanKind::kTableScan:
      MarkScan(p.get(), std::move(used));
      return;
    case PlanKind::kProject: {
      // Every expression runs, read or not: all of them count.
      Used child(p->children[0]->columns.size(), false);
      for (const BoundPtr& e : p->exprs) Add(e, &child);
      Mark(p->children[0], std::move(child));
      return;
    }
    case PlanKind::kFilter:
      Add(p->predicate, &used);
      Mark(p->children[0], std::move(used));
      return;
    case PlanKind::kAggregate: {
      Used child(p->children[0]->columns.size(), false);
      for (const BoundPtr& g : p->groups) Add(g, &child);
      for (const AggregateSpec& a : p->aggregates) {
        for (const BoundPtr& e : a.args) Add(e, &child);
        Add(a.filter, &child);
      }
      Mark(p->children[0], std::move(child));
      return;
    }
    case PlanKind::kSort:
      for (const SortKey& k : p->sort) used[static_cast<size_t>(k.column)] = true;
      Mark(p->children[0], std::move(used));
      return;
    case PlanKind::kLimit:
      Mark(p->children[0], std::move(used));
      return;
    case PlanKind::kJoin: {
      const size_t left_width = p->children[0]->columns.size();
      Add(p->predicate, &used);
      for (int k : p->left_keys) used[static_cast<size_t>(k)] = true;
      for (int k : p->right_keys) used[left_width + static_cast<size_t>(k)] = true;
      Used left(used.begin(), used.begin() + static_cast<long>(left_width));
      Used right(used.begin() + static_cast<long>(left_width), used.end());
      for (const BoundPtr& e : p->left_key_exprs) Add(e, &left);
      for (const BoundPtr& e : p->right_key_exprs) Add(e, &right);
      Mark(p->children[0], std::move(left));
      Mark(p->children[1], std::move(right));
      return;
    }
    case PlanKind::kMaterialized:
      return;  // a CTE's plan is shared by its references
    default:
      // Distinct, set operations, recursion: every column of every input.
      for (const PlanPtr& c : p->children) Mark(c, All(c));
      return;
  }
}

}  // namespace

void MarkIndexOnlyScans(const PlanPtr& plan) { Mark(plan, All(plan)); }

}  // namespace zq::sql
