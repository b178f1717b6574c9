// AST printer. One Print function per node kind, all appending to one string.
#include "sql/parser/ast_printer.hpp"

#include "sql/lexer/lexer.hpp"
#include "util/assert.hpp"

namespace zq::sql {

namespace {

class Printer {
 public:
  std::string out;

  void Statement(const sql::Statement& s);
  void Select(const SelectStmt& s);
  void Expr(const sql::Expr& e);
  void Type(const TypeName& t);

 private:
  void Word(std::string_view w) { out += w; }
  void Name(const std::string& n) { out += QuoteIdentifier(n); }
  void Qualified(const QualifiedName& n);
  void Names(const std::vector<std::string>& names);  // (a, b)
  void ExprList(const sql::ExprList& list);
  void Query(const QueryNode& q);
  void Core(const SelectCore& c);
  void Values(const ValuesCore& v);
  void With(const WithClause& w);
  void OrderBy(const std::vector<OrderItem>& items);
  void Nulls(NullsOrder nulls);
  void Items(const std::vector<SelectItem>& items);
  void TableRef(const sql::TableRef& t);
  void AliasOf(const Alias& a);
  void Join(const JoinRef& j);
  void Insert(const InsertStmt& s);
  void SetClauses(const std::vector<SetClause>& set);
  void Returning(const std::vector<SelectItem>& items);
  void Update(const UpdateStmt& s);
  void Delete(const DeleteStmt& s);
  void CreateTable(const CreateTableStmt& s);
  void Column(const ColumnDef& c);
  void TableConstraint(const sql::TableConstraint& c);
  void Drop(const DropStmt& s);
  void CreateIndex(const CreateIndexStmt& s);
  void CreateView(const CreateViewStmt& s);
  void Alter(const AlterTableStmt& s);
  void Transaction(const TransactionStmt& s);
  void Literal(const LiteralExpr& e);
  void Unary(const UnaryExpr& e);
  void Binary(const BinaryExpr& e);
  void Case(const CaseExpr& e);
  void Between(const BetweenExpr& e);
  void In(const sql::Expr& operand, bool negated);  // "(x [NOT] IN (" ...
  void Is(const IsExpr& e);
  void Like(const LikeExpr& e);
  void Function(const FunctionExpr& e);
};

std::string_view BinaryOpText(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return "OR";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kEq:
      return "=";
    case BinaryOp::kNe:
      return "<>";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kPow:
      return "^";
    case BinaryOp::kConcat:
      return "||";
    case BinaryOp::kBitAnd:
      return "&";
    case BinaryOp::kBitOr:
      return "|";
    case BinaryOp::kBitXor:
      return "#";
    case BinaryOp::kShiftLeft:
      return "<<";
    case BinaryOp::kShiftRight:
      return ">>";
  }
  return "?";
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

void Printer::Qualified(const QualifiedName& n) {
  if (!n.schema.empty()) {
    Name(n.schema);
    out += '.';
  }
  Name(n.name);
}

void Printer::Names(const std::vector<std::string>& names) {
  out += '(';
  for (size_t i = 0; i < names.size(); i++) {
    if (i > 0) out += ", ";
    Name(names[i]);
  }
  out += ')';
}

void Printer::ExprList(const sql::ExprList& list) {
  for (size_t i = 0; i < list.size(); i++) {
    if (i > 0) out += ", ";
    Expr(*list[i]);
  }
}

void Printer::Type(const TypeName& t) {
  // The parser's multi-word names; a zone suffix follows the modifiers.
  std::string_view base = t.name;
  std::string_view suffix;
  for (std::string_view zone : {" with time zone", " without time zone"}) {
    if (base == std::string("time") + std::string(zone) ||
        base == std::string("timestamp") + std::string(zone)) {
      suffix = base.substr(base.size() - zone.size());
      base.remove_suffix(zone.size());
    }
  }
  bool multi_word = base == "double precision" || base == "character varying";
  std::string quoted = QuoteIdentifier(std::string(base));
  out += multi_word || quoted == base ? Upper(base) : quoted;
  if (!t.modifiers.empty()) {
    out += '(';
    for (size_t i = 0; i < t.modifiers.size(); i++) {
      if (i > 0) out += ", ";
      out += t.modifiers[i];
    }
    out += ')';
  }
  out += Upper(suffix);
}

// ---- expressions

void Printer::Expr(const sql::Expr& e) {
  std::visit(
      [this](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, LiteralExpr>) {
          Literal(n);
        } else if constexpr (std::is_same_v<T, ColumnRefExpr>) {
          for (size_t i = 0; i < n.names.size(); i++) {
            if (i > 0) out += '.';
            Name(n.names[i]);
          }
        } else if constexpr (std::is_same_v<T, StarExpr>) {
          if (!n.table.empty()) {
            Name(n.table);
            out += '.';
          }
          out += '*';
        } else if constexpr (std::is_same_v<T, ParamExpr>) {
          out += '$' + std::to_string(n.index);
        } else if constexpr (std::is_same_v<T, DefaultExpr>) {
          Word("DEFAULT");
        } else if constexpr (std::is_same_v<T, SpecialValueExpr>) {
          Word(Upper(n.name));
        } else if constexpr (std::is_same_v<T, UnaryExpr>) {
          Unary(n);
        } else if constexpr (std::is_same_v<T, BinaryExpr>) {
          Binary(n);
        } else if constexpr (std::is_same_v<T, CastExpr>) {
          Word("CAST(");
          Expr(*n.operand);
          Word(" AS ");
          Type(n.type);
          out += ')';
        } else if constexpr (std::is_same_v<T, CaseExpr>) {
          Case(n);
        } else if constexpr (std::is_same_v<T, BetweenExpr>) {
          Between(n);
        } else if constexpr (std::is_same_v<T, InListExpr>) {
          In(*n.operand, n.negated);
          ExprList(n.items);
          out += "))";
        } else if constexpr (std::is_same_v<T, InSubqueryExpr>) {
          In(*n.operand, n.negated);
          Select(*n.query);
          out += "))";
        } else if constexpr (std::is_same_v<T, ExistsExpr>) {
          Word("EXISTS (");
          Select(*n.query);
          out += ')';
        } else if constexpr (std::is_same_v<T, SubqueryExpr>) {
          out += '(';
          Select(*n.query);
          out += ')';
        } else if constexpr (std::is_same_v<T, IsExpr>) {
          Is(n);
        } else if constexpr (std::is_same_v<T, LikeExpr>) {
          Like(n);
        } else {
          static_assert(std::is_same_v<T, FunctionExpr>);
          Function(n);
        }
      },
      e.node);
}

void Printer::Literal(const LiteralExpr& e) {
  switch (e.kind) {
    case LiteralKind::kNull:
      Word("NULL");
      return;
    case LiteralKind::kTrue:
      Word("TRUE");
      return;
    case LiteralKind::kFalse:
      Word("FALSE");
      return;
    case LiteralKind::kInteger:
    case LiteralKind::kDecimal:
      out += e.text;
      return;
    case LiteralKind::kString:
      out += QuoteString(e.text);
      return;
    case LiteralKind::kBytea:
      out += "X'" + e.text + "'";
      return;
  }
}

void Printer::Unary(const UnaryExpr& e) {
  switch (e.op) {
    case UnaryOp::kNot:
      out += "(NOT ";
      break;
    case UnaryOp::kMinus:
      out += "(- ";
      break;
    case UnaryOp::kPlus:
      out += "(+ ";
      break;
    case UnaryOp::kBitNot:
      out += "(~ ";
      break;
  }
  Expr(*e.operand);
  out += ')';
}

void Printer::Binary(const BinaryExpr& e) {
  out += '(';
  Expr(*e.left);
  out += ' ';
  Word(BinaryOpText(e.op));
  out += ' ';
  Expr(*e.right);
  out += ')';
}

void Printer::Case(const CaseExpr& e) {
  Word("CASE");
  if (e.operand) {
    out += ' ';
    Expr(*e.operand);
  }
  for (const WhenClause& when : e.whens) {
    Word(" WHEN ");
    Expr(*when.condition);
    Word(" THEN ");
    Expr(*when.result);
  }
  if (e.else_result) {
    Word(" ELSE ");
    Expr(*e.else_result);
  }
  Word(" END");
}

void Printer::Between(const BetweenExpr& e) {
  out += '(';
  Expr(*e.operand);
  Word(e.negated ? " NOT BETWEEN " : " BETWEEN ");
  if (e.symmetric) Word("SYMMETRIC ");
  Expr(*e.low);
  Word(" AND ");
  Expr(*e.high);
  out += ')';
}

void Printer::In(const sql::Expr& operand, bool negated) {
  out += '(';
  Expr(operand);
  Word(negated ? " NOT IN (" : " IN (");
}

void Printer::Is(const IsExpr& e) {
  out += '(';
  Expr(*e.operand);
  Word(e.negated ? " IS NOT " : " IS ");
  switch (e.test) {
    case IsTest::kNull:
      Word("NULL");
      break;
    case IsTest::kTrue:
      Word("TRUE");
      break;
    case IsTest::kFalse:
      Word("FALSE");
      break;
    case IsTest::kUnknown:
      Word("UNKNOWN");
      break;
    case IsTest::kDistinctFrom:
      Word("DISTINCT FROM ");
      Expr(*e.other);
      break;
  }
  out += ')';
}

void Printer::Like(const LikeExpr& e) {
  out += '(';
  Expr(*e.operand);
  if (e.negated) Word(" NOT");
  Word(e.case_insensitive ? " ILIKE " : " LIKE ");
  Expr(*e.pattern);
  if (e.escape) {
    Word(" ESCAPE ");
    Expr(*e.escape);
  }
  out += ')';
}

void Printer::Function(const FunctionExpr& e) {
  for (size_t i = 0; i < e.name.size(); i++) {
    if (i > 0) out += '.';
    Name(e.name[i]);
  }
  out += '(';
  if (e.star) out += '*';
  if (e.distinct) Word("DISTINCT ");
  ExprList(e.args);
  out += ')';
  if (e.filter) {
    Word(" FILTER (WHERE ");
    Expr(*e.filter);
    out += ')';
  }
}

// ---- queries

void Printer::Select(const SelectStmt& s) {
  if (s.with) With(*s.with);
  Query(*s.body);
  if (!s.order_by.empty()) OrderBy(s.order_by);
  if (s.limit) {
    Word(" LIMIT ");
    Expr(*s.limit);
  }
  if (s.offset) {
    Word(" OFFSET ");
    Expr(*s.offset);
  }
}

void Printer::With(const WithClause& w) {
  Word(w.recursive ? "WITH RECURSIVE " : "WITH ");
  for (size_t i = 0; i < w.ctes.size(); i++) {
    if (i > 0) out += ", ";
    Name(w.ctes[i].name);
    if (!w.ctes[i].columns.empty()) Names(w.ctes[i].columns);
    Word(" AS (");
    Select(*w.ctes[i].query);
    out += ')';
  }
  out += ' ';
}

void Printer::Query(const QueryNode& q) {
  if (const auto* core = std::get_if<SelectCore>(&q.node)) return Core(*core);
  if (const auto* values = std::get_if<ValuesCore>(&q.node)) return Values(*values);
  if (const auto* paren = std::get_if<std::unique_ptr<SelectStmt>>(&q.node)) {
    out += '(';
    Select(**paren);
    out += ')';
    return;
  }
  const auto& set = std::get<SetOpNode>(q.node);
  // A set operation inside another is parenthesized, so it reads back the same.
  auto side = [this](const QueryNode& child) {
    bool wrap = std::holds_alternative<SetOpNode>(child.node);
    if (wrap) out += '(';
    Query(child);
    if (wrap) out += ')';
  };
  side(*set.left);
  switch (set.op) {
    case SetOpKind::kUnion:
      Word(" UNION ");
      break;
    case SetOpKind::kIntersect:
      Word(" INTERSECT ");
      break;
    case SetOpKind::kExcept:
      Word(" EXCEPT ");
      break;
  }
  if (set.all) Word("ALL ");
  side(*set.right);
}

void Printer::Core(const SelectCore& c) {
  Word(c.distinct ? "SELECT DISTINCT " : "SELECT ");
  Items(c.items);
  if (!c.from.empty()) {
    Word(" FROM ");
    for (size_t i = 0; i < c.from.size(); i++) {
      if (i > 0) out += ", ";
      TableRef(*c.from[i]);
    }
  }
  if (c.where) {
    Word(" WHERE ");
    Expr(*c.where);
  }
  if (!c.group_by.empty()) {
    Word(" GROUP BY ");
    ExprList(c.group_by);
  }
  if (c.having) {
    Word(" HAVING ");
    Expr(*c.having);
  }
}

void Printer::Values(const ValuesCore& v) {
  Word("VALUES ");
  for (size_t i = 0; i < v.rows.size(); i++) {
    if (i > 0) out += ", ";
    out += '(';
    ExprList(v.rows[i]);
    out += ')';
  }
}

void Printer::OrderBy(const std::vector<OrderItem>& items) {
  Word(" ORDER BY ");
  for (size_t i = 0; i < items.size(); i++) {
    if (i > 0) out += ", ";
    Expr(*items[i].expr);
    if (items[i].descending) Word(" DESC");
    Nulls(items[i].nulls);
  }
}

void Printer::Nulls(NullsOrder nulls) {
  if (nulls == NullsOrder::kFirst) Word(" NULLS FIRST");
  if (nulls == NullsOrder::kLast) Word(" NULLS LAST");
}

void Printer::Items(const std::vector<SelectItem>& items) {
  for (size_t i = 0; i < items.size(); i++) {
    if (i > 0) out += ", ";
    Expr(*items[i].expr);
    if (!items[i].alias.empty()) {
      Word(" AS ");
      Name(items[i].alias);
    }
  }
}

void Printer::AliasOf(const Alias& a) {
  if (a.name.empty()) return;
  Word(" AS ");
  Name(a.name);
  if (!a.columns.empty()) Names(a.columns);
}

void Printer::TableRef(const sql::TableRef& t) {
  if (const auto* base = std::get_if<BaseTableRef>(&t.node)) {
    Qualified(base->name);
    AliasOf(base->alias);
  } else if (const auto* sub = std::get_if<SubqueryRef>(&t.node)) {
    out += '(';
    Select(*sub->query);
    out += ')';
    AliasOf(sub->alias);
  } else {
    Join(std::get<JoinRef>(t.node));
  }
}

void Printer::Join(const JoinRef& j) {
  TableRef(*j.left);
  if (j.natural) Word(" NATURAL");
  switch (j.type) {
    case JoinType::kInner:
      Word(" JOIN ");
      break;
    case JoinType::kLeft:
      Word(" LEFT JOIN ");
      break;
    case JoinType::kRight:
      Word(" RIGHT JOIN ");
      break;
    case JoinType::kFull:
      Word(" FULL JOIN ");
      break;
    case JoinType::kCross:
      Word(" CROSS JOIN ");
      break;
  }
  // Joins are left-deep when read; a join on the right came from parentheses.
  bool wrap = std::holds_alternative<JoinRef>(j.right->node);
  if (wrap) out += '(';
  TableRef(*j.right);
  if (wrap) out += ')';
  if (j.on) {
    Word(" ON ");
    Expr(*j.on);
  } else if (!j.using_columns.empty()) {
    Word(" USING ");
    Names(j.using_columns);
  }
}

// ---- statements

void Printer::Returning(const std::vector<SelectItem>& items) {
  if (items.empty()) return;
  Word(" RETURNING ");
  Items(items);
}

void Printer::SetClauses(const std::vector<SetClause>& set) {
  for (size_t i = 0; i < set.size(); i++) {
    if (i > 0) out += ", ";
    Name(set[i].column);
    out += " = ";
    Expr(*set[i].value);
  }
}

void Printer::Insert(const InsertStmt& s) {
  Word("INSERT INTO ");
  Qualified(s.table);
  if (!s.alias.empty()) {
    Word(" AS ");
    Name(s.alias);
  }
  if (!s.columns.empty()) {
    out += ' ';
    Names(s.columns);
  }
  out += ' ';
  if (s.source) {
    Select(*s.source);
  } else {
    Word("DEFAULT VALUES");
  }
  if (s.on_conflict) {
    Word(" ON CONFLICT");
    if (!s.on_conflict->columns.empty()) {
      out += ' ';
      Names(s.on_conflict->columns);
    }
    if (!s.on_conflict->do_update) {
      Word(" DO NOTHING");
    } else {
      Word(" DO UPDATE SET ");
      SetClauses(s.on_conflict->set);
      if (s.on_conflict->where) {
        Word(" WHERE ");
        Expr(*s.on_conflict->where);
      }
    }
  }
  Returning(s.returning);
}

void Printer::Update(const UpdateStmt& s) {
  Word("UPDATE ");
  Qualified(s.table);
  if (!s.alias.empty()) {
    Word(" AS ");
    Name(s.alias);
  }
  Word(" SET ");
  SetClauses(s.set);
  for (size_t i = 0; i < s.from.size(); i++) {
    Word(i == 0 ? " FROM " : ", ");
    TableRef(*s.from[i]);
  }
  if (s.where) {
    Word(" WHERE ");
    Expr(*s.where);
  }
  Returning(s.returning);
}

void Printer::Delete(const DeleteStmt& s) {
  Word("DELETE FROM ");
  Qualified(s.table);
  if (!s.alias.empty()) {
    Word(" AS ");
    Name(s.alias);
  }
  if (s.where) {
    Word(" WHERE ");
    Expr(*s.where);
  }
  Returning(s.returning);
}

void Printer::Column(const ColumnDef& c) {
  Name(c.name);
  out += ' ';
  Type(c.type);
  for (const ColumnConstraint& k : c.constraints) {
    if (!k.name.empty()) {
      Word(" CONSTRAINT ");
      Name(k.name);
    }
    switch (k.kind) {
      case ColumnConstraintKind::kNotNull:
        Word(" NOT NULL");
        break;
      case ColumnConstraintKind::kNull:
        Word(" NULL");
        break;
      case ColumnConstraintKind::kPrimaryKey:
        Word(" PRIMARY KEY");
        break;
      case ColumnConstraintKind::kUnique:
        Word(" UNIQUE");
        break;
      case ColumnConstraintKind::kDefault:
        ZQ_ASSERT(k.expr != nullptr);
        Word(" DEFAULT ");
        Expr(*k.expr);
        break;
      case ColumnConstraintKind::kCheck:
        ZQ_ASSERT(k.expr != nullptr);
        Word(" CHECK (");
        Expr(*k.expr);
        out += ')';
        break;
    }
  }
}

void Printer::TableConstraint(const sql::TableConstraint& c) {
  if (!c.name.empty()) {
    Word("CONSTRAINT ");
    Name(c.name);
    out += ' ';
  }
  switch (c.kind) {
    case TableConstraintKind::kPrimaryKey:
      Word("PRIMARY KEY ");
      break;
    case TableConstraintKind::kUnique:
      Word("UNIQUE ");
      break;
    case TableConstraintKind::kCheck:
      Word("CHECK (");
      Expr(*c.check);
      out += ')';
      return;
  }
  Names(c.columns);
}

void Printer::CreateTable(const CreateTableStmt& s) {
  Word(s.temporary ? "CREATE TEMPORARY TABLE " : "CREATE TABLE ");
  if (s.if_not_exists) Word("IF NOT EXISTS ");
  Qualified(s.name);
  Word(" (");
  bool first = true;
  for (const ColumnDef& c : s.columns) {
    if (!first) out += ", ";
    first = false;
    Column(c);
  }
  for (const sql::TableConstraint& c : s.constraints) {
    if (!first) out += ", ";
    first = false;
    TableConstraint(c);
  }
  out += ')';
}

void Printer::Drop(const DropStmt& s) {
  switch (s.kind) {
    case ObjectKind::kTable:
      Word("DROP TABLE ");
      break;
    case ObjectKind::kIndex:
      Word("DROP INDEX ");
      break;
    case ObjectKind::kView:
      Word("DROP VIEW ");
      break;
  }
  if (s.if_exists) Word("IF EXISTS ");
  for (size_t i = 0; i < s.names.size(); i++) {
    if (i > 0) out += ", ";
    Qualified(s.names[i]);
  }
  if (s.cascade) Word(" CASCADE");
}

void Printer::CreateIndex(const CreateIndexStmt& s) {
  Word(s.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
  if (s.if_not_exists) Word("IF NOT EXISTS ");
  if (!s.name.empty()) {
    Name(s.name);
    out += ' ';
  }
  Word("ON ");
  Qualified(s.table);
  if (s.method == IndexMethod::kBtree) Word(" USING BTREE");
  if (s.method == IndexMethod::kHash) Word(" USING HASH");
  Word(" (");
  for (size_t i = 0; i < s.elems.size(); i++) {
    if (i > 0) out += ", ";
    const IndexElem& e = s.elems[i];
    bool bare =
        e.expr->As<ColumnRefExpr>() != nullptr && e.expr->As<ColumnRefExpr>()->names.size() == 1;
    if (!bare) out += '(';
    Expr(*e.expr);
    if (!bare) out += ')';
    if (e.descending) Word(" DESC");
    Nulls(e.nulls);
  }
  out += ')';
  if (s.where) {
    Word(" WHERE ");
    Expr(*s.where);
  }
}

void Printer::CreateView(const CreateViewStmt& s) {
  Word("CREATE ");
  if (s.or_replace) Word("OR REPLACE ");
  if (s.temporary) Word("TEMPORARY ");
  Word("VIEW ");
  if (s.if_not_exists) Word("IF NOT EXISTS ");
  Qualified(s.name);
  if (!s.columns.empty()) {
    out += ' ';
    Names(s.columns);
  }
  Word(" AS ");
  Select(*s.query);
}

void Printer::Alter(const AlterTableStmt& s) {
  Word("ALTER TABLE ");
  if (s.if_exists) Word("IF EXISTS ");
  Qualified(s.table);
  switch (s.action) {
    case AlterAction::kAddColumn:
      Word(s.column_if_exists ? " ADD COLUMN IF NOT EXISTS " : " ADD COLUMN ");
      Column(s.column);
      return;
    case AlterAction::kDropColumn:
      Word(s.column_if_exists ? " DROP COLUMN IF EXISTS " : " DROP COLUMN ");
      Name(s.column_name);
      return;
    case AlterAction::kRenameColumn:
      Word(" RENAME COLUMN ");
      Name(s.column_name);
      Word(" TO ");
      Name(s.new_name);
      return;
    case AlterAction::kRenameTable:
      Word(" RENAME TO ");
      Name(s.new_name);
      return;
  }
}

void Printer::Transaction(const TransactionStmt& s) {
  switch (s.op) {
    case TransactionOp::kBegin:
      Word("BEGIN");
      return;
    case TransactionOp::kCommit:
      Word("COMMIT");
      return;
    case TransactionOp::kRollback:
      Word("ROLLBACK");
      return;
    case TransactionOp::kSavepoint:
      Word("SAVEPOINT ");
      break;
    case TransactionOp::kRelease:
      Word("RELEASE SAVEPOINT ");
      break;
    case TransactionOp::kRollbackToSavepoint:
      Word("ROLLBACK TO SAVEPOINT ");
      break;
  }
  Name(s.savepoint);
}

void Printer::Statement(const sql::Statement& s) {
  std::visit(
      [this](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, SelectStmt>) Select(n);
        if constexpr (std::is_same_v<T, InsertStmt>) Insert(n);
        if constexpr (std::is_same_v<T, UpdateStmt>) Update(n);
        if constexpr (std::is_same_v<T, DeleteStmt>) Delete(n);
        if constexpr (std::is_same_v<T, CreateTableStmt>) CreateTable(n);
        if constexpr (std::is_same_v<T, DropStmt>) Drop(n);
        if constexpr (std::is_same_v<T, CreateIndexStmt>) CreateIndex(n);
        if constexpr (std::is_same_v<T, CreateViewStmt>) CreateView(n);
        if constexpr (std::is_same_v<T, AlterTableStmt>) Alter(n);
        if constexpr (std::is_same_v<T, TransactionStmt>) Transaction(n);
        if constexpr (std::is_same_v<T, ExplainStmt>) {
          Word(n.analyze ? "EXPLAIN ANALYZE " : "EXPLAIN ");
          Statement(*n.statement);
        }
      },
      s.node);
}

}  // namespace

std::string ToSql(const sql::Statement& statement) {
  Printer p;
  p.Statement(statement);
  return std::move(p.out);
}

std::string ToSql(const SelectStmt& select) {
  Printer p;
  p.Select(select);
  return std::move(p.out);
}

std::string ToSql(const sql::Expr& expr) {
  Printer p;
  p.Expr(expr);
  return std::move(p.out);
}

std::string ToSql(const TypeName& type) {
  Printer p;
  p.Type(type);
  return std::move(p.out);
}

std::string QuoteIdentifier(const std::string& name) {
  bool bare = !name.empty() && !(name[0] >= '0' && name[0] <= '9') && name[0] != '$';
  for (char c : name) {
    bare = bare && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$');
  }
  if (bare && !IsReservedKeyword(name)) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string QuoteString(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace zq::sql
