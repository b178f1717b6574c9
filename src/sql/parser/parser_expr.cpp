// Expressions, by precedence climbing over PostgreSQL's operator precedence
// (see parser.hpp). One nesting of parentheses costs six stack frames
// (ParseExpr, ParseExprPrec, ParsePrefix, ParsePostfix, ParsePrimary,
// ParseParenthesized). Each link of a left-deep chain (a OR b OR c, a + b - c,
// x::t::u) adds one nesting level, so the AST height stays within
// kSqlNestingDepthMax.
#include <array>
#include <cctype>

#include "sql/parser/parser_internal.hpp"

namespace zq::sql {

namespace {

struct OperatorInfo {
  std::string_view spelling;
  BinaryOp op;
};

// The binary operators above BETWEEN/IN/LIKE, one row per level, lowest first:
// "any other operator", then + -, then * / %, then ^.
constexpr int kBinaryLevelCount = 4;
constexpr std::array<std::array<OperatorInfo, 6>, kBinaryLevelCount> kBinaryLevels = {{
    {{{"||", BinaryOp::kConcat},
      {"&", BinaryOp::kBitAnd},
      {"|", BinaryOp::kBitOr},
      {"#", BinaryOp::kBitXor},
      {"<<", BinaryOp::kShiftLeft},
      {">>", BinaryOp::kShiftRight}}},
    {{{"+", BinaryOp::kAdd}, {"-", BinaryOp::kSub}}},
    {{{"*", BinaryOp::kMul}, {"/", BinaryOp::kDiv}, {"%", BinaryOp::kMod}}},
    {{{"^", BinaryOp::kPow}}},
}};

constexpr std::array<OperatorInfo, 6> kComparisons = {{
    {"=", BinaryOp::kEq},
    {"<>", BinaryOp::kNe},
    {"<", BinaryOp::kLt},
    {"<=", BinaryOp::kLe},
    {">", BinaryOp::kGt},
    {">=", BinaryOp::kGe},
}};

template <size_t N>
const OperatorInfo* FindOperator(const std::array<OperatorInfo, N>& table, const Token& t) {
  if (t.kind != TokenKind::kOperator) return nullptr;
  for (const OperatorInfo& info : table) {
    if (!info.spelling.empty() && info.spelling == t.text) return &info;
  }
  return nullptr;
}

// Precedence levels, lowest first (parser.hpp lists them). The four binary
// levels of kBinaryLevels follow kPrecOther in order.
constexpr int kPrecOr = 1;
constexpr int kPrecAnd = 2;
constexpr int kPrecNot = 3;
constexpr int kPrecIs = 4;
constexpr int kPrecComparison = 5;
constexpr int kPrecPredicate = 6;
constexpr int kPrecOther = 7;
static_assert(kPrecOther + kBinaryLevelCount - 1 == 10);

constexpr std::array<std::string_view, 8> kSpecialValues = {
    "current_date",   "current_time", "current_timestamp", "localtime",
    "localtimestamp", "current_user", "session_user",      "user"};

}  // namespace

ExprPtr Parser::MakeBinary(BinaryOp op, ExprPtr left, ExprPtr right, uint32_t position) {
  return MakeExpr(position, BinaryExpr{op, std::move(left), std::move(right)});
}

ExprPtr Parser::ParseExpr() {
  DepthScope depth(this);
  return ParseExprPrec(kPrecOr);
}

// DEFAULT takes PostgreSQL's b_expr: no AND, OR, NOT, IS or BETWEEN/IN/LIKE
// at the top, so `DEFAULT 0 NOT NULL` reads as a default and a constraint.
ExprPtr Parser::ParseDefaultValue() {
  DepthScope depth(this);
  return ParseExprPrec(kPrecComparison);
}

// The precedence of the infix or postfix operator at the current token; 0
// when the token does not continue an expression.
int Parser::InfixPrecedence() const {
  const Token& t = Peek();
  if (t.kind == TokenKind::kOperator) {
    if (FindOperator(kComparisons, t) != nullptr) return kPrecComparison;
    for (int level = 0; level < kBinaryLevelCount; level++) {
      if (FindOperator(kBinaryLevels[level], t) != nullptr) return kPrecOther + level;
    }
    return 0;
  }
  if (IsWord("or")) return kPrecOr;
  if (IsWord("and")) return kPrecAnd;
  if (IsWord("is") || IsWord("isnull") || IsWord("notnull")) return kPrecIs;
  size_t ahead = IsWord("not") ? 1 : 0;
  if (IsWord("between", ahead) || IsWord("in", ahead) || IsWord("like", ahead) ||
      IsWord("ilike", ahead) || IsWord("similar", ahead)) {
    return kPrecPredicate;
  }
  return 0;
}

// Precedence climbing: a prefix part, then every operator that binds at
// least as tightly as `min_precedence`, left-associatively.
ExprPtr Parser::ParseExprPrec(int min_precedence) {
  DepthScope links(this, 0);
  ExprPtr left = ParsePrefix();
  for (;;) {
    int precedence = InfixPrecedence();
    if (precedence == 0 || precedence < min_precedence) return left;
    links.Add();
    left = ParseInfix(std::move(left), precedence);
    // Comparisons and BETWEEN/IN/LIKE are non-associative in PostgreSQL.
    bool non_associative = precedence == kPrecComparison || precedence == kPrecPredicate;
    if (non_associative && InfixPrecedence() == precedence) {
      ThrowSyntaxError(Position(), "syntax error at " + Describe(Peek()) +
                                       ": the operator is non-associative; use parentheses");
    }
  }
}

// {NOT | '-' | '+' | '~'} operand | primary {'::' type}...  A NOT reached
// here (as in `a = NOT b AND c`) takes an operand at NOT's own precedence,
// which is what PostgreSQL's grammar does.
ExprPtr Parser::ParsePrefix() {
  uint32_t position = Position();
  UnaryOp op;
  if (IsOp("-")) {
    op = UnaryOp::kMinus;
  } else if (IsOp("+")) {
    op = UnaryOp::kPlus;
  } else if (IsOp("~")) {
    op = UnaryOp::kBitNot;
  } else if (IsWord("not")) {
    DepthScope depth(this);
    Advance();
    return MakeExpr(position, UnaryExpr{UnaryOp::kNot, ParseExprPrec(kPrecNot + 1)});
  } else {
    return ParsePostfix();
  }
  DepthScope depth(this);
  Advance();
  return MakeExpr(position, UnaryExpr{op, ParsePrefix()});
}

ExprPtr Parser::ParseInfix(ExprPtr left, int precedence) {
  uint32_t position = Position();
  if (precedence == kPrecIs) return ParseIs(std::move(left));
  if (precedence == kPrecPredicate) return ParsePredicate(std::move(left));
  BinaryOp op;
  if (IsWord("or")) {
    op = BinaryOp::kOr;
  } else if (IsWord("and")) {
    op = BinaryOp::kAnd;
  } else {
    // InfixPrecedence() found the operator in exactly this table.
    const OperatorInfo* info = precedence == kPrecComparison
                                   ? FindOperator(kComparisons, Peek())
                                   : FindOperator(kBinaryLevels[precedence - kPrecOther], Peek());
    ZQ_ASSERT(info != nullptr);
    op = info->op;
  }
  Advance();
  return MakeBinary(op, std::move(left), ParseExprPrec(precedence + 1), position);
}

// operand {IS [NOT] {NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM operand}
//          | ISNULL | NOTNULL}
ExprPtr Parser::ParseIs(ExprPtr operand) {
  uint32_t position = Position();
  IsExpr is;
  is.operand = std::move(operand);
  if (AcceptWord("isnull") || AcceptWord("notnull")) {
    is.negated = tokens_[index_ - 1].text == "notnull";
    return MakeExpr(position, std::move(is));
  }
  ExpectWord("is");
  is.negated = AcceptWord("not");
  if (AcceptWord("null")) {
    is.test = IsTest::kNull;
  } else if (AcceptWord("true")) {
    is.test = IsTest::kTrue;
  } else if (AcceptWord("false")) {
    is.test = IsTest::kFalse;
  } else if (AcceptWord("unknown")) {
    is.test = IsTest::kUnknown;
  } else if (AcceptWord("distinct")) {
    ExpectWord("from");
    is.test = IsTest::kDistinctFrom;
    is.other = ParseExprPrec(kPrecIs + 1);
  } else {
    Fail("NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM");
  }
  return MakeExpr(position, std::move(is));
}

// operand [NOT] {BETWEEN ... | IN ... | LIKE ... | ILIKE ...}
ExprPtr Parser::ParsePredicate(ExprPtr left) {
  uint32_t position = Position();
  bool negated = AcceptWord("not");
  if (AcceptWord("between")) return ParseBetween(std::move(left), negated, position);
  if (AcceptWord("in")) return ParseIn(std::move(left), negated, position);
  if (IsWord("similar")) NotSupported(Position(), "SIMILAR TO");
  LikeExpr like;
  like.case_insensitive = IsWord("ilike");
  Advance();  // LIKE or ILIKE: InfixPrecedence() saw one of them
  like.negated = negated;
  like.operand = std::move(left);
  like.pattern = ParseExprPrec(kPrecPredicate + 1);
  if (AcceptWord("escape")) like.escape = ParseExprPrec(kPrecPredicate + 1);
  return MakeExpr(position, std::move(like));
}

// BETWEEN [SYMMETRIC | ASYMMETRIC] low AND high
ExprPtr Parser::ParseBetween(ExprPtr operand, bool negated, uint32_t position) {
  BetweenExpr between;
  between.negated = negated;
  between.symmetric = AcceptWord("symmetric");
  if (!between.symmetric) AcceptWord("asymmetric");
  between.operand = std::move(operand);
  between.low = ParseExprPrec(kPrecPredicate + 1);
  ExpectWord("and");
  between.high = ParseExprPrec(kPrecPredicate + 1);
  return MakeExpr(position, std::move(between));
}

// IN '(' {query | [expr [, ...]]} ')'
ExprPtr Parser::ParseIn(ExprPtr operand, bool negated, uint32_t position) {
  ExpectOp("(");
  if (IsWord("select") || IsWord("values") || IsWord("with")) {
    InSubqueryExpr in{std::move(operand), ParseSelectStmt(), negated};
    ExpectOp(")");
    return MakeExpr(position, std::move(in));
  }
  // An empty list is an extension (PostgreSQL rejects it; SQLite and the
  // sqllogictest files use it): x IN () is false and x NOT IN () is true.
  InListExpr in{std::move(operand), IsOp(")") ? ExprList() : ParseExprList(), negated};
  ExpectOp(")");
  return MakeExpr(position, std::move(in));
}

// primary {'::' type}...
ExprPtr Parser::ParsePostfix() {
  DepthScope links(this, 0);
  ExprPtr expr = ParsePrimary();
  for (;;) {
    if (IsOp("[")) NotSupported(Position(), "array subscripts");
    if (IsWord("collate")) NotSupported(Position(), "COLLATE");
    if (!IsOp("::")) return expr;
    uint32_t position = Position();
    Advance();
    links.Add();
    expr = MakeExpr(position, CastExpr{std::move(expr), ParseTypeName()});
  }
}

ExprPtr Parser::ParsePrimary() {
  const Token& t = Peek();
  uint32_t position = t.position;
  auto literal = [&](LiteralKind kind) {
    ExprPtr e = MakeExpr(position, LiteralExpr{kind, t.text});
    Advance();
    return e;
  };
  switch (t.kind) {
    case TokenKind::kInteger:
      return literal(LiteralKind::kInteger);
    case TokenKind::kDecimal:
      return literal(LiteralKind::kDecimal);
    case TokenKind::kString:
      return literal(LiteralKind::kString);
    case TokenKind::kBytea:
      return literal(LiteralKind::kBytea);
    case TokenKind::kParam:
      return ParseParam();
    case TokenKind::kIdent:
    case TokenKind::kQuotedIdent:
      return ParseNameOrCall();
    case TokenKind::kOperator:
      if (IsOp("(")) return ParseParenthesized();
      break;
    case TokenKind::kKeyword:
      if (IsWord("null")) return literal(LiteralKind::kNull);
      if (IsWord("true")) return literal(LiteralKind::kTrue);
      if (IsWord("false")) return literal(LiteralKind::kFalse);
      if (IsWord("case")) return ParseCase();
      if (IsWord("cast")) return ParseCast();
      if (IsWord("default")) {
        Advance();
        return MakeExpr(position, DefaultExpr{});
      }
      if (IsWord("exists")) {
        Advance();
        ExpectOp("(");
        if (!IsQueryStart()) Fail("a query");
        ExprPtr e = MakeExpr(position, ExistsExpr{ParseSelectStmt()});
        ExpectOp(")");
        return e;
      }
      if ((IsWord("left") || IsWord("right")) && IsOp("(", 1)) return ParseNameOrCall();
      for (std::string_view name : kSpecialValues) {
        if (IsWord(name)) {
          Advance();
          return MakeExpr(position, SpecialValueExpr{std::string(name)});
        }
      }
      break;
    default:
      break;
  }
  Fail("an expression");
}

// '(' query ')' | '(' expr ')'
ExprPtr Parser::ParseParenthesized() {
  uint32_t position = Position();
  ExpectOp("(");
  if (IsWord("select") || IsWord("values") || IsWord("with")) {
    ExprPtr e = MakeExpr(position, SubqueryExpr{ParseSelectStmt()});
    ExpectOp(")");
    return e;
  }
  ExprPtr e = ParseExpr();
  if (IsOp(",")) NotSupported(Position(), "row constructors");
  ExpectOp(")");
  return e;
}

// name[.name[.name]] | t.* | function call | type 'literal' (e.g. DATE '2024-01-01')
ExprPtr Parser::ParseNameOrCall() {
  uint32_t position = Position();
  bool bare_word = Peek().kind != TokenKind::kQuotedIdent;
  std::vector<std::string> names;
  names.push_back(Peek().text);
  Advance();
  while (IsOp(".")) {
    Advance();
    if (IsOp("*")) {
      Advance();
      if (names.size() > 1) NotSupported(position, "schema-qualified t.*");
      return MakeExpr(position, StarExpr{names.back()});
    }
    if (names.size() >= 3) Fail("end of a name (at most schema.table.column)");
    names.push_back(ParseLabel());
  }
  if (IsOp("(")) return ParseFunctionCall(std::move(names), position);
  if (bare_word && names.size() == 1 && Peek().kind == TokenKind::kString) {
    TypeName type{names.front(), {}, position};
    ExprPtr value = MakeExpr(Position(), LiteralExpr{LiteralKind::kString, Peek().text});
    Advance();
    return MakeExpr(position, CastExpr{std::move(value), std::move(type)});
  }
  return MakeExpr(position, ColumnRefExpr{std::move(names)});
}

// name '(' [DISTINCT | ALL] [* | expr [, ...]] ')' [FILTER '(' WHERE cond ')']
ExprPtr Parser::ParseFunctionCall(std::vector<std::string> name, uint32_t position) {
  FunctionExpr f;
  f.name = std::move(name);
  ExpectOp("(");
  // EXTRACT(field FROM x): the call extract('field', x).
  const TokenKind first = Peek().kind;
  if (f.name.size() == 1 && f.name[0] == "extract" &&
      (first == TokenKind::kIdent || first == TokenKind::kString ||
       first == TokenKind::kKeyword) && IsWord("from", 1)) {
    std::string field = Peek().text;
    if (first != TokenKind::kString) {
      for (char& c : field) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    f.args.push_back(MakeExpr(Position(), LiteralExpr{LiteralKind::kString, field}));
    Advance();
    ExpectWord("from");
    f.args.push_back(ParseExpr());
    ExpectOp(")");
    return MakeExpr(position, std::move(f));
  }
  if (AcceptOp("*")) {
    f.star = true;
  } else if (!IsOp(")")) {
    if (AcceptWord("distinct")) {
      f.distinct = true;
    } else {
      AcceptWord("all");
    }
    f.args = ParseExprList();
    if (IsWord("order")) NotSupported(Position(), "ORDER BY inside an aggregate");
  }
  ExpectOp(")");
  if (IsWord("within") && IsWord("group", 1)) NotSupported(Position(), "WITHIN GROUP");
  if (IsWord("filter") && IsOp("(", 1)) {
    Advance();
    Advance();
    ExpectWord("where");
    f.filter = ParseExpr();
    ExpectOp(")");
  }
  if (IsWord("over")) NotSupported(Position(), "window functions (OVER)");
  return MakeExpr(position, std::move(f));
}

// CASE [operand] WHEN expr THEN expr [...] [ELSE expr] END
ExprPtr Parser::ParseCase() {
  uint32_t position = Position();
  ExpectWord("case");
  CaseExpr c;
  if (!IsWord("when")) c.operand = ParseExpr();
  if (!IsWord("when")) Fail("WHEN");
  while (AcceptWord("when")) {
    WhenClause when;
    when.condition = ParseExpr();
    ExpectWord("then");
    when.result = ParseExpr();
    c.whens.push_back(std::move(when));
  }
  if (AcceptWord("else")) c.else_result = ParseExpr();
  ExpectWord("end");
  return MakeExpr(position, std::move(c));
}

// CAST '(' expr AS type ')'
ExprPtr Parser::ParseCast() {
  uint32_t position = Position();
  ExpectWord("cast");
  ExpectOp("(");
  ExprPtr operand = ParseExpr();
  ExpectWord("as");
  TypeName type = ParseTypeName();
  ExpectOp(")");
  return MakeExpr(position, CastExpr{std::move(operand), std::move(type)});
}

// $n | ? (numbered in order of appearance)
ExprPtr Parser::ParseParam() {
  uint32_t position = Position();
  const std::string& digits = Peek().text;
  uint32_t index = 0;
  if (digits.empty()) {
    index = ++question_params_;
  } else {
    for (char c : digits) index = index * 10 + static_cast<uint32_t>(c - '0');
  }
  Advance();
  return MakeExpr(position, ParamExpr{index});
}

ExprList Parser::ParseExprList() {
  ExprList list;
  do {
    list.push_back(ParseExpr());
  } while (AcceptOp(","));
  return list;
}

}  // namespace zq::sql
