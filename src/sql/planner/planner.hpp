// Planner: binds a query's AST against the catalog (names, types, functions,
// with PostgreSQL's resolution rules and error codes) and builds its plan:
// scans with pushed-down predicates and index ranges, hash joins on equality
// conditions, aggregation, sorting, set operations. Errors are thrown as
// SqlException inside sql/; the engine catches them.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "sql/parser/ast.hpp"
#include "sql/planner/join_strategy.hpp"
#include "sql/planner/plan.hpp"

namespace zq::sql {

// One named row source visible to expressions: a table, view, subquery or CTE
// in FROM, with its columns at [offset, offset + columns.size()) of the row.
struct RangeEntry {
  std::string name;
  std::vector<OutputColumn> columns;
  int offset = 0;
  std::vector<bool> hidden;  // USING/NATURAL merged columns hidden from `*`
};

struct Scope {
  std::vector<RangeEntry> ranges;
  const Scope* parent = nullptr;
  int width = 0;  // columns in the row
};

// Evaluates a constant expression at planning (constant folding); supplied by
// the executor layer, which the planner must not include.
using ConstantFolder = std::function<Value(const BoundExpr&)>;

class Planner {
 public:
  Planner(const catalog::Catalog* catalog, ConstantFolder folder)
      : catalog_(catalog), folder_(std::move(folder)) {}

  PlanPtr PlanSelect(const SelectStmt& select, const Scope* outer);
  // The rows of table `name` that satisfy `where` (may be null), for UPDATE
  // and DELETE; fills `scope` with the table's columns.
  PlanPtr PlanDmlScan(const QualifiedName& name, const std::string& alias, const Expr* where,
                      Scope* scope, uint32_t position);
  // Binds an expression over `scope` (used for UPDATE/DELETE/INSERT, CHECK).
  BoundPtr BindExpr(const Expr& expr, const Scope& scope);
  // Binds `expr` and casts it to `type` with assignment rules (INSERT, UPDATE).
  BoundPtr BindAssignment(const Expr& expr, const Scope& scope, const ColumnType& type);

  // Types of the values supplied for $1..: a typed value fixes its
  // parameter's type; text and NULL leave it unknown (decided by context, as
  // a string literal).
  void SeedParamTypes(const std::vector<Value>& values);
  // Parameter types inferred so far ($n -> type; kNull when unknown).
  const std::vector<ColumnType>& param_types() const { return param_types_; }

  // Binds the expression key parts of `index` over its table's row: one per
  // part, null for a column part. Throws when a stored expression no longer
  // binds (the catalog keeps it as SQL text).
  std::vector<BoundPtr> BindIndexParts(const catalog::TableDef& table,
                                       const catalog::IndexDef& index);
  // The condition of a partial index over its table's row; null for an
  // index of every row.
  BoundPtr BindIndexPredicate(const catalog::TableDef& table, const catalog::IndexDef& index);

  // What the planner may know of the data when it picks join strategies.
  void SetStatistics(JoinStatistics statistics) { statistics_ = std::move(statistics); }

  static ColumnType ResolveTypeName(const TypeName& name);
  // Casts a bound expression to `type` (a no-op when already that type).
  static BoundPtr CastTo(BoundPtr e, const ColumnType& type, uint32_t position);

 private:
  friend class ExprBinder;
  struct Cte {
    PlanPtr plan;
  };

  PlanPtr PlanQueryNode(const QueryNode& node, const Scope* outer);
  PlanPtr PlanRecursiveCte(const CommonTableExpr& cte, const Scope* outer);
  PlanPtr PlanSelectCore(const SelectCore& core, const SelectStmt* stmt, const Scope* outer,
                         bool* ordered);
  PlanPtr PlanValues(const ValuesCore& values, const Scope* outer);
  PlanPtr PlanFromItem(const TableRef& ref, const Scope* outer, Scope* scope);
  PlanPtr PlanJoin(const JoinRef& join, const Scope* outer, Scope* scope, uint32_t position);
  PlanPtr PlanRelation(const QualifiedName& name, const Alias& alias, const Scope* outer,
                       Scope* scope, uint32_t position);
  PlanPtr AddOrderLimit(PlanPtr plan, const SelectStmt& stmt, const Scope* outer);
  PlanPtr PushDownFilter(PlanPtr plan, BoundPtr predicate);
  // An expression or condition of `index`, stored as SQL text, bound over
  // its table's row.
  BoundPtr BindIndexText(const catalog::TableDef& table, const catalog::IndexDef& index,
                         const std::string& text);

  const catalog::Catalog* catalog_;
  ConstantFolder folder_;
  JoinStatistics statistics_;
  std::vector<ColumnType> param_types_;
  std::vector<std::map<std::string, Cte>> ctes_;  // one map per WITH level
  int view_depth_ = 0;
};

// How far outside a plan its expressions reach: the largest (depth - nesting
// level) of its column references, where `level` is the plan's own nesting
// under the query being asked about. >= 1 means the plan is correlated.
int OuterDepth(const PlanNode& plan, int level);

// The scope of one table's row, its range named `alias` (or the table's name).
Scope TableScope(const catalog::TableDef& table, const std::string& alias);


}  // namespace zq::sql
