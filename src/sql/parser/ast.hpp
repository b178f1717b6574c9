// AST: the parser's output. Pure syntax: names are unresolved strings (already
// case-folded by the lexer), types are unresolved TypeNames, and nothing here
// knows the catalog; the binder gives them meaning.
//
// Shape: every node is a struct; a node with several forms holds a
// std::variant of them (the variant index is the tag). Children are owned by
// unique_ptr, so a tree is move-only and freed recursively; its height is
// bounded by kSqlNestingDepthMax (parser_limits.hpp). Every Expr, TableRef,
// QueryNode and Statement records a byte position for error messages: its
// first token, except that operator expressions (binary, IS, BETWEEN, IN,
// LIKE, `::`) and joins point at their operator or join keyword.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace zq::sql {

struct Expr;
struct SelectStmt;
struct Statement;
using ExprPtr = std::unique_ptr<Expr>;
using ExprList = std::vector<ExprPtr>;

// [schema.]name of a table, index or view.
struct QualifiedName {
  std::string schema;  // empty when not given
  std::string name;
};

// A type as written: `name` is lower case with words joined by one space
// ("double precision", "character varying", "timestamp with time zone");
// `modifiers` are the integer arguments, e.g. {"10", "2"} for NUMERIC(10,2).
struct TypeName {
  std::string name;
  std::vector<std::string> modifiers;
  uint32_t position = 0;
};

// ---- expressions ------------------------------------------------------------

enum class LiteralKind : unsigned char {
  kNull,
  kTrue,
  kFalse,
  kInteger,
  kDecimal,
  kString,
  kBytea
};
struct LiteralExpr {
  LiteralKind kind = LiteralKind::kNull;
  std::string text;  // digits as written, string value, or bytea hex digits
};

struct ColumnRefExpr {
  std::vector<std::string> names;  // 1 to 3 parts: [schema.][table.]column
};

struct StarExpr {
  std::string table;  // "" for `*`, "t" for `t.*`
};

struct ParamExpr {
  uint32_t index = 0;  // 1-based; `?` placeholders are numbered in order
};

// DEFAULT as a value in INSERT ... VALUES or UPDATE ... SET.
struct DefaultExpr {};

// SQL special value functions written without parentheses: CURRENT_DATE ...
struct SpecialValueExpr {
  std::string name;  // lower case, e.g. "current_timestamp"
};

enum class UnaryOp : unsigned char { kNot, kMinus, kPlus, kBitNot };
struct UnaryExpr {
  UnaryOp op = UnaryOp::kNot;
  ExprPtr operand;
};

enum class BinaryOp : unsigned char {
  kOr,
  kAnd,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kConcat,
  kBitAnd,
  kBitOr,
  kBitXor,
  kShiftLeft,
  kShiftRight
};
struct BinaryExpr {
  BinaryOp op = BinaryOp::kEq;
  ExprPtr left;
  ExprPtr right;
};

// CAST(x AS t) and x::t (the printer writes the CAST form).
struct CastExpr {
  ExprPtr operand;
  TypeName type;
};

struct WhenClause {
  ExprPtr condition;  // a value to compare when the CASE has an operand
  ExprPtr result;
};
struct CaseExpr {
  ExprPtr operand;  // null for a searched CASE
  std::vector<WhenClause> whens;
  ExprPtr else_result;  // null when absent
};

struct BetweenExpr {
  ExprPtr operand;
  ExprPtr low;
  ExprPtr high;
  bool negated = false;
  bool symmetric = false;
};

struct InListExpr {
  ExprPtr operand;
  ExprList items;
  bool negated = false;
};

struct InSubqueryExpr {
  ExprPtr operand;
  std::unique_ptr<SelectStmt> query;
  bool negated = false;
};

struct ExistsExpr {
  std::unique_ptr<SelectStmt> query;
};

struct SubqueryExpr {  // a scalar subquery
  std::unique_ptr<SelectStmt> query;
};

enum class IsTest : unsigned char { kNull, kTrue, kFalse, kUnknown, kDistinctFrom };
struct IsExpr {
  ExprPtr operand;
  IsTest test = IsTest::kNull;
  bool negated = false;
  ExprPtr other;  // the right side of IS [NOT] DISTINCT FROM, else null
};

struct LikeExpr {
  ExprPtr operand;
  ExprPtr pattern;
  ExprPtr escape;  // null when absent
  bool negated = false;
  bool case_insensitive = false;  // ILIKE
};

struct FunctionExpr {
  std::vector<std::string> name;  // [schema.]function, lower case
  ExprList args;
  bool distinct = false;
  bool star = false;  // count(*)
  ExprPtr filter;     // FILTER (WHERE ...), null when absent
};

struct Expr {
  using Node =
      std::variant<LiteralExpr, ColumnRefExpr, StarExpr, ParamExpr, DefaultExpr, SpecialValueExpr,
                   UnaryExpr, BinaryExpr, CastExpr, CaseExpr, BetweenExpr, InListExpr,
                   InSubqueryExpr, ExistsExpr, SubqueryExpr, IsExpr, LikeExpr, FunctionExpr>;
  uint32_t position = 0;
  Node node;

  template <typename T>
  const T* As() const {
    return std::get_if<T>(&node);
  }
  template <typename T>
  T* As() {
    return std::get_if<T>(&node);
  }
};

// ---- queries ----------------------------------------------------------------

struct Alias {
  std::string name;                  // empty: no alias
  std::vector<std::string> columns;  // AS t(a, b)
};

struct TableRef;
using TableRefPtr = std::unique_ptr<TableRef>;

struct BaseTableRef {
  QualifiedName name;
  Alias alias;
};
struct SubqueryRef {
  std::unique_ptr<SelectStmt> query;
  Alias alias;
};
enum class JoinType : unsigned char { kInner, kLeft, kRight, kFull, kCross };
struct JoinRef {
  JoinType type = JoinType::kInner;
  bool natural = false;
  TableRefPtr left;
  TableRefPtr right;
  ExprPtr on;                              // null for CROSS, NATURAL and USING
  std::vector<std::string> using_columns;  // JOIN ... USING (a, b)
};
struct TableRef {
  uint32_t position = 0;
  std::variant<BaseTableRef, SubqueryRef, JoinRef> node;
};

struct SelectItem {
  ExprPtr expr;  // StarExpr for * and t.*
  std::string alias;
};

struct SelectCore {
  bool distinct = false;
  std::vector<SelectItem> items;
  std::vector<TableRefPtr> from;  // comma-separated items are cross joined
  ExprPtr where;
  ExprList group_by;
  ExprPtr having;
};

struct ValuesCore {
  std::vector<ExprList> rows;
};

enum class SetOpKind : unsigned char { kUnion, kIntersect, kExcept };
struct QueryNode;
struct SetOpNode {
  SetOpKind op = SetOpKind::kUnion;
  bool all = false;
  std::unique_ptr<QueryNode> left;
  std::unique_ptr<QueryNode> right;
};

struct QueryNode {
  uint32_t position = 0;
  // The last form is a parenthesized query, which may carry ORDER BY/LIMIT.
  std::variant<SelectCore, ValuesCore, SetOpNode, std::unique_ptr<SelectStmt>> node;
};

enum class NullsOrder : unsigned char { kDefault, kFirst, kLast };
struct OrderItem {
  ExprPtr expr;  // an integer literal here is an output-column ordinal
  bool descending = false;
  NullsOrder nulls = NullsOrder::kDefault;
};

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> columns;
  std::unique_ptr<SelectStmt> query;
};
struct WithClause {
  bool recursive = false;
  std::vector<CommonTableExpr> ctes;
};

struct SelectStmt {
  uint32_t position = 0;
  std::optional<WithClause> with;
  std::unique_ptr<QueryNode> body;
  std::vector<OrderItem> order_by;
  ExprPtr limit;   // null when absent
  ExprPtr offset;  // null when absent
};

// ---- data changes -----------------------------------------------------------

struct SetClause {
  uint32_t position = 0;
  std::string column;
  ExprPtr value;  // may be DefaultExpr
};

struct OnConflict {
  std::vector<std::string> columns;  // the conflict target; may be empty
  bool do_update = false;            // false: DO NOTHING
  std::vector<SetClause> set;
  ExprPtr where;
};

struct InsertStmt {
  QualifiedName table;
  std::string alias;
  std::vector<std::string> columns;
  std::unique_ptr<SelectStmt> source;  // VALUES or a query; null for DEFAULT VALUES
  std::optional<OnConflict> on_conflict;
  std::vector<SelectItem> returning;
};

struct UpdateStmt {
  QualifiedName table;
  std::string alias;
  std::vector<SetClause> set;
  std::vector<TableRefPtr> from;
  ExprPtr where;
  std::vector<SelectItem> returning;
};

struct DeleteStmt {
  QualifiedName table;
  std::string alias;
  ExprPtr where;
  std::vector<SelectItem> returning;
};

// ---- schema -----------------------------------------------------------------

enum class ColumnConstraintKind : unsigned char {
  kNotNull,
  kNull,
  kPrimaryKey,
  kUnique,
  kDefault,
  kCheck
};
struct ColumnConstraint {
  uint32_t position = 0;
  ColumnConstraintKind kind = ColumnConstraintKind::kNotNull;
  std::string name;  // CONSTRAINT name, empty when absent
  ExprPtr expr;      // DEFAULT value or CHECK condition
};

struct ColumnDef {
  uint32_t position = 0;
  std::string name;
  TypeName type;
  std::vector<ColumnConstraint> constraints;  // in written order
};

enum class TableConstraintKind : unsigned char { kPrimaryKey, kUnique, kCheck };
struct TableConstraint {
  uint32_t position = 0;
  TableConstraintKind kind = TableConstraintKind::kPrimaryKey;
  std::string name;
  std::vector<std::string> columns;
  ExprPtr check;
};

struct CreateTableStmt {
  QualifiedName name;
  bool if_not_exists = false;
  bool temporary = false;
  std::vector<ColumnDef> columns;
  std::vector<TableConstraint> constraints;
};

enum class ObjectKind : unsigned char { kTable, kIndex, kView };
struct DropStmt {
  ObjectKind kind = ObjectKind::kTable;
  bool if_exists = false;
  bool cascade = false;
  std::vector<QualifiedName> names;
};

enum class IndexMethod : unsigned char { kDefault, kBtree, kHash };
struct IndexElem {
  ExprPtr expr;  // a ColumnRefExpr for a plain column
  bool descending = false;
  NullsOrder nulls = NullsOrder::kDefault;
};
struct CreateIndexStmt {
  std::string name;  // empty: the engine picks one
  QualifiedName table;
  bool unique = false;
  bool if_not_exists = false;
  IndexMethod method = IndexMethod::kDefault;
  std::vector<IndexElem> elems;
  ExprPtr where;  // partial index predicate, null when absent
};

struct CreateViewStmt {
  QualifiedName name;
  bool or_replace = false;
  bool temporary = false;
  bool if_not_exists = false;
  std::vector<std::string> columns;
  std::unique_ptr<SelectStmt> query;
};

enum class AlterAction : unsigned char { kAddColumn, kDropColumn, kRenameColumn, kRenameTable };
struct AlterTableStmt {
  QualifiedName table;
  bool if_exists = false;
  AlterAction action = AlterAction::kAddColumn;
  bool column_if_exists = false;  // ADD COLUMN IF NOT EXISTS / DROP COLUMN IF EXISTS
  ColumnDef column;               // kAddColumn
  std::string column_name;        // kDropColumn, kRenameColumn (old name)
  std::string new_name;           // kRenameColumn, kRenameTable
};

// ---- transactions and others -------------------------------------------------

enum class TransactionOp : unsigned char {
  kBegin,
  kCommit,
  kRollback,
  kSavepoint,
  kRelease,
  kRollbackToSavepoint
};
struct TransactionStmt {
  TransactionOp op = TransactionOp::kBegin;
  std::string savepoint;  // for kSavepoint, kRelease, kRollbackToSavepoint
};

struct ExplainStmt {
  bool analyze = false;
  std::unique_ptr<Statement> statement;
};

struct Statement {
  using Node =
      std::variant<SelectStmt, InsertStmt, UpdateStmt, DeleteStmt, CreateTableStmt, DropStmt,
                   CreateIndexStmt, CreateViewStmt, AlterTableStmt, TransactionStmt, ExplainStmt>;
  uint32_t position = 0;      // first byte of the statement
  uint32_t end_position = 0;  // one past its last byte (before any ';')
  Node node;

  template <typename T>
  const T* As() const {
    return std::get_if<T>(&node);
  }
  template <typename T>
  T* As() {
    return std::get_if<T>(&node);
  }
};

}  // namespace zq::sql
