// The Parser class shared by parser*.cpp. Private to src/sql/parser.
//
// Invariants: tokens_ ends with a kEnd token, and index_ never passes it;
// depth_ counts open nesting levels (DepthScope) and never exceeds
// kSqlNestingDepthMax; errors are thrown as SqlException and caught by the
// public functions in parser.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sql/lexer/sql_error.hpp"
#include "sql/lexer/token.hpp"
#include "sql/parser/ast.hpp"
#include "util/assert.hpp"

namespace zq::sql {

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens) : sql_(sql), tokens_(std::move(tokens)) {
    ZQ_ASSERT(!tokens_.empty() && tokens_.back().kind == TokenKind::kEnd);
  }

  std::vector<Statement> ParseScriptBody();
  ExprPtr ParseStandaloneExpression();

  // Counts nesting levels; every Add() may throw the 54001 error.
  class DepthScope {
   public:
    explicit DepthScope(Parser* parser, int initial = 1) : parser_(parser) {
      for (int i = 0; i < initial; i++) Add();
    }
    ~DepthScope() {
      ZQ_ASSERT(parser_->depth_ >= count_);
      parser_->depth_ -= count_;
    }
    DepthScope(const DepthScope&) = delete;
    DepthScope& operator=(const DepthScope&) = delete;
    void Add();

   private:
    Parser* parser_;
    int count_ = 0;
  };

 private:
  // ---- token access (parser.cpp)
  const Token& Peek(size_t ahead = 0) const;
  uint32_t Position() const { return Peek().position; }
  uint32_t LastEnd() const;
  void Advance();
  bool IsWord(std::string_view word, size_t ahead = 0) const;
  bool IsOp(std::string_view op, size_t ahead = 0) const;
  bool IsQueryStart(size_t ahead = 0) const;
  bool AcceptWord(std::string_view word);
  bool AcceptOp(std::string_view op);
  void ExpectWord(std::string_view word);
  void ExpectOp(std::string_view op);
  [[noreturn]] void Fail(std::string_view expected) const;
  [[noreturn]] void NotSupported(uint32_t position, std::string_view what) const;
  std::string Describe(const Token& token) const;
  bool IsNameToken(size_t ahead = 0) const;
  std::string ParseName(std::string_view what);
  std::string ParseLabel();
  QualifiedName ParseQualifiedName(std::string_view what);
  std::vector<std::string> ParseNameList(std::string_view what);
  bool ParseIfNotExists();
  bool ParseIfExists();

  // ---- statements (parser.cpp, parser_ddl.cpp)
  Statement ParseOneStatement();
  Statement::Node ParseStatementNode();
  InsertStmt ParseInsert();
  void ParseOnConflict(InsertStmt* insert);
  UpdateStmt ParseUpdate();
  DeleteStmt ParseDelete();
  std::vector<SetClause> ParseSetClauses();
  std::vector<SelectItem> ParseReturning();
  std::string ParseOptionalAlias(bool allow_bare);
  Statement::Node ParseCreate();
  CreateTableStmt ParseCreateTable(bool temporary);
  void ParseTableElement(CreateTableStmt* table);
  ColumnDef ParseColumnDef();
  bool ParseColumnConstraint(ColumnDef* column);
  TableConstraint ParseTableConstraint();
  CreateIndexStmt ParseCreateIndex(bool unique);
  IndexElem ParseIndexElem();
  CreateViewStmt ParseCreateView(bool or_replace, bool temporary);
  DropStmt ParseDrop();
  AlterTableStmt ParseAlterTable();
  TransactionStmt ParseTransaction();
  ExplainStmt ParseExplain();
  TypeName ParseTypeName();
  void ParseTypeModifiers(TypeName* type);

  // ---- queries (parser_query.cpp)
  std::unique_ptr<SelectStmt> ParseSelectStmt();
  WithClause ParseWith();
  std::unique_ptr<QueryNode> ParseSetExpr();
  std::unique_ptr<QueryNode> ParseIntersectTerm();
  std::unique_ptr<QueryNode> ParseQueryPrimary();
  SelectCore ParseSelectCore();
  ValuesCore ParseValues();
  std::vector<SelectItem> ParseSelectItems();
  SelectItem ParseSelectItem();
  std::vector<TableRefPtr> ParseFromList();
  TableRefPtr ParseTableRef();
  bool ParseJoinType(JoinType* type, bool* natural);
  TableRefPtr ParseTablePrimary();
  Alias ParseTableAlias();
  std::vector<OrderItem> ParseOrderBy();
  NullsOrder ParseNullsOrder();
  void ParseLimitOffset(SelectStmt* stmt);

  // ---- expressions (parser_expr.cpp)
  ExprPtr ParseExpr();
  int InfixPrecedence() const;
  ExprPtr ParseExprPrec(int min_precedence);
  ExprPtr ParseDefaultValue();
  ExprPtr ParsePrefix();
  ExprPtr ParseInfix(ExprPtr left, int precedence);
  ExprPtr ParseIs(ExprPtr operand);
  ExprPtr ParsePredicate(ExprPtr left);
  ExprPtr ParseBetween(ExprPtr operand, bool negated, uint32_t position);
  ExprPtr ParseIn(ExprPtr operand, bool negated, uint32_t position);
  ExprPtr ParsePostfix();
  ExprPtr ParsePrimary();
  ExprPtr ParseParenthesized();
  ExprPtr ParseNameOrCall();
  ExprPtr ParseFunctionCall(std::vector<std::string> name, uint32_t position);
  ExprPtr ParseCase();
  ExprPtr ParseCast();
  ExprPtr ParseParam();
  ExprList ParseExprList();
  ExprPtr MakeBinary(BinaryOp op, ExprPtr left, ExprPtr right, uint32_t position);

  std::string_view sql_;
  std::vector<Token> tokens_;
  size_t index_ = 0;
  int depth_ = 0;
  uint32_t question_params_ = 0;  // `?` placeholders seen so far
};

// Builds an Expr holding `node` at `position`.
template <typename T>
ExprPtr MakeExpr(uint32_t position, T node) {
  auto expr = std::make_unique<Expr>();
  expr->position = position;
  expr->node = std::move(node);
  return expr;
}

}  // namespace zq::sql
