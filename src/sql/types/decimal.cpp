#include "sql/types/decimal.hpp"

#include "sql/types/wide_uint.hpp"

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

uint128 Magnitude(int128 v) { return v < 0 ? static_cast<uint128>(-(v + 1)) + 1 : static_cast<uint128>(v); }

// Rounds an exact value sign * w / 10^scale (half away from zero) to at most
// kDecimalDigitsMax digits and kDecimalScaleMax decimals, giving up decimals
// first; nullopt when its integer part alone has too many digits, or, with
// `exact`, when any digit would be dropped (sums keep the larger scale, as
// PostgreSQL's do).
std::optional<Decimal> RoundWide(bool negative, const WideUInt& w, int scale, bool exact = false,
                                 int min_drop = 0) {
  const int digits = w.DecimalDigits();
  int drop = std::max({min_drop, digits - kDecimalDigitsMax, scale - kDecimalScaleMax});
  if (scale < 0) return std::nullopt;
  if (drop > scale || (exact && drop > 0)) return std::nullopt;
  int dropped_digit = 0;
  WideUInt q = w.DivPow10(drop, &dropped_digit);
  uint128 c = 0;
  if (!q.ToU128(&c)) return std::nullopt;
  if (dropped_digit >= 5) c += 1;
  int new_scale = scale - drop;
  if (c >= static_cast<uint128>(kCoefficientLimit)) {  // the carry added a digit
    if (new_scale == 0) return std::nullopt;
    c = (c + 5) / 10;
    new_scale--;
  }
  const int128 signed_c = static_cast<int128>(c);
  return Decimal{negative ? -signed_c : signed_c, new_scale};
}

// |d| scaled to `scale` decimals (scale >= d.scale), exactly.
WideUInt WideMagnitude(const Decimal& d, int scale) {
  WideUInt w = WideUInt::From(Magnitude(d.coefficient));
  w.MulPow10(scale - d.scale);
  return w;
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
  WideUInt w;
  int scale = 0;
  int significant = 0;  // digits after leading zeros, capped to bound the work
  bool any = false, dot = false;
  for (; i < text.size(); i++) {
    const char ch = text[i];
    if (ch == '.' && !dot) {
      dot = true;
      continue;
    }
    if (ch < '0' || ch > '9') break;
    any = true;
    if (w.IsZero() && ch == '0' && !dot) continue;  // leading zeros
    if (significant > kDecimalDigitsMax + 2) {
      // Beyond what can be kept: an integer digit overflows, a decimal only
      // needs its first dropped digit (already seen) for rounding.
      if (!dot) return std::nullopt;
      continue;
    }
    w.MulSmall(10);
    w.AddSmall(static_cast<uint32_t>(ch - '0'));
    if (!w.IsZero()) significant++;
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
    if (!w.IsZero() && w.DecimalDigits() - scale > kDecimalDigitsMax) return std::nullopt;
    w.MulPow10(-scale);
    scale = 0;
  }
  if (w.IsZero()) return Decimal{0, std::min(scale, kDecimalScaleMax)};
  return RoundWide(negative, w, scale);
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
  if (Align(a, b, &x, &y, &scale)) {
    const int128 sum = x + y;
    if (Fits(sum)) return Decimal{sum, scale};
  }
  // Exactly in wide arithmetic.
  scale = std::max(a.scale, b.scale);
  const WideUInt wa = WideMagnitude(a, scale), wb = WideMagnitude(b, scale);
  const bool na = a.coefficient < 0, nb = b.coefficient < 0;
  // Exact or nothing: a sum is never silently rounded.
  if (na == nb) return RoundWide(na, WideUInt::Add(wa, wb), scale, true);
  const int c = WideUInt::Compare(wa, wb);
  if (c == 0) return Decimal{0, std::min(scale, kDecimalScaleMax)};
  return c > 0 ? RoundWide(na, WideUInt::Sub(wa, wb), scale, true)
               : RoundWide(nb, WideUInt::Sub(wb, wa), scale, true);
}

std::optional<Decimal> DecimalSub(const Decimal& a, const Decimal& b) {
  return DecimalAdd(a, Decimal{-b.coefficient, b.scale});
}

std::optional<Decimal> DecimalMul(const Decimal& a, const Decimal& b) {
  const int scale = a.scale + b.scale;
  if (a.coefficient == 0 || b.coefficient == 0) return Decimal{0, std::min(scale, kDecimalScaleMax)};
  if (DecimalDigits(a.coefficient) + DecimalDigits(b.coefficient) <= kDecimalDigitsMax &&
      scale <= kDecimalScaleMax) {
    return Decimal{a.coefficient * b.coefficient, scale};  // exact, fits
  }
  const WideUInt product = WideUInt::Mul(WideUInt::From(Magnitude(a.coefficient)),
                                         WideUInt::From(Magnitude(b.coefficient)));
  return RoundWide((a.coefficient < 0) != (b.coefficient < 0), product, scale);
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
  // q = |a.c| * 10^shift / |b.c| with one extra digit, then rounded once
  // (RoundWide trims a quotient longer than 38 digits, decimals first).
  // shift >= 1 because result_scale >= a.scale.
  const int shift = result_scale + b.scale - a.scale + 1;
  WideUInt numerator = WideUInt::From(Magnitude(a.coefficient));
  numerator.MulPow10(shift);
  return RoundWide((a.coefficient < 0) != (b.coefficient < 0),
                   numerator.DivU128(Magnitude(b.coefficient)), result_scale + 1,
                   /*exact=*/false, /*min_drop=*/1);
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
  const int sa = a.Sign(), sb = b.Sign();
  if (sa != sb) return sa < sb ? -1 : 1;
  scale = std::max(a.scale, b.scale);
  const int c = WideUInt::Compare(WideMagnitude(a, scale), WideMagnitude(b, scale));
  return sa < 0 ? -c : c;
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
