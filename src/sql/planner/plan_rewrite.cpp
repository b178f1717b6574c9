#include "sql/planner/plan_rewrite.hpp"

#include <algorithm>

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

// Columns of the current row (depth 0) an expression reads: [min, max]; false
// when it also holds something that cannot move (a correlated subquery).
bool ColumnSpan(const BoundExpr& e, int* lo, int* hi) {
  if (e.kind == ExprKind::kColumn && e.depth == 0) {
    *lo = std::min(*lo, e.index);
    *hi = std::max(*hi, e.index);
  }
  if (e.subquery && e.correlated) return false;
  for (const BoundPtr& c : e.children) {
    if (!ColumnSpan(*c, lo, hi)) return false;
  }
  return true;
}

void ShiftColumns(BoundExpr* e, int delta) {
  MapColumns(e, [delta](int i) { return i + delta; });
}

void SetJoinColumns(PlanNode* join) {
  join->columns.clear();
  for (const PlanPtr& c : join->children) {
    join->columns.insert(join->columns.end(), c->columns.begin(), c->columns.end());
  }
}

bool CallsRandom(const BoundExpr& e) {
  if (e.kind == ExprKind::kFunction && e.index == static_cast<int>(ScalarFn::kRandom)) return true;
  for (const BoundPtr& c : e.children) {
    if (CallsRandom(*c)) return true;
  }
  return false;
}

namespace {

// Which input of a join `e` reads: 0 the left, 1 the right, -1 both, none or
// something that cannot be computed from one input row.
int JoinSide(const BoundExpr& e, int left_width) {
  int lo = 1 << 30, hi = -1;
  if (!ColumnSpan(e, &lo, &hi) || hi < 0 || CallsRandom(e)) return -1;
  if (hi < left_width) return 0;
  return lo >= left_width ? 1 : -1;
}

}  // namespace

void ExtractJoinKeys(PlanNode* join, int left_width) {
  if (!join->predicate || join->join == JoinType::kFull) return;
  std::vector<BoundPtr> parts, rest;
  SplitConjuncts(std::move(join->predicate), &parts);
  for (BoundPtr& p : parts) {
    if (p->kind == ExprKind::kCompare && p->op == BinaryOp::kEq) {
      BoundPtr& a = p->children[0];
      BoundPtr& b = p->children[1];
      // Expressions of one input each (a.x + 1 = b.y, lower(a.s) = b.s):
      // hashed like columns.
      const int a_side = JoinSide(*a, left_width), b_side = JoinSide(*b, left_width);
      const bool plain = a->kind == ExprKind::kColumn && b->kind == ExprKind::kColumn;
      if (!plain && a->type.id == b->type.id && a_side >= 0 && b_side >= 0 && a_side != b_side) {
        BoundPtr& left = a_side == 0 ? a : b;
        BoundPtr& right = a_side == 0 ? b : a;
        ShiftColumns(right.get(), -left_width);
        join->left_key_exprs.push_back(std::move(left));
        join->right_key_exprs.push_back(std::move(right));
        continue;
      }
    }
    if (p->kind == ExprKind::kCompare && p->op == BinaryOp::kEq) {
      const BoundExpr& a = *p->children[0];
      const BoundExpr& b = *p->children[1];
      if (a.kind == ExprKind::kColumn && b.kind == ExprKind::kColumn && a.depth == 0 &&
          b.depth == 0 && a.type.id == b.type.id) {
        if (a.index < left_width && b.index >= left_width) {
          join->left_keys.push_back(a.index);
          join->right_keys.push_back(b.index - left_width);
          continue;
        }
        if (b.index < left_width && a.index >= left_width) {
          join->left_keys.push_back(b.index);
          join->right_keys.push_back(a.index - left_width);
          continue;
        }
      }
    }
    rest.push_back(std::move(p));
  }
  join->predicate = JoinConjuncts(std::move(rest));
}

std::vector<BoundPtr> KeyConditions(const PlanNode& join) {
  std::vector<BoundPtr> out;
  const int left_width = static_cast<int>(join.children[0]->columns.size());
  auto equality = [](BoundPtr a, BoundPtr b) {
    auto eq = std::make_unique<BoundExpr>();
    eq->kind = ExprKind::kCompare;
    eq->op = BinaryOp::kEq;
    eq->type = ColumnType{TypeId::kBool};
    eq->children.push_back(std::move(a));
    eq->children.push_back(std::move(b));
    return eq;
  };
  for (size_t k = 0; k < join.left_keys.size(); k++) {
    const int l = join.left_keys[k], r = left_width + join.right_keys[k];
    out.push_back(equality(ColumnRef(l, join.columns[static_cast<size_t>(l)]),
                           ColumnRef(r, join.columns[static_cast<size_t>(r)])));
  }
  for (size_t k = 0; k < join.left_key_exprs.size(); k++) {
    BoundPtr right = join.right_key_exprs[k]->Clone();
    ShiftColumns(right.get(), left_width);
    out.push_back(equality(join.left_key_exprs[k]->Clone(), std::move(right)));
  }
  return out;
}

}  // namespace zq::sql
