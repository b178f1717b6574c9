// Decimal: exact NUMERIC arithmetic (no binary floating point). A value is a
// signed 128-bit coefficient and a decimal scale: value = coefficient / 10^scale.
// Precision is bounded at 38 significant digits (what 128 bits hold exactly):
// a result that needs more is an error (SQLSTATE 22003), never silently
// rounded, except where SQL itself rounds (division, casts to NUMERIC(p,s)).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zq::sql {

using int128 = __int128;

inline constexpr int kDecimalDigitsMax = 38;
inline constexpr int kDecimalScaleMax = 38;
// Division keeps at least this many significant digits (PostgreSQL's
// NUMERIC_MIN_SIG_DIGITS), and never fewer decimals than its operands.
inline constexpr int kDecimalDivisionDigits = 16;

struct Decimal {
  int128 coefficient = 0;
  int scale = 0;

  static Decimal FromInt(int64_t v) { return Decimal{v, 0}; }
  // Parses [+-]digits[.digits][e[+-]digits]; nullopt when malformed or too wide.
  static std::optional<Decimal> Parse(std::string_view text);
  // Nearest decimal with up to 17 significant digits; nullopt for inf/nan/too large.
  static std::optional<Decimal> FromDouble(double v);

  std::string ToString() const;
  double ToDouble() const;
  // Rounds half away from zero to an integer; nullopt when out of int64 range.
  std::optional<int64_t> ToInt64() const;
  int Sign() const { return coefficient < 0 ? -1 : (coefficient > 0 ? 1 : 0); }
};

// nullopt means the result does not fit in 38 digits (or division by zero for
// Div/Mod, which callers check first).
std::optional<Decimal> DecimalAdd(const Decimal& a, const Decimal& b);
std::optional<Decimal> DecimalSub(const Decimal& a, const Decimal& b);
std::optional<Decimal> DecimalMul(const Decimal& a, const Decimal& b);
std::optional<Decimal> DecimalDiv(const Decimal& a, const Decimal& b);
std::optional<Decimal> DecimalMod(const Decimal& a, const Decimal& b);
// Rounds (half away from zero) to `scale` decimals; nullopt on overflow.
std::optional<Decimal> DecimalRound(const Decimal& a, int scale);
// Truncates toward zero to `scale` decimals.
Decimal DecimalTrunc(const Decimal& a, int scale);
int DecimalCompare(const Decimal& a, const Decimal& b);
// Number of digits of |coefficient| (0 for zero).
int DecimalDigits(int128 coefficient);
// Removes trailing fractional zeros down to `min_scale`.
Decimal DecimalNormalize(const Decimal& a, int min_scale);

}  // namespace zq::sql
