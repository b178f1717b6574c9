// Queries: SELECT, VALUES, set operations, WITH, FROM and joins, ORDER BY,
// LIMIT/OFFSET.
#include "sql/parser/parser_internal.hpp"

namespace zq::sql {

// [WITH ...] set_expr [ORDER BY ...] [LIMIT {expr | ALL}] [OFFSET expr [ROW | ROWS]]
std::unique_ptr<SelectStmt> Parser::ParseSelectStmt() {
  DepthScope depth(this);
  auto stmt = std::make_unique<SelectStmt>();
  stmt->position = Position();
  if (IsWord("with")) stmt->with = ParseWith();
  stmt->body = ParseSetExpr();
  if (IsWord("order")) stmt->order_by = ParseOrderBy();
  ParseLimitOffset(stmt.get());
  return stmt;
}

// WITH [RECURSIVE] name ['(' columns ')'] AS '(' query ')' [, ...]
WithClause Parser::ParseWith() {
  ExpectWord("with");
  WithClause with;
  with.recursive = AcceptWord("recursive");
  do {
    CommonTableExpr cte;
    cte.name = ParseName("a common table expression name");
    if (IsOp("(")) cte.columns = ParseNameList("a column name");
    ExpectWord("as");
    if (IsWord("materialized") || IsWord("not")) {
      NotSupported(Position(), "[NOT] MATERIALIZED");
    }
    ExpectOp("(");
    if (!IsQueryStart()) Fail("a query");
    cte.query = ParseSelectStmt();
    ExpectOp(")");
    with.ctes.push_back(std::move(cte));
  } while (AcceptOp(","));
  return with;
}

namespace {
std::unique_ptr<QueryNode> MakeSetOp(SetOpKind op, bool all, std::unique_ptr<QueryNode> left,
                                     std::unique_ptr<QueryNode> right) {
  auto node = std::make_unique<QueryNode>();
  node->position = left->position;
  node->node = SetOpNode{op, all, std::move(left), std::move(right)};
  return node;
}
}  // namespace

// set_expr: term {{UNION | EXCEPT} [ALL | DISTINCT] term}...; INTERSECT binds tighter.
std::unique_ptr<QueryNode> Parser::ParseSetExpr() {
  DepthScope links(this, 0);
  auto left = ParseIntersectTerm();
  while (IsWord("union") || IsWord("except")) {
    SetOpKind op = IsWord("union") ? SetOpKind::kUnion : SetOpKind::kExcept;
    Advance();
    bool all = AcceptWord("all");
    if (!all) AcceptWord("distinct");
    links.Add();
    left = MakeSetOp(op, all, std::move(left), ParseIntersectTerm());
  }
  return left;
}

std::unique_ptr<QueryNode> Parser::ParseIntersectTerm() {
  DepthScope links(this, 0);
  auto left = ParseQueryPrimary();
  while (AcceptWord("intersect")) {
    bool all = AcceptWord("all");
    if (!all) AcceptWord("distinct");
    links.Add();
    left = MakeSetOp(SetOpKind::kIntersect, all, std::move(left), ParseQueryPrimary());
  }
  return left;
}

// SELECT ... | VALUES ... | '(' query ')'
std::unique_ptr<QueryNode> Parser::ParseQueryPrimary() {
  auto node = std::make_unique<QueryNode>();
  node->position = Position();
  if (IsWord("select")) {
    node->node = ParseSelectCore();
  } else if (IsWord("values")) {
    node->node = ParseValues();
  } else if (IsOp("(") && IsQueryStart(1)) {
    Advance();
    node->node = ParseSelectStmt();
    ExpectOp(")");
  } else {
    Fail("SELECT, VALUES or '(' query ')'");
  }
  return node;
}

// SELECT [ALL | DISTINCT] items [FROM ...] [WHERE cond] [GROUP BY exprs] [HAVING cond]
SelectCore Parser::ParseSelectCore() {
  ExpectWord("select");
  SelectCore core;
  if (AcceptWord("distinct")) {
    if (IsWord("on")) NotSupported(Position(), "DISTINCT ON");
    core.distinct = true;
  } else {
    AcceptWord("all");
  }
  core.items = ParseSelectItems();
  if (AcceptWord("from")) core.from = ParseFromList();
  if (AcceptWord("where")) core.where = ParseExpr();
  if (AcceptWord("group")) {
    ExpectWord("by");
    do {
      core.group_by.push_back(ParseExpr());
    } while (AcceptOp(","));
  }
  if (AcceptWord("having")) core.having = ParseExpr();
  if (IsWord("window")) NotSupported(Position(), "WINDOW");
  return core;
}

// VALUES '(' expr [, ...] ')' [, ...]
ValuesCore Parser::ParseValues() {
  ExpectWord("values");
  ValuesCore values;
  do {
    ExpectOp("(");
    values.rows.push_back(ParseExprList());
    ExpectOp(")");
  } while (AcceptOp(","));
  return values;
}

std::vector<SelectItem> Parser::ParseSelectItems() {
  std::vector<SelectItem> items;
  do {
    items.push_back(ParseSelectItem());
  } while (AcceptOp(","));
  return items;
}

// '*' | expr [[AS] alias]  (t.* comes out of the expression parser)
SelectItem Parser::ParseSelectItem() {
  SelectItem item;
  if (IsOp("*")) {
    item.expr = MakeExpr(Position(), StarExpr{});
    Advance();
    return item;
  }
  item.expr = ParseExpr();
  if (!item.expr->As<StarExpr>()) item.alias = ParseOptionalAlias(true);
  return item;
}

std::vector<TableRefPtr> Parser::ParseFromList() {
  std::vector<TableRefPtr> from;
  do {
    from.push_back(ParseTableRef());
  } while (AcceptOp(","));
  return from;
}

// Reads a join operator, if any: [NATURAL] [INNER | {LEFT | RIGHT | FULL} [OUTER]] JOIN
// or CROSS JOIN.
bool Parser::ParseJoinType(JoinType* type, bool* natural) {
  *natural = false;
  if (AcceptWord("cross")) {
    ExpectWord("join");
    *type = JoinType::kCross;
    return true;
  }
  if (AcceptWord("natural")) *natural = true;
  *type = JoinType::kInner;
  if (AcceptWord("left")) {
    *type = JoinType::kLeft;
  } else if (AcceptWord("right")) {
    *type = JoinType::kRight;
  } else if (AcceptWord("full")) {
    *type = JoinType::kFull;
  }
  if (*type != JoinType::kInner) {
    AcceptWord("outer");
  } else if (!AcceptWord("inner") && !IsWord("join")) {
    if (*natural) Fail("JOIN");
    return false;
  }
  ExpectWord("join");
  return true;
}

// table_primary {join_op table_primary [ON cond | USING '(' columns ')']}...
TableRefPtr Parser::ParseTableRef() {
  DepthScope links(this);
  TableRefPtr left = ParseTablePrimary();
  JoinType type;
  bool natural;
  for (;;) {
    uint32_t position = Position();
    if (!ParseJoinType(&type, &natural)) return left;
    links.Add();
    JoinRef join;
    join.type = type;
    join.natural = natural;
    join.left = std::move(left);
    join.right = ParseTablePrimary();
    if (type != JoinType::kCross && !natural) {
      if (AcceptWord("using")) {
        join.using_columns = ParseNameList("a column name");
      } else {
        ExpectWord("on");
        join.on = ParseExpr();
      }
    }
    left = std::make_unique<TableRef>();
    left->position = position;
    left->node = std::move(join);
  }
}

// name [alias] | '(' query ')' [alias] | '(' table_ref ')'
TableRefPtr Parser::ParseTablePrimary() {
  auto ref = std::make_unique<TableRef>();
  ref->position = Position();
  if (IsOp("(")) {
    if (IsQueryStart(1)) {
      Advance();
      SubqueryRef sub;
      sub.query = ParseSelectStmt();
      ExpectOp(")");
      sub.alias = ParseTableAlias();
      ref->node = std::move(sub);
      return ref;
    }
    Advance();
    TableRefPtr inner = ParseTableRef();
    ExpectOp(")");
    return inner;
  }
  if (IsWord("lateral")) NotSupported(Position(), "LATERAL");
  if (IsNameToken() && IsOp("(", 1)) NotSupported(Position(), "table functions in FROM");
  BaseTableRef base;
  base.name = ParseQualifiedName("a table name");
  base.alias = ParseTableAlias();
  ref->node = std::move(base);
  return ref;
}

// [[AS] name ['(' columns ')']]
Alias Parser::ParseTableAlias() {
  Alias alias;
  alias.name = ParseOptionalAlias(true);
  if (!alias.name.empty() && IsOp("(")) alias.columns = ParseNameList("a column name");
  return alias;
}

// ORDER BY expr [ASC | DESC] [NULLS {FIRST | LAST}] [, ...]
std::vector<OrderItem> Parser::ParseOrderBy() {
  ExpectWord("order");
  ExpectWord("by");
  std::vector<OrderItem> items;
  do {
    OrderItem item;
    item.expr = ParseExpr();
    if (AcceptWord("desc")) {
      item.descending = true;
    } else {
      AcceptWord("asc");
    }
    item.nulls = ParseNullsOrder();
    items.push_back(std::move(item));
  } while (AcceptOp(","));
  return items;
}

NullsOrder Parser::ParseNullsOrder() {
  if (!AcceptWord("nulls")) return NullsOrder::kDefault;
  if (AcceptWord("first")) return NullsOrder::kFirst;
  ExpectWord("last");
  return NullsOrder::kLast;
}

// LIMIT and OFFSET, in either order (as PostgreSQL accepts).
void Parser::ParseLimitOffset(SelectStmt* stmt) {
  for (int i = 0; i < 2; i++) {
    if (!stmt->limit && AcceptWord("limit")) {
      if (!AcceptWord("all")) stmt->limit = ParseExpr();
    } else if (!stmt->offset && AcceptWord("offset")) {
      stmt->offset = ParseExpr();
      if (!AcceptWord("rows")) AcceptWord("row");
    }
  }
  if (IsWord("fetch")) NotSupported(Position(), "FETCH FIRST");
}

}  // namespace zq::sql
