#include "sql/types/wide_uint.hpp"

namespace zq::sql {

WideUInt WideUInt::From(uint128 v) {
  WideUInt w;
  while (v != 0) {
    w.limbs_.push_back(static_cast<uint32_t>(v));
    v >>= 32;
  }
  return w;
}

void WideUInt::Trim() {
  while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
}

void WideUInt::MulSmall(uint32_t m) {
  uint64_t carry = 0;
  for (uint32_t& limb : limbs_) {
    const uint64_t v = static_cast<uint64_t>(limb) * m + carry;
    limb = static_cast<uint32_t>(v);
    carry = v >> 32;
  }
  if (carry != 0) limbs_.push_back(static_cast<uint32_t>(carry));
  Trim();
}

void WideUInt::AddSmall(uint32_t a) {
  uint64_t carry = a;
  for (size_t i = 0; carry != 0; i++) {
    if (i == limbs_.size()) limbs_.push_back(0);
    const uint64_t v = static_cast<uint64_t>(limbs_[i]) + carry;
    limbs_[i] = static_cast<uint32_t>(v);
    carry = v >> 32;
  }
}

void WideUInt::MulPow10(int n) {
  for (; n >= 9; n -= 9) MulSmall(1000000000u);
  uint32_t rest = 1;
  for (; n > 0; n--) rest *= 10;
  if (rest != 1) MulSmall(rest);
}

WideUInt WideUInt::Mul(const WideUInt& a, const WideUInt& b) {
  WideUInt r;
  if (a.IsZero() || b.IsZero()) return r;
  r.limbs_.assign(a.limbs_.size() + b.limbs_.size(), 0);
  for (size_t i = 0; i < a.limbs_.size(); i++) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b.limbs_.size(); j++) {
      const uint64_t v = static_cast<uint64_t>(a.limbs_[i]) * b.limbs_[j] + r.limbs_[i + j] + carry;
      r.limbs_[i + j] = static_cast<uint32_t>(v);
      carry = v >> 32;
    }
    r.limbs_[i + b.limbs_.size()] += static_cast<uint32_t>(carry);
  }
  r.Trim();
  return r;
}

WideUInt WideUInt::Add(const WideUInt& a, const WideUInt& b) {
  WideUInt r;
  const size_t n = std::max(a.limbs_.size(), b.limbs_.size());
  r.limbs_.assign(n + 1, 0);
  uint64_t carry = 0;
  for (size_t i = 0; i < n; i++) {
    const uint64_t v = static_cast<uint64_t>(i < a.limbs_.size() ? a.limbs_[i] : 0) +
                       (i < b.limbs_.size() ? b.limbs_[i] : 0) + carry;
    r.limbs_[i] = static_cast<uint32_t>(v);
    carry = v >> 32;
  }
  r.limbs_[n] = static_cast<uint32_t>(carry);
  r.Trim();
  return r;
}

WideUInt WideUInt::Sub(const WideUInt& a, const WideUInt& b) {
  WideUInt r = a;
  int64_t borrow = 0;
  for (size_t i = 0; i < r.limbs_.size(); i++) {
    int64_t v = static_cast<int64_t>(r.limbs_[i]) - (i < b.limbs_.size() ? b.limbs_[i] : 0) - borrow;
    borrow = v < 0 ? 1 : 0;
    if (v < 0) v += int64_t{1} << 32;
    r.limbs_[i] = static_cast<uint32_t>(v);
  }
  r.Trim();
  return r;
}

int WideUInt::Compare(const WideUInt& a, const WideUInt& b) {
  if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
  for (size_t i = a.limbs_.size(); i-- > 0;) {
    if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
  }
  return 0;
}

WideUInt WideUInt::DivU128(uint128 d) const {
  // Bit by bit: the remainder stays below d < 2^127, so doubling it and
  // adding a bit cannot overflow.
  WideUInt q;
  uint128 r = 0;
  for (size_t i = limbs_.size(); i-- > 0;) {
    for (int bit = 31; bit >= 0; bit--) {
      r = (r << 1) | ((limbs_[i] >> bit) & 1u);
      q.MulSmall(2);
      if (r >= d) {
        r -= d;
        q.AddSmall(1);
      }
    }
  }
  return q;
}

uint32_t WideUInt::DivSmall(uint32_t d) {
  uint64_t r = 0;
  for (size_t i = limbs_.size(); i-- > 0;) {
    const uint64_t v = (r << 32) | limbs_[i];
    limbs_[i] = static_cast<uint32_t>(v / d);
    r = v % d;
  }
  Trim();
  return static_cast<uint32_t>(r);
}

WideUInt WideUInt::DivPow10(int n, int* first_dropped_digit) const {
  WideUInt q = *this;
  *first_dropped_digit = 0;
  if (n <= 0) return q;
  // All but the last dropped digit go at once (their value does not matter
  // for rounding half away from zero); the last one is the rounding digit.
  int rest = n - 1;
  for (; rest >= 9; rest -= 9) q.DivSmall(1000000000u);
  uint32_t p = 1;
  for (; rest > 0; rest--) p *= 10;
  if (p != 1) q.DivSmall(p);
  *first_dropped_digit = static_cast<int>(q.DivSmall(10));
  return q;
}

bool WideUInt::ToU128(uint128* out) const {
  if (limbs_.size() > 4) return false;
  uint128 v = 0;
  for (size_t i = limbs_.size(); i-- > 0;) v = (v << 32) | limbs_[i];
  *out = v;
  return true;
}

int WideUInt::DecimalDigits() const {
  WideUInt w = *this;
  int n = 0;
  while (!w.IsZero()) {
    if (w.limbs_.size() > 1) {
      w.DivSmall(1000000000u);
      n += 9;
    } else {
      uint32_t v = w.limbs_[0];
      while (v != 0) {
        v /= 10;
        n++;
      }
      break;
    }
  }
  return n;
}

}  // namespace zq::sql
