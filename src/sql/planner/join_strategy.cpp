#include "sql/planner/join_strategy.hpp"

#include <algorithm>

#include "sql/planner/plan_rewrite.hpp"
#include "sql/planner/planner.hpp"

namespace zq::sql {

namespace {

// Few rows for sure: a scan pinned by equalities on a key, or a chain of
// lookup joins that starts with one and finds at most one row per step.
bool FewRows(const PlanNode& p, bool* at_most_one) {
  if (p.kind == PlanKind::kTableScan) {
    if (p.range.equal.empty()) return false;
    const ScanRange& r = p.range;
    const bool unique = r.index < 0 ? r.equal.size() == p.table.primary_key.size()
                                    : p.table.indexes[static_cast<size_t>(r.index)].unique &&
                                          r.equal.size() ==
                                              p.table.indexes[static_cast<size_t>(r.index)].columns.size();
    *at_most_one = unique && !r.lower && !r.upper;
    return true;
  }
  if (p.kind == PlanKind::kJoin && p.lookup) {
    bool left_one = false, right_one = false;
    if (!FewRows(*p.children[0], &left_one) || !FewRows(*p.children[1], &right_one)) return false;
    *at_most_one = left_one && right_one;
    return left_one || right_one;
  }
  return false;
}

// Turns an equi-join whose left input has few rows and whose right input is
// a whole table with a key on the join columns into an index nested-loop
// join: each left row looks its partners up instead of the whole right
// table being read into a hash table. Bottom-up over the FROM tree.
void ChooseLookupJoin(PlanNode* plan) {
  if (plan->kind != PlanKind::kJoin || plan->left_keys.empty()) return;
  if (plan->join != JoinType::kInner && plan->join != JoinType::kLeft) return;
  bool ignored = false;
  if (!FewRows(*plan->children[0], &ignored)) return;
  const PlanNode& right = *plan->children[1];
  if (right.kind != PlanKind::kTableScan || right.range.Used()) return;
  if (right.columns.size() != right.table.columns.size()) return;
  // The right side reads nothing but its own row (it will run under one
  // more enclosing row).
  if (right.predicate && (HasSubquery(*right.predicate) || OuterDepth(right, 0) >= 1)) return;
  const catalog::TableDef& t = right.table;
  // The key (primary key or plain B-tree/hash index on columns) whose
  // leading columns the most join keys pin.
  int best_index = -2;
  std::vector<size_t> best_pairs;  // per key part: the join key pair that pins it
  auto consider = [&](int index, const std::vector<uint32_t>& columns, bool hash) {
    std::vector<size_t> pairs;
    for (uint32_t col : columns) {
      size_t k = 0;
      while (k < plan->right_keys.size() && plan->right_keys[k] != static_cast<int>(col)) k++;
      if (k == plan->right_keys.size()) break;
      pairs.push_back(k);
    }
    if (pairs.empty() || (hash && pairs.size() != columns.size())) return;
    if (pairs.size() > best_pairs.size()) {
      best_index = index;
      best_pairs = std::move(pairs);
    }
  };
  if (!t.primary_key.empty()) consider(-1, t.primary_key, false);
  for (size_t i = 0; i < t.indexes.size(); i++) {
    const catalog::IndexDef& ix = t.indexes[i];
    if (!ix.HasExpressions()) consider(static_cast<int>(i), ix.columns, ix.hash);
  }
  if (best_index == -2) return;
  PlanNode* join = plan;
  MutPlan scan = Mut(join->children[1]);
  const PlanNode& left = *join->children[0];
  scan->range = ScanRange{};
  scan->range.index = best_index;
  for (size_t k : best_pairs) {
    const int left_col = join->left_keys[k];
    BoundPtr value = ColumnRef(left_col, left.columns[static_cast<size_t>(left_col)]);
    value->depth = 1;  // the left row, pushed as the enclosing row
    scan->range.equal.push_back(std::move(value));
  }
  join->lookup = true;
}


// About how many rows a plan produces. Crude on purpose: it only has to
// tell a key lookup from a table scan and a small table from a large one.
uint64_t EstimateRows(const PlanNode& p, const JoinStatistics& stats) {
  switch (p.kind) {
    case PlanKind::kTableScan: {
      bool one = false;
      if (FewRows(p, &one) && one) return 1;
      uint64_t rows = stats.table_rows ? stats.table_rows(p.table) : 1000;
      if (!p.range.equal.empty()) rows = rows / 100 + 1;
      if (p.range.lower || p.range.upper) rows = rows / 4 + 1;
      if (p.predicate) rows = rows / 2 + 1;
      return rows;
    }
    case PlanKind::kJoin: {
      const uint64_t left = EstimateRows(*p.children[0], stats);
      const uint64_t right = EstimateRows(*p.children[1], stats);
      if (p.lookup) {
        bool one = false;
        return FewRows(*p.children[1], &one) && one ? left : left * 10;
      }
      if (p.join == JoinType::kCross || (!p.predicate && !p.HashJoin() && !p.merge)) {
        return left * right;
      }
      return std::max(left, right);
    }
    case PlanKind::kValues:
      return p.rows.size();
    case PlanKind::kFilter:
      return EstimateRows(*p.children[0], stats) / 2 + 1;
    case PlanKind::kAggregate:
      return p.groups.empty() ? 1 : EstimateRows(*p.children[0], stats) / 10 + 1;
    default:
      return p.children.empty() ? 1000 : EstimateRows(*p.children[0], stats);
  }
}

// Maps a column of the join's row (left ++ right) to the swapped row
// (right ++ left).
void SwapColumns(BoundExpr* e, int left_width, int right_width) {
  if (e->kind == ExprKind::kColumn && e->depth == 0) {
    e->index = e->index < left_width ? e->index + right_width : e->index - left_width;
  }
  for (BoundPtr& c : e->children) SwapColumns(c.get(), left_width, right_width);
}

// An inner join whose right input is estimated much larger than its left
// (or is pinned by a key while the left is not) swaps them, under a
// projection that restores the column order.
PlanPtr ChooseSides(const PlanPtr& plan, const JoinStatistics& stats) {
  if (plan->kind != PlanKind::kJoin) return plan;
  if (plan->join != JoinType::kInner && plan->join != JoinType::kCross) return plan;
  if (plan->predicate && HasSubquery(*plan->predicate)) return plan;
  const PlanNode& left = *plan->children[0];
  const PlanNode& right = *plan->children[1];
  bool ignored = false;
  const bool left_few = FewRows(left, &ignored), right_few = FewRows(right, &ignored);
  bool swap = right_few && !left_few;
  if (!swap && !left_few && stats.table_rows) {
    const uint64_t l = EstimateRows(left, stats), r = EstimateRows(right, stats);
    swap = r > 4 * l + 1000;
  }
  if (!swap) return plan;
  const int lw = static_cast<int>(left.columns.size()), rw = static_cast<int>(right.columns.size());
  MutPlan join = Mut(plan);
  const std::vector<OutputColumn> original = join->columns;
  std::swap(join->children[0], join->children[1]);
  join->columns.clear();
  for (const PlanPtr& c : join->children) {
    join->columns.insert(join->columns.end(), c->columns.begin(), c->columns.end());
  }
  std::swap(join->left_keys, join->right_keys);
  std::swap(join->left_key_exprs, join->right_key_exprs);  // each over its own input
  if (join->predicate) SwapColumns(join->predicate.get(), lw, rw);
  MutPlan project = NewPlan(PlanKind::kProject);
  project->columns = original;
  for (int j = 0; j < lw + rw; j++) {
    const int from = j < lw ? rw + j : j - lw;
    project->exprs.push_back(ColumnRef(from, join->columns[static_cast<size_t>(from)]));
  }
  project->children.push_back(join);
  return project;
}


// The column a scan's rows come ordered by (its primary key's first
// column, when it reads the table in primary-key order and that column's
// values order as they compare), or -1.
int OrderedBy(const PlanNode& p) {
  if (p.kind != PlanKind::kTableScan || p.range.index >= 0 || p.table.primary_key.empty()) {
    return -1;
  }
  const uint32_t col = p.table.primary_key[0];
  const TypeId type = p.table.columns[col].type.id;
  const bool integer_like = IsIntegerType(type) || type == TypeId::kDate ||
                            type == TypeId::kTimestamp || type == TypeId::kTimestampTz;
  return integer_like && !p.table.read_only() ? static_cast<int>(col) : -1;
}

// A hash join both of whose inputs come ordered by one of its key pairs
// merges them instead when its hash table would take more than an eighth of
// the memory budget (about 100 bytes a row): rows stream through, nothing
// is held but one key's right rows.
void ChooseMerge(PlanNode* join, const JoinStatistics& stats) {
  if (!join->HashJoin() || !join->left_key_exprs.empty() || !stats.table_rows) return;
  if (join->join != JoinType::kInner && join->join != JoinType::kLeft) return;
  const int left_order = OrderedBy(*join->children[0]);
  const int right_order = OrderedBy(*join->children[1]);
  if (left_order < 0 || right_order < 0) return;
  size_t pair = 0;
  while (pair < join->left_keys.size() &&
         (join->left_keys[pair] != left_order || join->right_keys[pair] != right_order)) {
    pair++;
  }
  if (pair == join->left_keys.size()) return;
  constexpr uint64_t kHashBytesPerRow = 100;
  if (EstimateRows(*join->children[1], stats) * kHashBytesPerRow <= stats.memory_limit / 8) return;
  // The ordered pair first: the merge walks it.
  std::swap(join->left_keys[0], join->left_keys[pair]);
  std::swap(join->right_keys[0], join->right_keys[pair]);
  join->merge = true;
}

PlanPtr Choose(const PlanPtr& plan, const JoinStatistics& stats) {
  MutPlan node = Mut(plan);
  // A CTE's plan is shared by its references and was decided on its own.
  if (node->kind == PlanKind::kMaterialized) return plan;
  for (PlanPtr& c : node->children) c = Choose(c, stats);
  PlanPtr result = ChooseSides(plan, stats);
  ChooseLookupJoin(node.get());
  if (!node->lookup && node->kind == PlanKind::kJoin) ChooseMerge(node.get(), stats);
  return result;
}

}  // namespace

PlanPtr ChooseJoinStrategies(const PlanPtr& plan, const JoinStatistics& stats) {
  return Choose(plan, stats);
}

}  // namespace zq::sql
