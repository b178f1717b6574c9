#include "sql/planner/plan.hpp"

#include "sql/planner/planner.hpp"

namespace zq::sql {

BoundPtr BoundExpr::Clone() const {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->type = type;
  e->position = position;
  e->constant = constant;
  e->depth = depth;
  e->index = index;
  e->op = op;
  e->negated = negated;
  e->flag = flag;
  e->has_else = has_else;
  e->name = name;
  for (const BoundPtr& c : children) e->children.push_back(c->Clone());
  e->subquery = subquery;
  e->correlated = correlated;
  return e;
}

bool SameExpr(const BoundExpr& a, const BoundExpr& b) {
  if (a.kind != b.kind || !(a.type == b.type) || a.depth != b.depth || a.index != b.index ||
      a.op != b.op || a.negated != b.negated || a.flag != b.flag || a.has_else != b.has_else ||
      a.name != b.name || a.children.size() != b.children.size() ||
      a.subquery != b.subquery) {
    return false;
  }
  if (a.kind == ExprKind::kConstant) {
    if (a.constant.null != b.constant.null) return false;
    if (!a.constant.null && (a.constant.type != b.constant.type ||
                             CompareValues(a.constant, b.constant) != 0)) {
      return false;
    }
  }
  for (size_t i = 0; i < a.children.size(); i++) {
    if (!SameExpr(*a.children[i], *b.children[i])) return false;
  }
  return true;
}

const BoundExpr* KeyColumn(const BoundExpr& e) {
  if (e.kind == ExprKind::kColumn && e.depth == 0) return &e;
  if (e.kind == ExprKind::kCast && IsIntegerType(e.type.id)) {
    const BoundExpr& inner = *e.children[0];
    if (inner.kind == ExprKind::kColumn && inner.depth == 0 && IsIntegerType(inner.type.id) &&
        NumericRank(inner.type.id) <= NumericRank(e.type.id)) {
      return &inner;
    }
  }
  return nullptr;
}

BinaryOp FlipCompare(BinaryOp o) {
  switch (o) {
    case BinaryOp::kLt: return BinaryOp::kGt;
    case BinaryOp::kLe: return BinaryOp::kGe;
    case BinaryOp::kGt: return BinaryOp::kLt;
    case BinaryOp::kGe: return BinaryOp::kLe;
    default: return o;
  }
}

bool CountColumnReads(const BoundExpr& e, std::vector<int>* reads) {
  if (e.kind == ExprKind::kColumn && e.depth == 0) (*reads)[static_cast<size_t>(e.index)]++;
  if (e.correlated) return false;
  for (const BoundPtr& c : e.children) {
    if (!CountColumnReads(*c, reads)) return false;
  }
  return true;
}

void MarkColumnReads(const BoundExpr& e, std::vector<bool>* used) {
  std::vector<int> reads(used->size(), 0);
  if (!CountColumnReads(e, &reads)) {
    used->assign(used->size(), true);
    return;
  }
  for (size_t c = 0; c < reads.size(); c++) {
    if (reads[c] > 0) (*used)[c] = true;
  }
}

bool IsConstantExpr(const BoundExpr& e) {
  switch (e.kind) {
    case ExprKind::kColumn:
    case ExprKind::kParam:
    case ExprKind::kAggregate:
    case ExprKind::kScalarSubquery:
    case ExprKind::kExists:
    case ExprKind::kInSubquery:
      return false;
    case ExprKind::kFunction:
      if (e.index == static_cast<int>(ScalarFn::kRandom)) return false;
      if (ReadsClock(static_cast<ScalarFn>(e.index))) return false;
      break;
    default:
      break;
  }
  for (const BoundPtr& c : e.children) {
    if (!IsConstantExpr(*c)) return false;
  }
  return true;
}

namespace {

int ExprOuterDepth(const BoundExpr& e, int level) {
  int d = e.kind == ExprKind::kColumn ? e.depth - level : -1000;
  for (const BoundPtr& c : e.children) d = std::max(d, ExprOuterDepth(*c, level));
  if (e.subquery) d = std::max(d, OuterDepth(*e.subquery, level + 1));
  return d;
}

int MaybeDepth(const BoundPtr& e, int level) { return e ? ExprOuterDepth(*e, level) : -1000; }

}  // namespace

int OuterDepth(const PlanNode& p, int level) {
  int d = -1000;
  d = std::max(d, MaybeDepth(p.predicate, level));
  for (const BoundPtr& e : p.exprs) d = std::max(d, MaybeDepth(e, level));
  for (const BoundPtr& e : p.left_key_exprs) d = std::max(d, MaybeDepth(e, level));
  for (const BoundPtr& e : p.right_key_exprs) d = std::max(d, MaybeDepth(e, level));
  for (const auto& row : p.rows) {
    for (const BoundPtr& e : row) d = std::max(d, MaybeDepth(e, level));
  }
  for (const BoundPtr& e : p.groups) d = std::max(d, MaybeDepth(e, level));
  for (const AggregateSpec& a : p.aggregates) {
    for (const BoundPtr& e : a.args) d = std::max(d, MaybeDepth(e, level));
    d = std::max(d, MaybeDepth(a.filter, level));
  }
  d = std::max(d, MaybeDepth(p.limit, level));
  d = std::max(d, MaybeDepth(p.offset, level));
  for (const BoundPtr& e : p.range.equal) d = std::max(d, MaybeDepth(e, level));
  d = std::max(d, MaybeDepth(p.range.lower, level));
  d = std::max(d, MaybeDepth(p.range.upper, level));
  for (size_t i = 0; i < p.children.size(); i++) {
    // A lookup join runs its right side with the left row as one more
    // enclosing row.
    const bool per_left_row = p.kind == PlanKind::kJoin && p.lookup && i == 1;
    d = std::max(d, OuterDepth(*p.children[i], per_left_row ? level + 1 : level));
  }
  return d;
}

void SplitConjuncts(BoundPtr e, std::vector<BoundPtr>* out) {
  if (e->kind == ExprKind::kAnd) {
    for (BoundPtr& c : e->children) SplitConjuncts(std::move(c), out);
    return;
  }
  out->push_back(std::move(e));
}

BoundPtr JoinConjuncts(std::vector<BoundPtr> parts) {
  if (parts.empty()) return nullptr;
  BoundPtr result = std::move(parts[0]);
  for (size_t i = 1; i < parts.size(); i++) {
    auto a = std::make_unique<BoundExpr>();
    a->kind = ExprKind::kAnd;
    a->type = ColumnType{TypeId::kBool};
    a->position = result->position;
    a->children.push_back(std::move(result));
    a->children.push_back(std::move(parts[i]));
    result = std::move(a);
  }
  return result;
}

namespace {

const char* KindName(PlanKind k) {
  switch (k) {
    case PlanKind::kTableScan: return "Scan";
    case PlanKind::kValues: return "Values";
    case PlanKind::kFilter: return "Filter";
    case PlanKind::kProject: return "Project";
    case PlanKind::kJoin: return "Join";
    case PlanKind::kAggregate: return "Aggregate";
    case PlanKind::kSort: return "Sort";
    case PlanKind::kLimit: return "Limit";
    case PlanKind::kDistinct: return "Distinct";
    case PlanKind::kSetOp: return "SetOp";
    case PlanKind::kMaterialized: return "CTE Scan";
    case PlanKind::kRecursive: return "Recursive Union";
    case PlanKind::kWorkTable: return "WorkTable Scan";
  }
  return "?";
}

void Explain(const PlanNode& p, int indent, const std::function<bool(const PlanNode&)>& vectorized,
             std::string* out) {
  out->append(static_cast<size_t>(indent) * 2, ' ');
  out->append(KindName(p.kind));
  switch (p.kind) {
    case PlanKind::kTableScan:
      out->append(" on " + p.table.name);
      if (p.range.Used()) {
        if (p.range.index < 0) {
          out->append(" using primary key");
        } else {
          const catalog::IndexDef& index = p.table.indexes[static_cast<size_t>(p.range.index)];
          out->append(std::string(" using ") + (index.hash ? "hash " : "") + "index " + index.name);
        }
        out->append(" (" + std::to_string(p.range.equal.size()) + " equal" +
                    (p.range.lower || p.range.upper ? ", range" : "") + ")");
        if (p.index_only) out->append(" index only");
      }
      if (p.predicate) out->append(" with filter");
      break;
    case PlanKind::kJoin: {
      static const char* names[] = {"inner", "left", "right", "full", "cross"};
      out->append(std::string(" ") + names[static_cast<int>(p.join)]);
      out->append(p.lookup  ? " (index lookup)"
                  : p.merge ? " (merge)"
                  : p.HashJoin() ? " (hash)"
                                 : " (nested loop)");
      break;
    }
    case PlanKind::kSetOp: {
      static const char* names[] = {"union", "intersect", "except"};
      out->append(std::string(" ") + names[static_cast<int>(p.set_op)] + (p.all ? " all" : ""));
      break;
    }
    case PlanKind::kMaterialized:
      out->append(" " + p.cte_name);
      break;
    default:
      break;
  }
  if (vectorized && vectorized(p)) out->append(" [vectorized]");
  out->push_back('\n');
  for (const PlanPtr& c : p.children) Explain(*c, indent + 1, vectorized, out);
}

}  // namespace

std::string ExplainPlan(const PlanNode& plan,
                        const std::function<bool(const PlanNode&)>& vectorized) {
  std::string out;
  Explain(plan, 0, vectorized, &out);
  return out;
}

}  // namespace zq::sql
