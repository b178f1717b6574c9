// Lexer: SQL text -> tokens, following PostgreSQL's lexical rules (PostgreSQL
// docs §4.1 "Lexical Structure"):
// - unquoted identifiers and keywords are folded to lower case; "quoted" ones
//   keep their case and use "" for a quote;
// - numbers: 42, 4.2, .5, 5., 1e10, 1.5E-3 (kept as text);
// - 'strings' with '' for a quote; E'...' with backslash escapes (\n \t \b \f
//   \r \\ \' \ooo \xhh \uXXXX \UXXXXXXXX); X'hex' bytea literals. A plain
//   '\x0102' stays a string: the binder reads it as bytea hex when cast;
// - $1 and ? parameters; operators || :: <> != <= >= and single characters;
// - -- line comments and nested /* */ block comments are skipped.
// Errors: SQLSTATE 42601 with the byte position of the offending token.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "sql/lexer/token.hpp"
#include "util/result.hpp"

namespace zq::sql {

// Tokenizes the whole text. The last token is always kEnd.
Result<std::vector<Token>> Tokenize(std::string_view sql);

// Same, throwing SqlException on error (for use inside the sql layer). More
// than `token_count_max` tokens (kEnd included) is error 54001.
std::vector<Token> TokenizeOrThrow(std::string_view sql,
                                   size_t token_count_max = std::numeric_limits<size_t>::max());

// True for a word that is reserved in PostgreSQL and so never a bare name.
bool IsReservedKeyword(std::string_view lower_word);

// Decodes an even-length string of hex digits into bytes; false if malformed.
bool DecodeHex(std::string_view hex, std::string* out);

}  // namespace zq::sql
