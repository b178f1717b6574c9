// Decimal (exact NUMERIC): parsing and printing, the arithmetic's signs,
// scales and 38-digit limits, PostgreSQL's division scale, and randomized
// checks of every operation against an exact decimal reference (digit
// vectors), so a result is either exact, correctly rounded where SQL rounds,
// or nullopt only when it cannot fit.
#include "sql/types/decimal.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace zq::sql {
namespace {

// ---- an exact reference: signed integers as little-endian decimal digits ----

struct BigInt {
  bool negative = false;
  std::vector<int> digits;  // no high zeros; zero is empty

  bool zero() const { return digits.empty(); }
};

void Trim(BigInt* b) {
  while (!b->digits.empty() && b->digits.back() == 0) b->digits.pop_back();
  if (b->digits.empty()) b->negative = false;
}

BigInt FromInt128(int128 v) {
  BigInt b;
  b.negative = v < 0;
  auto u = static_cast<unsigned __int128>(v);
  if (v < 0) u = ~u + 1;
  while (u > 0) {
    b.digits.push_back(static_cast<int>(u % 10));
    u /= 10;
  }
  return b;
}

BigInt Pow10Big(int n) {
  BigInt b;
  b.digits.assign(static_cast<size_t>(n), 0);
  b.digits.push_back(1);
  return b;
}

int CompareMagnitude(const BigInt& a, const BigInt& b) {
  if (a.digits.size() != b.digits.size()) return a.digits.size() < b.digits.size() ? -1 : 1;
  for (size_t i = a.digits.size(); i-- > 0;) {
    if (a.digits[i] != b.digits[i]) return a.digits[i] < b.digits[i] ? -1 : 1;
  }
  return 0;
}

int Compare(const BigInt& a, const BigInt& b) {
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  const int m = CompareMagnitude(a, b);
  return a.negative ? -m : m;
}

BigInt AddMagnitudes(const BigInt& a, const BigInt& b) {
  BigInt r;
  int carry = 0;
  for (size_t i = 0; i < std::max(a.digits.size(), b.digits.size()) || carry; i++) {
    int d = carry;
    if (i < a.digits.size()) d += a.digits[i];
    if (i < b.digits.size()) d += b.digits[i];
    r.digits.push_back(d % 10);
    carry = d / 10;
  }
  Trim(&r);
  return r;
}

// |a| - |b| where |a| >= |b|.
BigInt SubMagnitudes(const BigInt& a, const BigInt& b) {
  BigInt r;
  int borrow = 0;
  for (size_t i = 0; i < a.digits.size(); i++) {
    int d = a.digits[i] - borrow - (i < b.digits.size() ? b.digits[i] : 0);
    borrow = d < 0 ? 1 : 0;
    r.digits.push_back(d + 10 * borrow);
  }
  Trim(&r);
  return r;
}

BigInt Add(const BigInt& a, const BigInt& b) {
  if (a.negative == b.negative) {
    BigInt r = AddMagnitudes(a, b);
    r.negative = a.negative && !r.zero();
    return r;
  }
  if (CompareMagnitude(a, b) >= 0) {
    BigInt r = SubMagnitudes(a, b);
    r.negative = a.negative && !r.zero();
    return r;
  }
  BigInt r = SubMagnitudes(b, a);
  r.negative = b.negative && !r.zero();
  return r;
}

BigInt Negate(BigInt a) {
  if (!a.zero()) a.negative = !a.negative;
  return a;
}

BigInt Mul(const BigInt& a, const BigInt& b) {
  if (a.zero() || b.zero()) return BigInt{};
  std::vector<int> acc(a.digits.size() + b.digits.size() + 1, 0);
  for (size_t i = 0; i < a.digits.size(); i++) {
    for (size_t j = 0; j < b.digits.size(); j++) acc[i + j] += a.digits[i] * b.digits[j];
  }
  BigInt r;
  int carry = 0;
  for (int v : acc) {
    v += carry;
    r.digits.push_back(v % 10);
    carry = v / 10;
  }
  while (carry > 0) {
    r.digits.push_back(carry % 10);
    carry /= 10;
  }
  r.negative = a.negative != b.negative;
  Trim(&r);
  return r;
}

BigInt Abs(BigInt a) {
  a.negative = false;
  return a;
}

// Value of a Decimal times 10^(scale - d.scale), scale >= d.scale.
BigInt Scaled(const Decimal& d, int scale) { return Mul(FromInt128(d.coefficient), Pow10Big(scale - d.scale)); }

// True when q (an integer) is n / den rounded half away from zero; den > 0.
bool IsRoundedQuotient(const BigInt& n, const BigInt& den, const BigInt& q) {
  const BigInt diff = Add(n, Negate(Mul(q, den)));  // n - q*den
  const BigInt twice = Add(Abs(diff), Abs(diff));
  const int c = CompareMagnitude(twice, den);
  if (c > 0) return false;
  if (c < 0) return true;
  // A tie: q must be the one farther from zero.
  return CompareMagnitude(Mul(q, den), n) > 0 && (q.negative == n.negative || n.zero());
}

std::string ToString(const std::optional<Decimal>& d) { return d ? d->ToString() : "nullopt"; }

Decimal D(const char* text) {
  std::optional<Decimal> d = Decimal::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Decimal{});
}

int128 Pow10(int n) {
  int128 p = 1;
  for (int i = 0; i < n; i++) p *= 10;
  return p;
}

// Random decimals: mostly short, sometimes up to the 38-digit limit, with
// scales over the whole range.
Decimal RandomDecimal(std::mt19937_64& rng) {
  const int shape = static_cast<int>(rng() % 8);
  int digits;
  if (shape < 4) {
    digits = static_cast<int>(rng() % 8);
  } else if (shape < 7) {
    digits = static_cast<int>(rng() % 20);
  } else {
    digits = 30 + static_cast<int>(rng() % 9);
  }
  int128 c = 0;
  for (int i = 0; i < digits; i++) c = c * 10 + static_cast<int>(rng() % 10);
  if (rng() % 10 == 0 && digits > 0) c = Pow10(digits - 1);  // powers of ten
  if (rng() % 2) c = -c;
  int scale = static_cast<int>(rng() % 4 == 0 ? rng() % 39 : rng() % 6);
  return Decimal{c, scale};
}

// ---- parse and format -----------------------------------------------------

TEST(DecimalTest, ParseAndFormat) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"0", "0"},
      {"-0", "0"},
      {"000123", "123"},
      {"+7", "7"},
      {"1.50", "1.50"},
      {".5", "0.5"},
      {"5.", "5"},
      {"-0.001", "-0.001"},
      {"0.000", "0.000"},
      {"1e3", "1000"},
      {"1.5E-3", "0.0015"},
      {"-2.5e+2", "-250"},
      {"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
      {"-99999999999999999999999999999999999999", "-99999999999999999999999999999999999999"},
      {"0.00000000000000000000000000000000000001", "0.00000000000000000000000000000000000001"},
      {"1e37", "10000000000000000000000000000000000000"},
  };
  for (const auto& [in, out] : cases) {
    std::optional<Decimal> d = Decimal::Parse(in);
    ASSERT_TRUE(d.has_value()) << in;
    EXPECT_EQ(d->ToString(), out) << in;
  }
  EXPECT_EQ(D("1.50").scale, 2);
  EXPECT_EQ(D("1e3").scale, 0);
}

TEST(DecimalTest, ParseRejectsMalformedAndTooWide) {
  for (const char* bad : {"", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "1a", " 1", "1 ", "--1",
                          "0x10", "1e1001", "1,5", "١", "123456789012345678901234567890123456789",
                          "1e38", "99999999999999999999999999999999999999.5e1"}) {
    EXPECT_FALSE(Decimal::Parse(bad).has_value()) << bad;
  }
}

TEST(DecimalTest, FormatParseRoundTripRandom) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20000; i++) {
    if (::testing::Test::HasFailure()) break;  // one counterexample is enough
    const Decimal d = RandomDecimal(rng);
    const std::string text = d.ToString();
    std::optional<Decimal> back = Decimal::Parse(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_TRUE(back->coefficient == d.coefficient && back->scale == d.scale) << text;
  }
}

// Literal digits past the 38 that fit are rounded, as a cast to NUMERIC(p,s)
// rounds, not cut off.
TEST(DecimalTest, ParseRoundsDigitsBeyondPrecision) {
  EXPECT_EQ(ToString(Decimal::Parse("1.99999999999999999999999999999999999999")),
            "2.0000000000000000000000000000000000000");
  EXPECT_EQ(ToString(Decimal::Parse("0.123456789012345678901234567890123456789")),
            "0.12345678901234567890123456789012345679");
  // Beyond the maximum scale the value is rounded too.
  EXPECT_EQ(ToString(Decimal::Parse("0.000000000000000000000000000000000000015")),
            "0.00000000000000000000000000000000000002");
}

// ---- add, subtract ------------------------------------------------------------

TEST(DecimalTest, AddSubSignsAndScales) {
  EXPECT_EQ(ToString(DecimalAdd(D("1.5"), D("2.25"))), "3.75");
  EXPECT_EQ(ToString(DecimalAdd(D("0.1"), D("0.2"))), "0.3");
  EXPECT_EQ(ToString(DecimalAdd(D("-1.5"), D("1.5"))), "0.0");
  EXPECT_EQ(ToString(DecimalAdd(D("-1.5"), D("-1.25"))), "-2.75");
  EXPECT_EQ(ToString(DecimalAdd(D("10"), D("-0.001"))), "9.999");
  EXPECT_EQ(ToString(DecimalSub(D("1"), D("0.001"))), "0.999");
  EXPECT_EQ(ToString(DecimalSub(D("-1"), D("-1.00"))), "0.00");
  EXPECT_EQ(ToString(DecimalSub(D("0"), D("5.5"))), "-5.5");
  const Decimal max = D("99999999999999999999999999999999999999");
  EXPECT_EQ(ToString(DecimalAdd(max, D("1"))), "nullopt");
  EXPECT_EQ(ToString(DecimalSub(Decimal{-max.coefficient, 0}, D("1"))), "nullopt");
  EXPECT_EQ(ToString(DecimalAdd(max, D("-1"))), "99999999999999999999999999999999999998");
  EXPECT_EQ(ToString(DecimalSub(max, max)), "0");
}

TEST(DecimalTest, AddSubExactRandom) {
  std::mt19937_64 rng(12);
  for (int i = 0; i < 20000; i++) {
    if (::testing::Test::HasFailure()) break;  // one counterexample is enough
    const Decimal a = RandomDecimal(rng), b = RandomDecimal(rng);
    const int scale = std::max(a.scale, b.scale);
    for (bool sub : {false, true}) {
      const BigInt exact =
          Add(Scaled(a, scale), sub ? Negate(Scaled(b, scale)) : Scaled(b, scale));
      const bool fits = CompareMagnitude(exact, Pow10Big(38)) < 0;
      std::optional<Decimal> r = sub ? DecimalSub(a, b) : DecimalAdd(a, b);
      SCOPED_TRACE(a.ToString() + (sub ? " - " : " + ") + b.ToString());
      if (!fits) {
        EXPECT_FALSE(r.has_value());
        continue;
      }
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(r->scale, scale);
      EXPECT_EQ(Compare(FromInt128(r->coefficient), exact), 0) << r->ToString();
    }
  }
}

// ---- multiply -----------------------------------------------------------------

TEST(DecimalTest, MulSignsAndScales) {
  EXPECT_EQ(ToString(DecimalMul(D("1.5"), D("-2"))), "-3.0");
  EXPECT_EQ(ToString(DecimalMul(D("0.1"), D("0.1"))), "0.01");
  EXPECT_EQ(ToString(DecimalMul(D("-0.5"), D("-0.5"))), "0.25");
  EXPECT_EQ(ToString(DecimalMul(D("0.00"), D("-7.5"))), "0.000");
  EXPECT_EQ(ToString(DecimalMul(D("12345678901234567890"), D("1000000000000000000"))),
            "12345678901234567890000000000000000000");
  EXPECT_EQ(ToString(DecimalMul(D("100000000000000000000"), D("1000000000000000000"))),
            "nullopt");  // 10^38: 39 digits
}

// A product is exact when it fits in 38 digits; otherwise its decimals are
// rounded (once, from the exact product) as long as the integer part fits.
TEST(DecimalTest, MulCorrectlyRoundedRandom) {
  std::mt19937_64 rng(13);
  int rounded_cases = 0;
  for (int i = 0; i < 20000; i++) {
    if (::testing::Test::HasFailure()) break;  // one counterexample is enough
    const Decimal a = RandomDecimal(rng), b = RandomDecimal(rng);
    const BigInt exact = Mul(FromInt128(a.coefficient), FromInt128(b.coefficient));
    const int exact_scale = a.scale + b.scale;
    std::optional<Decimal> r = DecimalMul(a, b);
    SCOPED_TRACE(a.ToString() + " * " + b.ToString() + " = " + ToString(r));
    // Integer digits of the product, decide whether any answer fits.
    const int int_digits = static_cast<int>(exact.digits.size()) - exact_scale;
    if (int_digits > 38) {
      EXPECT_FALSE(r.has_value());
      continue;
    }
    if (int_digits >= 38) continue;  // may round up to 10^38 either way
    ASSERT_TRUE(r.has_value());
    ASSERT_LE(r->scale, exact_scale == 0 ? 0 : exact_scale);
    if (static_cast<int>(exact.digits.size()) <= 38 && exact_scale <= kDecimalScaleMax) {
      EXPECT_EQ(r->scale, exact_scale);
      EXPECT_EQ(Compare(FromInt128(r->coefficient), exact), 0);
      continue;
    }
    rounded_cases++;
    EXPECT_TRUE(IsRoundedQuotient(exact, Pow10Big(exact_scale - r->scale), FromInt128(r->coefficient)))
        << "not the correctly rounded product at scale " << r->scale;
    // Rounding must keep every decimal that fits.
    EXPECT_GE(r->scale, std::min(kDecimalScaleMax, 38 - std::max(int_digits, 1)) - 1);
  }
  EXPECT_GT(rounded_cases, 100);
}

// ---- divide -------------------------------------------------------------------

// PostgreSQL's select_div_scale: at least 16 significant digits, and never
// fewer decimals than either operand (values from PostgreSQL 15).
TEST(DecimalTest, DivisionScaleFollowsPostgres) {
  const std::vector<std::tuple<const char*, const char*, const char*>> cases = {
      {"1", "3", "0.33333333333333333333"},
      {"2", "3", "0.66666666666666666667"},
      {"-2", "3", "-0.66666666666666666667"},
      {"10", "3", "3.3333333333333333"},
      {"100", "7", "14.2857142857142857"},
      {"1", "8", "0.12500000000000000000"},
      {"-7", "2", "-3.5000000000000000"},
      {"123456789", "1000", "123456.789000000000"},
      {"1.000000000000000000000", "3", "0.333333333333333333333"},
      {"0.001", "3", "0.00033333333333333333"},
      {"12345678901234567890", "0.3", "41152263004115226300.0"},
      {"5", "0.0001", "50000.000000000000"},
      {"99999", "99999", "1.00000000000000000000"},
      {"1", "99999999", "0.000000010000000100000001"},
      {"7.5", "2.5", "3.0000000000000000"},
  };
  for (const auto& [a, b, want] : cases) {
    EXPECT_EQ(ToString(DecimalDiv(D(a), D(b))), want) << a << " / " << b;
  }
}

TEST(DecimalTest, DivisionRoundsHalfAwayFromZeroAndRefusesZero) {
  EXPECT_EQ(ToString(DecimalDiv(D("1"), D("0"))), "nullopt");
  EXPECT_EQ(ToString(DecimalDiv(D("1"), D("0.000"))), "nullopt");
  EXPECT_EQ(ToString(DecimalMod(D("1"), D("0"))), "nullopt");
  std::optional<Decimal> q = DecimalDiv(D("2"), D("3"));
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->coefficient % 10, 7);
  q = DecimalDiv(D("-2"), D("3"));
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->coefficient % 10, -7);
  EXPECT_EQ(ToString(DecimalDiv(D("99999999999999999999999999999999999999"), D("0.1"))),
            "nullopt");
}

// Any quotient: correctly rounded at the scale it has, with at least 16
// significant digits (or all the decimals there are room for), and nullopt
// only when its integer part needs more than 38 digits.
TEST(DecimalTest, DivCorrectlyRoundedRandom) {
  std::mt19937_64 rng(14);
  for (int i = 0; i < 20000; i++) {
    if (::testing::Test::HasFailure()) break;  // one counterexample is enough
    const Decimal a = RandomDecimal(rng);
    Decimal b = RandomDecimal(rng);
    if (b.coefficient == 0) continue;
    std::optional<Decimal> r = DecimalDiv(a, b);
    SCOPED_TRACE(a.ToString() + " / " + b.ToString() + " = " + ToString(r));
    // a/b = (A * 10^sb) / (B * 10^sa); at scale S: n = A * 10^(sb+S), den = B * 10^sa.
    BigInt num = Mul(FromInt128(a.coefficient), Pow10Big(b.scale));
    BigInt den = Mul(FromInt128(b.coefficient), Pow10Big(a.scale));
    if (den.negative) {
      num = Negate(num);
      den = Negate(den);
    }
    // Integer digits of the quotient (an upper bound from the rounded value).
    const BigInt limit = Mul(den, Pow10Big(38));
    if (CompareMagnitude(num, limit) >= 0) {
      EXPECT_FALSE(r.has_value());
      continue;
    }
    if (!r.has_value()) {
      // Allowed only when rounding to an integer already reaches 10^38.
      EXPECT_GE(CompareMagnitude(Add(Abs(num), Abs(num)), Add(limit, Add(limit, Negate(den)))), 0);
      continue;
    }
    const BigInt n = Mul(num, Pow10Big(r->scale));
    EXPECT_TRUE(IsRoundedQuotient(n, den, FromInt128(r->coefficient)))
        << "not the correctly rounded quotient at scale " << r->scale;
    if (r->coefficient != 0) {
      EXPECT_TRUE(DecimalDigits(r->coefficient) >= 16 || r->scale == kDecimalScaleMax ||
                  DecimalDigits(r->coefficient) >= 37)
          << "only " << DecimalDigits(r->coefficient) << " significant digits";
    }
    EXPECT_GE(r->scale, std::min(std::max(a.scale, b.scale),
                                 38 - std::max(0, DecimalDigits(r->coefficient) - r->scale)))
        << "fewer decimals than an operand";
  }
}

// A divisor with many decimals must not eat the quotient's precision.
TEST(DecimalTest, DivisionByHighScaleDivisorKeepsPrecision) {
  EXPECT_EQ(ToString(DecimalDiv(D("1"), D("3.000000000000000000000000000000"))),
            "0.333333333333333333333333333333");
  EXPECT_EQ(ToString(DecimalDiv(D("10"), D("4.0000000000000000000000000"))),
            "2.5000000000000000000000000");
}

// ---- modulo, round, trunc ------------------------------------------------------

TEST(DecimalTest, ModTakesTheDividendsSign) {
  EXPECT_EQ(ToString(DecimalMod(D("7"), D("3"))), "1");
  EXPECT_EQ(ToString(DecimalMod(D("-7"), D("3"))), "-1");
  EXPECT_EQ(ToString(DecimalMod(D("7"), D("-3"))), "1");
  EXPECT_EQ(ToString(DecimalMod(D("5.5"), D("2"))), "1.5");
  EXPECT_EQ(ToString(DecimalMod(D("-5.5"), D("-2"))), "-1.5");
  EXPECT_EQ(ToString(DecimalMod(D("0.07"), D("0.02"))), "0.01");
}

TEST(DecimalTest, ModExactRandom) {
  std::mt19937_64 rng(15);
  for (int i = 0; i < 20000; i++) {
    if (::testing::Test::HasFailure()) break;  // one counterexample is enough
    const Decimal a = RandomDecimal(rng), b = RandomDecimal(rng);
    if (b.coefficient == 0) continue;
    std::optional<Decimal> r = DecimalMod(a, b);
    const int scale = std::max(a.scale, b.scale);
    const BigInt x = Scaled(a, scale), y = Scaled(b, scale);
    if (CompareMagnitude(x, Pow10Big(38)) >= 0 || CompareMagnitude(y, Pow10Big(38)) >= 0) continue;
    SCOPED_TRACE(a.ToString() + " % " + b.ToString() + " = " + ToString(r));
    ASSERT_TRUE(r.has_value());
    // r = x - trunc(x / y) * y: same sign as x (or zero), |r| < |y|.
    const BigInt rem = FromInt128(r->coefficient);
    EXPECT_EQ(r->scale, scale);
    EXPECT_LT(CompareMagnitude(rem, y), 0);
    EXPECT_TRUE(rem.zero() || rem.negative == x.negative);
  }
}

TEST(DecimalTest, RoundAndTrunc) {
  EXPECT_EQ(ToString(DecimalRound(D("2.5"), 0)), "3");
  EXPECT_EQ(ToString(DecimalRound(D("-2.5"), 0)), "-3");
  EXPECT_EQ(ToString(DecimalRound(D("0.5"), 0)), "1");
  EXPECT_EQ(ToString(DecimalRound(D("-0.5"), 0)), "-1");
  EXPECT_EQ(ToString(DecimalRound(D("1.2345"), 2)), "1.23");
  EXPECT_EQ(ToString(DecimalRound(D("1.005"), 2)), "1.01");
  EXPECT_EQ(ToString(DecimalRound(D("1.5"), 3)), "1.500");
  EXPECT_EQ(ToString(DecimalRound(D("1234.5"), -2)), "1200");
  EXPECT_EQ(ToString(DecimalRound(D("1250"), -2)), "1300");
  EXPECT_EQ(ToString(DecimalRound(D("-1250"), -2)), "-1300");
  EXPECT_EQ(ToString(DecimalRound(D("9.9999999999999999999999999999999999999"), 0)), "10");
  EXPECT_EQ(ToString(DecimalRound(D("99999999999999999999999999999999999999"), 1)), "nullopt");
  EXPECT_EQ(ToString(DecimalRound(D("99999999999999999999999999999999999999"), -1)), "nullopt");
  EXPECT_EQ(DecimalTrunc(D("-1.99"), 0).ToString(), "-1");
  EXPECT_EQ(DecimalTrunc(D("1.999"), 2).ToString(), "1.99");
  EXPECT_EQ(DecimalTrunc(D("1.5"), 3).ToString(), "1.5");
}

// ---- compare ------------------------------------------------------------------

TEST(DecimalTest, CompareAcrossScales) {
  EXPECT_EQ(DecimalCompare(D("1.5"), D("1.50")), 0);
  EXPECT_EQ(DecimalCompare(D("-0.5"), D("0.1")), -1);
  EXPECT_EQ(DecimalCompare(D("0.10"), D("0.09")), 1);
  EXPECT_EQ(DecimalCompare(D("0"), D("0.000")), 0);
  EXPECT_EQ(DecimalCompare(D("-1"), D("-1.0000000001")), 1);
  // Aligning these overflows 38 digits; the answer must still be exact.
  EXPECT_EQ(DecimalCompare(D("10000000000000000000000000000000000000"),
                           D("9999999999999999999999999999999999999.9")),
            1);
  EXPECT_EQ(DecimalCompare(D("-10000000000000000000000000000000000000"),
                           D("-9999999999999999999999999999999999999.9")),
            -1);
  // Both hold 38 digits; aligning their scales would overflow 128 bits.
  EXPECT_EQ(DecimalCompare(D("12345678901234567890123456789012345678"),
                           D("1234567890123456789012345678901234567.8")),
            1);
}

TEST(DecimalTest, CompareRandomMatchesReference) {
  std::mt19937_64 rng(16);
  for (int i = 0; i < 50000; i++) {
    if (::testing::Test::HasFailure()) break;  // one counterexample is enough
    const Decimal a = RandomDecimal(rng);
    Decimal b = RandomDecimal(rng);
    if (i % 3 == 0) b = Decimal{a.coefficient + static_cast<int>(rng() % 3) - 1, a.scale};
    const int scale = std::max(a.scale, b.scale);
    const int want = Compare(Scaled(a, scale), Scaled(b, scale));
    ASSERT_EQ(DecimalCompare(a, b), want) << a.ToString() << " vs " << b.ToString();
  }
}

// ---- conversions ----------------------------------------------------------------

TEST(DecimalTest, FromDoubleAndToInt64) {
  EXPECT_EQ(ToString(Decimal::FromDouble(0.1)), "0.1");
  EXPECT_EQ(ToString(Decimal::FromDouble(-123.456)), "-123.456");
  EXPECT_EQ(ToString(Decimal::FromDouble(1e-5)), "0.00001");
  EXPECT_EQ(ToString(Decimal::FromDouble(1e20)), "100000000000000000000");
  EXPECT_EQ(ToString(Decimal::FromDouble(0.0)), "0");
  EXPECT_EQ(ToString(Decimal::FromDouble(1.0 / 3)), "0.333333333333333");
  EXPECT_FALSE(Decimal::FromDouble(std::numeric_limits<double>::quiet_NaN()).has_value());
  EXPECT_FALSE(Decimal::FromDouble(std::numeric_limits<double>::infinity()).has_value());
  EXPECT_FALSE(Decimal::FromDouble(1e38).has_value());

  EXPECT_EQ(D("2.5").ToInt64(), 3);
  EXPECT_EQ(D("-2.5").ToInt64(), -3);
  EXPECT_EQ(D("2.4999").ToInt64(), 2);
  EXPECT_EQ(D("9223372036854775807.4").ToInt64(), INT64_MAX);
  EXPECT_FALSE(D("9223372036854775807.5").ToInt64().has_value());
  EXPECT_EQ(D("-9223372036854775808.4").ToInt64(), INT64_MIN);
  EXPECT_FALSE(D("-9223372036854775808.5").ToInt64().has_value());
  EXPECT_EQ(D("-0.25").ToDouble(), -0.25);
}

TEST(DecimalTest, NormalizeAndDigits) {
  EXPECT_EQ(DecimalNormalize(D("1.500"), 0).ToString(), "1.5");
  EXPECT_EQ(DecimalNormalize(D("1.500"), 2).ToString(), "1.50");
  EXPECT_EQ(DecimalNormalize(D("100"), 0).ToString(), "100");
  EXPECT_EQ(DecimalNormalize(D("0.000"), 0).ToString(), "0");
  EXPECT_EQ(DecimalDigits(0), 0);
  EXPECT_EQ(DecimalDigits(-999), 3);
  EXPECT_EQ(DecimalDigits(Pow10(37)), 38);
}

}  // namespace
}  // namespace zq::sql
