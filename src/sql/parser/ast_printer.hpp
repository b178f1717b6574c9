// ToSql: prints an AST back as canonical SQL. The output parses to the same
// tree shape, so parse -> print -> parse -> print yields the first printed
// text again (the tests check this on every sqllogictest statement).
// Canonical form: keywords in upper case; names in lower case, double-quoted
// when they would not read back as written; every compound expression in
// parentheses; `x::t` printed as CAST(x AS t); `?` printed as $n.
#pragma once

#include <string>

#include "sql/parser/ast.hpp"

namespace zq::sql {

std::string ToSql(const Statement& statement);
std::string ToSql(const SelectStmt& select);
std::string ToSql(const Expr& expr);
std::string ToSql(const TypeName& type);

// A name as SQL: bare when it is a lower-case unreserved word, else quoted.
std::string QuoteIdentifier(const std::string& name);

// A string literal: 'text' with quotes doubled.
std::string QuoteString(const std::string& value);

}  // namespace zq::sql
