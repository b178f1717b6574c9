// Value: text input and casts (PostgreSQL's rules and SQLSTATEs), text
// output, comparison across numeric types, and randomized properties of the
// two byte formats: the ordered key encoding (memcmp order is CompareValues
// order, NULL last; descending reverses it; every key decodes back) and the
// row codec (round trip); malformed bytes are refused, never trusted.
#include "sql/types/value.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "sql/lexer/sql_error.hpp"

namespace zq::sql {
namespace {

ColumnType T(TypeId id) { return ColumnType{id}; }

ColumnType NumericType(int precision, int scale) {
  ColumnType t{TypeId::kNumeric};
  t.precision = precision;
  t.scale = scale;
  return t;
}

ColumnType Varchar(int length) {
  ColumnType t{TypeId::kText};
  t.length = length;
  return t;
}

// "OK" or the SQLSTATE the call threw.
std::string StateOf(const std::function<void()>& fn) {
  try {
    fn();
    return "OK";
  } catch (const SqlException& e) {
    return e.error().sqlstate;
  }
}

std::string ParseState(std::string_view text, const ColumnType& type) {
  return StateOf([&] { (void)ParseValue(text, type, 0); });
}

std::string CastState(const Value& v, const ColumnType& type) {
  return StateOf([&] { (void)CastValue(v, type, 0); });
}

std::string ParsedText(std::string_view text, const ColumnType& type) {
  try {
    return ValueToText(ParseValue(text, type, 0));
  } catch (const SqlException& e) {
    return "ERROR " + e.error().sqlstate;
  }
}

std::string CastText(const Value& v, const ColumnType& type) {
  try {
    return ValueToText(CastValue(v, type, 0));
  } catch (const SqlException& e) {
    return "ERROR " + e.error().sqlstate;
  }
}

Value Num(const char* text) { return Value::Numeric(Decimal::Parse(text).value()); }
Value F8(double d) { return Value::Float(TypeId::kFloat8, d); }
Value F4(float f) { return Value::Float(TypeId::kFloat4, f); }

// ---- text input -----------------------------------------------------------------

TEST(ValueTest, ParseIntegers) {
  EXPECT_EQ(ParsedText(" 42 ", T(TypeId::kInt4)), "42");
  EXPECT_EQ(ParsedText("+7", T(TypeId::kInt4)), "7");
  EXPECT_EQ(ParsedText("-2147483648", T(TypeId::kInt4)), "-2147483648");
  EXPECT_EQ(ParseState("2147483648", T(TypeId::kInt4)), "22003");
  EXPECT_EQ(ParseState("99999999999999999999999", T(TypeId::kInt4)), "22003");
  EXPECT_EQ(ParsedText("-32768", T(TypeId::kInt2)), "-32768");
  EXPECT_EQ(ParseState("32768", T(TypeId::kInt2)), "22003");
  EXPECT_EQ(ParsedText("-9223372036854775808", T(TypeId::kInt8)), "-9223372036854775808");
  EXPECT_EQ(ParseState("9223372036854775808", T(TypeId::kInt8)), "22003");
  EXPECT_EQ(ParseState("-9223372036854775809", T(TypeId::kInt8)), "22003");
  for (const char* bad : {"", " ", "abc", "1.5", "1e3", "- 1", "1 2", "+", "0x10", "１"}) {
    EXPECT_EQ(ParseState(bad, T(TypeId::kInt4)), "22P02") << bad;
  }
}

TEST(ValueTest, ParseBooleans) {
  for (const char* yes : {"t", "TRUE", " yes ", "on", "1", "Y"}) {
    EXPECT_EQ(ParsedText(yes, T(TypeId::kBool)), "t") << yes;
  }
  for (const char* no : {"f", "False", "no", "OFF", "0", "n"}) {
    EXPECT_EQ(ParsedText(no, T(TypeId::kBool)), "f") << no;
  }
  for (const char* bad : {"", "maybe", "2", "o", "truee"}) {
    EXPECT_EQ(ParseState(bad, T(TypeId::kBool)), "22P02") << bad;
  }
}

// PostgreSQL's boolin accepts any unique prefix of the words.
TEST(ValueTest, ParseBooleanPrefixesAsPostgres) {
  EXPECT_EQ(ParsedText("tr", T(TypeId::kBool)), "t");
  EXPECT_EQ(ParsedText("fal", T(TypeId::kBool)), "f");
  EXPECT_EQ(ParsedText("ye", T(TypeId::kBool)), "t");
  EXPECT_EQ(ParsedText("of", T(TypeId::kBool)), "f");
}

TEST(ValueTest, ParseFloats) {
  EXPECT_EQ(ParsedText("1.5", T(TypeId::kFloat8)), "1.5");
  EXPECT_EQ(ParsedText("  -1e-3 ", T(TypeId::kFloat8)), "-0.001");
  EXPECT_EQ(ParsedText("NaN", T(TypeId::kFloat8)), "NaN");
  EXPECT_EQ(ParsedText("-Infinity", T(TypeId::kFloat8)), "-Infinity");
  EXPECT_EQ(ParsedText("inf", T(TypeId::kFloat8)), "Infinity");
  EXPECT_EQ(ParsedText("1e-320", T(TypeId::kFloat8)), "1e-320");  // subnormal: fine
  for (const char* bad : {"", "abc", "1.5x", "e", "1e", "--1"}) {
    EXPECT_EQ(ParseState(bad, T(TypeId::kFloat8)), "22P02") << bad;
  }
  EXPECT_EQ(ParseState("1e400", T(TypeId::kFloat8)), "22003");
  EXPECT_EQ(ParseState("-1e400", T(TypeId::kFloat8)), "22003");
}

// float4in and float8in refuse what does not fit the type, in both
// directions (PostgreSQL: "\"3.4e39\" is out of range for type real").
TEST(ValueTest, ParseFloatRangeAsPostgres) {
  EXPECT_EQ(ParseState("3.4e39", T(TypeId::kFloat4)), "22003");
  EXPECT_EQ(ParseState("-3.4e39", T(TypeId::kFloat4)), "22003");
  EXPECT_EQ(ParseState("1e-50", T(TypeId::kFloat4)), "22003");
  EXPECT_EQ(ParseState("1e-400", T(TypeId::kFloat8)), "22003");
}

TEST(ValueTest, ParseNumericAndBytea) {
  EXPECT_EQ(ParsedText(" 1.5 ", T(TypeId::kNumeric)), "1.5");
  EXPECT_EQ(ParsedText("1.005", NumericType(5, 2)), "1.01");
  EXPECT_EQ(ParsedText("-1.005", NumericType(5, 2)), "-1.01");
  EXPECT_EQ(ParsedText("12", NumericType(5, 2)), "12.00");
  EXPECT_EQ(ParsedText("123.4", NumericType(3, 0)), "123");
  EXPECT_EQ(ParseState("999.995", NumericType(5, 2)), "22003");
  EXPECT_EQ(ParseState("99.995", NumericType(4, 2)), "22003");
  EXPECT_EQ(ParsedText("0.99", NumericType(2, 2)), "0.99");
  EXPECT_EQ(ParseState("1", NumericType(2, 2)), "22003");
  EXPECT_EQ(ParseState("abc", T(TypeId::kNumeric)), "22P02");
  EXPECT_EQ(ParseState("", T(TypeId::kNumeric)), "22P02");
  EXPECT_EQ(ParsedText("\\x0102ff", T(TypeId::kBytea)), "\\x0102ff");
  EXPECT_EQ(ParsedText("abc", T(TypeId::kBytea)), "\\x616263");
  EXPECT_NE(ParseState("\\x0", T(TypeId::kBytea)), "OK");
  EXPECT_NE(ParseState("\\xzz", T(TypeId::kBytea)), "OK");
}

TEST(ValueTest, VarcharAssignmentAndCast) {
  EXPECT_EQ(ParseState("hello", Varchar(3)), "22001");
  EXPECT_EQ(ParsedText("abc", Varchar(3)), "abc");
  EXPECT_EQ(ParsedText("h\xc3\xa9ll", Varchar(4)), "h\xc3\xa9ll");  // 4 characters, 5 bytes
  EXPECT_EQ(CastText(Value::Text("hello"), Varchar(3)), "hel");
  EXPECT_EQ(CastText(Value::Text("h\xc3\xa9llo"), Varchar(4)), "h\xc3\xa9ll");
  EXPECT_EQ(CastText(Value::Int(TypeId::kInt4, 12345), Varchar(2)), "12");
}

// PostgreSQL: storing an over-long string is an error "unless the excess
// characters are all spaces, in which case the string will be truncated".
TEST(ValueTest, VarcharAssignmentTruncatesTrailingSpaces) {
  EXPECT_EQ(ParsedText("ab   ", Varchar(3)), "ab ");
  EXPECT_EQ(ParseState("ab  x", Varchar(3)), "22001");
}

// ---- casts ----------------------------------------------------------------------

TEST(ValueTest, CastsBetweenNumbers) {
  EXPECT_EQ(CastState(Value::Int(TypeId::kInt8, 3000000000), T(TypeId::kInt4)), "22003");
  EXPECT_EQ(CastState(Value::Int(TypeId::kInt4, 40000), T(TypeId::kInt2)), "22003");
  EXPECT_EQ(CastText(Value::Int(TypeId::kInt4, -32768), T(TypeId::kInt2)), "-32768");
  // float -> int rounds half to even (rint); numeric -> int half away from zero.
  EXPECT_EQ(CastText(F8(2.5), T(TypeId::kInt4)), "2");
  EXPECT_EQ(CastText(F8(3.5), T(TypeId::kInt4)), "4");
  EXPECT_EQ(CastText(F8(-2.5), T(TypeId::kInt4)), "-2");
  EXPECT_EQ(CastText(Num("2.5"), T(TypeId::kInt4)), "3");
  EXPECT_EQ(CastText(Num("-2.5"), T(TypeId::kInt4)), "-3");
  EXPECT_EQ(CastState(F8(1e10), T(TypeId::kInt4)), "22003");
  EXPECT_EQ(CastState(F8(1e19), T(TypeId::kInt8)), "22003");
  EXPECT_EQ(CastState(F8(std::nan("")), T(TypeId::kInt4)), "22003");
  EXPECT_EQ(CastState(F8(INFINITY), T(TypeId::kInt8)), "22003");
  EXPECT_EQ(CastState(Num("2147483647.5"), T(TypeId::kInt4)), "22003");
  EXPECT_EQ(CastState(Num("99999999999999999999"), T(TypeId::kInt8)), "22003");
  EXPECT_EQ(CastText(F8(0.1), T(TypeId::kNumeric)), "0.1");
  EXPECT_EQ(CastText(F8(2.675), NumericType(5, 2)), "2.68");  // 15 digits first: 2.675
  EXPECT_EQ(CastText(Num("1.005"), NumericType(5, 2)), "1.01");
  EXPECT_EQ(CastState(Num("999.995"), NumericType(5, 2)), "22003");
  EXPECT_EQ(CastState(Value::Int(TypeId::kInt8, 100000), NumericType(5, 0)), "22003");
  EXPECT_EQ(CastText(Num("1.25"), T(TypeId::kFloat8)), "1.25");
  EXPECT_EQ(CastText(Value::Int(TypeId::kInt8, INT64_MAX), T(TypeId::kNumeric)),
            "9223372036854775807");
}

TEST(ValueTest, CastsToAndFromTextAndBool) {
  EXPECT_EQ(CastText(Value::Text("  12 "), T(TypeId::kInt4)), "12");
  EXPECT_EQ(CastState(Value::Text("1e3"), T(TypeId::kInt4)), "22P02");
  EXPECT_EQ(CastText(Value::Text("12"), NumericType(5, 2)), "12.00");
  EXPECT_EQ(CastText(Num("1.50"), T(TypeId::kText)), "1.50");
  EXPECT_EQ(CastText(Value::Int(TypeId::kInt4, -5), T(TypeId::kText)), "-5");
  EXPECT_EQ(CastText(Value::Bool(true), T(TypeId::kInt4)), "1");
  EXPECT_EQ(CastText(Value::Int(TypeId::kInt4, 0), T(TypeId::kBool)), "f");
  EXPECT_EQ(CastText(Value::Int(TypeId::kInt4, 5), T(TypeId::kBool)), "t");
  // booltext: a cast to text spells the value out (the output form is "f").
  EXPECT_EQ(CastText(Value::Bool(false), T(TypeId::kText)), "false");
  EXPECT_EQ(CastState(Value::Text("x", TypeId::kBytea), T(TypeId::kInt4)), "42804");
  EXPECT_EQ(CastState(Value::Bool(true), T(TypeId::kFloat8)), "42804");
  EXPECT_EQ(CastState(F8(1), T(TypeId::kBool)), "42804");
  EXPECT_EQ(CastState(Value::Int(TypeId::kInt4, 1), T(TypeId::kBytea)), "42804");
  EXPECT_TRUE(CastValue(Value::Null(TypeId::kInt4), T(TypeId::kText), 0).null);
}

// ---- text output ----------------------------------------------------------------

// PostgreSQL 12+ prints the shortest exact digits, in positional notation
// unless the decimal exponent is < -4 or >= 15 (float8out / float4out).
TEST(ValueTest, FloatOutputAsPostgres) {
  EXPECT_EQ(ValueToText(F8(1.5)), "1.5");
  EXPECT_EQ(ValueToText(F8(10)), "10");
  EXPECT_EQ(ValueToText(F8(100000)), "100000");
  EXPECT_EQ(ValueToText(F8(1200)), "1200");
  EXPECT_EQ(ValueToText(F8(1e14)), "100000000000000");
  EXPECT_EQ(ValueToText(F8(1e15)), "1e+15");
  EXPECT_EQ(ValueToText(F8(123456789012345678.0)), "1.2345678901234568e+17");
  EXPECT_EQ(ValueToText(F8(0.0001)), "0.0001");
  EXPECT_EQ(ValueToText(F8(1e-5)), "1e-05");
  EXPECT_EQ(ValueToText(F8(-0.0)), "-0");
  EXPECT_EQ(ValueToText(F4(1.5e-7f)), "1.5e-07");
  EXPECT_EQ(ValueToText(F4(1e20f)), "1e+20");
  EXPECT_EQ(ValueToText(F4(0.1f)), "0.1");
  EXPECT_EQ(ValueToText(F4(20.0f)), "20");
}

TEST(ValueTest, OtherOutput) {
  EXPECT_EQ(ValueToText(F8(std::nan(""))), "NaN");
  EXPECT_EQ(ValueToText(F8(-INFINITY)), "-Infinity");
  EXPECT_EQ(ValueToText(F8(0.1)), "0.1");
  EXPECT_EQ(ValueToText(F8(1.0 / 3)), "0.3333333333333333");
  EXPECT_EQ(ValueToText(Value::Bool(true)), "t");
  EXPECT_EQ(ValueToText(Value::Text(std::string("\x00\xff", 2), TypeId::kBytea)), "\\x00ff");
  EXPECT_EQ(ValueToText(Num("-0.050")), "-0.050");
  EXPECT_EQ(ValueToText(Value::Int(TypeId::kInt8, INT64_MIN)), "-9223372036854775808");
}

// ---- comparison ---------------------------------------------------------------------

TEST(ValueTest, CompareAcrossNumericTypes) {
  EXPECT_EQ(CompareValues(Value::Int(TypeId::kInt2, 5), Value::Int(TypeId::kInt8, 5)), 0);
  EXPECT_EQ(CompareValues(Value::Int(TypeId::kInt2, -5), Value::Int(TypeId::kInt8, 5)), -1);
  EXPECT_EQ(CompareValues(Value::Int(TypeId::kInt4, 3), Num("3.000")), 0);
  EXPECT_EQ(CompareValues(Value::Int(TypeId::kInt4, 3), Num("2.99")), 1);
  EXPECT_EQ(CompareValues(Num("-0.5"), Value::Int(TypeId::kInt8, 0)), -1);
  EXPECT_EQ(CompareValues(Value::Int(TypeId::kInt8, INT64_MAX), Num("9223372036854775806.5")), 1);
  EXPECT_EQ(CompareValues(Num("0.5"), F8(0.5)), 0);
  EXPECT_EQ(CompareValues(Value::Int(TypeId::kInt4, 1), F8(1.5)), -1);
  EXPECT_EQ(CompareValues(F4(0.5f), F8(0.5)), 0);
  // NaN equals NaN and sorts above everything, infinity included.
  EXPECT_EQ(CompareValues(F8(std::nan("")), F8(std::nan(""))), 0);
  EXPECT_EQ(CompareValues(F8(std::nan("")), F8(INFINITY)), 1);
  EXPECT_EQ(CompareValues(Value::Int(TypeId::kInt8, INT64_MAX), F8(std::nan(""))), -1);
  EXPECT_EQ(CompareValues(F8(-0.0), F8(0.0)), 0);
  EXPECT_EQ(CompareValues(F8(-INFINITY), Value::Int(TypeId::kInt8, INT64_MIN)), -1);
  EXPECT_EQ(CompareValues(Value::Bool(false), Value::Bool(true)), -1);
  EXPECT_EQ(CompareValues(Value::Text("a"), Value::Text("ab")), -1);
  EXPECT_EQ(CompareValues(Value::Text("\xff"), Value::Text("a")), 1);  // bytes, unsigned
  EXPECT_EQ(CompareValues(Value::Text(std::string("a\0", 2)), Value::Text("a")), 1);
  EXPECT_TRUE(GroupEqual(Value::Null(TypeId::kInt4), Value::Null(TypeId::kInt4)));
  EXPECT_FALSE(GroupEqual(Value::Null(TypeId::kInt4), Value::Int(TypeId::kInt4, 0)));
  EXPECT_TRUE(GroupEqual(Num("1.5"), Num("1.50")));
}

// ---- ordered keys and rows: randomized properties ------------------------------------

constexpr TypeId kAllTypes[] = {TypeId::kBool,    TypeId::kInt2,  TypeId::kInt4,
                                TypeId::kInt8,    TypeId::kFloat4, TypeId::kFloat8,
                                TypeId::kNumeric, TypeId::kText,  TypeId::kBytea,
                                TypeId::kDate,    TypeId::kTimestamp, TypeId::kTimestampTz};

int128 Pow10(int n) {
  int128 p = 1;
  for (int i = 0; i < n; i++) p *= 10;
  return p;
}

Decimal RandomDecimal(std::mt19937_64& rng) {
  const int digits = static_cast<int>(rng() % 4 == 0 ? rng() % 39 : rng() % 7);
  int128 c = 0;
  for (int i = 0; i < digits; i++) c = c * 10 + static_cast<int>(rng() % 10);
  if (rng() % 8 == 0 && digits > 0) c = Pow10(digits - 1);
  if (rng() % 2) c = -c;
  const int scale = static_cast<int>(rng() % 4 == 0 ? rng() % 39 : rng() % 4);
  return Decimal{c, scale};
}

double RandomDouble(std::mt19937_64& rng) {
  switch (rng() % 12) {
    case 0: return std::numeric_limits<double>::quiet_NaN();
    case 1: return INFINITY;
    case 2: return -INFINITY;
    case 3: return rng() % 2 ? 0.0 : -0.0;
    case 4: return std::numeric_limits<double>::denorm_min() * static_cast<double>(rng() % 100);
    case 5: {
      uint64_t bits = rng();
      double d;
      std::memcpy(&d, &bits, 8);
      return d;  // any pattern, NaN payloads included
    }
    default: return static_cast<double>(static_cast<int64_t>(rng() % 2001) - 1000) / 8;
  }
}

std::string RandomBytes(std::mt19937_64& rng) {
  static const char kAlphabet[] = {'\0', '\x01', 'a', 'b', '\xfe', '\xff'};
  std::string s(rng() % 7, '\0');
  for (char& c : s) c = kAlphabet[rng() % sizeof(kAlphabet)];
  return s;
}

Value RandomValue(std::mt19937_64& rng, TypeId type) {
  if (rng() % 8 == 0) return Value::Null(type);
  auto pick = [&](int64_t lo, int64_t hi) -> int64_t {
    switch (rng() % 6) {
      case 0: return lo;
      case 1: return hi;
      case 2: return 0;
      case 3: return static_cast<int64_t>(rng() % 7) - 3;
      default: {
        const auto span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
        const uint64_t r = span == UINT64_MAX ? rng() : rng() % (span + 1);
        return static_cast<int64_t>(static_cast<uint64_t>(lo) + r);
      }
    }
  };
  switch (type) {
    case TypeId::kBool: return Value::Bool(rng() % 2);
    case TypeId::kInt2: return Value::Int(type, pick(INT16_MIN, INT16_MAX));
    case TypeId::kInt4: return Value::Int(type, pick(INT32_MIN, INT32_MAX));
    case TypeId::kInt8: return Value::Int(type, pick(INT64_MIN, INT64_MAX));
    case TypeId::kFloat4: return F4(static_cast<float>(RandomDouble(rng)));
    case TypeId::kFloat8: return F8(RandomDouble(rng));
    case TypeId::kNumeric: return Value::Numeric(RandomDecimal(rng));
    case TypeId::kText:
    case TypeId::kBytea: return Value::Text(RandomBytes(rng), type);
    case TypeId::kDate: return Value::Int(type, pick(kDateMin, kDateMax));
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return Value::Int(type, pick(kDateMin * kMicrosPerDay, (kDateMax + 1) * kMicrosPerDay - 1));
    case TypeId::kNull: break;
  }
  return Value::Null(type);
}

// NULL sorts after every value (ascending), as in an index.
int KeyOrder(const Value& a, const Value& b) {
  if (a.null || b.null) return a.null == b.null ? 0 : (a.null ? 1 : -1);
  return CompareValues(a, b);
}

int Sign(int v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

int BytesOrder(const std::string& a, const std::string& b) {
  const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return Sign(c);
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

std::string Describe(const Value& v) {
  if (v.null) return "NULL";
  std::string s = ValueToText(v);
  if (v.type == TypeId::kNumeric) s += " (scale " + std::to_string(v.dec.scale) + ")";
  return s;
}

std::string Key(const Value& v, bool descending) {
  std::string k;
  AppendOrderedKey(v, &k, descending);
  return k;
}

TEST(OrderedKeyTest, MemcmpOrderIsValueOrderRandom) {
  std::mt19937_64 rng(21);
  for (TypeId type : kAllTypes) {
    std::vector<Value> values;
    for (int i = 0; i < 400; i++) values.push_back(RandomValue(rng, type));
    for (size_t i = 0; i < values.size(); i++) {
      for (size_t j = 0; j < values.size(); j += 1 + rng() % 3) {
        const Value& a = values[i];
        const Value& b = values[j];
        const int want = Sign(KeyOrder(a, b));
        ASSERT_EQ(BytesOrder(Key(a, false), Key(b, false)), want)
            << catalog::TypeName(T(type)) << ": " << Describe(a) << " vs " << Describe(b);
        ASSERT_EQ(BytesOrder(Key(a, true), Key(b, true)), -want)
            << catalog::TypeName(T(type)) << " DESC: " << Describe(a) << " vs " << Describe(b);
      }
    }
  }
}

TEST(OrderedKeyTest, NumericKeysOrderAcrossScales) {
  const std::vector<const char*> sorted = {
      "-99999999999999999999999999999999999999", "-100", "-99.5", "-1.01", "-1", "-0.5",
      "-0.00000000000000000000000000000000000001", "0", "0.00000000000000000000000000000000000001",
      "0.0001", "0.5", "1", "1.0000001", "9.99", "10", "99999999999999999999999999999999999999"};
  for (size_t i = 0; i < sorted.size(); i++) {
    for (size_t j = 0; j < sorted.size(); j++) {
      const int want = i < j ? -1 : (i > j ? 1 : 0);
      EXPECT_EQ(BytesOrder(Key(Num(sorted[i]), false), Key(Num(sorted[j]), false)), want)
          << sorted[i] << " vs " << sorted[j];
    }
  }
  EXPECT_EQ(Key(Num("1.5"), false), Key(Num("1.500"), false));  // equal values, equal keys
  EXPECT_EQ(Key(F8(-0.0), false), Key(F8(0.0), false));
}

bool SameValue(const Value& a, const Value& b) {
  if (a.null || b.null) return a.null == b.null;
  return CompareValues(a, b) == 0;
}

TEST(OrderedKeyTest, DecodeRoundTripsRandom) {
  std::mt19937_64 rng(22);
  for (int i = 0; i < 5000; i++) {
    if (::testing::Test::HasFailure()) break;  // one counterexample is enough
    // A composite key of 1..4 columns, each ascending or descending.
    std::vector<TypeId> types;
    std::vector<bool> desc;
    std::vector<Value> values;
    std::string key;
    const int n = 1 + static_cast<int>(rng() % 4);
    for (int c = 0; c < n; c++) {
      types.push_back(kAllTypes[rng() % std::size(kAllTypes)]);
      desc.push_back(rng() % 2);
      values.push_back(RandomValue(rng, types.back()));
      AppendOrderedKey(values.back(), &key, desc.back());
    }
    std::string_view in = key;
    for (int c = 0; c < n; c++) {
      Value out;
      ASSERT_TRUE(DecodeOrderedKey(&in, T(types[c]), desc[c], &out)) << Describe(values[c]);
      ASSERT_TRUE(SameValue(out, values[c])) << Describe(values[c]) << " -> " << Describe(out);
      if (!out.null) {
        EXPECT_EQ(out.type, types[c]);
        if (IsIntegerType(types[c]) || types[c] == TypeId::kBool) {
          EXPECT_EQ(out.i, values[c].i);
        }
        if (types[c] == TypeId::kText || types[c] == TypeId::kBytea) {
          EXPECT_EQ(out.s, values[c].s);
        }
      }
    }
    EXPECT_TRUE(in.empty());
  }
}

TEST(OrderedKeyTest, EveryStrictPrefixIsRefused) {
  std::mt19937_64 rng(23);
  for (int i = 0; i < 3000; i++) {
    if (::testing::Test::HasFailure()) break;  // one counterexample is enough
    const TypeId type = kAllTypes[rng() % std::size(kAllTypes)];
    const bool desc = rng() % 2;
    const std::string key = Key(RandomValue(rng, type), desc);
    for (size_t len = 0; len < key.size(); len++) {
      std::string_view in(key.data(), len);
      Value out;
      EXPECT_FALSE(DecodeOrderedKey(&in, T(type), desc, &out))
          << catalog::TypeName(T(type)) << " prefix " << len << " of " << key.size();
    }
  }
}

// A NUMERIC decoded from untrusted bytes must be one Decimal can hold: the
// arithmetic (and even negation of INT128_MIN) relies on it.
void ExpectValidNumeric(const Value& v, const std::string& context) {
  if (v.null || v.type != TypeId::kNumeric) return;
  EXPECT_TRUE(v.dec.scale >= 0 && v.dec.scale <= kDecimalScaleMax) << context;
  EXPECT_TRUE(v.dec.coefficient < Pow10(38) && v.dec.coefficient > -Pow10(38)) << context;
}

std::string Hex(std::string_view s) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 15]);
  }
  return out;
}

// Random bytes, mostly shaped like keys (a valid key with bytes changed),
// never crash the decoder (ASan/UBSan builds check), and what it accepts is
// a value of the type.
TEST(OrderedKeyTest, MalformedBytesNeverTrusted) {
  std::mt19937_64 rng(24);
  for (int i = 0; i < 50000; i++) {
    if (::testing::Test::HasFailure()) break;  // one counterexample is enough
    const TypeId type = kAllTypes[rng() % std::size(kAllTypes)];
    const bool desc = rng() % 2;
    std::string bytes = Key(RandomValue(rng, type), desc);
    if (rng() % 4 == 0) bytes += RandomBytes(rng);
    const int changes = 1 + static_cast<int>(rng() % 3);
    for (int c = 0; c < changes && !bytes.empty(); c++) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    std::string_view in = bytes;
    Value out;
    if (DecodeOrderedKey(&in, T(type), desc, &out)) {
      ExpectValidNumeric(out, catalog::TypeName(T(type)) + " key " + Hex(bytes));
    }
  }
}

// Keys are 8-byte integers for every integer width: one outside the
// column's type is corrupt, not a value.
TEST(OrderedKeyTest, IntegerKeyOutsideTypeRangeIsRefused) {
  const std::vector<std::pair<TypeId, int64_t>> bad = {
      {TypeId::kBool, 2}, {TypeId::kInt2, 40000}, {TypeId::kInt4, int64_t{1} << 40}};
  for (const auto& [type, v] : bad) {
    const std::string key = Key(Value::Int(TypeId::kInt8, v), false);
    std::string_view in = key;
    Value out;
    EXPECT_FALSE(DecodeOrderedKey(&in, T(type), false, &out))
        << catalog::TypeName(T(type)) << " key holding " << v;
  }
}

// Hand-made numeric keys past the limits: a huge exponent (would need more
// than 38 digits), a tiny one (scale past 38), too many digits.
TEST(OrderedKeyTest, NumericKeyOutsideLimitsIsRefused) {
  const std::vector<std::string> bad = {
      std::string("\x01\x03\xff\x02\x00", 5),  // 1e127
      std::string("\x01\x03\xa7\x02\x00", 5),  // 1e38: 39 digits
      std::string("\x01\x03\x00\x02\x00", 5),  // 1e-129: scale 129
      std::string("\x01\x03\x50\x02\x00", 5),  // 1e-49: scale 49
  };
  for (const std::string& key : bad) {
    std::string_view in = key;
    Value out;
    const bool ok = DecodeOrderedKey(&in, T(TypeId::kNumeric), false, &out);
    EXPECT_FALSE(ok) << Hex(key) << " decoded as " << (ok ? Describe(out) : "");
  }
}

TEST(RowCodecTest, RoundTripRandom) {
  std::mt19937_64 rng(25);
  for (int i = 0; i < 5000; i++) {
    if (::testing::Test::HasFailure()) break;  // one counterexample is enough
    Row row;
    const int n = static_cast<int>(rng() % 8);
    for (int c = 0; c < n; c++) row.push_back(RandomValue(rng, kAllTypes[rng() % std::size(kAllTypes)]));
    std::string bytes;
    std::vector<size_t> boundaries{0};
    for (const Value& v : row) {
      AppendRowValue(v, &bytes);
      boundaries.push_back(bytes.size());
    }
    Row back;
    ASSERT_TRUE(DecodeRow(bytes, row.size(), &back));
    ASSERT_EQ(back.size(), row.size());
    for (size_t c = 0; c < row.size(); c++) {
      const Value& a = row[c];
      const Value& b = back[c];
      ASSERT_EQ(a.null, b.null);
      if (a.null) continue;
      EXPECT_EQ(a.type, b.type);
      EXPECT_EQ(a.i, b.i);
      EXPECT_EQ(std::memcmp(&a.f, &b.f, sizeof(double)), 0);  // bit for bit, NaNs included
      EXPECT_TRUE(a.dec.coefficient == b.dec.coefficient && a.dec.scale == b.dec.scale);
      EXPECT_EQ(a.s, b.s);
    }
    // A row read with more columns than written has NULLs at the end (rows
    // from before ALTER TABLE ADD COLUMN); fewer columns leave bytes over.
    ASSERT_TRUE(DecodeRow(bytes, row.size() + 2, &back));
    EXPECT_TRUE(back[row.size()].null && back[row.size() + 1].null);
    if (!row.empty()) {
      EXPECT_FALSE(DecodeRow(bytes, row.size() - 1, &back));
    }
    // Cut inside a value: refused; cut at a value boundary: the rest is NULL.
    for (size_t len = 0; len < bytes.size(); len++) {
      const bool boundary = std::find(boundaries.begin(), boundaries.end(), len) != boundaries.end();
      const bool ok = DecodeRow(std::string_view(bytes.data(), len), row.size(), &back);
      EXPECT_EQ(ok, boundary) << "cut at " << len;
    }
  }
}

TEST(RowCodecTest, MalformedBytesNeverTrusted) {
  std::mt19937_64 rng(26);
  for (int i = 0; i < 50000; i++) {
    if (::testing::Test::HasFailure()) break;  // one counterexample is enough
    Row row;
    const int n = 1 + static_cast<int>(rng() % 4);
    std::string bytes;
    for (int c = 0; c < n; c++) {
      row.push_back(RandomValue(rng, kAllTypes[rng() % std::size(kAllTypes)]));
      AppendRowValue(row.back(), &bytes);
    }
    const int changes = 1 + static_cast<int>(rng() % 3);
    for (int c = 0; c < changes && !bytes.empty(); c++) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    Row back;
    if (!DecodeRow(bytes, row.size(), &back)) continue;
    for (const Value& v : back) ExpectValidNumeric(v, "row " + Hex(bytes));
  }
}

TEST(RowCodecTest, IntegerOutsideTypeRangeIsRefused) {
  const std::vector<std::pair<TypeId, int64_t>> bad = {
      {TypeId::kBool, 2}, {TypeId::kInt2, 40000}, {TypeId::kInt4, int64_t{1} << 40}};
  for (const auto& [type, v] : bad) {
    std::string bytes;
    AppendRowValue(Value::Int(TypeId::kInt8, v), &bytes);
    bytes[0] = static_cast<char>(type);  // the tag says the narrower type
    Row back;
    EXPECT_FALSE(DecodeRow(bytes, 1, &back)) << catalog::TypeName(T(type)) << " holding " << v;
  }
}

// A NUMERIC whose 128-bit coefficient is past 38 digits is corrupt, and
// INT128_MIN would even overflow on negation.
TEST(RowCodecTest, NumericCoefficientOutsideLimitsIsRefused) {
  for (const auto& [lo, hi] : {std::pair<uint64_t, uint64_t>{0, uint64_t{1} << 63},
                               std::pair<uint64_t, uint64_t>{~uint64_t{0}, ~uint64_t{0} >> 1}}) {
    std::string bytes;
    bytes.push_back(static_cast<char>(TypeId::kNumeric));
    bytes.push_back(0);  // scale
    for (int i = 0; i < 8; i++) bytes.push_back(static_cast<char>(lo >> (8 * i)));
    for (int i = 0; i < 8; i++) bytes.push_back(static_cast<char>(hi >> (8 * i)));
    Row back;
    EXPECT_FALSE(DecodeRow(bytes, 1, &back)) << Hex(bytes);
  }
}

}  // namespace
}  // namespace zq::sql
