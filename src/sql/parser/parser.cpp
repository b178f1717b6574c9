// Parser infrastructure, statement dispatch, DML statements and the public
// entry points. Grammar comments use PostgreSQL's notation: [optional],
// {a | b} alternatives, ... repetition.
#include "sql/parser/parser.hpp"

#include "sql/lexer/lexer.hpp"
#include "sql/parser/parser_internal.hpp"
#include "sql/parser/parser_limits.hpp"

namespace zq::sql {

// ---- token access -------------------------------------------------------------

void Parser::DepthScope::Add() {
  if (parser_->depth_ >= kSqlNestingDepthMax) {
    throw SqlException(SqlError{std::string(kSqlStateStatementTooComplex), parser_->Position(),
                                "statement too complex: nesting deeper than " +
                                    std::to_string(kSqlNestingDepthMax) + " levels"});
  }
  parser_->depth_++;
  count_++;
}

const Token& Parser::Peek(size_t ahead) const {
  size_t i = index_ + ahead;
  return i < tokens_.size() ? tokens_[i] : tokens_.back();
}

uint32_t Parser::LastEnd() const {
  if (index_ == 0) return 0;
  const Token& last = tokens_[index_ - 1];
  return last.position + last.length;
}

void Parser::Advance() {
  if (Peek().kind != TokenKind::kEnd) index_++;
}

bool Parser::IsWord(std::string_view word, size_t ahead) const {
  const Token& t = Peek(ahead);
  return (t.kind == TokenKind::kIdent || t.kind == TokenKind::kKeyword) && t.text == word;
}

bool Parser::IsOp(std::string_view op, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == TokenKind::kOperator && t.text == op;
}

// A query starts with SELECT, VALUES, WITH or '(' followed by a query start.
// The look-ahead stops after kSqlNestingDepthMax parentheses, which keeps
// parsing linear (input that deep fails the depth limit on either path; true
// sends it down the query path, which reports that limit).
bool Parser::IsQueryStart(size_t ahead) const {
  for (int parens = 0; IsOp("(", ahead); parens++, ahead++) {
    if (parens >= kSqlNestingDepthMax) return true;
  }
  return IsWord("select", ahead) || IsWord("values", ahead) || IsWord("with", ahead);
}

bool Parser::AcceptWord(std::string_view word) {
  if (!IsWord(word)) return false;
  Advance();
  return true;
}

bool Parser::AcceptOp(std::string_view op) {
  if (!IsOp(op)) return false;
  Advance();
  return true;
}

namespace {
std::string UpperCase(std::string_view word) {
  std::string out(word);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}
}  // namespace

void Parser::ExpectWord(std::string_view word) {
  if (!AcceptWord(word)) Fail(UpperCase(word));
}

void Parser::ExpectOp(std::string_view op) {
  if (!AcceptOp(op)) Fail("'" + std::string(op) + "'");
}

std::string Parser::Describe(const Token& token) const {
  if (token.kind == TokenKind::kEnd) return "end of input";
  constexpr size_t kShownBytesMax = 40;
  std::string_view spelling = sql_.substr(token.position, token.length);
  std::string shown(spelling.substr(0, kShownBytesMax));
  if (spelling.size() > kShownBytesMax) shown += "...";
  return "\"" + shown + "\"";
}

void Parser::Fail(std::string_view expected) const {
  const Token& t = Peek();
  ThrowSyntaxError(t.position,
                   "syntax error: expected " + std::string(expected) + ", found " + Describe(t));
}

void Parser::NotSupported(uint32_t position, std::string_view what) const {
  throw SqlException(SqlError{std::string(kSqlStateFeatureNotSupported), position,
                              std::string(what) + " is not supported yet"});
}

// Names: an unquoted non-reserved word or a "quoted" identifier.
bool Parser::IsNameToken(size_t ahead) const {
  TokenKind kind = Peek(ahead).kind;
  return kind == TokenKind::kIdent || kind == TokenKind::kQuotedIdent;
}

std::string Parser::ParseName(std::string_view what) {
  if (!IsNameToken()) Fail(what);
  std::string name = Peek().text;
  Advance();
  return name;
}

// After AS any word is allowed, reserved or not (PostgreSQL's ColLabel).
std::string Parser::ParseLabel() {
  if (Peek().kind == TokenKind::kKeyword) {
    std::string name = Peek().text;
    Advance();
    return name;
  }
  return ParseName("an alias");
}

QualifiedName Parser::ParseQualifiedName(std::string_view what) {
  QualifiedName name;
  name.name = ParseName(what);
  if (IsOp(".") && IsNameToken(1)) {
    Advance();
    name.schema = std::move(name.name);
    name.name = ParseName(what);
  }
  return name;
}

// '(' name [, ...] ')'
std::vector<std::string> Parser::ParseNameList(std::string_view what) {
  std::vector<std::string> names;
  ExpectOp("(");
  do {
    names.push_back(ParseName(what));
  } while (AcceptOp(","));
  ExpectOp(")");
  return names;
}

bool Parser::ParseIfNotExists() {
  if (!IsWord("if")) return false;
  Advance();
  ExpectWord("not");
  ExpectWord("exists");
  return true;
}

bool Parser::ParseIfExists() {
  if (!IsWord("if")) return false;
  Advance();
  ExpectWord("exists");
  return true;
}

// ---- statements -----------------------------------------------------------------

// script: [statement] [';' [statement]] ...
std::vector<Statement> Parser::ParseScriptBody() {
  std::vector<Statement> statements;
  for (;;) {
    while (AcceptOp(";")) {
    }
    if (Peek().kind == TokenKind::kEnd) return statements;
    statements.push_back(ParseOneStatement());
    if (Peek().kind != TokenKind::kEnd && !IsOp(";")) Fail("';' or end of input");
  }
}

ExprPtr Parser::ParseStandaloneExpression() {
  ExprPtr expr = ParseExpr();
  if (Peek().kind != TokenKind::kEnd) Fail("end of input");
  return expr;
}

Statement Parser::ParseOneStatement() {
  Statement statement;
  statement.position = Position();
  statement.node = ParseStatementNode();
  statement.end_position = LastEnd();
  return statement;
}

Statement::Node Parser::ParseStatementNode() {
  if (IsQueryStart()) return std::move(*ParseSelectStmt());
  if (IsWord("insert")) return ParseInsert();
  if (IsWord("update")) return ParseUpdate();
  if (IsWord("delete")) return ParseDelete();
  if (IsWord("create")) return ParseCreate();
  if (IsWord("drop")) return ParseDrop();
  if (IsWord("alter")) return ParseAlterTable();
  if (IsWord("explain")) return ParseExplain();
  static constexpr std::string_view kTransactionWords[] = {
      "begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release"};
  for (std::string_view word : kTransactionWords) {
    if (IsWord(word)) return ParseTransaction();
  }
  if (IsWord("replace")) NotSupported(Position(), "REPLACE INTO (use INSERT ... ON CONFLICT)");
  if (IsWord("reindex")) NotSupported(Position(), "REINDEX");
  Fail("a statement");
}

// INSERT INTO name [AS alias] ['(' columns ')'] {DEFAULT VALUES | query}
//   [ON CONFLICT ...] [RETURNING items]
InsertStmt Parser::ParseInsert() {
  uint32_t start = Position();
  ExpectWord("insert");
  if (IsWord("or")) NotSupported(start, "INSERT OR ... (use INSERT ... ON CONFLICT)");
  ExpectWord("into");
  InsertStmt insert;
  insert.table = ParseQualifiedName("a table name");
  if (AcceptWord("as")) insert.alias = ParseName("an alias");
  if (IsOp("(") && !IsQueryStart()) insert.columns = ParseNameList("a column name");
  if (AcceptWord("default")) {
    ExpectWord("values");
  } else if (IsQueryStart()) {
    insert.source = ParseSelectStmt();
  } else {
    Fail("VALUES, SELECT or DEFAULT VALUES");
  }
  if (IsWord("on")) ParseOnConflict(&insert);
  insert.returning = ParseReturning();
  return insert;
}

// ON CONFLICT ['(' columns ')'] DO {NOTHING | UPDATE SET ... [WHERE cond]}
void Parser::ParseOnConflict(InsertStmt* insert) {
  ExpectWord("on");
  ExpectWord("conflict");
  OnConflict conflict;
  if (IsOp("(")) conflict.columns = ParseNameList("a column name");
  ExpectWord("do");
  if (AcceptWord("nothing")) {
    insert->on_conflict = std::move(conflict);
    return;
  }
  if (!IsWord("update")) Fail("NOTHING or UPDATE");
  Advance();
  conflict.do_update = true;
  ExpectWord("set");
  conflict.set = ParseSetClauses();
  if (AcceptWord("where")) conflict.where = ParseExpr();
  insert->on_conflict = std::move(conflict);
}

// UPDATE name [[AS] alias] SET ... [FROM from_list] [WHERE cond] [RETURNING ...]
UpdateStmt Parser::ParseUpdate() {
  ExpectWord("update");
  UpdateStmt update;
  update.table = ParseQualifiedName("a table name");
  if (!IsWord("set")) update.alias = ParseOptionalAlias(true);
  ExpectWord("set");
  update.set = ParseSetClauses();
  if (AcceptWord("from")) update.from = ParseFromList();
  if (AcceptWord("where")) update.where = ParseExpr();
  update.returning = ParseReturning();
  return update;
}

// DELETE FROM name [[AS] alias] [WHERE cond] [RETURNING ...]
DeleteStmt Parser::ParseDelete() {
  ExpectWord("delete");
  ExpectWord("from");
  DeleteStmt del;
  del.table = ParseQualifiedName("a table name");
  del.alias = ParseOptionalAlias(true);
  if (AcceptWord("where")) del.where = ParseExpr();
  del.returning = ParseReturning();
  return del;
}

// column = {expr | DEFAULT} [, ...]
std::vector<SetClause> Parser::ParseSetClauses() {
  std::vector<SetClause> clauses;
  do {
    SetClause clause;
    clause.position = Position();
    clause.column = ParseName("a column name");
    ExpectOp("=");
    clause.value = ParseExpr();
    clauses.push_back(std::move(clause));
  } while (AcceptOp(","));
  return clauses;
}

std::vector<SelectItem> Parser::ParseReturning() {
  if (!AcceptWord("returning")) return {};
  return ParseSelectItems();
}

// [AS name | name]; a bare name must be an unreserved word or quoted.
std::string Parser::ParseOptionalAlias(bool allow_bare) {
  if (AcceptWord("as")) return ParseLabel();
  if (allow_bare && IsNameToken()) return ParseName("an alias");
  return "";
}

// {BEGIN | START} [TRANSACTION | WORK] | {COMMIT | END} [TRANSACTION | WORK]
// | {ROLLBACK | ABORT} [TRANSACTION | WORK] [TO [SAVEPOINT] name]
// | SAVEPOINT name | RELEASE [SAVEPOINT] name
TransactionStmt Parser::ParseTransaction() {
  TransactionStmt txn;
  auto skip_noise = [this] { return AcceptWord("transaction") || AcceptWord("work"); };
  if (AcceptWord("begin")) {
    skip_noise();
  } else if (AcceptWord("start")) {
    ExpectWord("transaction");
  } else if (AcceptWord("commit") || AcceptWord("end")) {
    txn.op = TransactionOp::kCommit;
    skip_noise();
  } else if (AcceptWord("rollback") || AcceptWord("abort")) {
    txn.op = TransactionOp::kRollback;
    skip_noise();
    if (AcceptWord("to")) {
      AcceptWord("savepoint");
      txn.op = TransactionOp::kRollbackToSavepoint;
      txn.savepoint = ParseName("a savepoint name");
    }
  } else if (AcceptWord("savepoint")) {
    txn.op = TransactionOp::kSavepoint;
    txn.savepoint = ParseName("a savepoint name");
  } else {
    ExpectWord("release");
    AcceptWord("savepoint");
    txn.op = TransactionOp::kRelease;
    txn.savepoint = ParseName("a savepoint name");
  }
  return txn;
}

// EXPLAIN [ANALYZE] statement
ExplainStmt Parser::ParseExplain() {
  DepthScope depth(this);
  ExpectWord("explain");
  ExplainStmt explain;
  explain.analyze = AcceptWord("analyze") || AcceptWord("analyse");
  explain.statement = std::make_unique<Statement>(ParseOneStatement());
  return explain;
}

// ---- public entry points -----------------------------------------------------------

namespace {
template <typename F>
auto RunParser(std::string_view sql, F body) -> Result<decltype(body(std::declval<Parser*>()))> {
  try {
    Parser parser(sql, TokenizeOrThrow(sql, kSqlTokenCountMax));
    return body(&parser);
  } catch (const SqlException& e) {
    return MakeSqlStatus(e.error());
  }
}
}  // namespace

Result<std::vector<Statement>> ParseScript(std::string_view sql) {
  return RunParser(sql, [](Parser* p) { return p->ParseScriptBody(); });
}

Result<Statement> ParseStatement(std::string_view sql) {
  auto script = ParseScript(sql);
  if (!script.ok()) return script.status();
  if (script->size() != 1) {
    uint32_t position = script->size() > 1 ? (*script)[1].position : 0;
    return MakeSqlStatus(
        SqlError{std::string(kSqlStateSyntaxError), position,
                 "expected exactly one statement, found " + std::to_string(script->size())});
  }
  return std::move(script->front());
}

Result<ExprPtr> ParseExpression(std::string_view sql) {
  return RunParser(sql, [](Parser* p) { return p->ParseStandaloneExpression(); });
}

}  // namespace zq::sql
