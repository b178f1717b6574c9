#include "sql/lexer/lexer.hpp"

#include <gtest/gtest.h>

#include "sql/lexer/sql_error.hpp"

namespace zq::sql {
namespace {

std::vector<Token> Lex(std::string_view sql) {
  auto result = Tokenize(sql);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(result).value() : std::vector<Token>{};
}

// The SQLSTATE and position of a failed Tokenize.
SqlError LexError(std::string_view sql) {
  auto result = Tokenize(sql);
  EXPECT_FALSE(result.ok()) << sql;
  if (result.ok()) return {};
  auto error = DecodeSqlError(result.status());
  EXPECT_TRUE(error.has_value()) << result.status().ToString();
  return error.value_or(SqlError{});
}

TEST(Lexer, WordsFoldAndKeywordsAreMarked) {
  auto t = Lex("SELECT Foo, \"Bar\"\"x\" FROM t_1$");
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[0].kind, TokenKind::kKeyword);
  EXPECT_EQ(t[0].text, "select");
  EXPECT_EQ(t[1].kind, TokenKind::kIdent);
  EXPECT_EQ(t[1].text, "foo");
  EXPECT_EQ(t[1].position, 7u);
  EXPECT_EQ(t[2].text, ",");
  EXPECT_EQ(t[3].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ(t[3].text, "Bar\"x");
  EXPECT_EQ(t[3].position, 12u);
  EXPECT_EQ(t[3].length, 8u);
  EXPECT_EQ(t[4].kind, TokenKind::kKeyword);
  EXPECT_EQ(t[5].text, "t_1$");
  EXPECT_EQ(t[6].kind, TokenKind::kEnd);
  EXPECT_EQ(t[6].position, 30u);
}

TEST(Lexer, UnreservedKeywordsAreIdentifiers) {
  auto t = Lex("begin Index VIEW");
  EXPECT_EQ(t[0].kind, TokenKind::kIdent);
  EXPECT_EQ(t[1].text, "index");
  EXPECT_EQ(t[2].kind, TokenKind::kIdent);
}

TEST(Lexer, Numbers) {
  auto t = Lex("42 4.2 .5 5. 1e10 1.5E-3 2e+7");
  std::vector<std::pair<TokenKind, std::string>> want = {
      {TokenKind::kInteger, "42"},  {TokenKind::kDecimal, "4.2"},  {TokenKind::kDecimal, ".5"},
      {TokenKind::kDecimal, "5."},  {TokenKind::kDecimal, "1e10"}, {TokenKind::kDecimal, "1.5E-3"},
      {TokenKind::kDecimal, "2e+7"}};
  ASSERT_EQ(t.size(), want.size() + 1);
  for (size_t i = 0; i < want.size(); i++) {
    EXPECT_EQ(t[i].kind, want[i].first) << i;
    EXPECT_EQ(t[i].text, want[i].second) << i;
  }
  // A huge integer stays exact text: NUMERIC needs every digit.
  EXPECT_EQ(Lex("340282366920938463463374607431768211455")[0].text,
            "340282366920938463463374607431768211455");
}

TEST(Lexer, NumberErrors) {
  SqlError e = LexError("SELECT 12abc");
  EXPECT_EQ(e.sqlstate, "42601");
  EXPECT_EQ(e.position, 7u);
  EXPECT_NE(e.message.find("trailing junk"), std::string::npos);
  EXPECT_EQ(LexError("SELECT 1e").position, 7u);
}

TEST(Lexer, Strings) {
  auto t = Lex("'it''s' '' E'a\\nb\\t\\\\\\'' e'\\x41\\101\\u00e9\\U0001F600' E'x''y'");
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t[0].kind, TokenKind::kString);
  EXPECT_EQ(t[0].text, "it's");
  EXPECT_EQ(t[1].text, "");
  EXPECT_EQ(t[2].text, "a\nb\t\\'");
  EXPECT_EQ(t[3].text, "AA\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(t[4].text, "x'y");
  // Standard strings keep backslashes (standard_conforming_strings = on).
  EXPECT_EQ(Lex("'\\x0102'")[0].text, "\\x0102");
}

TEST(Lexer, StringErrors) {
  SqlError e = LexError("SELECT 'abc");
  EXPECT_EQ(e.position, 7u);
  EXPECT_NE(e.message.find("unterminated quoted string"), std::string::npos);
  EXPECT_EQ(LexError("SELECT E'\\u12'").position, 9u);
  EXPECT_EQ(LexError("SELECT E'\\uD800'").position, 9u);
  EXPECT_EQ(LexError("x \"abc").position, 2u);
  EXPECT_EQ(LexError("SELECT E'a\\000'").position, 10u);
  EXPECT_EQ(LexError("SELECT E'\\x00'").position, 9u);
  EXPECT_NE(LexError("\"\"").message.find("zero-length"), std::string::npos);
}

TEST(Lexer, ByteaLiterals) {
  auto t = Lex("X'0aFF' x''");
  EXPECT_EQ(t[0].kind, TokenKind::kBytea);
  EXPECT_EQ(t[0].text, "0aff");
  EXPECT_EQ(t[1].text, "");
  std::string bytes;
  EXPECT_TRUE(DecodeHex(t[0].text, &bytes));
  EXPECT_EQ(bytes, "\x0a\xff");
  EXPECT_FALSE(DecodeHex("abc", &bytes));
  EXPECT_FALSE(DecodeHex("zz", &bytes));
  EXPECT_EQ(LexError("X'abc'").position, 0u);
  EXPECT_EQ(LexError("X'0g'").position, 3u);
}

TEST(Lexer, Parameters) {
  auto t = Lex("$1 ? $12");
  EXPECT_EQ(t[0].kind, TokenKind::kParam);
  EXPECT_EQ(t[0].text, "1");
  EXPECT_EQ(t[1].kind, TokenKind::kParam);
  EXPECT_EQ(t[1].text, "");
  EXPECT_EQ(t[2].text, "12");
  EXPECT_EQ(LexError("a = $0").position, 4u);
  EXPECT_EQ(LexError("a = $").position, 4u);
  EXPECT_EQ(LexError("a = $01").position, 4u);
}

TEST(Lexer, Operators) {
  auto t = Lex("a||b::int<>c!=d<=e>=f<-g");
  std::vector<std::string> texts;
  for (const Token& token : t) texts.push_back(token.text);
  std::vector<std::string> want = {"a",  "||", "b",  "::", "int", "<>", "c", "<>", "d",
                                   "<=", "e",  ">=", "f",  "<",   "-",  "g", ""};
  EXPECT_EQ(texts, want);
  EXPECT_EQ(LexError("SELECT @").position, 7u);
}

TEST(Lexer, CommentsNestAndAreSkipped) {
  auto t = Lex("SELECT -- line\n 1 /* a /* nested */ still */ + /**/2");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[1].text, "1");
  EXPECT_EQ(t[1].position, 16u);
  EXPECT_EQ(t[2].text, "+");
  EXPECT_EQ(t[3].text, "2");
  EXPECT_EQ(Lex("-- only a comment").size(), 1u);
  SqlError e = LexError("SELECT /* a /* b */");
  EXPECT_EQ(e.position, 7u);
  EXPECT_NE(e.message.find("unterminated /* comment"), std::string::npos);
}

TEST(Lexer, ErrorStatusEncodesSqlstateAndPosition) {
  auto result = Tokenize("SELECT 'x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message().substr(0, 25), "SQLSTATE 42601 at byte 7:");
  EXPECT_FALSE(DecodeSqlError(Status::IOError("x")).has_value());
  EXPECT_FALSE(DecodeSqlError(Status()).has_value());
}

}  // namespace
}  // namespace zq::sql
