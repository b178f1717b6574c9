// ML-DSA ring arithmetic; representation and ranges in mldsa_poly.hpp.
//
// Montgomery products: for |a| < 2^31 q, MontReduce(a) = a 2^-32 mod q with
// |result| < q. t = a q^-1 mod 2^32 (signed) makes a - t q divisible by 2^32,
// and |a - t q| < 2^31 q + 2^31 q, so the quotient is below q. A factor known in
// advance (a ζ) is stored as ζ 2^32 mod q, which turns MontMul into a plain
// product mod q; with its low half ζ 2^32 q^-1 mod 2^32 stored too, MontMul
// needs only the high halves of two products (MulHigh), which vectorizes well.
//
// Every loop here is straight-line int32/int64 arithmetic that the compiler
// vectorizes; each exported function is multiversioned (ZQ_VECTOR_CLONES in
// pq_internal.hpp).
#include "crypto/mldsa_poly.hpp"

#include <cstddef>
#include <cstring>

#include "crypto/pq_internal.hpp"  // ZQ_VECTOR_CLONES

// The transposition passes 32-byte vectors between inlined helpers; GCC warns
// that their ABI differs without AVX, which is moot for internal inline calls.
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace zq::crypto::mldsa_internal {
namespace {

// Keeps GCC from unrolling a short constant loop completely before the loop
// vectorizer sees it: unrolled, the butterflies go to the straight-line (SLP)
// vectorizer, whose 32x32->64-bit products cost many more shuffles (measured:
// a whole NTT 40% slower).
#define ZQ_NO_UNROLL _Pragma("GCC unroll 1")

constexpr int64_t kMontR = int64_t{1} << 32;

// q^-1 mod 2^32 by Newton's iteration x <- x (2 - q x): each step doubles the
// number of correct low bits, and x = 1 is right mod 2 (q is odd).
constexpr uint32_t InverseOfQ() {
  uint32_t x = 1;
  for (int i = 0; i < 5; ++i) x *= 2u - static_cast<uint32_t>(kQ) * x;
  return x;
}
constexpr uint32_t kQInv = InverseOfQ();
static_assert(static_cast<uint32_t>(kQ) * kQInv == 1u);

inline int32_t MontReduce(int64_t a) {
  const auto t = static_cast<int32_t>(static_cast<uint32_t>(a) * kQInv);
  return static_cast<int32_t>((a - static_cast<int64_t>(t) * kQ) >> 32);
}

// a ζ mod q for ζ stored as (zeta = ζ 2^32 mod q, zeta_qinv = zeta q^-1 mod 2^32):
// MontReduce(a zeta) with its t = a zeta q^-1 mod 2^32 taken as a zeta_qinv mod
// 2^32, so that multiply does not wait for the product. |result| < q for any
// int32 a, since |zeta| <= (q-1)/2. (Written as one 64-bit difference, the
// form GCC vectorizes with the fewest shuffles.)
inline int32_t MulZeta(int32_t a, int32_t zeta, int32_t zeta_qinv) {
  const auto t = static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(zeta_qinv));
  const int64_t difference = static_cast<int64_t>(a) * zeta - static_cast<int64_t>(t) * kQ;
  return static_cast<int32_t>(difference >> 32);
}

// --- the ζ tables (constexpr, from FIPS 204 §7.5) ---------------------------------

// base^exp mod q by square and multiply.
constexpr int32_t PowMod(int64_t base, int64_t exp) {
  int64_t r = 1;
  base %= kQ;
  for (; exp > 0; exp >>= 1) {
    if (exp & 1) r = r * base % kQ;
    base = base * base % kQ;
  }
  return static_cast<int32_t>(r);
}
constexpr int BitRev8(int i) {
  int r = 0;
  for (int b = 0; b < 8; ++b) r |= ((i >> b) & 1) << (7 - b);
  return r;
}
constexpr int32_t CenteredMod(int64_t x) {
  x %= kQ;
  if (x < 0) x += kQ;
  return static_cast<int32_t>(x > (kQ - 1) / 2 ? x - kQ : x);
}

// A factor in Montgomery form, with its low half for MulZeta.
struct Zeta {
  int32_t zeta;
  int32_t zeta_qinv;
};
constexpr Zeta MakeZeta(int64_t value) {
  const int32_t zeta = CenteredMod(value % kQ * (kMontR % kQ));
  return {zeta, static_cast<int32_t>(static_cast<uint32_t>(zeta) * kQInv)};
}

// ζ = 1753 is a primitive 512th root of unity mod q; Alg. 41 uses ζ^BitRev8(m)
// for m = 1..255 in order, Alg. 42 uses -ζ^BitRev8(m) for m = 255 down to 1.
// Each table is two arrays (factor, low half) rather than an array of pairs:
// the vectorizer then loads them without shuffles.
struct ZetaTable {
  std::array<int32_t, kN> zeta;
  std::array<int32_t, kN> zeta_qinv;
};
constexpr ZetaTable MakeZetaTable(bool inverse) {
  ZetaTable t{};
  for (int i = 0; i < kN; ++i) {
    const Zeta z = inverse ? MakeZeta(kQ - PowMod(1753, BitRev8(255 - i)))
                           : MakeZeta(PowMod(1753, BitRev8(i)));
    t.zeta[i] = z.zeta;
    t.zeta_qinv[i] = z.zeta_qinv;
  }
  return t;
}
constexpr ZetaTable kForwardZetas = MakeZetaTable(false);
constexpr ZetaTable kInverseZetas = MakeZetaTable(true);
// FIPS 204 Appendix B starts 0, 4808194, 3765607 (ζ^BitRev8(m) for m = 0, 1, 2);
// the tables hold them times 2^32.
constexpr int32_t kMontRInverse = PowMod(kMontR % kQ, kQ - 2);  // Fermat: 2^-32 mod q
static_assert(CenteredMod(int64_t{kForwardZetas.zeta[1]} * kMontRInverse) == CenteredMod(4808194));
static_assert(CenteredMod(int64_t{kForwardZetas.zeta[2]} * kMontRInverse) == CenteredMod(3765607));
static_assert(CenteredMod(int64_t{kInverseZetas.zeta[0]} * kMontRInverse) ==
              CenteredMod(-int64_t{PowMod(1753, 255)}));

// InvNttMont's last step multiplies by 2^32 / 256 mod q: the 1/256 of Alg. 42
// line 21 and the promised factor 2^32. It is folded into the last layer
// (len 128, factor -ζ^BitRev8(1) = -ζ^128): the sums take the scale alone, the
// differences the scale times that factor.
constexpr int32_t kInvNttScale = PowMod(2, 24);
constexpr Zeta kLastSumFactor = MakeZeta(kInvNttScale);
constexpr Zeta kLastDifferenceFactor =
    MakeZeta(int64_t{kQ - PowMod(1753, 128)} * kInvNttScale % kQ);
static_assert(BitRev8(1) == 128);

// --- the NTT-domain layout -----------------------------------------------------------
//
// The three layers with len 1, 2, 4 pair coefficients closer than one 8-lane
// vector, which a compiler cannot vectorize without shuffles. So after the
// len 8 layer the forward transform transposes each group of 64 coefficients
// as an 8x8 matrix (TransposeGroups): coefficient 8r + c of a group moves to
// 8c + r, and the last three layers pair positions 32, 16 and 8 apart, whole
// vectors again, each lane with its own ζ (per-butterfly tables below). The
// output therefore holds NTT coefficient i at NttPosition(i) (mldsa_poly.hpp);
// the inverse transform reads that layout and transposes back before its len 8
// layer. Products are coefficient-wise, so the layout only matters for Â,
// which ExpandA writes in this order.

// The factor of every butterfly of a layer that runs on the transposed layout:
// Alg. 41/42's layer `len` with first factor index `first` pairs positions
// 8 len apart; butterfly k (in position order) has its top element at the
// position below, which holds original coefficient NttPosition(position).
struct ButterflyZetas {
  std::array<int32_t, kN / 2> zeta;
  std::array<int32_t, kN / 2> zeta_qinv;
};
constexpr ButterflyZetas MakeButterflyZetas(const ZetaTable& table, int len, int first) {
  ButterflyZetas t{};
  const int distance = 8 * len;
  for (int k = 0; k < kN / 2; ++k) {
    const int position = (k / distance) * 2 * distance + k % distance;
    const int block = NttPosition(position) / (2 * len);
    t.zeta[k] = table.zeta[first + block];
    t.zeta_qinv[k] = table.zeta_qinv[first + block];
  }
  return t;
}
constexpr ButterflyZetas kForwardLen4 = MakeButterflyZetas(kForwardZetas, 4, 32);
constexpr ButterflyZetas kForwardLen2 = MakeButterflyZetas(kForwardZetas, 2, 64);
constexpr ButterflyZetas kForwardLen1 = MakeButterflyZetas(kForwardZetas, 1, 128);
constexpr ButterflyZetas kInverseLen1 = MakeButterflyZetas(kInverseZetas, 1, 0);
constexpr ButterflyZetas kInverseLen2 = MakeButterflyZetas(kInverseZetas, 2, 128);
constexpr ButterflyZetas kInverseLen4 = MakeButterflyZetas(kInverseZetas, 4, 192);

// Each 64-coefficient group as an 8x8 matrix, transposed with three rounds of
// two-input shuffles on 8-lane vectors (GCC/Clang vector extensions; the
// compiler lowers them to the target's shuffles). Only data movement.
typedef int32_t I32x8 __attribute__((vector_size(32)));

__attribute__((always_inline)) inline void TransposeGroup(int32_t* group) {
  I32x8 v[8], t[8];
  std::memcpy(v, group, sizeof(v));
  for (int i = 0; i < 8; i += 2) {  // interleave row pairs: 2x2 blocks
    t[i] = __builtin_shufflevector(v[i], v[i + 1], 0, 8, 2, 10, 4, 12, 6, 14);
    t[i + 1] = __builtin_shufflevector(v[i], v[i + 1], 1, 9, 3, 11, 5, 13, 7, 15);
  }
  for (int i = 0; i < 8; i += 4) {  // 4x4 blocks
    for (int k = 0; k < 2; ++k) {
      v[i + k] = __builtin_shufflevector(t[i + k], t[i + k + 2], 0, 1, 8, 9, 4, 5, 12, 13);
      v[i + k + 2] = __builtin_shufflevector(t[i + k], t[i + k + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    }
  }
  for (int k = 0; k < 4; ++k) {  // 8x8
    t[k] = __builtin_shufflevector(v[k], v[k + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    t[k + 4] = __builtin_shufflevector(v[k], v[k + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
  std::memcpy(group, t, sizeof(t));
}

__attribute__((always_inline)) inline void TransposeGroups(Poly& a) {
  for (int g = 0; g < kN; g += 64) TransposeGroup(a.data() + g);
}

// --- the layers ----------------------------------------------------------------------

// One layer of Alg. 41 with len = kLen >= 8 in the natural layout; block b
// (2 kLen coefficients) uses kForwardZetas[first + b]. No reduction: each
// layer adds less than q to the bound (MulZeta < q).
template <int kLen>
inline void NttLayer(Poly& w, int first) {
  ZQ_NO_UNROLL for (int b = 0; b < kN / (2 * kLen); ++b) {
    const int32_t zeta = kForwardZetas.zeta[first + b];
    const int32_t zeta_qinv = kForwardZetas.zeta_qinv[first + b];
    int32_t* p = w.data() + b * 2 * kLen;
    ZQ_NO_UNROLL for (int j = 0; j < kLen; ++j) {
      const int32_t t = MulZeta(p[j + kLen], zeta, zeta_qinv);
      p[j + kLen] = p[j] - t;
      p[j] = p[j] + t;
    }
  }
}

// The same on the transposed layout: positions kDistance apart, a factor per
// butterfly.
template <int kDistance>
inline void NttLayerTransposed(Poly& w, const ButterflyZetas& z) {
  ZQ_NO_UNROLL for (int b = 0; b < kN / (2 * kDistance); ++b) {
    int32_t* p = w.data() + b * 2 * kDistance;
    const int32_t* zeta = z.zeta.data() + b * kDistance;
    const int32_t* zeta_qinv = z.zeta_qinv.data() + b * kDistance;
    ZQ_NO_UNROLL for (int j = 0; j < kDistance; ++j) {
      const int32_t t = MulZeta(p[j + kDistance], zeta[j], zeta_qinv[j]);
      p[j + kDistance] = p[j] - t;
      p[j] = p[j] + t;
    }
  }
}

// One layer of Alg. 42 with len = kLen >= 8 in the natural layout. The sums
// double the bound per layer and the differences go through MulZeta (< q), so
// from |a| < q the bound after layer 8 is 256 (q - 1) < 2^31: no reduction is
// needed anywhere.
template <int kLen>
inline void InvNttLayer(Poly& w, int first) {
  ZQ_NO_UNROLL for (int b = 0; b < kN / (2 * kLen); ++b) {
    const int32_t zeta = kInverseZetas.zeta[first + b];
    const int32_t zeta_qinv = kInverseZetas.zeta_qinv[first + b];
    int32_t* p = w.data() + b * 2 * kLen;
    ZQ_NO_UNROLL for (int j = 0; j < kLen; ++j) {
      const int32_t t = p[j];
      p[j] = t + p[j + kLen];
      p[j + kLen] = MulZeta(t - p[j + kLen], zeta, zeta_qinv);
    }
  }
}

// Layer len = 128 of Alg. 42 with the final scaling (see kLastSumFactor).
// The inputs are below 128 (q - 1) (seven layers from |a| < q); any int32
// input gives |MulZeta| < q.
inline void InvNttLastLayer(Poly& w) {
  int32_t* p = w.data();
  ZQ_NO_UNROLL for (int j = 0; j < kN / 2; ++j) {
    const int32_t t = p[j];
    p[j] = MulZeta(t + p[j + kN / 2], kLastSumFactor.zeta, kLastSumFactor.zeta_qinv);
    p[j + kN / 2] =
        MulZeta(t - p[j + kN / 2], kLastDifferenceFactor.zeta, kLastDifferenceFactor.zeta_qinv);
  }
}

template <int kDistance>
inline void InvNttLayerTransposed(Poly& w, const ButterflyZetas& z) {
  ZQ_NO_UNROLL for (int b = 0; b < kN / (2 * kDistance); ++b) {
    int32_t* p = w.data() + b * 2 * kDistance;
    const int32_t* zeta = z.zeta.data() + b * kDistance;
    const int32_t* zeta_qinv = z.zeta_qinv.data() + b * kDistance;
    ZQ_NO_UNROLL for (int j = 0; j < kDistance; ++j) {
      const int32_t t = p[j];
      p[j] = t + p[j + kDistance];
      p[j + kDistance] = MulZeta(t - p[j + kDistance], zeta[j], zeta_qinv[j]);
    }
  }
}
static_assert(int64_t{256} * (kQ - 1) < (int64_t{1} << 31));

// floor(a / kDivisor) for 0 <= a < 2^24 with shifts and one 32-bit product:
// kDivisor = 2^shift m with m odd; floor(a / kDivisor) = floor((a >> shift) / m),
// and b / m for b < 2^(24 - shift) is (b M) >> s with M = ceil(2^s / m) for the
// smallest s the exhaustive check below accepts.
template <int32_t kDivisor>
struct Divider {
  static constexpr int kShift = __builtin_ctz(kDivisor);
  static constexpr int32_t kOdd = kDivisor >> kShift;
  static constexpr int32_t kRange = (int32_t{1} << 24) >> kShift;  // b < kRange

  static constexpr bool Exact(int s) {
    const int64_t m = ((int64_t{1} << s) + kOdd - 1) / kOdd;
    if ((kRange - 1) * m >= (int64_t{1} << 31)) return false;
    for (int64_t b = 0; b < kRange; ++b) {
      if (((b * m) >> s) != b / kOdd) return false;
    }
    return true;
  }
  static constexpr int FindShift() {
    for (int s = 1; s < 31; ++s) {
      if (Exact(s)) return s;
    }
    return -1;
  }
  static constexpr int kMulShift = FindShift();
  static_assert(kMulShift > 0, "no exact multiply-shift for this divisor");
  static constexpr int32_t kMul =
      static_cast<int32_t>(((int64_t{1} << kMulShift) + kOdd - 1) / kOdd);

  static int32_t Divide(int32_t a) { return ((a >> kShift) * kMul) >> kMulShift; }
};

// Decompose (Alg. 36) for r in [0, q): r = r1 (2γ2) + r0 with r0 in (-γ2, γ2],
// except that r - r0 = q - 1 gives r1 = 0 and r0 - 1. r1 is
// floor((r + γ2 - 1) / 2γ2), at most kTop = (q - 1) / 2γ2 (the exception).
template <int32_t kGamma2>
inline void Decompose(int32_t r, int32_t* r1, int32_t* r0) {
  constexpr int32_t kTop = (kQ - 1) / (2 * kGamma2);
  static_assert(kQ - 1 + kGamma2 - 1 < (1 << 24));
  const int32_t high = Divider<2 * kGamma2>::Divide(r + kGamma2 - 1);
  const int32_t low = r - high * 2 * kGamma2;
  const int32_t below_top = (high - kTop) >> 31;  // all ones unless r - r0 = q - 1
  *r1 = high & below_top;
  *r0 = low + ~below_top;  // low - 1 at the exception
}

template <int32_t kGamma2>
inline void HighBitsOf(const Poly& r, Poly& r1) {
  for (int i = 0; i < kN; ++i) {
    int32_t low;
    Decompose<kGamma2>(r[i], &r1[i], &low);
  }
}

inline uint32_t AtLeastBit(int32_t value, int32_t bound) {
  const int32_t sign = value >> 31;
  const int32_t magnitude = (value ^ sign) - sign;
  return static_cast<uint32_t>(bound - 1 - magnitude) >> 31;
}

template <int32_t kGamma2>
inline uint32_t LowBitsAtLeastOf(const Poly& r, int32_t bound) {
  uint32_t bad = 0;
  for (int i = 0; i < kN; ++i) {
    int32_t high, low;
    Decompose<kGamma2>(r[i], &high, &low);
    bad |= AtLeastBit(low, bound);
  }
  return bad;
}

template <int32_t kGamma2>
inline uint32_t MakeHintsOf(const Poly& r, const Poly& ct0, Poly& h) {
  uint32_t count = 0;
  for (int i = 0; i < kN; ++i) {
    int32_t high, moved_high, low;
    Decompose<kGamma2>(r[i], &high, &low);
    Decompose<kGamma2>(Canonical(r[i] + ct0[i]), &moved_high, &low);
    const auto differ = static_cast<uint32_t>(high ^ moved_high);
    h[i] = static_cast<int32_t>((differ | (0u - differ)) >> 31);
    count += static_cast<uint32_t>(h[i]);
  }
  return count;
}

// UseHint (Alg. 40) without branches: r1 + 1 when h = 1 and r0 > 0, r1 - 1 when
// h = 1 and r0 <= 0, then mod m = (q - 1) / 2γ2.
template <int32_t kGamma2>
inline void UseHintsOf(const Poly& h, const Poly& r, Poly& w1) {
  constexpr int32_t kM = (kQ - 1) / (2 * kGamma2);
  for (int i = 0; i < kN; ++i) {
    int32_t high, low;
    Decompose<kGamma2>(r[i], &high, &low);
    const int32_t positive = (-low) >> 31;  // all ones when r0 > 0
    int32_t x = high + h[i] * (-1 - 2 * positive);
    x += kM & (x >> 31);
    x -= kM & ~((x - kM) >> 31);
    w1[i] = x;
  }
}

}  // namespace

ZQ_VECTOR_CLONES void Ntt(Poly& a) {
  NttLayer<128>(a, 1);
  NttLayer<64>(a, 2);
  NttLayer<32>(a, 4);
  NttLayer<16>(a, 8);
  NttLayer<8>(a, 16);
  TransposeGroups(a);
  NttLayerTransposed<32>(a, kForwardLen4);
  NttLayerTransposed<16>(a, kForwardLen2);
  NttLayerTransposed<8>(a, kForwardLen1);
}

// Layer len takes the next 128 / len factors of kInverseZetas.
ZQ_VECTOR_CLONES void InvNttMont(Poly& a) {
  InvNttLayerTransposed<8>(a, kInverseLen1);
  InvNttLayerTransposed<16>(a, kInverseLen2);
  InvNttLayerTransposed<32>(a, kInverseLen4);
  TransposeGroups(a);
  InvNttLayer<8>(a, 224);
  InvNttLayer<16>(a, 240);
  InvNttLayer<32>(a, 248);
  InvNttLayer<64>(a, 252);
  InvNttLastLayer(a);
}

ZQ_VECTOR_CLONES void MultiplyMont(const Poly& a, const Poly& b, Poly& out) {
  for (int i = 0; i < kN; ++i) out[i] = MontReduce(static_cast<int64_t>(a[i]) * b[i]);
}

void ProductSumClear(ProductSum& sum) {
  sum.fill(0);
}

ZQ_VECTOR_CLONES void ProductSumAdd(ProductSum& sum, const Poly& a, const Poly& b) {
  for (int i = 0; i < kN; ++i) sum[i] += static_cast<int64_t>(a[i]) * b[i];
}

ZQ_VECTOR_CLONES void ProductSumSubtract(ProductSum& sum, const Poly& a, const Poly& b) {
  for (int i = 0; i < kN; ++i) sum[i] -= static_cast<int64_t>(a[i]) * b[i];
}

ZQ_VECTOR_CLONES void ProductSumReduce(const ProductSum& sum, Poly& out) {
  for (int i = 0; i < kN; ++i) out[i] = MontReduce(sum[i]);
}

ZQ_VECTOR_CLONES void ToCanonical(Poly& a) {
  for (auto& c : a) c = Canonical(c);
}

ZQ_VECTOR_CLONES void ToCentered(Poly& a) {
  for (auto& c : a) c = CenteredFromSigned(c);
}

ZQ_VECTOR_CLONES uint32_t NormAtLeast(const Poly& a, int32_t bound) {
  uint32_t bad = 0;
  for (int32_t c : a) bad |= AtLeastBit(c, bound);
  return bad;
}

ZQ_VECTOR_CLONES void HighBits(int32_t gamma2, const Poly& r, Poly& r1) {
  if (gamma2 == kGamma2Small) return HighBitsOf<kGamma2Small>(r, r1);
  HighBitsOf<kGamma2Large>(r, r1);
}

ZQ_VECTOR_CLONES uint32_t LowBitsAtLeast(int32_t gamma2, const Poly& r, int32_t bound) {
  if (gamma2 == kGamma2Small) return LowBitsAtLeastOf<kGamma2Small>(r, bound);
  return LowBitsAtLeastOf<kGamma2Large>(r, bound);
}

ZQ_VECTOR_CLONES uint32_t MakeHints(int32_t gamma2, const Poly& r, const Poly& ct0, Poly& h) {
  if (gamma2 == kGamma2Small) return MakeHintsOf<kGamma2Small>(r, ct0, h);
  return MakeHintsOf<kGamma2Large>(r, ct0, h);
}

ZQ_VECTOR_CLONES void UseHints(int32_t gamma2, const Poly& h, const Poly& r, Poly& w1) {
  if (gamma2 == kGamma2Small) return UseHintsOf<kGamma2Small>(h, r, w1);
  UseHintsOf<kGamma2Large>(h, r, w1);
}

}  // namespace zq::crypto::mldsa_internal
