// Bound expressions and physical plans: what the planner makes of the AST
// once names, types and functions are resolved against the catalog, and what
// the executor runs. Plans are immutable after planning; an execution keeps
// its state in executor objects, so a plan can run many times (subqueries).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "catalog/schema.hpp"
#include "sql/parser/ast.hpp"
#include "sql/types/value.hpp"

namespace zq::sql {

struct PlanNode;
using PlanPtr = std::shared_ptr<const PlanNode>;

enum class ExprKind : uint8_t {
  kConstant,
  kColumn,     // depth 0: the input row; depth d > 0: the row of the d-th enclosing query
  kParam,      // $n, 1-based in `index`
  kNot,
  kNegate,
  kBitNot,
  kArith,      // op: BinaryOp (+ - * / % ^ & | # << >>)
  kCompare,    // op: BinaryOp (= <> < <= > >=)
  kConcat,
  kAnd,
  kOr,
  kIsNull,     // negated: IS NOT NULL
  kIsBool,     // IS [NOT] TRUE/FALSE/UNKNOWN; `index` holds the IsTest
  kDistinctFrom,
  kCast,
  kCase,       // children: [operand?] when, then, when, then ..., [else]; see flags
  kInList,     // children[0] IN (children[1..])
  kLike,       // children: operand, pattern, [escape]
  kFunction,   // scalar function `name`
  kAggregate,  // only inside Aggregate plan nodes' specs
  kScalarSubquery,
  kExists,
  kInSubquery,  // children[0] IN (subquery)
};

// Scalar functions (kFunction keeps one in BoundExpr::index).
enum class ScalarFn : int {
  kAbs,
  kRound,
  kTrunc,
  kCeil,
  kFloor,
  kSign,
  kSqrt,
  kPower,
  kMod,
  kLength,
  kLower,
  kUpper,
  kSubstr,
  kTrim,
  kLtrim,
  kRtrim,
  kReplace,
  kPosition,
  kCoalesce,
  kNullIf,
  kGreatest,
  kLeast,
  kRandom,
  kConcat,
  kLeft,
  kRight,
  kRepeat,
  kReverse,
  kLpad,
  kRpad,
  // Dates and times (sql/types/datetime.hpp). The clock ones read the
  // statement's start time: never folded at planning.
  kNow,
  kStatementTimestamp,
  kCurrentDate,
  kLocalTimestamp,
  kDatePart,  // date_part(field, x): double precision
  kExtract,   // EXTRACT(field FROM x): numeric
  kDateTrunc,
  kMakeDate,
  kMakeTimestamp,
  kToTimestamp,
};
// now(), CURRENT_DATE, ...: the value depends on when the statement runs.
inline bool ReadsClock(ScalarFn fn) {
  return fn == ScalarFn::kNow || fn == ScalarFn::kStatementTimestamp ||
         fn == ScalarFn::kCurrentDate || fn == ScalarFn::kLocalTimestamp;
}
// The type a clock function returns (ReadsClock(fn) holds).
inline TypeId ClockType(ScalarFn fn) {
  if (fn == ScalarFn::kCurrentDate) return TypeId::kDate;
  return fn == ScalarFn::kLocalTimestamp ? TypeId::kTimestamp : TypeId::kTimestampTz;
}

struct BoundExpr;
using BoundPtr = std::unique_ptr<BoundExpr>;

struct BoundExpr {
  ExprKind kind = ExprKind::kConstant;
  ColumnType type;
  uint32_t position = 0;
  Value constant;           // kConstant
  int depth = 0;            // kColumn
  int index = 0;            // kColumn: column; kParam: $n; kIsBool: IsTest
  BinaryOp op = BinaryOp::kEq;
  bool negated = false;     // kIsNull, kIsBool, kDistinctFrom, kInList, kLike, kInSubquery
  bool flag = false;        // kCase: has operand; kLike: ILIKE; kAggregate: DISTINCT
  bool has_else = false;    // kCase
  std::string name;         // kFunction, kAggregate
  std::vector<BoundPtr> children;
  PlanPtr subquery;         // kScalarSubquery, kExists, kInSubquery
  bool correlated = false;  // the subquery reads rows of enclosing queries

  BoundPtr Clone() const;
};

bool SameExpr(const BoundExpr& a, const BoundExpr& b);
// The column of this row `e` reads, as an index key holds it: the column
// itself, or an integer column widened to a larger integer type (the
// binder's promotion for `int_col = bigint_value`; integer keys of every
// width are stored alike and compare by value). Null otherwise.
const BoundExpr* KeyColumn(const BoundExpr& e);
// The comparison with its operands swapped: `a < b` is `b > a`.
BinaryOp FlipCompare(BinaryOp o);
// Counts the reads of each column of the input row (depth 0) in `e`; false
// when a correlated subquery reads the row from inside its own plan (those
// reads are not counted: the caller must assume every column is read).
bool CountColumnReads(const BoundExpr& e, std::vector<int>* reads);
// Marks the columns of the input row `e` reads (all of them when a
// correlated subquery reads the row from inside its own plan).
void MarkColumnReads(const BoundExpr& e, std::vector<bool>* used);
// Splits an AND tree into its conjuncts (moves them out of `e`) ...
void SplitConjuncts(BoundPtr e, std::vector<BoundPtr>* out);
// ... and joins conjuncts with AND (null when there are none).
BoundPtr JoinConjuncts(std::vector<BoundPtr> parts);
// True when the expression reads no row, parameter or subquery, and calls no
// volatile function: it can be evaluated once, at planning.
bool IsConstantExpr(const BoundExpr& e);

struct OutputColumn {
  std::string name;
  ColumnType type;
  std::string table;  // the range name it came from ("" for computed ones)
};

enum class PlanKind : uint8_t {
  kTableScan,
  kValues,
  kFilter,
  kProject,
  kJoin,
  kAggregate,
  kSort,
  kLimit,
  kDistinct,
  kSetOp,
  kMaterialized,  // rows computed once (CTE) and scanned
  kRecursive,     // WITH RECURSIVE: children = base, recursive term; `all` as UNION ALL
  kWorkTable,     // inside a recursive term: the rows of the previous iteration
};

struct SortKey {
  int column = 0;
  bool descending = false;
  bool nulls_first = false;
};

struct AggregateSpec {
  std::string name;  // count, sum, avg, min, max, string_agg, bool_and, bool_or, every
  bool distinct = false;
  bool star = false;          // count(*)
  std::vector<BoundPtr> args;  // evaluated on the input row
  BoundPtr filter;            // FILTER (WHERE ...), may be null
  ColumnType type;            // result type
};

// How a table scan finds its rows: all of them, or through a key range of
// the table's primary key or of one index (an equality prefix plus an
// optional range on the next column).
struct ScanRange {
  int index = -1;  // -1: the primary key; otherwise the position in TableDef::indexes
  std::vector<BoundPtr> equal;  // constant expressions for the leading columns
  BoundPtr lower, upper;        // on the column after the equality prefix, may be null
  bool lower_inclusive = true, upper_inclusive = true;
  bool Used() const { return !equal.empty() || lower || upper; }
};

struct PlanNode {
  PlanKind kind = PlanKind::kValues;
  std::vector<OutputColumn> columns;  // the output row
  std::vector<PlanPtr> children;

  // kTableScan
  catalog::TableDef table;
  ScanRange range;
  // An index scan whose rows are built from the index entries alone (every
  // column read above is an index or primary-key column; the others come
  // out NULL): no table lookups.
  bool index_only = false;
  // kTableScan (pushed-down filter), kFilter, kJoin (ON condition)
  BoundPtr predicate;
  // kProject: one per output column; kValues: rows x columns
  std::vector<BoundPtr> exprs;
  std::vector<std::vector<BoundPtr>> rows;
  // kJoin
  JoinType join = JoinType::kInner;
  std::vector<int> left_keys, right_keys;  // equi-join columns (hash join)
  // Equi-join keys that are expressions: over the left row, and over the
  // right row alone (its columns numbered from 0). They follow left_keys /
  // right_keys in the hash key.
  std::vector<BoundPtr> left_key_exprs, right_key_exprs;
  bool HashJoin() const {
    return !lookup && !merge && (!left_keys.empty() || !left_key_exprs.empty());
  }
  // A merge join: both inputs come ordered by the first key pair
  // (left_keys[0], right_keys[0]); the other pairs are checked per pair.
  bool merge = false;
  // An index nested-loop join: children[1] is a table scan whose key range
  // reads the left row (as an outer row, depth 1); it runs once per left
  // row. The key equalities are still checked on every pair.
  bool lookup = false;
  // kAggregate: output = group values then aggregate values
  std::vector<BoundPtr> groups;
  std::vector<AggregateSpec> aggregates;
  // kSort
  std::vector<SortKey> sort;
  // kLimit
  BoundPtr limit, offset;
  // kSetOp
  SetOpKind set_op = SetOpKind::kUnion;
  bool all = false;
  // kMaterialized: the CTE's plan is children[0]; rows computed once per run
  std::string cte_name;
};

// Indented, one operator per line; used by EXPLAIN and tests. Nodes for
// which `vectorized` is true are marked " [vectorized]".
std::string ExplainPlan(const PlanNode& plan,
                        const std::function<bool(const PlanNode&)>& vectorized = nullptr);

}  // namespace zq::sql
