// Query planning: FROM (tables, views, derived tables, CTEs, joins), WHERE
// push-down into joins and scans, aggregation, DISTINCT, ORDER BY, LIMIT,
// set operations and VALUES.
#include <algorithm>
#include <charconv>
#include <climits>
#include <set>

#include "sql/lexer/sql_error.hpp"
#include "sql/parser/parser.hpp"
#include "sql/planner/column_usage.hpp"
#include "sql/planner/expr_binder.hpp"
#include "sql/planner/join_strategy.hpp"
#include "sql/planner/plan_rewrite.hpp"
#include "sql/planner/planner.hpp"

namespace zq::sql {

namespace {

// An integer literal's value for ordinals and type modifiers; LONG_MAX when it
// is too large to matter (every caller then reports it as out of range).
long ParseNonNegative(const std::string& digits) {
  long v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size()) return LONG_MAX;
  return v;
}

std::string OutputName(const Expr& e) {
  if (auto* ref = e.As<ColumnRefExpr>()) return ref->names.back();
  if (auto* fn = e.As<FunctionExpr>()) return fn->name.back();
  if (auto* cast = e.As<CastExpr>()) {
    std::string inner = OutputName(*cast->operand);
    return inner == "?column?" ? cast->type.name : inner;
  }
  if (e.As<CaseExpr>() != nullptr) return "case";
  if (e.As<ExistsExpr>() != nullptr) return "exists";
  if (auto* sq = e.As<SubqueryExpr>()) {
    (void)sq;
    return "?column?";
  }
  return "?column?";
}

// A value usable as an index bound: reads no column of this row.
bool IsBoundValue(const BoundExpr& e) {
  if (e.subquery) return false;
  if (e.kind == ExprKind::kColumn && e.depth == 0) return false;
  if (e.kind == ExprKind::kFunction && e.index == static_cast<int>(ScalarFn::kRandom)) return false;
  for (const BoundPtr& c : e.children) {
    if (!IsBoundValue(*c)) return false;
  }
  return true;
}

// key OP value, either way round, where `is_key(side)` tells whether a side
// is the key; fills the operator (as `key OP value`) and the value.
template <typename IsKey>
bool MatchKeyCompare(const BoundExpr& e, const IsKey& is_key, BinaryOp* op,
                     const BoundExpr** value) {
  if (e.kind != ExprKind::kCompare || e.op == BinaryOp::kNe) return false;
  const BoundExpr& a = *e.children[0];
  const BoundExpr& b = *e.children[1];
  if (a.type.id != b.type.id) return false;
  if (IsBoundValue(b) && is_key(a)) {
    *op = e.op;
    *value = &b;
    return true;
  }
  if (IsBoundValue(a) && is_key(b)) {
    *op = FlipCompare(e.op);
    *value = &a;
    return true;
  }
  return false;
}

// col OP value, either way round; fills the column, the operator and the value.
bool MatchColumnCompare(const BoundExpr& e, int* column, BinaryOp* op, const BoundExpr** value) {
  return MatchKeyCompare(
      e,
      [&](const BoundExpr& side) {
        const BoundExpr* col = KeyColumn(side);
        if (col != nullptr) *column = col->index;
        return col != nullptr;
      },
      op, value);
}

// Picks the primary key or index range that the conjuncts pin best.
// `index_parts` holds each index's bound expression parts (null for columns);
// `usable[i]` is false for a partial index whose condition the conjuncts do
// not imply.
void ChooseRange(PlanNode* scan, const std::vector<const BoundExpr*>& conjuncts,
                 const std::vector<std::vector<BoundPtr>>& index_parts,
                 const std::vector<bool>& usable) {
  const catalog::TableDef& t = scan->table;
  struct Candidate {
    int index;
    std::vector<uint32_t> columns;
    std::vector<bool> descending;
    bool hash;
    bool unique;
  };
  std::vector<Candidate> candidates;
  if (!t.primary_key.empty()) {
    candidates.push_back({-1, t.primary_key, std::vector<bool>(t.primary_key.size(), false), false,
                          true});
  }
  for (size_t i = 0; i < t.indexes.size(); i++) {
    const catalog::IndexDef& ix = t.indexes[i];
    if (!usable[i]) continue;
    candidates.push_back({static_cast<int>(i), ix.columns, ix.descending, ix.hash, ix.unique});
  }
  // Whether `conj` compares key part k of candidate c with a value.
  auto match = [&](const Candidate& c, size_t k, const BoundExpr& conj, BinaryOp* op,
                   const BoundExpr** value) {
    if (c.columns[k] == catalog::kExpressionPart) {
      const BoundExpr& part = *index_parts[static_cast<size_t>(c.index)][k];
      return MatchKeyCompare(
          conj, [&](const BoundExpr& side) { return SameExpr(side, part); }, op, value);
    }
    int col;
    return MatchColumnCompare(conj, &col, op, value) && col == static_cast<int>(c.columns[k]);
  };
  int best_score = 0;
  for (const Candidate& c : candidates) {
    ScanRange range;
    range.index = c.index;
    for (size_t k = 0; k < c.columns.size(); k++) {
      const BoundExpr* found = nullptr;
      for (const BoundExpr* conj : conjuncts) {
        BinaryOp op;
        const BoundExpr* value;
        if (match(c, k, *conj, &op, &value) && op == BinaryOp::kEq) {
          found = value;
          break;
        }
      }
      if (found == nullptr) break;
      range.equal.push_back(found->Clone());
    }
    const size_t next = range.equal.size();
    if (!c.hash && next < c.columns.size() && !c.descending[next]) {
      for (const BoundExpr* conj : conjuncts) {
        BinaryOp op;
        const BoundExpr* value;
        if (!match(c, next, *conj, &op, &value)) continue;
        if ((op == BinaryOp::kGt || op == BinaryOp::kGe) && !range.lower) {
          range.lower = value->Clone();
          range.lower_inclusive = op == BinaryOp::kGe;
        } else if ((op == BinaryOp::kLt || op == BinaryOp::kLe) && !range.upper) {
          range.upper = value->Clone();
          range.upper_inclusive = op == BinaryOp::kLe;
        }
      }
    }
    if (c.hash && range.equal.size() != c.columns.size()) continue;
    int score = static_cast<int>(range.equal.size()) * 4 + (range.lower ? 1 : 0) +
                (range.upper ? 1 : 0);
    if (range.equal.size() == c.columns.size() && c.unique) score += 2;
    if (score > best_score) {
      best_score = score;
      scan->range = std::move(range);
    }
  }
}

bool ContainsAggregate(const BoundExpr& e) {
  if (e.kind == ExprKind::kAggregate) return true;
  for (const BoundPtr& c : e.children) {
    if (ContainsAggregate(*c)) return true;
  }
  return false;
}

// Rewrites an expression bound over the FROM row into one over the
// aggregate's output row: group expressions and aggregates become columns.
BoundPtr RewriteGrouped(BoundPtr e, const std::vector<BoundPtr>& groups,
                        std::vector<AggregateSpec>* aggregates,
                        std::vector<BoundPtr>* aggregate_exprs, const PlanNode* agg) {
  for (size_t i = 0; i < groups.size(); i++) {
    if (SameExpr(*e, *groups[i])) return ColumnRef(static_cast<int>(i), agg->columns[i], e->position);
  }
  if (e->kind == ExprKind::kAggregate) {
    size_t k = 0;
    for (; k < aggregate_exprs->size(); k++) {
      if (SameExpr(*e, *(*aggregate_exprs)[k])) break;
    }
    if (k == aggregate_exprs->size()) {
      AggregateSpec spec;
      spec.name = e->name;
      spec.distinct = e->flag;
      spec.star = e->index == 0;
      spec.type = e->type;
      for (int a = 0; a < e->index; a++) spec.args.push_back(e->children[static_cast<size_t>(a)]->Clone());
      if (static_cast<int>(e->children.size()) > e->index) spec.filter = e->children.back()->Clone();
      aggregates->push_back(std::move(spec));
      aggregate_exprs->push_back(e->Clone());
    }
    OutputColumn c{e->name, e->type, ""};
    return ColumnRef(static_cast<int>(groups.size() + k), c, e->position);
  }
  if (e->kind == ExprKind::kColumn && e->depth == 0) {
    ThrowSqlError(kSqlStateGroupingError, e->position,
                  "column \"" + e->name +
                      "\" must appear in the GROUP BY clause or be used in an aggregate function");
  }
  if (e->subquery && e->correlated) {
    ThrowSqlError(kSqlStateFeatureNotSupported, e->position,
                  "correlated subqueries in grouped queries are not supported yet");
  }
  for (BoundPtr& c : e->children) {
    c = RewriteGrouped(std::move(c), groups, aggregates, aggregate_exprs, agg);
  }
  return e;
}

}  // namespace

ColumnType Planner::ResolveTypeName(const TypeName& name) {
  const std::string& n = name.name;
  // A type modifier; out of int range it reads as a value every check refuses.
  auto mod = [&](size_t i) -> int {
    if (i >= name.modifiers.size()) return -1;
    return static_cast<int>(std::clamp<long>(ParseNonNegative(name.modifiers[i]), -1, 1 << 30));
  };
  ColumnType t;
  if (n == "serial" || n == "bigserial" || n == "smallserial" || n == "serial4" || n == "serial8") {
    // A serial column needs a sequence; silently making it a plain integer
    // would leave its rows unnumbered.
    ThrowSqlError(kSqlStateFeatureNotSupported, name.position,
                  "type " + n + " is not supported yet (no sequences): use an integer column "
                  "and supply its values");
  }
  if (n == "int" || n == "integer" || n == "int4" || n == "mediumint") {
    t.id = TypeId::kInt4;
  } else if (n == "smallint" || n == "int2" || n == "tinyint") {
    t.id = TypeId::kInt2;
  } else if (n == "bigint" || n == "int8") {
    t.id = TypeId::kInt8;
  } else if (n == "real" || n == "float4") {
    t.id = TypeId::kFloat4;
  } else if (n == "double precision" || n == "float8" || n == "double" || n == "float") {
    t.id = TypeId::kFloat8;
    if (n == "float" && mod(0) > 0 && mod(0) <= 24) t.id = TypeId::kFloat4;
  } else if (n == "numeric" || n == "decimal") {
    t.id = TypeId::kNumeric;
    t.precision = mod(0);
    t.scale = name.modifiers.size() >= 2 ? mod(1) : (t.precision >= 0 ? 0 : -1);
    if (t.precision == 0 || t.precision > kDecimalDigitsMax) {
      ThrowSqlError(kSqlStateInvalidParameterValue, name.position,
                    "NUMERIC precision " + std::to_string(t.precision) + " must be between 1 and " +
                        std::to_string(kDecimalDigitsMax));
    }
    if (t.scale > t.precision || t.scale < -1) {
      ThrowSqlError(kSqlStateInvalidParameterValue, name.position,
                    "NUMERIC scale must be between 0 and precision");
    }
  } else if (n == "text" || n == "varchar" || n == "character varying" || n == "char" ||
             n == "character" || n == "string" || n == "clob") {
    t.id = TypeId::kText;
    t.length = mod(0);
  } else if (n == "bytea" || n == "blob") {
    t.id = TypeId::kBytea;
  } else if (n == "boolean" || n == "bool") {
    t.id = TypeId::kBool;
  } else if (n == "date") {
    t.id = TypeId::kDate;
  } else if (n == "timestamp" || n == "timestamp without time zone" || n == "timestamptz" ||
             n == "timestamp with time zone" || n == "datetime") {
    t.id = (n == "timestamptz" || n == "timestamp with time zone") ? TypeId::kTimestampTz
                                                                   : TypeId::kTimestamp;
    // TIMESTAMP(p): p fractional digits of the second, 0 to 6.
    t.precision = mod(0);
    if (!name.modifiers.empty() && (t.precision < 0 || t.precision > 6)) {
      ThrowSqlError(kSqlStateInvalidParameterValue, name.position,
                    "TIMESTAMP precision must be between 0 and 6");
    }
    if (t.precision == 6) t.precision = -1;  // the default: nothing to round
  } else if (n == "time" || n == "time without time zone" || n == "time with time zone" ||
             n == "timetz" || n == "interval") {
    ThrowSqlError(kSqlStateFeatureNotSupported, name.position,
                  "type " + n + " is not supported yet (date, timestamp and timestamptz are)");
  } else {
    ThrowSqlError(kSqlStateUndefinedObject, name.position, "type \"" + n + "\" does not exist");
  }
  return t;
}

void Planner::SeedParamTypes(const std::vector<Value>& values) {
  param_types_.assign(values.size(), ColumnType{TypeId::kNull});
  for (size_t i = 0; i < values.size(); i++) {
    if (!values[i].null && values[i].type != TypeId::kText) param_types_[i] = ColumnType{values[i].type};
  }
}

Scope TableScope(const catalog::TableDef& table, const std::string& alias) {
  Scope scope;
  RangeEntry range;
  range.name = alias.empty() ? table.name : alias;
  for (const catalog::ColumnDef& c : table.columns) range.columns.push_back({c.name, c.type, range.name});
  scope.width = static_cast<int>(range.columns.size());
  scope.ranges.push_back(std::move(range));
  return scope;
}

BoundPtr Planner::BindIndexText(const catalog::TableDef& table, const catalog::IndexDef& index,
                                const std::string& text) {
  Result<ExprPtr> parsed = ParseExpression(text);
  if (!parsed.ok()) {
    ThrowSqlError(kSqlStateInternalError, 0, "index \"" + index.name + "\" is damaged");
  }
  return BindExpr(**parsed, TableScope(table, ""));
}

std::vector<BoundPtr> Planner::BindIndexParts(const catalog::TableDef& table,
                                              const catalog::IndexDef& index) {
  std::vector<BoundPtr> parts(index.columns.size());
  for (size_t i = 0; i < parts.size(); i++) {
    if (!index.IsExpression(i)) continue;
    parts[i] = CastTo(BindIndexText(table, index, index.expressions[i]), index.expression_types[i], 0);
  }
  return parts;
}

BoundPtr Planner::BindIndexPredicate(const catalog::TableDef& table,
                                     const catalog::IndexDef& index) {
  if (index.predicate.empty()) return nullptr;
  return BindIndexText(table, index, index.predicate);
}

BoundPtr Planner::BindExpr(const Expr& expr, const Scope& scope) {
  ExprBinder binder(this, &scope);
  return binder.Bind(expr);
}

BoundPtr Planner::BindAssignment(const Expr& expr, const Scope& scope, const ColumnType& type) {
  ExprBinder binder(this, &scope);
  BoundPtr e = binder.Bind(expr);
  if (e->kind == ExprKind::kParam && e->flag) param_types_[static_cast<size_t>(e->index - 1)] = type;
  const TypeId from = e->type.id;
  const bool unknown = from == TypeId::kNull || (e->kind == ExprKind::kConstant && e->flag) ||
                       (e->kind == ExprKind::kParam && e->flag);
  const bool numeric = IsNumericCategory(from) && IsNumericCategory(type.id);
  if (!unknown && !numeric && from != type.id && type.id != TypeId::kText) {
    ThrowSqlError(kSqlStateDatatypeMismatch, expr.position,
                  "column is of type " + catalog::TypeName(type) + " but expression is of type " +
                      catalog::TypeName(ColumnType{from}));
  }
  if (e->type == type) return e;
  if (e->kind == ExprKind::kConstant) {
    // Assignment of an over-long string is an error, unlike an explicit cast.
    Value v = e->constant.null ? Value::Null(type.id)
              : (e->constant.type == TypeId::kText && type.id == TypeId::kText)
                  ? ParseValue(e->constant.s, type, expr.position)
                  : CastValue(e->constant, type, expr.position);
    e->constant = std::move(v);
    e->type = type;
    e->flag = false;
    return e;
  }
  return CastTo(std::move(e), type, expr.position);
}

PlanPtr Planner::PlanDmlScan(const QualifiedName& name, const std::string& alias,
                             const Expr* where, Scope* scope, uint32_t position) {
  if (catalog_->FindTable(name.name) == nullptr) {
    if (catalog_->FindView(name.name) != nullptr) {
      ThrowSqlError(kSqlStateWrongObjectType, position,
                    "cannot change view \"" + name.name + "\" (views are read-only)");
    }
  }
  Alias a;
  a.name = alias;
  PlanPtr plan = PlanRelation(name, a, nullptr, scope, position);
  if (plan->kind != PlanKind::kTableScan) {
    ThrowSqlError(kSqlStateWrongObjectType, position, "\"" + name.name + "\" is not a table");
  }
  if (where != nullptr) {
    ExprBinder binder(this, scope);
    BoundPtr predicate = binder.BindBoolean(*where, "WHERE");
    if (ContainsAggregate(*predicate)) {
      ThrowSqlError(kSqlStateGroupingError, where->position,
                    "aggregate functions are not allowed in WHERE");
    }
    plan = PushDownFilter(plan, std::move(predicate));
  }
  return plan;
}

PlanPtr Planner::PlanSelect(const SelectStmt& select, const Scope* outer) {
  if (select.with) {
    ctes_.emplace_back();
    for (const CommonTableExpr& cte : select.with->ctes) {
      PlanPtr plan = select.with->recursive ? PlanRecursiveCte(cte, outer)
                                            : PlanSelect(*cte.query, outer);
      if (!cte.columns.empty()) {
        if (cte.columns.size() > plan->columns.size()) {
          ThrowSqlError(kSqlStateInvalidColumnReference, select.position,
                        "WITH query \"" + cte.name + "\" has " +
                            std::to_string(plan->columns.size()) + " columns available but " +
                            std::to_string(cte.columns.size()) + " columns specified");
        }
        MutPlan m = Mut(plan);
        for (size_t i = 0; i < cte.columns.size(); i++) m->columns[i].name = cte.columns[i];
      }
      ctes_.back()[cte.name] = Cte{plan};
    }
  }
  PlanPtr plan;
  try {
    const QueryNode& body = *select.body;
    if (auto* core = std::get_if<SelectCore>(&body.node)) {
      bool ordered = false;
      plan = PlanSelectCore(*core, &select, outer, &ordered);
    } else {
      plan = PlanQueryNode(body, outer);
      plan = AddOrderLimit(plan, select, outer);
    }
    if (select.limit || select.offset) {
      MutPlan limit = NewPlan(PlanKind::kLimit);
      limit->columns = plan->columns;
      Scope empty;
      empty.parent = outer;
      if (select.limit) {
        limit->limit = CastTo(BindExpr(*select.limit, empty), ColumnType{TypeId::kInt8},
                              select.limit->position);
      }
      if (select.offset) {
        limit->offset = CastTo(BindExpr(*select.offset, empty), ColumnType{TypeId::kInt8},
                               select.offset->position);
      }
      limit->children.push_back(plan);
      plan = limit;
    }
  } catch (...) {
    if (select.with) ctes_.pop_back();
    throw;
  }
  if (select.with) ctes_.pop_back();
  return plan;
}

// True when the query names `name` anywhere in a FROM clause.
bool NamesRelation(const QueryNode& node, const std::string& name);

int CountRelationIn(const TableRef& ref, const std::string& name);
int CountRelation(const QueryNode& node, const std::string& name) {
  if (auto* core = std::get_if<SelectCore>(&node.node)) {
    int n = 0;
    for (const TableRefPtr& ref : core->from) n += CountRelationIn(*ref, name);
    return n;
  }
  if (auto* op = std::get_if<SetOpNode>(&node.node)) {
    return CountRelation(*op->left, name) + CountRelation(*op->right, name);
  }
  if (auto* nested = std::get_if<std::unique_ptr<SelectStmt>>(&node.node)) {
    return CountRelation(*(*nested)->body, name);
  }
  return 0;
}
int CountRelationIn(const TableRef& ref, const std::string& name) {
  if (auto* base = std::get_if<BaseTableRef>(&ref.node)) {
    return base->name.schema.empty() && base->name.name == name ? 1 : 0;
  }
  if (auto* sub = std::get_if<SubqueryRef>(&ref.node)) return CountRelation(*sub->query->body, name);
  const JoinRef& join = std::get<JoinRef>(ref.node);
  return CountRelationIn(*join.left, name) + CountRelationIn(*join.right, name);
}

bool HasPlanKind(const PlanNode& p, PlanKind kind) {
  if (p.kind == kind) return true;
  for (const PlanPtr& c : p.children) {
    if (HasPlanKind(*c, kind)) return true;
  }
  return false;
}

bool NamesRelationIn(const TableRef& ref, const std::string& name) {
  if (auto* base = std::get_if<BaseTableRef>(&ref.node)) {
    return base->name.schema.empty() && base->name.name == name;
  }
  if (auto* sub = std::get_if<SubqueryRef>(&ref.node)) return NamesRelation(*sub->query->body, name);
  const JoinRef& join = std::get<JoinRef>(ref.node);
  return NamesRelationIn(*join.left, name) || NamesRelationIn(*join.right, name);
}

bool NamesRelation(const QueryNode& node, const std::string& name) {
  if (auto* core = std::get_if<SelectCore>(&node.node)) {
    for (const TableRefPtr& ref : core->from) {
      if (NamesRelationIn(*ref, name)) return true;
    }
    return false;
  }
  if (auto* op = std::get_if<SetOpNode>(&node.node)) {
    return NamesRelation(*op->left, name) || NamesRelation(*op->right, name);
  }
  if (auto* nested = std::get_if<std::unique_ptr<SelectStmt>>(&node.node)) {
    return NamesRelation(*(*nested)->body, name);
  }
  return false;
}

// WITH RECURSIVE name AS (base UNION [ALL] recursive-term): the base is
// planned first; while the recursive term is planned, `name` is a work table
// holding the previous iteration's rows.
PlanPtr Planner::PlanRecursiveCte(const CommonTableExpr& cte, const Scope* outer) {
  const QueryNode& body = *cte.query->body;
  const SetOpNode* op = std::get_if<SetOpNode>(&body.node);
  if (op == nullptr || !NamesRelation(body, cte.name)) return PlanSelect(*cte.query, outer);
  if (op->op != SetOpKind::kUnion || NamesRelation(*op->left, cte.name)) {
    ThrowSqlError("42P19", body.position,
                  "recursive query \"" + cte.name +
                      "\" must have the form: non-recursive term UNION [ALL] recursive term");
  }
  if (!cte.query->order_by.empty() || cte.query->limit || cte.query->offset) {
    ThrowSqlError(kSqlStateFeatureNotSupported, body.position,
                  "ORDER BY/LIMIT in a recursive query is not supported");
  }
  if (CountRelation(*op->right, cte.name) > 1) {
    ThrowSqlError("42P19", body.position,
                  "recursive reference to query \"" + cte.name + "\" must not appear more than once");
  }
  PlanPtr base = PlanQueryNode(*op->left, outer);
  MutPlan work = NewPlan(PlanKind::kWorkTable);
  work->columns = base->columns;
  for (size_t i = 0; i < cte.columns.size() && i < work->columns.size(); i++) {
    work->columns[i].name = cte.columns[i];
  }
  work->cte_name = cte.name;
  ctes_.back()[cte.name] = Cte{work};
  PlanPtr step = PlanQueryNode(*op->right, outer);
  if (HasPlanKind(*step, PlanKind::kAggregate)) {
    ThrowSqlError("42P19", body.position,
                  "aggregate functions are not allowed in a recursive query's recursive term");
  }
  if (step->columns.size() != base->columns.size()) {
    ThrowSqlError(kSqlStateSyntaxError, body.position,
                  "each UNION query must have the same number of columns");
  }
  // The recursive term's rows must have the base's types.
  bool same = true;
  for (size_t i = 0; i < base->columns.size(); i++) {
    same = same && step->columns[i].type.id == base->columns[i].type.id;
  }
  if (!same) {
    MutPlan project = NewPlan(PlanKind::kProject);
    for (size_t i = 0; i < base->columns.size(); i++) {
      const ColumnType t{base->columns[i].type.id};
      if (!(IsNumericCategory(t.id) && IsNumericCategory(step->columns[i].type.id)) &&
          step->columns[i].type.id != TypeId::kNull && step->columns[i].type.id != t.id) {
        ThrowSqlError(kSqlStateDatatypeMismatch, body.position,
                      "recursive query \"" + cte.name + "\" column " + std::to_string(i + 1) +
                          " has type " + catalog::TypeName(t) + " in its non-recursive term but " +
                          catalog::TypeName(step->columns[i].type) + " overall");
      }
      project->exprs.push_back(CastTo(ColumnRef(static_cast<int>(i), step->columns[i]), t, body.position));
      project->columns.push_back({step->columns[i].name, t, ""});
    }
    project->children.push_back(step);
    step = project;
  }
  MutPlan recursive = NewPlan(PlanKind::kRecursive);
  recursive->all = op->all;
  recursive->columns = work->columns;
  for (OutputColumn& c : recursive->columns) c.table.clear();
  recursive->children = {base, step};
  recursive->cte_name = cte.name;
  return recursive;
}

PlanPtr Planner::PlanQueryNode(const QueryNode& node, const Scope* outer) {
  if (auto* core = std::get_if<SelectCore>(&node.node)) {
    bool ordered = false;
    return PlanSelectCore(*core, nullptr, outer, &ordered);
  }
  if (auto* values = std::get_if<ValuesCore>(&node.node)) return PlanValues(*values, outer);
  if (auto* nested = std::get_if<std::unique_ptr<SelectStmt>>(&node.node)) {
    return PlanSelect(**nested, outer);
  }
  const SetOpNode& op = std::get<SetOpNode>(node.node);
  PlanPtr left = PlanQueryNode(*op.left, outer);
  PlanPtr right = PlanQueryNode(*op.right, outer);
  if (left->columns.size() != right->columns.size()) {
    ThrowSqlError(kSqlStateSyntaxError, node.position,
                  "each UNION/INTERSECT/EXCEPT query must have the same number of columns");
  }
  // Unify column types, casting either side through a projection.
  std::vector<ColumnType> types;
  for (size_t i = 0; i < left->columns.size(); i++) {
    BoundExpr a, b;
    a.type = left->columns[i].type;
    b.type = right->columns[i].type;
    ColumnType t = CommonType({&a, &b}, node.position, "UNION");
    if (t.id == TypeId::kNull) t = ColumnType{TypeId::kText};
    types.push_back(ColumnType{t.id});
  }
  auto conform = [&](PlanPtr side) -> PlanPtr {
    bool same = true;
    for (size_t i = 0; i < types.size(); i++) same = same && side->columns[i].type == types[i];
    if (same) return side;
    MutPlan project = NewPlan(PlanKind::kProject);
    for (size_t i = 0; i < types.size(); i++) {
      project->exprs.push_back(CastTo(ColumnRef(static_cast<int>(i), side->columns[i]), types[i],
                                      node.position));
      project->columns.push_back({side->columns[i].name, types[i], ""});
    }
    project->children.push_back(side);
    return project;
  };
  MutPlan set = NewPlan(PlanKind::kSetOp);
  set->set_op = op.op;
  set->all = op.all;
  set->children.push_back(conform(left));
  set->children.push_back(conform(right));
  set->columns = set->children[0]->columns;
  for (OutputColumn& c : set->columns) c.table.clear();
  return set;
}

PlanPtr Planner::PlanValues(const ValuesCore& values, const Scope* outer) {
  MutPlan plan = NewPlan(PlanKind::kValues);
  Scope empty;
  empty.parent = outer;
  const size_t width = values.rows.empty() ? 0 : values.rows[0].size();
  for (const ExprList& row : values.rows) {
    if (row.size() != width) {
      ThrowSqlError(kSqlStateSyntaxError, row.empty() ? 0 : row[0]->position,
                    "VALUES lists must all be the same length");
    }
    std::vector<BoundPtr> bound;
    for (const ExprPtr& e : row) bound.push_back(BindExpr(*e, empty));
    plan->rows.push_back(std::move(bound));
  }
  for (size_t c = 0; c < width; c++) {
    std::vector<const BoundExpr*> column;
    for (const auto& row : plan->rows) column.push_back(row[c].get());
    ColumnType t = CommonType(column, values.rows[0][c]->position, "VALUES");
    if (t.id == TypeId::kNull) t = ColumnType{TypeId::kText};
    for (auto& row : plan->rows) {
      const uint32_t position = row[c]->position;  // read before the move below
      row[c] = CastTo(std::move(row[c]), t, position);
    }
    plan->columns.push_back({"column" + std::to_string(c + 1), t, ""});
  }
  return plan;
}

PlanPtr Planner::PlanRelation(const QualifiedName& name, const Alias& alias, const Scope* outer,
                              Scope* scope, uint32_t position) {
  PlanPtr plan;
  if (name.schema.empty()) {
    for (auto level = ctes_.rbegin(); level != ctes_.rend() && !plan; ++level) {
      auto it = level->find(name.name);
      if (it == level->end()) continue;
      if (it->second.plan->kind == PlanKind::kWorkTable) {
        plan = it->second.plan;  // the recursive term reads the previous iteration
        break;
      }
      MutPlan m = NewPlan(PlanKind::kMaterialized);
      m->cte_name = name.name;
      m->columns = it->second.plan->columns;
      m->children.push_back(it->second.plan);
      plan = m;
    }
  }
  if (!name.schema.empty() && name.schema != "public" && name.schema != "main") {
    ThrowSqlError(kSqlStateUndefinedTable, position,
                  "relation \"" + name.schema + "." + name.name + "\" does not exist");
  }
  if (!plan) {
    if (const catalog::TableDef* table = catalog_->FindTable(name.name)) {
      MutPlan scan = NewPlan(PlanKind::kTableScan);
      scan->table = *table;
      for (const catalog::ColumnDef& c : table->columns) scan->columns.push_back({c.name, c.type, ""});
      plan = scan;
    } else if (const catalog::ViewDef* view = catalog_->FindView(name.name)) {
      if (view_depth_ > 32) {
        ThrowSqlError(kSqlStateProgramLimitExceeded, position, "views nest too deeply");
      }
      Result<Statement> parsed = ParseStatement(view->sql);
      if (!parsed.ok() || parsed->As<SelectStmt>() == nullptr) {
        ThrowSqlError(kSqlStateInternalError, position, "view \"" + view->name + "\" is damaged");
      }
      view_depth_++;
      std::vector<std::map<std::string, Cte>> saved;
      saved.swap(ctes_);  // a view sees no CTE of the query using it
      try {
        plan = PlanSelect(*parsed->As<SelectStmt>(), nullptr);
      } catch (...) {
        ctes_.swap(saved);
        view_depth_--;
        throw;
      }
      ctes_.swap(saved);
      view_depth_--;
      MutPlan m = Mut(plan);
      for (size_t i = 0; i < view->columns.size() && i < m->columns.size(); i++) {
        m->columns[i].name = view->columns[i];
      }
    } else {
      ThrowSqlError(kSqlStateUndefinedTable, position,
                    "relation \"" + name.name + "\" does not exist");
    }
  }
  (void)outer;
  RangeEntry range;
  range.name = alias.name.empty() ? name.name : alias.name;
  range.columns = plan->columns;
  if (alias.columns.size() > range.columns.size()) {
    ThrowSqlError(kSqlStateInvalidColumnReference, position,
                  "table \"" + range.name + "\" has " + std::to_string(range.columns.size()) +
                      " columns available but " + std::to_string(alias.columns.size()) +
                      " columns specified");
  }
  for (size_t i = 0; i < alias.columns.size(); i++) range.columns[i].name = alias.columns[i];
  for (OutputColumn& c : range.columns) c.table = range.name;
  for (const RangeEntry& r : scope->ranges) {
    if (r.name == range.name) {
      ThrowSqlError(kSqlStateDuplicateObject, position,
                    "table name \"" + range.name + "\" specified more than once");
    }
  }
  range.offset = scope->width;
  scope->width += static_cast<int>(range.columns.size());
  scope->ranges.push_back(std::move(range));
  return plan;
}

PlanPtr Planner::PlanFromItem(const TableRef& ref, const Scope* outer, Scope* scope) {
  if (auto* base = std::get_if<BaseTableRef>(&ref.node)) {
    return PlanRelation(base->name, base->alias, outer, scope, ref.position);
  }
  if (auto* sub = std::get_if<SubqueryRef>(&ref.node)) {
    PlanPtr plan = PlanSelect(*sub->query, outer);
    RangeEntry range;
    range.name = sub->alias.name;
    range.columns = plan->columns;
    for (size_t i = 0; i < sub->alias.columns.size() && i < range.columns.size(); i++) {
      range.columns[i].name = sub->alias.columns[i];
    }
    for (OutputColumn& c : range.columns) c.table = range.name;
    range.offset = scope->width;
    scope->width += static_cast<int>(range.columns.size());
    scope->ranges.push_back(std::move(range));
    return plan;
  }
  return PlanJoin(std::get<JoinRef>(ref.node), outer, scope, ref.position);
}

PlanPtr Planner::PlanJoin(const JoinRef& join, const Scope* outer, Scope* scope,
                          uint32_t position) {
  const int left_start = scope->width;
  const size_t left_ranges = scope->ranges.size();
  PlanPtr left = PlanFromItem(*join.left, outer, scope);
  const int left_width = scope->width - left_start;
  const size_t right_first_range = scope->ranges.size();
  PlanPtr right = PlanFromItem(*join.right, outer, scope);
  MutPlan plan = NewPlan(PlanKind::kJoin);
  plan->join = join.type;
  plan->children = {left, right};
  plan->columns = left->columns;
  plan->columns.insert(plan->columns.end(), right->columns.begin(), right->columns.end());
  // Expressions in ON see only this join's inputs (plus outer queries).
  Scope local;
  local.parent = outer;
  for (size_t i = left_ranges; i < scope->ranges.size(); i++) {
    RangeEntry r = scope->ranges[i];
    r.offset -= left_start;
    local.ranges.push_back(std::move(r));
  }
  local.width = scope->width - left_start;
  std::vector<std::string> using_columns = join.using_columns;
  if (join.natural) {
    std::set<std::string> right_names;
    for (size_t i = right_first_range; i < scope->ranges.size(); i++) {
      for (const OutputColumn& c : scope->ranges[i].columns) right_names.insert(c.name);
    }
    for (size_t i = left_ranges; i < right_first_range; i++) {
      for (const OutputColumn& c : scope->ranges[i].columns) {
        if (right_names.count(c.name) &&
            std::find(using_columns.begin(), using_columns.end(), c.name) == using_columns.end()) {
          using_columns.push_back(c.name);
        }
      }
    }
  }
  std::vector<BoundPtr> conditions;
  struct Merged {
    std::string name;
    int left, right;  // positions in this join's row
    ColumnType type;
  };
  std::vector<Merged> merged;  // FULL JOIN USING columns
  for (const std::string& name : using_columns) {
    auto find_in = [&](size_t from, size_t to, int* index) -> const OutputColumn* {
      const OutputColumn* found = nullptr;
      for (size_t i = from; i < to; i++) {
        const RangeEntry& r = scope->ranges[i];
        for (size_t c = 0; c < r.columns.size(); c++) {
          if (r.columns[c].name != name || (!r.hidden.empty() && r.hidden[c])) continue;
          found = &r.columns[c];
          *index = r.offset + static_cast<int>(c) - left_start;
        }
      }
      return found;
    };
    int li = 0, ri = 0;
    const OutputColumn* lc = find_in(left_ranges, right_first_range, &li);
    const OutputColumn* rc = find_in(right_first_range, scope->ranges.size(), &ri);
    if (lc == nullptr || rc == nullptr) {
      ThrowSqlError(kSqlStateUndefinedColumn, position,
                    "column \"" + name + "\" specified in USING clause does not exist in " +
                        (lc == nullptr ? "left" : "right") + " table");
    }
    BoundPtr a = ColumnRef(li, *lc, position);
    BoundPtr b = ColumnRef(ri, *rc, position);
    if (a->type.id != b->type.id) {
      if (!IsNumericCategory(a->type.id) || !IsNumericCategory(b->type.id)) {
        ThrowSqlError(kSqlStateUndefinedFunction, position,
                      "JOIN/USING types " + catalog::TypeName(a->type) + " and " +
                          catalog::TypeName(b->type) + " cannot be matched");
      }
      const TypeId t = PromoteNumeric(a->type.id, b->type.id);
      a = CastTo(std::move(a), ColumnType{t}, position);
      b = CastTo(std::move(b), ColumnType{t}, position);
    }
    auto cmp = std::make_unique<BoundExpr>();
    cmp->kind = ExprKind::kCompare;
    cmp->op = BinaryOp::kEq;
    cmp->type = ColumnType{TypeId::kBool};
    cmp->position = position;
    cmp->children.push_back(std::move(a));
    cmp->children.push_back(std::move(b));
    conditions.push_back(std::move(cmp));
    // One merged column answers to the bare name and `*`: the left copy for
    // inner and left joins, the right copy for right joins, COALESCE of both
    // for full joins (added below). The copies stay reachable qualified.
    auto hide = [&](size_t from, size_t to) {
      for (size_t i = from; i < to; i++) {
        RangeEntry& r = scope->ranges[i];
        r.hidden.resize(r.columns.size(), false);
        for (size_t c = 0; c < r.columns.size(); c++) {
          if (r.columns[c].name == name) r.hidden[c] = true;
        }
      }
    };
    if (join.type != JoinType::kRight) hide(right_first_range, scope->ranges.size());
    if (join.type == JoinType::kRight || join.type == JoinType::kFull) {
      hide(left_ranges, right_first_range);
    }
    if (join.type == JoinType::kFull) {
      const TypeId t = PromoteNumeric(lc->type.id, rc->type.id);
      merged.push_back({name, li, ri, ColumnType{lc->type.id == rc->type.id ? lc->type.id : t}});
    }
  }
  if (join.on) {
    ExprBinder binder(this, &local);
    conditions.push_back(binder.BindBoolean(*join.on, "JOIN/ON"));
  }
  if (join.type == JoinType::kCross && conditions.empty()) {
    plan->join = JoinType::kInner;
    return plan;
  }
  if (plan->join == JoinType::kCross) plan->join = JoinType::kInner;
  BoundPtr predicate = JoinConjuncts(std::move(conditions));
  if (plan->join == JoinType::kInner && predicate) {
    return PushDownFilter(plan, std::move(predicate));
  }
  // Outer joins: conditions on the inner side only may move into it.
  if (predicate && (plan->join == JoinType::kLeft || plan->join == JoinType::kRight)) {
    std::vector<BoundPtr> parts, keep;
    SplitConjuncts(std::move(predicate), &parts);
    for (BoundPtr& p : parts) {
      int lo = 1 << 30, hi = -1;
      const bool movable = ColumnSpan(*p, &lo, &hi) && hi >= 0;
      if (movable && plan->join == JoinType::kLeft && lo >= left_width) {
        ShiftColumns(p.get(), -left_width);
        plan->children[1] = PushDownFilter(plan->children[1], std::move(p));
      } else if (movable && plan->join == JoinType::kRight && hi < left_width) {
        plan->children[0] = PushDownFilter(plan->children[0], std::move(p));
      } else {
        keep.push_back(std::move(p));
      }
    }
    predicate = JoinConjuncts(std::move(keep));
  }
  plan->predicate = std::move(predicate);
  ExtractJoinKeys(plan.get(), left_width);
  if (merged.empty()) return plan;
  // FULL JOIN USING: append COALESCE(left, right) per merged column.
  MutPlan project = NewPlan(PlanKind::kProject);
  project->columns = plan->columns;
  for (size_t i = 0; i < plan->columns.size(); i++) {
    project->exprs.push_back(ColumnRef(static_cast<int>(i), plan->columns[i], position));
  }
  RangeEntry range;  // unnamed: only bare names reach it
  range.offset = scope->width;
  for (const Merged& m : merged) {
    auto coalesce = std::make_unique<BoundExpr>();
    coalesce->kind = ExprKind::kFunction;
    coalesce->index = static_cast<int>(ScalarFn::kCoalesce);
    coalesce->name = "coalesce";
    coalesce->type = m.type;
    coalesce->position = position;
    coalesce->children.push_back(CastTo(
        ColumnRef(m.left, plan->columns[static_cast<size_t>(m.left)], position), m.type, position));
    coalesce->children.push_back(CastTo(
        ColumnRef(m.right, plan->columns[static_cast<size_t>(m.right)], position), m.type, position));
    project->exprs.push_back(std::move(coalesce));
    project->columns.push_back({m.name, m.type, ""});
    range.columns.push_back({m.name, m.type, ""});
  }
  scope->width += static_cast<int>(merged.size());
  scope->ranges.insert(scope->ranges.begin() + static_cast<long>(left_ranges), std::move(range));
  project->children.push_back(plan);
  return project;
}

PlanPtr Planner::PushDownFilter(PlanPtr input, BoundPtr predicate) {
  if (!predicate) return input;
  std::vector<BoundPtr> parts;
  SplitConjuncts(std::move(predicate), &parts);
  MutPlan plan = Mut(input);
  if (plan->kind == PlanKind::kJoin &&
      (plan->join == JoinType::kLeft || plan->join == JoinType::kRight)) {
    // Conditions on the preserved side alone filter that side's rows, which
    // null-extension never changes: they move into it. The rest filter the
    // join's output.
    const int left_width = static_cast<int>(plan->children[0]->columns.size());
    const bool left_preserved = plan->join == JoinType::kLeft;
    std::vector<BoundPtr> pushed, rest;
    for (BoundPtr& p : parts) {
      int lo = 1 << 30, hi = -1;
      const bool movable = ColumnSpan(*p, &lo, &hi) && hi >= 0 && !CallsRandom(*p);
      if (movable && (left_preserved ? hi < left_width : lo >= left_width)) {
        if (!left_preserved) ShiftColumns(p.get(), -left_width);
        pushed.push_back(std::move(p));
      } else {
        rest.push_back(std::move(p));
      }
    }
    if (!pushed.empty()) {
      const size_t side = left_preserved ? 0 : 1;
      plan->children[side] = PushDownFilter(plan->children[side], JoinConjuncts(std::move(pushed)));
    }
    if (rest.empty()) return plan;
    parts = std::move(rest);  // a filter above the join, below
  } else if (plan->kind == PlanKind::kJoin && plan->join == JoinType::kInner) {
    const int left_width = static_cast<int>(plan->children[0]->columns.size());
    std::vector<BoundPtr> left, right, here;
    for (BoundPtr& p : parts) {
      int lo = 1 << 30, hi = -1;
      const bool movable = ColumnSpan(*p, &lo, &hi);
      if (movable && hi >= 0 && hi < left_width) {
        left.push_back(std::move(p));
      } else if (movable && hi >= 0 && lo >= left_width) {
        ShiftColumns(p.get(), -left_width);
        right.push_back(std::move(p));
      } else {
        here.push_back(std::move(p));
      }
    }
    if (!left.empty()) plan->children[0] = PushDownFilter(plan->children[0], JoinConjuncts(std::move(left)));
    if (!right.empty()) plan->children[1] = PushDownFilter(plan->children[1], JoinConjuncts(std::move(right)));
    if (!here.empty()) {
      std::vector<BoundPtr> all;
      if (plan->predicate) all.push_back(std::move(plan->predicate));
      for (BoundPtr& h : here) all.push_back(std::move(h));
      std::vector<BoundPtr> flat;
      for (BoundPtr& a : all) SplitConjuncts(std::move(a), &flat);
      plan->predicate = JoinConjuncts(std::move(flat));
      // Keys found earlier are conditions too: rebuild them from scratch.
      std::vector<BoundPtr> with_keys;
      if (plan->predicate) with_keys.push_back(std::move(plan->predicate));
      for (BoundPtr& k : KeyConditions(*plan)) with_keys.push_back(std::move(k));
      plan->predicate = JoinConjuncts(std::move(with_keys));
      plan->left_keys.clear();
      plan->right_keys.clear();
      plan->left_key_exprs.clear();
      plan->right_key_exprs.clear();
      ExtractJoinKeys(plan.get(), left_width);
    }
    return plan;
  }
  if (plan->kind == PlanKind::kTableScan) {
    std::vector<BoundPtr> all;
    if (plan->predicate) SplitConjuncts(std::move(plan->predicate), &all);
    for (BoundPtr& p : parts) all.push_back(std::move(p));
    std::vector<const BoundExpr*> views;
    for (const BoundPtr& p : all) views.push_back(p.get());
    plan->range = ScanRange{};
    std::vector<std::vector<BoundPtr>> index_parts;
    std::vector<bool> usable;
    for (const catalog::IndexDef& index : plan->table.indexes) {
      index_parts.push_back(index.HasExpressions() ? BindIndexParts(plan->table, index)
                                                   : std::vector<BoundPtr>{});
      // A partial index holds only the rows meeting its condition: usable
      // when every conjunct of that condition is one of the scan's.
      bool implied = true;
      if (BoundPtr condition = BindIndexPredicate(plan->table, index)) {
        std::vector<BoundPtr> needed;
        SplitConjuncts(std::move(condition), &needed);
        for (const BoundPtr& n : needed) {
          bool found = false;
          for (const BoundExpr* have : views) found = found || SameExpr(*n, *have);
          implied = implied && found;
        }
      }
      usable.push_back(implied);
    }
    ChooseRange(plan.get(), views, index_parts, usable);
    plan->predicate = JoinConjuncts(std::move(all));
    return plan;
  }
  if (plan->kind == PlanKind::kFilter) {
    std::vector<BoundPtr> all;
    SplitConjuncts(std::move(plan->predicate), &all);
    for (BoundPtr& p : parts) all.push_back(std::move(p));
    plan->predicate = JoinConjuncts(std::move(all));
    return plan;
  }
  MutPlan filter = NewPlan(PlanKind::kFilter);
  filter->columns = plan->columns;
  filter->predicate = JoinConjuncts(std::move(parts));
  filter->children.push_back(plan);
  return filter;
}

PlanPtr Planner::PlanSelectCore(const SelectCore& core, const SelectStmt* stmt,
                                const Scope* outer, bool* ordered) {
  *ordered = false;
  Scope scope;
  scope.parent = outer;
  PlanPtr plan;
  for (const TableRefPtr& item : core.from) {
    PlanPtr next = PlanFromItem(*item, outer, &scope);
    if (!plan) {
      plan = next;
      continue;
    }
    MutPlan join = NewPlan(PlanKind::kJoin);
    join->join = JoinType::kInner;
    join->columns = plan->columns;
    join->columns.insert(join->columns.end(), next->columns.begin(), next->columns.end());
    join->children = {plan, next};
    plan = join;
  }
  if (!plan) {
    MutPlan one = NewPlan(PlanKind::kValues);
    one->rows.emplace_back();  // one row, no columns
    plan = one;
  }
  if (core.where) {
    ExprBinder binder(this, &scope);
    BoundPtr where = binder.BindBoolean(*core.where, "WHERE");
    if (ContainsAggregate(*where)) {
      ThrowSqlError(kSqlStateGroupingError, core.where->position,
                    "aggregate functions are not allowed in WHERE");
    }
    plan = PushDownFilter(plan, std::move(where));
  }
  if (plan) plan = ChooseJoinStrategies(plan, statistics_);

  // The select list, with * expanded.
  struct Item {
    const Expr* ast = nullptr;
    BoundPtr bound;
    std::string name;
  };
  std::vector<Item> items;
  ExprBinder binder(this, &scope);
  binder.set_allow_aggregates(true);
  for (const SelectItem& si : core.items) {
    if (auto* star = si.expr->As<StarExpr>()) {
      bool any = false;
      for (const RangeEntry& r : scope.ranges) {
        if (!star->table.empty() && r.name != star->table) continue;
        any = true;
        for (size_t c = 0; c < r.columns.size(); c++) {
          if (star->table.empty() && !r.hidden.empty() && r.hidden[c]) continue;
          items.push_back({nullptr, ColumnRef(r.offset + static_cast<int>(c), r.columns[c],
                                              si.expr->position),
                           r.columns[c].name});
        }
      }
      if (!any && !star->table.empty()) {
        ThrowSqlError(kSqlStateUndefinedTable, si.expr->position,
                      "missing FROM-clause entry for table \"" + star->table + "\"");
      }
      if (!any && star->table.empty() && core.from.empty()) {
        ThrowSqlError(kSqlStateSyntaxError, si.expr->position,
                      "SELECT * with no tables specified is not valid");
      }
      continue;
    }
    items.push_back({si.expr.get(), binder.Bind(*si.expr),
                     si.alias.empty() ? OutputName(*si.expr) : si.alias});
  }

  // ORDER BY terms: output ordinals and names, or expressions over the input.
  struct OrderTerm {
    int output = -1;  // an item, or -1 with `bound` set
    BoundPtr bound;
    bool descending;
    bool nulls_first;
  };
  std::vector<OrderTerm> order;
  if (stmt != nullptr) {
    for (const OrderItem& oi : stmt->order_by) {
      OrderTerm term;
      term.descending = oi.descending;
      term.nulls_first = oi.nulls == NullsOrder::kDefault ? oi.descending
                                                          : oi.nulls == NullsOrder::kFirst;
      const Expr& e = *oi.expr;
      const LiteralExpr* lit = e.As<LiteralExpr>();
      const ColumnRefExpr* ref = e.As<ColumnRefExpr>();
      if (lit != nullptr && lit->kind == LiteralKind::kInteger) {
        const long k = ParseNonNegative(lit->text);
        if (k < 1 || k > static_cast<long>(items.size())) {
          ThrowSqlError(kSqlStateInvalidColumnReference, e.position,
                        "ORDER BY position " + lit->text + " is not in select list");
        }
        term.output = static_cast<int>(k - 1);
      } else if (ref != nullptr && ref->names.size() == 1) {
        for (size_t i = 0; i < items.size(); i++) {
          if (items[i].name == ref->names[0]) {
            if (term.output >= 0 && !SameExpr(*items[static_cast<size_t>(term.output)].bound,
                                              *items[i].bound)) {
              ThrowSqlError(kSqlStateAmbiguousColumn, e.position,
                            "ORDER BY \"" + ref->names[0] + "\" is ambiguous");
            }
            if (term.output < 0) term.output = static_cast<int>(i);
          }
        }
      }
      if (term.output < 0) {
        term.bound = binder.Bind(e);
        for (size_t i = 0; i < items.size(); i++) {
          if (SameExpr(*term.bound, *items[i].bound)) {
            term.output = static_cast<int>(i);
            term.bound.reset();
            break;
          }
        }
        if (term.output < 0 && core.distinct) {
          ThrowSqlError(kSqlStateInvalidColumnReference, e.position,
                        "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
        }
      }
      order.push_back(std::move(term));
    }
  }

  bool grouped = !core.group_by.empty() || core.having != nullptr;
  for (const Item& it : items) grouped = grouped || ContainsAggregate(*it.bound);
  for (const OrderTerm& t : order) grouped = grouped || (t.bound && ContainsAggregate(*t.bound));

  BoundPtr having;
  if (grouped) {
    MutPlan agg = NewPlan(PlanKind::kAggregate);
    ExprBinder group_binder(this, &scope);
    for (const ExprPtr& g : core.group_by) {
      const Expr* ge = g.get();
      // GROUP BY 2 / GROUP BY alias refer to the select list.
      if (auto* lit = ge->As<LiteralExpr>(); lit != nullptr && lit->kind == LiteralKind::kInteger) {
        const long k = ParseNonNegative(lit->text);
        if (k < 1 || k > static_cast<long>(items.size()) || items[static_cast<size_t>(k - 1)].ast == nullptr) {
          ThrowSqlError(kSqlStateInvalidColumnReference, ge->position,
                        "GROUP BY position " + lit->text + " is not in select list");
        }
        agg->groups.push_back(items[static_cast<size_t>(k - 1)].bound->Clone());
        continue;
      }
      BoundPtr bound;
      try {
        bound = group_binder.Bind(*ge);
      } catch (const SqlException& ex) {
        const ColumnRefExpr* ref = ge->As<ColumnRefExpr>();
        if (ex.error().sqlstate != kSqlStateUndefinedColumn || ref == nullptr || ref->names.size() != 1) throw;
        for (const Item& it : items) {
          if (it.name == ref->names[0] && it.ast != nullptr) bound = it.bound->Clone();
        }
        if (!bound) throw;
      }
      if (ContainsAggregate(*bound)) {
        ThrowSqlError(kSqlStateGroupingError, ge->position,
                      "aggregate functions are not allowed in GROUP BY");
      }
      agg->groups.push_back(std::move(bound));
    }
    for (size_t i = 0; i < agg->groups.size(); i++) {
      const BoundExpr& g = *agg->groups[i];
      agg->columns.push_back({g.kind == ExprKind::kColumn ? g.name : "?column?", g.type, ""});
    }
    std::vector<BoundPtr> aggregate_exprs;
    for (Item& it : items) {
      it.bound = RewriteGrouped(std::move(it.bound), agg->groups, &agg->aggregates,
                                &aggregate_exprs, agg.get());
    }
    if (core.having) {
      ExprBinder having_binder(this, &scope);
      having_binder.set_allow_aggregates(true);
      having = RewriteGrouped(having_binder.BindBoolean(*core.having, "HAVING"), agg->groups,
                              &agg->aggregates, &aggregate_exprs, agg.get());
    }
    for (OrderTerm& t : order) {
      if (t.bound) {
        t.bound = RewriteGrouped(std::move(t.bound), agg->groups, &agg->aggregates,
                                 &aggregate_exprs, agg.get());
      }
    }
    for (const AggregateSpec& a : agg->aggregates) agg->columns.push_back({a.name, a.type, ""});
    agg->children.push_back(plan);
    plan = agg;
    if (having) {
      MutPlan filter = NewPlan(PlanKind::kFilter);
      filter->columns = plan->columns;
      filter->predicate = std::move(having);
      filter->children.push_back(plan);
      plan = filter;
    }
  }

  // Project the items plus hidden ORDER BY expressions.
  MutPlan project = NewPlan(PlanKind::kProject);
  for (Item& it : items) {
    project->columns.push_back({it.name, it.bound->type, ""});
    project->exprs.push_back(std::move(it.bound));
  }
  const size_t visible = project->exprs.size();
  for (OrderTerm& t : order) {
    if (t.output >= 0) continue;
    t.output = static_cast<int>(project->exprs.size());
    project->columns.push_back({"?order?", t.bound->type, ""});
    project->exprs.push_back(std::move(t.bound));
  }
  project->children.push_back(plan);
  plan = project;
  if (core.distinct) {
    MutPlan distinct = NewPlan(PlanKind::kDistinct);
    distinct->columns = plan->columns;
    distinct->children.push_back(plan);
    plan = distinct;
  }
  if (!order.empty()) {
    MutPlan sort = NewPlan(PlanKind::kSort);
    sort->columns = plan->columns;
    for (const OrderTerm& t : order) sort->sort.push_back({t.output, t.descending, t.nulls_first});
    sort->children.push_back(plan);
    plan = sort;
    *ordered = true;
  }
  if (plan->columns.size() != visible) {
    MutPlan trim = NewPlan(PlanKind::kProject);
    for (size_t i = 0; i < visible; i++) {
      trim->exprs.push_back(ColumnRef(static_cast<int>(i), plan->columns[i]));
      trim->columns.push_back(plan->columns[i]);
    }
    trim->children.push_back(plan);
    plan = trim;
  }
  MarkIndexOnlyScans(plan);
  return plan;
}

PlanPtr Planner::AddOrderLimit(PlanPtr plan, const SelectStmt& stmt, const Scope* outer) {
  (void)outer;
  if (stmt.order_by.empty()) return plan;
  MutPlan sort = NewPlan(PlanKind::kSort);
  sort->columns = plan->columns;
  for (const OrderItem& oi : stmt.order_by) {
    SortKey key;
    key.descending = oi.descending;
    key.nulls_first = oi.nulls == NullsOrder::kDefault ? oi.descending : oi.nulls == NullsOrder::kFirst;
    key.column = -1;
    if (auto* lit = oi.expr->As<LiteralExpr>(); lit != nullptr && lit->kind == LiteralKind::kInteger) {
      const long k = ParseNonNegative(lit->text);
      if (k >= 1 && k <= static_cast<long>(plan->columns.size())) key.column = static_cast<int>(k - 1);
    } else if (auto* ref = oi.expr->As<ColumnRefExpr>(); ref != nullptr && ref->names.size() == 1) {
      for (size_t i = 0; i < plan->columns.size(); i++) {
        if (plan->columns[i].name == ref->names[0]) {
          key.column = static_cast<int>(i);
          break;
        }
      }
    }
    if (key.column < 0) {
      ThrowSqlError(kSqlStateFeatureNotSupported, oi.expr->position,
                    "ORDER BY on a UNION/INTERSECT/EXCEPT result must name an output column");
    }
    sort->sort.push_back(key);
  }
  sort->children.push_back(plan);
  return sort;
}

}  // namespace zq::sql
