#include "sql/planner/join_strategy.hpp"

#include <algorithm>
#include <vector>

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

uint64_t EstimateRows(const PlanNode& p, const JoinStatistics& stats);

// Turns an equi-join whose left input has few rows and whose right input is
// a whole table with a key on the join columns into an index nested-loop
// join: each left row looks its partners up instead of the whole right
// table being read into a hash table. A lookup costs about what reading 50
// rows does, so unless the left side is pinned to one row its estimate must
// be under a fiftieth of the right table's.
void ChooseLookupJoin(PlanNode* plan, const JoinStatistics& stats) {
  if (plan->kind != PlanKind::kJoin || plan->left_keys.empty()) return;
  if (plan->join != JoinType::kInner && plan->join != JoinType::kLeft) return;
  bool one = false;
  if (!FewRows(*plan->children[0], &one)) return;
  if (!one && EstimateRows(*plan->children[0], stats) * 50 > EstimateRows(*plan->children[1], stats)) {
    return;
  }
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

// Whether column `column` of `p`'s rows holds no value twice: the whole
// primary key, or a unique index, of a table scan (NULLs aside).
bool UniqueColumn(const PlanNode& p, int column) {
  if (p.kind != PlanKind::kTableScan) return false;
  const auto col = static_cast<uint32_t>(column);
  if (p.table.primary_key == std::vector<uint32_t>{col}) return true;
  for (const catalog::IndexDef& index : p.table.indexes) {
    if (index.unique && index.columns == std::vector<uint32_t>{col}) return true;
  }
  return false;
}

uint64_t EstimateRows(const PlanNode& p, const JoinStatistics& stats);

// An equi-join matches each row of one input with at most one row of the
// other when that other's key column is unique (a key / foreign key join):
// it then has no more rows than the first input.
uint64_t EstimateJoinRows(const PlanNode& p, uint64_t left, uint64_t right) {
  uint64_t bound = std::max(left, right);
  for (size_t k = 0; k < p.left_keys.size(); k++) {
    if (UniqueColumn(*p.children[1], p.right_keys[k])) bound = std::min(bound, left);
    if (UniqueColumn(*p.children[0], p.left_keys[k])) bound = std::min(bound, right);
  }
  return bound;
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
      return EstimateJoinRows(p, left, right);
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
    swap = r > 2 * l + 16;  // clearly larger: not worth a projection otherwise
  }
  if (!swap) return plan;
  const int lw = static_cast<int>(left.columns.size()), rw = static_cast<int>(right.columns.size());
  // Column i of the row left ++ right is column swapped(i) of right ++ left.
  auto swapped = [lw, rw](int i) { return i < lw ? i + rw : i - lw; };
  MutPlan join = Mut(plan);
  std::vector<OutputColumn> original = join->columns;
  std::swap(join->children[0], join->children[1]);
  SetJoinColumns(join.get());
  std::swap(join->left_keys, join->right_keys);
  std::swap(join->left_key_exprs, join->right_key_exprs);  // each over its own input
  if (join->predicate) MapColumns(join->predicate.get(), swapped);
  return ProjectColumns(join, std::move(original), swapped);
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

// ---- join order ---------------------------------------------------------------

// A left-deep run of inner joins taken apart: its inputs (in FROM order)
// and every condition of its joins over the combined row, whose columns are
// the inputs' columns in that order.
struct JoinChain {
  std::vector<PlanPtr> inputs;
  std::vector<int> offsets;  // first column of each input in the combined row
  std::vector<BoundPtr> conditions;
  std::vector<OutputColumn> columns;
};

bool IsInnerJoin(const PlanNode& p) {
  return p.kind == PlanKind::kJoin && (p.join == JoinType::kInner || p.join == JoinType::kCross) &&
         !p.lookup && !p.merge;
}

// Takes apart the chain of inner joins rooted at `root`; false when a
// condition holds a subquery (its columns cannot be moved).
bool TakeApart(const PlanPtr& root, JoinChain* chain) {
  std::vector<const PlanNode*> joins;  // root first
  PlanPtr p = root;
  while (IsInnerJoin(*p)) {
    joins.push_back(p.get());
    p = p->children[0];
  }
  chain->inputs.push_back(p);
  for (auto it = joins.rbegin(); it != joins.rend(); ++it) {
    const PlanNode& join = **it;
    chain->inputs.push_back(join.children[1]);
    if (join.predicate) {
      if (HasSubquery(*join.predicate)) return false;
      std::vector<BoundPtr> parts;
      SplitConjuncts(join.predicate->Clone(), &parts);
      for (BoundPtr& c : parts) chain->conditions.push_back(std::move(c));
    }
    for (BoundPtr& k : KeyConditions(join)) chain->conditions.push_back(std::move(k));
  }
  int offset = 0;
  for (const PlanPtr& in : chain->inputs) {
    chain->offsets.push_back(offset);
    offset += static_cast<int>(in->columns.size());
  }
  chain->columns = root->columns;
  return true;
}

// The input whose columns hold column `column` of the combined row.
size_t InputOf(const JoinChain& chain, int column) {
  size_t i = chain.offsets.size() - 1;
  while (chain.offsets[i] > column) i--;
  return i;
}

// The inputs a condition reads (bit i: input i).
uint64_t InputsRead(const BoundExpr& e, const JoinChain& chain) {
  uint64_t bits = 0;
  if (e.kind == ExprKind::kColumn && e.depth == 0) bits |= uint64_t{1} << InputOf(chain, e.index);
  for (const BoundPtr& c : e.children) bits |= InputsRead(*c, chain);
  return bits;
}

// Greedy order: the input estimated smallest (a key-pinned one first) among
// those a condition joins to another, then repeatedly the smallest input a
// condition joins to those placed (any input when none is), so that no join
// is a cross product it need not be and intermediate results stay small.
std::vector<size_t> GreedyOrder(const JoinChain& chain, const std::vector<uint64_t>& reads,
                                const JoinStatistics& stats) {
  const size_t n = chain.inputs.size();
  std::vector<uint64_t> size(n);
  for (size_t i = 0; i < n; i++) {
    bool ignored = false;
    size[i] = FewRows(*chain.inputs[i], &ignored) ? 0 : EstimateRows(*chain.inputs[i], stats);
  }
  std::vector<size_t> order;
  uint64_t placed = 0;
  while (order.size() < n) {
    size_t best = n;
    bool best_connected = false;
    for (size_t i = 0; i < n; i++) {
      if (placed & (uint64_t{1} << i)) continue;
      const uint64_t bit = uint64_t{1} << i;
      bool connected = false;
      for (uint64_t r : reads) {
        if (placed == 0) {
          // The first input: one that some condition joins to another (a
          // cross product goes last, not first).
          connected = connected || ((r & bit) && (r & ~bit));
        } else if ((r & bit) && (r & placed) && (r & ~(placed | bit)) == 0) {
          connected = true;
        }
      }
      if (best == n || (connected && !best_connected) ||
          (connected == best_connected && size[i] < size[best])) {
        best = i;
        best_connected = connected;
      }
    }
    order.push_back(best);
    placed |= uint64_t{1} << best;
  }
  return order;
}

PlanPtr ApplyStrategies(const PlanPtr& join, const JoinStatistics& stats) {
  PlanPtr result = ChooseSides(join, stats);
  PlanNode* node = Mut(join).get();
  ChooseLookupJoin(node, stats);
  if (!node->lookup) ChooseMerge(node, stats);
  return result;
}

// Rebuilds the chain as a left-deep tree in `order`, each condition at the
// first join whose inputs it reads, under a projection restoring the
// original columns.
PlanPtr Rebuild(JoinChain& chain, const std::vector<size_t>& order,
                const std::vector<uint64_t>& reads, const JoinStatistics& stats) {
  const size_t n = chain.inputs.size();
  std::vector<int> new_offset(n);
  int at = 0;
  for (size_t i : order) {
    new_offset[i] = at;
    at += static_cast<int>(chain.inputs[i]->columns.size());
  }
  auto new_position = [&](int column) {
    const size_t i = InputOf(chain, column);
    return new_offset[i] + (column - chain.offsets[i]);
  };
  for (BoundPtr& c : chain.conditions) MapColumns(c.get(), new_position);
  std::vector<bool> placed_condition(chain.conditions.size(), false);
  PlanPtr tree = chain.inputs[order[0]];
  uint64_t placed = uint64_t{1} << order[0];
  for (size_t t = 1; t < n; t++) {
    const size_t i = order[t];
    placed |= uint64_t{1} << i;
    MutPlan join = NewPlan(PlanKind::kJoin);
    join->children = {tree, chain.inputs[i]};
    SetJoinColumns(join.get());
    std::vector<BoundPtr> here;
    for (size_t c = 0; c < chain.conditions.size(); c++) {
      if (placed_condition[c] || (reads[c] & ~placed) != 0) continue;
      placed_condition[c] = true;
      here.push_back(std::move(chain.conditions[c]));
    }
    join->join = here.empty() ? JoinType::kCross : JoinType::kInner;
    join->predicate = JoinConjuncts(std::move(here));
    ExtractJoinKeys(join.get(), static_cast<int>(tree->columns.size()));
    tree = ApplyStrategies(join, stats);
  }
  bool same_layout = true;
  for (size_t i = 0; i < n; i++) same_layout = same_layout && new_offset[i] == chain.offsets[i];
  if (same_layout) return tree;
  return ProjectColumns(tree, chain.columns, new_position);
}

}  // namespace

PlanPtr ChooseJoinStrategies(const PlanPtr& plan, const JoinStatistics& stats) {
  MutPlan node = Mut(plan);
  // A CTE's plan is shared by its references and was decided on its own.
  if (node->kind == PlanKind::kMaterialized) return plan;
  // Three or more inputs joined by inner joins: choose their order.
  JoinChain chain;
  if (IsInnerJoin(*plan) && stats.table_rows && TakeApart(plan, &chain) &&
      chain.inputs.size() >= 3 && chain.inputs.size() <= 64) {
    for (PlanPtr& in : chain.inputs) in = ChooseJoinStrategies(in, stats);
    std::vector<uint64_t> reads;
    for (const BoundPtr& c : chain.conditions) reads.push_back(InputsRead(*c, chain));
    const std::vector<size_t> order = GreedyOrder(chain, reads, stats);
    return Rebuild(chain, order, reads, stats);
  }
  for (PlanPtr& c : node->children) c = ChooseJoinStrategies(c, stats);
  if (node->kind != PlanKind::kJoin) return plan;
  return ApplyStrategies(plan, stats);
}

}  // namespace zq::sql
