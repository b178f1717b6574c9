// Expression binding: name resolution, PostgreSQL's operator and function
// type rules, constant folding.
#include "sql/planner/expr_binder.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "sql/lexer/sql_error.hpp"

namespace zq::sql {

namespace {

BoundPtr MakeNode(ExprKind kind, ColumnType type, uint32_t position) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->type = type;
  e->position = position;
  return e;
}

ColumnType T(TypeId id) { return ColumnType{id}; }

// A string literal or a parameter whose type the context decides.
bool IsUnknownLiteral(const BoundExpr& e) {
  return (e.kind == ExprKind::kConstant || e.kind == ExprKind::kParam) && e.flag &&
         e.type.id == TypeId::kText;
}

bool IsNullType(const BoundExpr& e) { return e.type.id == TypeId::kNull; }

std::string TypeLabel(const ColumnType& t) { return catalog::TypeName(ColumnType{t.id}); }

const char* OpName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEq: return "=";
    case BinaryOp::kNe: return "<>";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kLe: return "<=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kGe: return ">=";
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kPow: return "^";
    case BinaryOp::kConcat: return "||";
    case BinaryOp::kBitAnd: return "&";
    case BinaryOp::kBitOr: return "|";
    case BinaryOp::kBitXor: return "#";
    case BinaryOp::kShiftLeft: return "<<";
    case BinaryOp::kShiftRight: return ">>";
    case BinaryOp::kAnd: return "AND";
    case BinaryOp::kOr: return "OR";
  }
  return "?";
}

[[noreturn]] void NoOperator(BinaryOp op, const BoundExpr& a, const BoundExpr& b,
                             uint32_t position) {
  ThrowSqlError(kSqlStateUndefinedFunction, position,
                std::string("operator does not exist: ") + TypeLabel(a.type) + " " + OpName(op) +
                    " " + TypeLabel(b.type));
}

}  // namespace

// The common type of a set of values (CASE branches, COALESCE, UNION
// columns, IN lists): PostgreSQL's UNION/CASE resolution, simplified.
ColumnType CommonType(const std::vector<const BoundExpr*>& items, uint32_t position,
                      const char* context) {
  ColumnType result = T(TypeId::kNull);
  bool only_unknown = true;
  for (const BoundExpr* e : items) {
    if (IsNullType(*e) || IsUnknownLiteral(*e)) continue;
    only_unknown = false;
    if (result.id == TypeId::kNull) {
      result = ColumnType{e->type.id};
      continue;
    }
    if (result.id == e->type.id) continue;
    if (IsNumericCategory(result.id) && IsNumericCategory(e->type.id)) {
      result = T(PromoteNumeric(result.id, e->type.id));
      continue;
    }
    if (IsDatetimeType(result.id) && IsDatetimeType(e->type.id)) {
      result = T(PromoteDatetime(result.id, e->type.id));
      continue;
    }
    ThrowSqlError(kSqlStateDatatypeMismatch, position,
                  std::string(context) + " types " + TypeLabel(result) + " and " +
                      TypeLabel(e->type) + " cannot be matched");
  }
  if (only_unknown) {
    for (const BoundExpr* e : items) {
      if (IsUnknownLiteral(*e)) return T(TypeId::kText);
    }
  }
  return result;
}

BoundPtr Planner::CastTo(BoundPtr e, const ColumnType& type, uint32_t position) {
  if (type.id == TypeId::kNull) return e;
  if (e->type == type) return e;
  if (e->kind == ExprKind::kConstant) {
    // Literals convert at planning (an error here is the statement's error).
    Value v = CastValue(e->constant, type, position);
    auto c = MakeNode(ExprKind::kConstant, type, e->position);
    c->constant = std::move(v);
    return c;
  }
  auto cast = MakeNode(ExprKind::kCast, type, position);
  cast->children.push_back(std::move(e));
  return cast;
}

// Makes the operands of a comparison or arithmetic agree on a type.
void ExprBinder::Unify(BoundPtr* a, BoundPtr* b, BinaryOp op, uint32_t position) {
  BoundExpr& x = **a;
  BoundExpr& y = **b;
  if (IsNullType(x) && IsNullType(y)) return;
  if (IsUnknownLiteral(x) && IsUnknownLiteral(y)) {
    x.flag = y.flag = false;
    return;
  }
  if (IsNullType(x) || IsUnknownLiteral(x)) {
    if (x.kind == ExprKind::kParam) param_types()[static_cast<size_t>(x.index - 1)] = y.type;
    *a = Planner::CastTo(std::move(*a), ColumnType{y.type.id}, x.position);
    return;
  }
  if (IsNullType(y) || IsUnknownLiteral(y)) {
    if (y.kind == ExprKind::kParam) param_types()[static_cast<size_t>(y.index - 1)] = x.type;
    *b = Planner::CastTo(std::move(*b), ColumnType{x.type.id}, y.position);
    return;
  }
  if (x.type.id == y.type.id) return;
  const bool numbers = IsNumericCategory(x.type.id) && IsNumericCategory(y.type.id);
  const bool datetimes = IsDatetimeType(x.type.id) && IsDatetimeType(y.type.id);
  if (numbers || datetimes) {
    const TypeId t = numbers ? PromoteNumeric(x.type.id, y.type.id)
                             : PromoteDatetime(x.type.id, y.type.id);
    if (x.type.id != t) *a = Planner::CastTo(std::move(*a), T(t), position);
    if (y.type.id != t) *b = Planner::CastTo(std::move(*b), T(t), position);
    return;
  }
  NoOperator(op, x, y, position);
}

std::vector<ColumnType>& ExprBinder::param_types() { return planner_->param_types_; }

namespace {

bool IsNullConstant(const BoundExpr& e) { return e.kind == ExprKind::kConstant && e.constant.null; }

// Strict operators and functions return NULL when any input is NULL.
bool IsStrict(const BoundExpr& e) {
  switch (e.kind) {
    case ExprKind::kArith:
    case ExprKind::kCompare:
    case ExprKind::kConcat:
    case ExprKind::kNegate:
    case ExprKind::kBitNot:
    case ExprKind::kNot:
    case ExprKind::kCast:
    case ExprKind::kLike:
      return true;
    case ExprKind::kFunction:
      switch (static_cast<ScalarFn>(e.index)) {
        case ScalarFn::kCoalesce:
        case ScalarFn::kNullIf:
        case ScalarFn::kGreatest:
        case ScalarFn::kLeast:
        case ScalarFn::kConcat:
        case ScalarFn::kRandom:
          return false;
        default:
          return true;
      }
    default:
      return false;
  }
}

bool HasAggregate(const BoundExpr& e) {
  if (e.kind == ExprKind::kAggregate) return true;
  for (const BoundPtr& c : e.children) {
    if (HasAggregate(*c)) return true;
  }
  return false;
}

// As PostgreSQL's planner: a strict operator with a NULL constant input is
// NULL, without evaluating its other inputs (so `x / 0 = NULL` raises no
// division by zero).
void FoldNullInputs(BoundPtr& e) {
  for (BoundPtr& c : e->children) FoldNullInputs(c);
  bool null_input = false;
  if (IsStrict(*e)) {
    for (const BoundPtr& c : e->children) null_input = null_input || IsNullConstant(*c);
  } else if (e->kind == ExprKind::kInList) {
    // NULL IN (...) is NULL, except that IN () is false whatever the operand.
    null_input = IsNullConstant(*e->children[0]) && e->children.size() > 1;
  }
  if (!null_input) return;
  // An aggregate below still makes the query a grouped one: keep it.
  for (const BoundPtr& c : e->children) {
    if (HasAggregate(*c)) return;
  }
  auto n = std::make_unique<BoundExpr>();
  n->kind = ExprKind::kConstant;
  n->type = e->type;
  n->position = e->position;
  n->constant = Value::Null(e->type.id);
  e = std::move(n);
}

}  // namespace

BoundPtr ExprBinder::Bind(const Expr& expr) { return Finish(BindNode(expr)); }

BoundPtr ExprBinder::BindBoolean(const Expr& expr, const char* context) {
  return Finish(BindBooleanNode(expr, context));
}

BoundPtr ExprBinder::Finish(BoundPtr e) {
  FoldNullInputs(e);
  if (e->kind != ExprKind::kConstant && planner_->folder_ && IsConstantExpr(*e)) {
    // Fold; an error (1/0) stays for run time, where it is raised only if
    // the expression is actually evaluated.
    try {
      Value v = planner_->folder_(*e);
      auto c = MakeNode(ExprKind::kConstant, e->type, e->position);
      c->constant = std::move(v);
      return c;
    } catch (const SqlException&) {
    }
  }
  return e;
}

BoundPtr ExprBinder::ResolveColumn(const ColumnRefExpr& ref, uint32_t position) {
  const std::string& column = ref.names.back();
  const std::string table = ref.names.size() >= 2 ? ref.names[ref.names.size() - 2] : "";
  int depth = 0;
  for (const Scope* s = scope_; s != nullptr; s = s->parent, depth++) {
    const OutputColumn* found = nullptr;
    int found_index = -1;
    bool table_seen = false;
    for (const RangeEntry& r : s->ranges) {
      if (!table.empty() && r.name != table) continue;
      table_seen = true;
      for (size_t i = 0; i < r.columns.size(); i++) {
        if (r.columns[i].name != column) continue;
        if (table.empty() && !r.hidden.empty() && r.hidden[i]) continue;
        if (found != nullptr) {
          ThrowSqlError(kSqlStateAmbiguousColumn, position,
                        "column reference \"" + column + "\" is ambiguous");
        }
        found = &r.columns[i];
        found_index = r.offset + static_cast<int>(i);
      }
    }
    if (found != nullptr) {
      auto e = MakeNode(ExprKind::kColumn, found->type, position);
      e->depth = depth;
      e->index = found_index;
      e->name = column;
      return e;
    }
    if (!table.empty() && table_seen) {
      ThrowSqlError(kSqlStateUndefinedColumn, position,
                    "column " + table + "." + column + " does not exist");
    }
  }
  if (!table.empty()) {
    ThrowSqlError(kSqlStateUndefinedTable, position,
                  "missing FROM-clause entry for table \"" + table + "\"");
  }
  ThrowSqlError(kSqlStateUndefinedColumn, position, "column \"" + column + "\" does not exist");
}

BoundPtr ExprBinder::BindLiteral(const LiteralExpr& lit, uint32_t position) {
  auto e = MakeNode(ExprKind::kConstant, T(TypeId::kNull), position);
  switch (lit.kind) {
    case LiteralKind::kNull:
      e->constant = Value::Null();
      break;
    case LiteralKind::kTrue:
    case LiteralKind::kFalse:
      e->type = T(TypeId::kBool);
      e->constant = Value::Bool(lit.kind == LiteralKind::kTrue);
      break;
    case LiteralKind::kInteger: {
      // PostgreSQL: integer if it fits int4, else bigint, else numeric.
      std::optional<Decimal> d = Decimal::Parse(lit.text);
      // The lexer gave digits only: Parse fails on width alone.
      if (!d) {
        ThrowSqlError("22003", position,
                      "numeric literal out of range: " + lit.text + " (NUMERIC holds 38 digits)");
      }
      if (d->coefficient >= INT32_MIN && d->coefficient <= INT32_MAX) {
        e->type = T(TypeId::kInt4);
        e->constant = Value::Int(TypeId::kInt4, static_cast<int64_t>(d->coefficient));
      } else if (d->coefficient >= INT64_MIN && d->coefficient <= INT64_MAX) {
        e->type = T(TypeId::kInt8);
        e->constant = Value::Int(TypeId::kInt8, static_cast<int64_t>(d->coefficient));
      } else {
        e->type = T(TypeId::kNumeric);
        e->constant = Value::Numeric(*d);
      }
      break;
    }
    case LiteralKind::kDecimal: {
      std::optional<Decimal> d = Decimal::Parse(lit.text);
      if (!d) {
        // Beyond NUMERIC's 38 digits: keep the value as double precision
        // (PostgreSQL would keep it exact; docs/sql.md lists this limit).
        errno = 0;
        const double f = std::strtod(lit.text.c_str(), nullptr);
        if (errno == ERANGE || !std::isfinite(f)) {
          ThrowSqlError(kSqlStateNumericValueOutOfRange, position,
                        "numeric literal out of range: " + lit.text);
        }
        e->type = T(TypeId::kFloat8);
        e->constant = Value::Float(TypeId::kFloat8, f);
        break;
      }
      e->type = T(TypeId::kNumeric);
      e->constant = Value::Numeric(*d);
      break;
    }
    case LiteralKind::kString:
      e->type = T(TypeId::kText);
      e->constant = Value::Text(lit.text);
      e->flag = true;  // of unknown type until context decides
      break;
    case LiteralKind::kBytea:
      e->type = T(TypeId::kBytea);
      e->constant = ParseValue("\\x" + lit.text, T(TypeId::kBytea), position);
      break;
  }
  return e;
}

BoundPtr ExprBinder::BindBooleanNode(const Expr& expr, const char* context) {
  BoundPtr e = BindNode(expr);
  if (IsUnknownLiteral(*e) || IsNullType(*e)) return Planner::CastTo(std::move(e), T(TypeId::kBool), expr.position);
  if (e->type.id != TypeId::kBool) {
    ThrowSqlError(kSqlStateDatatypeMismatch, expr.position,
                  std::string("argument of ") + context + " must be type boolean, not type " +
                      TypeLabel(e->type));
  }
  return e;
}

BoundPtr ExprBinder::BindBinary(const BinaryExpr& bin, uint32_t position) {
  if (bin.op == BinaryOp::kAnd || bin.op == BinaryOp::kOr) {
    auto e = MakeNode(bin.op == BinaryOp::kAnd ? ExprKind::kAnd : ExprKind::kOr, T(TypeId::kBool),
                      position);
    const char* ctx = bin.op == BinaryOp::kAnd ? "AND" : "OR";
    e->children.push_back(BindBooleanNode(*bin.left, ctx));
    e->children.push_back(BindBooleanNode(*bin.right, ctx));
    return e;
  }
  BoundPtr a = BindNode(*bin.left);
  BoundPtr b = BindNode(*bin.right);
  if (bin.op == BinaryOp::kConcat) {
    // text || anything (anything is converted to text), as PostgreSQL's anytextcat.
    const bool bytea = a->type.id == TypeId::kBytea && b->type.id == TypeId::kBytea;
    if (!bytea && a->type.id != TypeId::kText && b->type.id != TypeId::kText &&
        !IsUnknownLiteral(*a) && !IsUnknownLiteral(*b) && !IsNullType(*a) && !IsNullType(*b)) {
      NoOperator(bin.op, *a, *b, position);
    }
    auto e = MakeNode(ExprKind::kConcat, T(bytea ? TypeId::kBytea : TypeId::kText), position);
    if (!bytea) {
      a = Planner::CastTo(std::move(a), T(TypeId::kText), position);
      b = Planner::CastTo(std::move(b), T(TypeId::kText), position);
    }
    e->children.push_back(std::move(a));
    e->children.push_back(std::move(b));
    return e;
  }
  const bool compare = bin.op == BinaryOp::kEq || bin.op == BinaryOp::kNe ||
                       bin.op == BinaryOp::kLt || bin.op == BinaryOp::kLe ||
                       bin.op == BinaryOp::kGt || bin.op == BinaryOp::kGe;
  if (!compare && (IsDatetimeType(a->type.id) || IsDatetimeType(b->type.id))) {
    return BindDatetimeArith(bin.op, std::move(a), std::move(b), position);
  }
  Unify(&a, &b, bin.op, position);
  if (compare) {
    auto e = MakeNode(ExprKind::kCompare, T(TypeId::kBool), position);
    e->op = bin.op;
    e->children.push_back(std::move(a));
    e->children.push_back(std::move(b));
    return e;
  }
  TypeId t = a->type.id == TypeId::kNull ? b->type.id : a->type.id;
  if (t == TypeId::kNull) t = TypeId::kInt4;  // NULL + NULL: PostgreSQL picks a type too
  const bool bitwise = bin.op == BinaryOp::kBitAnd || bin.op == BinaryOp::kBitOr ||
                       bin.op == BinaryOp::kBitXor || bin.op == BinaryOp::kShiftLeft ||
                       bin.op == BinaryOp::kShiftRight;
  if (!IsNumericCategory(t) || (bitwise && !IsIntegerType(t))) NoOperator(bin.op, *a, *b, position);
  if (bin.op == BinaryOp::kPow) {
    // ^ is defined for double precision and numeric only.
    if (t != TypeId::kNumeric) t = TypeId::kFloat8;
    a = Planner::CastTo(std::move(a), T(t), position);
    b = Planner::CastTo(std::move(b), T(t), position);
  }
  auto e = MakeNode(ExprKind::kArith, T(t), position);
  e->op = bin.op;
  e->children.push_back(std::move(a));
  e->children.push_back(std::move(b));
  return e;
}

// PostgreSQL's date operators: date ± integer is a date, date - date the
// days between them. Timestamp arithmetic needs INTERVAL (not yet).
BoundPtr ExprBinder::BindDatetimeArith(BinaryOp op, BoundPtr a, BoundPtr b, uint32_t position) {
  const bool a_date = a->type.id == TypeId::kDate;
  const bool b_date = b->type.id == TypeId::kDate;
  // An unknown literal beside a date: an integer to add, a date to subtract.
  auto settle = [&](BoundPtr* unknown, TypeId as) {
    if (IsUnknownLiteral(**unknown) || IsNullType(**unknown)) {
      if ((*unknown)->kind == ExprKind::kParam) {
        param_types()[static_cast<size_t>((*unknown)->index - 1)] = T(as);
      }
      // The position is read before the pointer moves: argument order is unspecified.
      const uint32_t at = (*unknown)->position;
      *unknown = Planner::CastTo(std::move(*unknown), T(as), at);
    }
  };
  if (a_date && op == BinaryOp::kSub) settle(&b, b->type.id == TypeId::kNull ? TypeId::kInt4 : TypeId::kDate);
  if (a_date && op == BinaryOp::kAdd) settle(&b, TypeId::kInt4);
  if (b_date && op == BinaryOp::kAdd) settle(&a, TypeId::kInt4);
  TypeId result = TypeId::kNull;
  if (op == BinaryOp::kAdd && a_date && IsIntegerType(b->type.id)) result = TypeId::kDate;
  if (op == BinaryOp::kAdd && b_date && IsIntegerType(a->type.id)) result = TypeId::kDate;
  if (op == BinaryOp::kSub && a_date && IsIntegerType(b->type.id)) result = TypeId::kDate;
  if (op == BinaryOp::kSub && a_date && b->type.id == TypeId::kDate) result = TypeId::kInt4;
  if (result == TypeId::kNull) NoOperator(op, *a, *b, position);
  auto e = MakeNode(ExprKind::kArith, T(result), position);
  e->op = op;
  e->children.push_back(std::move(a));
  e->children.push_back(std::move(b));
  return e;
}

BoundPtr ExprBinder::BindCase(const CaseExpr& c, uint32_t position) {
  auto e = MakeNode(ExprKind::kCase, T(TypeId::kNull), position);
  BoundPtr operand;
  if (c.operand) operand = BindNode(*c.operand);
  std::vector<BoundPtr> results;
  for (const WhenClause& w : c.whens) {
    if (operand) {
      // CASE x WHEN v: compare x = v.
      BoundPtr left = operand->Clone();
      BoundPtr right = BindNode(*w.condition);
      Unify(&left, &right, BinaryOp::kEq, w.condition->position);
      auto cmp = MakeNode(ExprKind::kCompare, T(TypeId::kBool), w.condition->position);
      cmp->op = BinaryOp::kEq;
      cmp->children.push_back(std::move(left));
      cmp->children.push_back(std::move(right));
      e->children.push_back(std::move(cmp));
    } else {
      e->children.push_back(BindBooleanNode(*w.condition, "CASE/WHEN"));
    }
    results.push_back(BindNode(*w.result));
  }
  if (c.else_result) results.push_back(BindNode(*c.else_result));
  std::vector<const BoundExpr*> views;
  for (const BoundPtr& r : results) views.push_back(r.get());
  const ColumnType type = CommonType(views, position, "CASE");
  e->type = type;
  e->has_else = c.else_result != nullptr;
  // Interleave: when0, then0, when1, then1, ..., [else].
  std::vector<BoundPtr> conditions = std::move(e->children);
  e->children.clear();
  for (size_t i = 0; i < conditions.size(); i++) {
    e->children.push_back(std::move(conditions[i]));
    e->children.push_back(Planner::CastTo(std::move(results[i]), type, position));
  }
  if (c.else_result) e->children.push_back(Planner::CastTo(std::move(results.back()), type, position));
  return e;
}

BoundPtr ExprBinder::BindInList(const InListExpr& in, uint32_t position) {
  auto e = MakeNode(ExprKind::kInList, T(TypeId::kBool), position);
  e->negated = in.negated;
  BoundPtr operand = BindNode(*in.operand);
  std::vector<BoundPtr> items;
  for (const ExprPtr& item : in.items) items.push_back(BindNode(*item));
  std::vector<const BoundExpr*> views{operand.get()};
  for (const BoundPtr& item : items) views.push_back(item.get());
  ColumnType type = CommonType(views, position, "IN");
  if (type.id == TypeId::kNull) type = T(TypeId::kText);
  e->children.push_back(Planner::CastTo(std::move(operand), type, position));
  for (BoundPtr& item : items) e->children.push_back(Planner::CastTo(std::move(item), type, position));
  return e;
}

BoundPtr ExprBinder::BindSubquery(const SelectStmt& query, ExprKind kind, uint32_t position) {
  PlanPtr plan = planner_->PlanSelect(query, scope_);
  auto e = MakeNode(kind, T(TypeId::kBool), position);
  e->subquery = plan;
  e->correlated = OuterDepth(*plan, 0) >= 1;
  if (kind == ExprKind::kScalarSubquery) {
    if (plan->columns.size() != 1) {
      ThrowSqlError(kSqlStateSyntaxError, position, "subquery must return only one column");
    }
    e->type = plan->columns[0].type;
  }
  return e;
}

BoundPtr ExprBinder::BindNode(const Expr& expr) {
  const uint32_t pos = expr.position;
  if (auto* lit = expr.As<LiteralExpr>()) return BindLiteral(*lit, pos);
  if (auto* ref = expr.As<ColumnRefExpr>()) return ResolveColumn(*ref, pos);
  if (expr.As<StarExpr>() != nullptr) {
    ThrowSqlError(kSqlStateSyntaxError, pos, "* is not allowed here");
  }
  if (auto* p = expr.As<ParamExpr>()) {
    if (param_types().size() < p->index) param_types().resize(p->index, T(TypeId::kNull));
    auto e = MakeNode(ExprKind::kParam, param_types()[p->index - 1], pos);
    e->index = static_cast<int>(p->index);
    e->flag = e->type.id == TypeId::kNull;
    if (e->flag) e->type = T(TypeId::kText);  // unknown, like a string literal
    return e;
  }
  if (expr.As<DefaultExpr>() != nullptr) {
    ThrowSqlError(kSqlStateSyntaxError, pos, "DEFAULT is not allowed in this context");
  }
  if (auto* sv = expr.As<SpecialValueExpr>()) {
    // The date/time ones are functions of the statement's clock.
    ScalarFn fn = ScalarFn::kNow;
    if (sv->name == "current_date") {
      fn = ScalarFn::kCurrentDate;
    } else if (sv->name == "localtimestamp") {
      fn = ScalarFn::kLocalTimestamp;
    } else if (sv->name != "current_timestamp") {
      ThrowSqlError(kSqlStateFeatureNotSupported, pos, sv->name + " is not supported yet");
    }
    auto e = MakeNode(ExprKind::kFunction, T(ClockType(fn)), pos);
    e->name = sv->name;
    e->index = static_cast<int>(fn);
    return e;
  }
  if (auto* u = expr.As<UnaryExpr>()) {
    if (u->op == UnaryOp::kNot) {
      auto e = MakeNode(ExprKind::kNot, T(TypeId::kBool), pos);
      e->children.push_back(BindBooleanNode(*u->operand, "NOT"));
      return e;
    }
    BoundPtr operand = BindNode(*u->operand);
    if (IsUnknownLiteral(*operand)) {
      operand = Planner::CastTo(std::move(operand), T(TypeId::kFloat8), pos);
    }
    if (u->op == UnaryOp::kPlus) {
      if (!IsNumericCategory(operand->type.id) && !IsNullType(*operand)) {
        ThrowSqlError(kSqlStateUndefinedFunction, pos,
                      "operator does not exist: + " + TypeLabel(operand->type));
      }
      return operand;
    }
    if (IsNullType(*operand)) operand = Planner::CastTo(std::move(operand), T(TypeId::kInt4), pos);
    const bool bitnot = u->op == UnaryOp::kBitNot;
    if (bitnot ? !IsIntegerType(operand->type.id) : !IsNumericCategory(operand->type.id)) {
      ThrowSqlError(kSqlStateUndefinedFunction, pos,
                    std::string("operator does not exist: ") + (bitnot ? "~ " : "- ") +
                        TypeLabel(operand->type));
    }
    auto e = MakeNode(bitnot ? ExprKind::kBitNot : ExprKind::kNegate, operand->type, pos);
    e->children.push_back(std::move(operand));
    return e;
  }
  if (auto* bin = expr.As<BinaryExpr>()) return BindBinary(*bin, pos);
  if (auto* cast = expr.As<CastExpr>()) {
    const ColumnType type = Planner::ResolveTypeName(cast->type);
    BoundPtr operand = BindNode(*cast->operand);
    if (operand->kind == ExprKind::kParam && operand->flag) {
      param_types()[static_cast<size_t>(operand->index - 1)] = type;
    }
    // An explicit cast: build the node even for equal types (typmod may differ).
    if (operand->kind == ExprKind::kConstant) {
      auto c = MakeNode(ExprKind::kConstant, type, pos);
      c->constant = CastValue(operand->constant, type, pos);
      return c;
    }
    auto e = MakeNode(ExprKind::kCast, type, pos);
    e->children.push_back(std::move(operand));
    return e;
  }
  if (auto* c = expr.As<CaseExpr>()) return BindCase(*c, pos);
  if (auto* b = expr.As<BetweenExpr>()) {
    // x BETWEEN a AND b  ==  x >= a AND x <= b (SYMMETRIC: either order).
    auto bound = [&](BinaryOp op, const Expr& other) {
      BoundPtr left = BindNode(*b->operand);
      BoundPtr right = BindNode(other);
      Unify(&left, &right, op, pos);
      auto cmp = MakeNode(ExprKind::kCompare, T(TypeId::kBool), pos);
      cmp->op = op;
      cmp->children.push_back(std::move(left));
      cmp->children.push_back(std::move(right));
      return cmp;
    };
    auto both = [&](const Expr& lo, const Expr& hi) {
      auto e = MakeNode(ExprKind::kAnd, T(TypeId::kBool), pos);
      e->children.push_back(bound(BinaryOp::kGe, lo));
      e->children.push_back(bound(BinaryOp::kLe, hi));
      return e;
    };
    BoundPtr e = both(*b->low, *b->high);
    if (b->symmetric) {
      auto either = MakeNode(ExprKind::kOr, T(TypeId::kBool), pos);
      either->children.push_back(std::move(e));
      either->children.push_back(both(*b->high, *b->low));
      e = std::move(either);
    }
    if (b->negated) {
      auto n = MakeNode(ExprKind::kNot, T(TypeId::kBool), pos);
      n->children.push_back(std::move(e));
      return n;
    }
    return e;
  }
  if (auto* in = expr.As<InListExpr>()) return BindInList(*in, pos);
  if (auto* in = expr.As<InSubqueryExpr>()) {
    BoundPtr operand = BindNode(*in->operand);
    BoundPtr e = BindSubquery(*in->query, ExprKind::kInSubquery, pos);
    if (e->subquery->columns.size() != 1) {
      ThrowSqlError(kSqlStateSyntaxError, pos, "subquery has too many columns");
    }
    const ColumnType sub = e->subquery->columns[0].type;
    if (IsNullType(*operand) || IsUnknownLiteral(*operand)) {
      operand = Planner::CastTo(std::move(operand), sub, pos);
    } else if (operand->type.id != sub.id && sub.id != TypeId::kNull &&
               !(IsNumericCategory(operand->type.id) && IsNumericCategory(sub.id))) {
      ThrowSqlError(kSqlStateUndefinedFunction, pos,
                    "operator does not exist: " + TypeLabel(operand->type) + " = " +
                        TypeLabel(sub));
    }
    e->negated = in->negated;
    e->children.push_back(std::move(operand));
    return e;
  }
  if (auto* ex = expr.As<ExistsExpr>()) return BindSubquery(*ex->query, ExprKind::kExists, pos);
  if (auto* sq = expr.As<SubqueryExpr>()) {
    return BindSubquery(*sq->query, ExprKind::kScalarSubquery, pos);
  }
  if (auto* is = expr.As<IsExpr>()) {
    if (is->test == IsTest::kNull) {
      auto e = MakeNode(ExprKind::kIsNull, T(TypeId::kBool), pos);
      e->negated = is->negated;
      e->children.push_back(BindNode(*is->operand));
      return e;
    }
    if (is->test == IsTest::kDistinctFrom) {
      BoundPtr a = BindNode(*is->operand);
      BoundPtr b = BindNode(*is->other);
      Unify(&a, &b, BinaryOp::kEq, pos);
      auto e = MakeNode(ExprKind::kDistinctFrom, T(TypeId::kBool), pos);
      e->negated = is->negated;
      e->children.push_back(std::move(a));
      e->children.push_back(std::move(b));
      return e;
    }
    auto e = MakeNode(ExprKind::kIsBool, T(TypeId::kBool), pos);
    e->negated = is->negated;
    e->index = static_cast<int>(is->test);
    e->children.push_back(BindBooleanNode(*is->operand, "IS"));
    return e;
  }
  if (auto* like = expr.As<LikeExpr>()) {
    auto e = MakeNode(ExprKind::kLike, T(TypeId::kBool), pos);
    e->negated = like->negated;
    e->flag = like->case_insensitive;
    for (const Expr* part : {like->operand.get(), like->pattern.get(), like->escape.get()}) {
      if (part == nullptr) continue;
      BoundPtr p = BindNode(*part);
      if (p->type.id != TypeId::kText && !IsNullType(*p) && !IsUnknownLiteral(*p)) {
        ThrowSqlError(kSqlStateUndefinedFunction, pos,
                      "operator does not exist: " + TypeLabel(p->type) + " ~~ unknown");
      }
      e->children.push_back(Planner::CastTo(std::move(p), T(TypeId::kText), pos));
    }
    return e;
  }
  if (auto* fn = expr.As<FunctionExpr>()) return BindFunction(*fn, pos);
  ThrowSqlError(kSqlStateFeatureNotSupported, pos, "expression not supported yet");
}

}  // namespace zq::sql
