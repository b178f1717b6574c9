// Lexer implementation: one pass over the bytes, no backtracking beyond one
// character of lookahead. See lexer.hpp for the rules.
#include "sql/lexer/lexer.hpp"

#include <algorithm>
#include <array>

#include "sql/lexer/sql_error.hpp"

namespace zq::sql {

namespace {

// PostgreSQL's reserved words (Appendix C, "reserved" and the reserved-as-
// function-or-type group that the grammar needs: join words, LIKE, IS ...),
// plus VALUES so `INSERT INTO t VALUES` never reads VALUES as a name.
// clang-format off
constexpr std::array<std::string_view, 95> kReservedWords = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "between",
    "both", "case", "cast", "check", "collate", "column", "constraint", "create", "cross",
    "current_date", "current_role", "current_time", "current_timestamp", "current_user",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
    "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having",
    "ilike", "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral",
    "leading", "left", "like", "limit", "localtime", "localtimestamp", "natural", "not",
    "notnull", "null", "offset", "on", "only", "or", "order", "outer", "placing", "primary",
    "references", "returning", "right", "select", "session_user", "similar", "some", "symmetric",
    "table", "then", "to", "trailing", "true", "union", "unique", "user", "using", "values",
    "variadic", "verbose", "when", "where", "window", "with"};
// clang-format on
static_assert(std::is_sorted(kReservedWords.begin(), kReservedWords.end()),
              "IsReservedKeyword() binary-searches the list");

// Texts are addressed by 32-bit byte positions; a statement this large is a
// mistake, not a query (PostgreSQL caps a query string at 1 GiB as well).
constexpr size_t kSqlTextBytesMax = size_t{1} << 30;

bool IsIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool IsIdentChar(unsigned char c) {
  return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$';
}
bool IsDigit(unsigned char c) {
  return c >= '0' && c <= '9';
}
bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Lexer {
 public:
  Lexer(std::string_view sql, size_t token_count_max)
      : sql_(sql), token_count_max_(token_count_max) {}

  std::vector<Token> Run() {
    if (sql_.size() > kSqlTextBytesMax) {
      throw SqlException(
          SqlError{std::string(kSqlStateStatementTooComplex), 0, "SQL text is longer than 1 GiB"});
    }
    std::vector<Token> tokens;
    for (;;) {
      SkipSpaceAndComments();
      Token token;
      token.position = static_cast<uint32_t>(pos_);
      if (pos_ >= sql_.size()) {
        tokens.push_back(std::move(token));
        return tokens;
      }
      if (tokens.size() + 1 >= token_count_max_) {
        throw SqlException(
            SqlError{std::string(kSqlStateStatementTooComplex), token.position,
                     "SQL text has more than " + std::to_string(token_count_max_) + " tokens"});
      }
      LexOne(&token);
      token.length = static_cast<uint32_t>(pos_ - token.position);
      tokens.push_back(std::move(token));
    }
  }

 private:
  unsigned char At(size_t i) const { return i < sql_.size() ? sql_[i] : '\0'; }
  unsigned char Cur() const { return At(pos_); }
  unsigned char Next() const { return At(pos_ + 1); }
  uint32_t Pos32(size_t p) const { return static_cast<uint32_t>(p); }

  void SkipSpaceAndComments();
  void SkipBlockComment();
  void LexOne(Token* token);
  void LexWord(Token* token);
  void LexQuotedIdent(Token* token);
  void LexNumber(Token* token);
  void LexString(Token* token);  // pos_ at the opening quote
  void LexEscapeString(Token* token);
  void LexEscape(std::string* out);
  void LexBytea(Token* token);
  void LexParam(Token* token);
  void LexOperator(Token* token);

  std::string_view sql_;
  size_t token_count_max_;
  size_t pos_ = 0;
};

void Lexer::SkipSpaceAndComments() {
  for (;;) {
    if (IsSpace(Cur())) {
      pos_++;
    } else if (Cur() == '-' && Next() == '-') {
      while (pos_ < sql_.size() && Cur() != '\n') pos_++;
    } else if (Cur() == '/' && Next() == '*') {
      SkipBlockComment();
    } else {
      return;
    }
  }
}

// Block comments nest, as in PostgreSQL (and the SQL standard).
void Lexer::SkipBlockComment() {
  size_t start = pos_;
  size_t depth = 0;
  while (pos_ < sql_.size()) {
    if (Cur() == '/' && Next() == '*') {
      depth++;
      pos_ += 2;
    } else if (Cur() == '*' && Next() == '/') {
      depth--;
      pos_ += 2;
      if (depth == 0) return;
    } else {
      pos_++;
    }
  }
  ThrowSyntaxError(Pos32(start), "unterminated /* comment");
}

void Lexer::LexOne(Token* token) {
  unsigned char c = Cur();
  unsigned char quote_next = Next();
  if ((c == 'e' || c == 'E') && quote_next == '\'') return LexEscapeString(token);
  if ((c == 'x' || c == 'X') && quote_next == '\'') return LexBytea(token);
  if (IsIdentStart(c)) return LexWord(token);
  if (c == '"') return LexQuotedIdent(token);
  if (IsDigit(c) || (c == '.' && IsDigit(Next()))) return LexNumber(token);
  if (c == '\'') return LexString(token);
  if (c == '$' || c == '?') return LexParam(token);
  LexOperator(token);
}

void Lexer::LexWord(Token* token) {
  size_t start = pos_;
  while (pos_ < sql_.size() && IsIdentChar(Cur())) pos_++;
  std::string word(sql_.substr(start, pos_ - start));
  for (char& ch : word) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  token->kind = IsReservedKeyword(word) ? TokenKind::kKeyword : TokenKind::kIdent;
  token->text = std::move(word);
}

void Lexer::LexQuotedIdent(Token* token) {
  size_t start = pos_;
  pos_++;
  std::string name;
  for (;;) {
    if (pos_ >= sql_.size()) ThrowSyntaxError(Pos32(start), "unterminated quoted identifier");
    if (Cur() == '"') {
      if (Next() != '"') break;
      pos_++;
    }
    name.push_back(static_cast<char>(Cur()));
    pos_++;
  }
  pos_++;
  if (name.empty()) ThrowSyntaxError(Pos32(start), "zero-length delimited identifier");
  token->kind = TokenKind::kQuotedIdent;
  token->text = std::move(name);
}

void Lexer::LexNumber(Token* token) {
  size_t start = pos_;
  bool is_decimal = false;
  while (IsDigit(Cur())) pos_++;
  // "1..2" is not a number followed by ".2"; PostgreSQL leaves ".." alone too.
  if (Cur() == '.' && Next() != '.') {
    is_decimal = true;
    pos_++;
    while (IsDigit(Cur())) pos_++;
  }
  if (Cur() == 'e' || Cur() == 'E') {
    size_t exp = pos_ + 1;
    if (At(exp) == '+' || At(exp) == '-') exp++;
    if (!IsDigit(At(exp))) {
      ThrowSyntaxError(Pos32(start), "trailing junk after numeric literal");
    }
    is_decimal = true;
    pos_ = exp;
    while (IsDigit(Cur())) pos_++;
  }
  if (IsIdentStart(Cur())) {
    ThrowSyntaxError(Pos32(start), "trailing junk after numeric literal");
  }
  token->kind = is_decimal ? TokenKind::kDecimal : TokenKind::kInteger;
  token->text = std::string(sql_.substr(start, pos_ - start));
}

void Lexer::LexString(Token* token) {
  size_t start = pos_;
  pos_++;
  std::string value;
  for (;;) {
    if (pos_ >= sql_.size()) ThrowSyntaxError(Pos32(start), "unterminated quoted string");
    if (Cur() == '\'') {
      if (Next() != '\'') break;
      pos_++;
    }
    value.push_back(static_cast<char>(Cur()));
    pos_++;
  }
  pos_++;
  token->kind = TokenKind::kString;
  token->text = std::move(value);
}

void Lexer::LexEscapeString(Token* token) {
  size_t start = pos_;
  pos_ += 2;
  std::string value;
  for (;;) {
    if (pos_ >= sql_.size()) ThrowSyntaxError(Pos32(start), "unterminated quoted string");
    unsigned char c = Cur();
    if (c == '\'' && Next() == '\'') {
      value.push_back('\'');
      pos_ += 2;
    } else if (c == '\'') {
      break;
    } else if (c == '\\') {
      LexEscape(&value);
    } else {
      value.push_back(static_cast<char>(c));
      pos_++;
    }
  }
  pos_++;
  token->kind = TokenKind::kString;
  token->text = std::move(value);
}

// One backslash escape inside E'...'; pos_ is at the backslash.
void Lexer::LexEscape(std::string* out) {
  size_t start = pos_;
  unsigned char c = Next();
  pos_ += 2;
  switch (c) {
    case 'b':
      out->push_back('\b');
      return;
    case 'f':
      out->push_back('\f');
      return;
    case 'n':
      out->push_back('\n');
      return;
    case 'r':
      out->push_back('\r');
      return;
    case 't':
      out->push_back('\t');
      return;
    default:
      break;
  }
  if (c >= '0' && c <= '7') {
    uint32_t value = c - '0';
    for (int i = 0; i < 2 && Cur() >= '0' && Cur() <= '7'; i++, pos_++) {
      value = value * 8 + (Cur() - '0');
    }
    if ((value & 0xFF) == 0) ThrowSyntaxError(Pos32(start), "invalid null byte in E'' string");
    out->push_back(static_cast<char>(value & 0xFF));
  } else if (c == 'x' && HexValue(Cur()) >= 0) {
    uint32_t value = 0;
    for (int i = 0; i < 2 && HexValue(Cur()) >= 0; i++, pos_++) {
      value = value * 16 + static_cast<uint32_t>(HexValue(Cur()));
    }
    if (value == 0) ThrowSyntaxError(Pos32(start), "invalid null byte in E'' string");
    out->push_back(static_cast<char>(value));
  } else if (c == 'u' || c == 'U') {
    int digits = c == 'u' ? 4 : 8;
    uint32_t cp = 0;
    for (int i = 0; i < digits; i++, pos_++) {
      if (HexValue(Cur()) < 0) ThrowSyntaxError(Pos32(start), "invalid Unicode escape");
      cp = cp * 16 + static_cast<uint32_t>(HexValue(Cur()));
    }
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      ThrowSyntaxError(Pos32(start), "invalid Unicode escape value");
    }
    AppendUtf8(cp, out);
  } else if (start + 1 >= sql_.size()) {
    ThrowSyntaxError(Pos32(start), "unterminated quoted string");
  } else {
    out->push_back(static_cast<char>(c));  // \\ \' and any other character: itself
  }
}

void Lexer::LexBytea(Token* token) {
  size_t start = pos_;
  pos_ += 2;
  std::string hex;
  while (pos_ < sql_.size() && Cur() != '\'') {
    int v = HexValue(Cur());
    if (v < 0) ThrowSyntaxError(Pos32(pos_), "invalid hexadecimal digit in X'...' literal");
    hex.push_back("0123456789abcdef"[v]);
    pos_++;
  }
  if (pos_ >= sql_.size()) ThrowSyntaxError(Pos32(start), "unterminated quoted string");
  pos_++;
  if (hex.size() % 2 != 0) {
    ThrowSyntaxError(Pos32(start), "X'...' literal needs an even number of hex digits");
  }
  token->kind = TokenKind::kBytea;
  token->text = std::move(hex);
}

void Lexer::LexParam(Token* token) {
  size_t start = pos_;
  token->kind = TokenKind::kParam;
  pos_++;
  if (sql_[start] == '?') return;
  while (IsDigit(Cur())) pos_++;
  std::string digits(sql_.substr(start + 1, pos_ - start - 1));
  if (digits.empty() || digits.size() > 9 || digits == "0" || digits[0] == '0') {
    ThrowSyntaxError(Pos32(start), "invalid parameter: expected $1 .. $999999999");
  }
  if (IsIdentStart(Cur())) ThrowSyntaxError(Pos32(start), "trailing junk after parameter");
  token->text = std::move(digits);
}

void Lexer::LexOperator(Token* token) {
  static constexpr std::array<std::string_view, 9> kTwoChar = {
      "||", "::", "<>", "!=", "<=", ">=", "<<", ">>", "=>"};
  std::string_view two = sql_.substr(pos_, 2);
  token->kind = TokenKind::kOperator;
  if (std::find(kTwoChar.begin(), kTwoChar.end(), two) != kTwoChar.end()) {
    token->text = two == "!=" ? "<>" : std::string(two);
    pos_ += 2;
    return;
  }
  static constexpr std::string_view kOneChar = "+-*/%^<>=(),;.[]&|#~:";
  if (kOneChar.find(static_cast<char>(Cur())) == std::string_view::npos) {
    ThrowSyntaxError(Pos32(pos_), "syntax error at or near \"" +
                                      std::string(1, static_cast<char>(Cur())) + "\"");
  }
  token->text = std::string(1, static_cast<char>(Cur()));
  pos_++;
}

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kIdent:
      return "identifier";
    case TokenKind::kQuotedIdent:
      return "quoted identifier";
    case TokenKind::kKeyword:
      return "keyword";
    case TokenKind::kInteger:
      return "integer";
    case TokenKind::kDecimal:
      return "number";
    case TokenKind::kString:
      return "string";
    case TokenKind::kBytea:
      return "bytea literal";
    case TokenKind::kParam:
      return "parameter";
    case TokenKind::kOperator:
      return "operator";
  }
  return "token";
}

bool IsReservedKeyword(std::string_view lower_word) {
  return std::binary_search(kReservedWords.begin(), kReservedWords.end(), lower_word);
}

std::vector<Token> TokenizeOrThrow(std::string_view sql, size_t token_count_max) {
  return Lexer(sql, token_count_max).Run();
}

Result<std::vector<Token>> Tokenize(std::string_view sql) {
  try {
    return TokenizeOrThrow(sql);
  } catch (const SqlException& e) {
    return MakeSqlStatus(e.error());
  }
}

bool DecodeHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexValue(static_cast<unsigned char>(hex[i]));
    int lo = HexValue(static_cast<unsigned char>(hex[i + 1]));
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

}  // namespace zq::sql
