// Parser: SQL text -> AST (ast.hpp), for ZQLite's PostgreSQL dialect. A
// hand-written recursive-descent parser; expressions use precedence climbing
// with PostgreSQL's operator precedence (docs §4.1.6, lowest first):
//   OR < AND < NOT < IS, ISNULL, NOTNULL < comparison (= <> < > <= >=)
//   < BETWEEN, IN, LIKE, ILIKE < other operators (|| & | # << >>) < + -
//   < * / % < ^ < unary + - ~ < :: < primary
// Comparisons and BETWEEN/IN/LIKE are non-associative, as in PostgreSQL.
//
// No catalog access: names stay strings. Nothing throws out of these
// functions; an error is a Status built by MakeSqlStatus (sql_error.hpp) with
// SQLSTATE 42601 (syntax), 0A000 (recognised but not supported yet: CREATE
// TRIGGER, REINDEX, REPLACE INTO, INSERT OR ...) or 54001 (nesting deeper
// than kSqlNestingDepthMax), and the byte position of the offending token.
#pragma once

#include <string_view>
#include <vector>

#include "sql/parser/ast.hpp"
#include "util/result.hpp"

namespace zq::sql {

// Parses statements separated by ';'. Empty statements are skipped, so an
// empty or comment-only script gives an empty list.
Result<std::vector<Statement>> ParseScript(std::string_view sql);

// Parses exactly one statement (a trailing ';' is allowed).
Result<Statement> ParseStatement(std::string_view sql);

// Parses one expression (for tests and tools).
Result<ExprPtr> ParseExpression(std::string_view sql);

}  // namespace zq::sql
