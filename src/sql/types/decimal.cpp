#include "sql/types/decimal.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace zq::sql {

namespace {

int128 Pow10(int n) {
  int128 p = 1;
  for (int i = 0; i < n; i++) p *= 10;
  return p;
}

const int128 kCoefficientLimit = Pow10(kDecimalDigitsMax);  // exclusive

bool Fits(int128 c) { return c < kCoefficientLimit && c > -kCoefficientLimit; }

int128 Abs(int128 v) { return v < 0 ? -v : v; }

// Multiplies by 10^n when the result still fits.
std::optional<int128> ScaleUp(int128 c, int n) {
  for (int i = 0; i < n; i++) {
    if (Abs(c) >= kCoefficientLimit / 10) {
      if (c == 0) break;
      return std::nullopt;
    }
    c *= 10;
  }
  return c;
}

// Divides by 10^n rounding half away from zero.
int128 ScaleDownRound(int128 c, int n) {
  if (n <= 0) return c;
  if (n > kDecimalDigitsMax + 1) return 0;
  const int128 p = Pow10(n);
  int128 q = c / p;
  const int128 r = Abs(c % p);
  if (r * 2 >= p) q += c < 0 ? -1 : 1;
  return q;
}

// Brings both operands to the larger scale.
bool Align(const Decimal& a, const Decimal& b, int128* ca, int128* cb, int* scale) {
  *scale = std::max(a.scale, b.scale);
  std::optional<int128> x = ScaleUp(a.coefficient, *scale - a.scale);
  std::optional<int128> y = ScaleUp(b.coefficient, *scale - b.scale);
  if (!x || !y) return false;
  *ca = *x;
  *cb = *y;
  return true;
}

}  // namespace

int DecimalDigits(int128 c) {
  c = Abs(c);
  int n = 0;
  while (c > 0) {
    c /= 10;
    n++;
  }
  return n;
}

std::optional<Decimal> Decimal::Parse(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  int128 c = 0;
  int scale = 0;
  int digits = 0;
  bool any = false, dot = false;
  for (; i < text.size(); i++) {
    const char ch = text[i];
    if (ch == '.' && !dot) {
      dot = true;
      continue;
    }
    if (ch < '0' || ch > '9') break;
    any = true;
    if (c == 0 && ch == '0' && !dot) continue;  // leading zeros
    if (digits >= kDecimalDigitsMax) {
      if (!dot) return std::nullopt;  // too many integer digits
      continue;                        // extra decimals: truncated below
    }
    c = c * 10 + (ch - '0');
    if (c != 0) digits++;
    if (dot) scale++;
  }
  if (!any) return std::nullopt;
  int exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    i++;
    bool eneg = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) eneg = text[i++] == '-';
    if (i >= text.size()) return std::nullopt;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; i++) {
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > 1000) return std::nullopt;
    }
    if (eneg) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;
  scale -= exponent;
  if (scale < 0) {
    std::optional<int128> up = ScaleUp(c, -scale);
    if (!up) return std::nullopt;
    c = *up;
    scale = 0;
  }
  if (scale > kDecimalScaleMax) {
    c = ScaleDownRound(c, scale - kDecimalScaleMax);
    scale = kDecimalScaleMax;
  }
  return Decimal{negative ? -c : c, scale};
}

std::optional<Decimal> Decimal::FromDouble(double v) {
  if (!std::isfinite(v) || std::fabs(v) >= 1e37) return std::nullopt;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  std::optional<Decimal> d = Parse(buf);
  if (!d) return std::nullopt;
  // %.17g round-trips but shows binary noise; 15 significant digits is what
  // PostgreSQL keeps when it converts float8 to numeric.
  const int digits = DecimalDigits(d->coefficient);
  if (digits > 15) {
    const int drop = std::min(digits - 15, d->scale);
    if (drop > 0) {
      d->coefficient = ScaleDownRound(d->coefficient, drop);
      d->scale -= drop;
    }
  }
  return DecimalNormalize(*d, 0);
}

std::string Decimal::ToString() const {
  int128 c = Abs(coefficient);
  std::string digits;
  while (c > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(c % 10)));
    c /= 10;
  }
  if (static_cast<int>(digits.size()) <= scale) {
    digits.insert(0, static_cast<size_t>(scale + 1 - static_cast<int>(digits.size())), '0');
  }
  if (scale > 0) digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  if (coefficient < 0) digits.insert(0, "-");
  return digits;
}

double Decimal::ToDouble() const {
  // Via text: strtod rounds correctly, which repeated division would not.
  return std::strtod(ToString().c_str(), nullptr);
}

std::optional<int64_t> Decimal::ToInt64() const {
  const int128 r = ScaleDownRound(coefficient, scale);
  if (r > INT64_MAX || r < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(r);
}

std::optional<Decimal> DecimalAdd(const Decimal& a, const Decimal& b) {
  int128 x, y;
  int scale;
  if (!Align(a, b, &x, &y, &scale)) return std::nullopt;
  const int128 sum = x + y;
  if (!Fits(sum)) return std::nullopt;
  return Decimal{sum, scale};
}

std::optional<Decimal> DecimalSub(const Decimal& a, const Decimal& b) {
  return DecimalAdd(a, Decimal{-b.coefficient, b.scale});
}

std::optional<Decimal> DecimalMul(const Decimal& a, const Decimal& b) {
  int128 x = a.coefficient, y = b.coefficient;
  int scale = a.scale + b.scale;
  if (x == 0 || y == 0) return Decimal{0, std::min(scale, kDecimalScaleMax)};
  // Drop decimals that cannot fit (rounding), as long as the product fits.
  while (DecimalDigits(x) + DecimalDigits(y) > kDecimalDigitsMax + 1 && scale > 0) {
    if (DecimalDigits(x) >= DecimalDigits(y)) {
      x = ScaleDownRound(x, 1);
    } else {
      y = ScaleDownRound(y, 1);
    }
    scale--;
  }
  if (DecimalDigits(x) + DecimalDigits(y) > kDecimalDigitsMax + 1) return std::nullopt;
  const int128 product = x * y;
  if (!Fits(product)) return std::nullopt;
  if (scale > kDecimalScaleMax) return Decimal{ScaleDownRound(product, scale - kDecimalScaleMax),
                                               kDecimalScaleMax};
  return Decimal{product, scale};
}

namespace {

// PostgreSQL stores numerics in base-10000 digits; its division scale rule
// is written in terms of the weight (position) and value of the first such
// digit, so compute those for a decimal.
void FirstBase10000Digit(const Decimal& d, int* weight, int128* first) {
  *weight = 0;
  *first = 0;
  if (d.coefficient == 0) return;
  const int128 c = Abs(d.coefficient);
  const int msd_exponent = DecimalDigits(c) - d.scale - 1;  // of the leading decimal digit
  *weight = msd_exponent >= 0 ? msd_exponent / 4 : -((-msd_exponent + 3) / 4);
  const int shift = d.scale + 4 * *weight;  // first = floor(|d| / 10000^weight)
  *first = shift >= 0 ? (shift > kDecimalDigitsMax ? 0 : c / Pow10(shift)) : c * Pow10(-shift);
}

}  // namespace

std::optional<Decimal> DecimalDiv(const Decimal& a, const Decimal& b) {
  if (b.coefficient == 0) return std::nullopt;
  // PostgreSQL's select_div_scale: at least kDecimalDivisionDigits
  // significant digits, never fewer decimals than either input.
  int weight1, weight2;
  int128 first1, first2;
  FirstBase10000Digit(a, &weight1, &first1);
  FirstBase10000Digit(b, &weight2, &first2);
  int quotient_weight = weight1 - weight2;
  if (first1 <= first2) quotient_weight--;
  int result_scale =
      std::max({kDecimalDivisionDigits - quotient_weight * 4, a.scale, b.scale, 0});
  result_scale = std::min(result_scale, kDecimalScaleMax);
  // q = a.c * 10^(result_scale + b.scale - a.scale + 1) / b.c, then round once.
  int shift = result_scale + b.scale - a.scale + 1;
  int128 numerator = a.coefficient;
  int128 denominator = b.coefficient;
  while (shift < 0) {
    denominator *= 10;  // |b.c| < 10^38, shift is small: checked by Fits below
    if (!Fits(denominator)) return std::nullopt;
    shift++;
  }
  while (shift > 0) {
    if (Abs(numerator) >= kCoefficientLimit / 10) {
      // Out of headroom: give up decimals instead of overflowing.
      if (result_scale == 0) return std::nullopt;
      result_scale--;
      shift--;
      continue;
    }
    numerator *= 10;
    shift--;
  }
  int128 q = numerator / denominator;  // one extra digit for rounding
  const int128 rounded = ScaleDownRound(q, 1);
  if (!Fits(rounded)) return std::nullopt;
  return Decimal{rounded, result_scale};
}

std::optional<Decimal> DecimalMod(const Decimal& a, const Decimal& b) {
  if (b.coefficient == 0) return std::nullopt;
  int128 x, y;
  int scale;
  if (!Align(a, b, &x, &y, &scale)) return std::nullopt;
  return Decimal{x % y, scale};
}

std::optional<Decimal> DecimalRound(const Decimal& a, int scale) {
  if (scale >= a.scale) {
    std::optional<int128> up = ScaleUp(a.coefficient, scale - a.scale);
    if (!up) return std::nullopt;
    return Decimal{*up, scale};
  }
  const int128 c = ScaleDownRound(a.coefficient, a.scale - scale);
  if (scale < 0) {
    std::optional<int128> up = ScaleUp(c, -scale);
    if (!up) return std::nullopt;
    return Decimal{*up, 0};
  }
  return Decimal{c, scale};
}

Decimal DecimalTrunc(const Decimal& a, int scale) {
  if (scale >= a.scale) return a;
  return Decimal{a.coefficient / Pow10(a.scale - scale), scale};
}

int DecimalCompare(const Decimal& a, const Decimal& b) {
  int128 x, y;
  int scale;
  if (Align(a, b, &x, &y, &scale)) return x < y ? -1 : (x > y ? 1 : 0);
  // Alignment overflowed: the one with more integer digits is larger in size.
  const double da = a.ToDouble(), db = b.ToDouble();
  return da < db ? -1 : (da > db ? 1 : 0);
}

Decimal DecimalNormalize(const Decimal& a, int min_scale) {
  Decimal d = a;
  while (d.scale > min_scale && d.coefficient % 10 == 0) {
    d.coefficient /= 10;
    d.scale--;
  }
  return d;
}

}  // namespace zq::sql
