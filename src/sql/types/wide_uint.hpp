// WideUInt: an unsigned integer of any size, just enough arithmetic for
// exact NUMERIC results that pass 128 bits on their way to being rounded
// (long products, shifted dividends, aligned sums) — not a general bignum.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zq::sql {

using uint128 = unsigned __int128;

class WideUInt {
 public:
  WideUInt() = default;
  static WideUInt From(uint128 v);

  bool IsZero() const { return limbs_.empty(); }
  void MulSmall(uint32_t m);
  void AddSmall(uint32_t a);
  void MulPow10(int n);  // n >= 0
  static WideUInt Mul(const WideUInt& a, const WideUInt& b);
  static WideUInt Add(const WideUInt& a, const WideUInt& b);
  static WideUInt Sub(const WideUInt& a, const WideUInt& b);  // requires a >= b
  static int Compare(const WideUInt& a, const WideUInt& b);
  // Quotient by a non-zero divisor below 2^127 (every NUMERIC coefficient).
  WideUInt DivU128(uint128 d) const;
  // Truncating division by 10^n, and the first dropped digit (0..9).
  WideUInt DivPow10(int n, int* first_dropped_digit) const;
  bool ToU128(uint128* out) const;
  int DecimalDigits() const;  // 0 for zero

 private:
  uint32_t DivSmall(uint32_t d);  // in place; returns the remainder
  void Trim();
  std::vector<uint32_t> limbs_;  // little-endian base 2^32
};

}  // namespace zq::sql
