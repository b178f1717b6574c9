// Token: one lexical unit of SQL text with its byte position.
//
// Invariants: `position` is the byte offset of the token's first character in
// the text given to Tokenize(); `length` covers the whole spelling (quotes and
// prefixes included). `text` holds the token's value, already decoded:
//   kIdent, kKeyword   unquoted word folded to lower case (ASCII only, as PostgreSQL)
//   kQuotedIdent       the name between double quotes, "" undone, case kept
//   kInteger, kDecimal the digits as written (exact NUMERIC needs the text)
//   kString            the string value, '' and E'' escapes undone
//   kBytea             the hex digits of X'..' (even count, lower case)
//   kParam             "" for '?', else the digits of $n
//   kOperator          the operator or punctuation, "!=" normalised to "<>"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zq::sql {

enum class TokenKind : unsigned char {
  kEnd,  // end of input, position = text size
  kIdent,
  kQuotedIdent,
  kKeyword,  // a reserved word: not usable as a bare name
  kInteger,
  kDecimal,
  kString,
  kBytea,
  kParam,
  kOperator,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  uint32_t position = 0;
  uint32_t length = 0;
};

std::string_view TokenKindName(TokenKind kind);

}  // namespace zq::sql
