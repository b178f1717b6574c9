// Ring arithmetic of ML-DSA (FIPS 204 §7.4, §7.5): polynomials of
// Z_q[X]/(X^256 + 1), q = 8380417, their NTT, Montgomery products and the
// coefficient-wise rounding functions. Private to mldsa.cpp.
//
// Representation: a coefficient is an int32_t congruent to its value mod q, not
// necessarily reduced; every function states the range it accepts and the
// range it returns, and the callers in mldsa.cpp check those bounds in comments.
// Reductions are done only where a bound would otherwise be exceeded ("lazy"),
// and products are Montgomery products (a b 2^-32 mod q): two 32x32-bit
// multiplies and no division, on int32 lanes the compiler vectorizes.
//
// Constant time: nothing here branches on or indexes memory by a coefficient;
// the results that compare coefficients (norm checks, hint counts) are masks
// folded into a word, so a caller decides on one bit.
#pragma once

#include <array>
#include <cstdint>

namespace zq::crypto::mldsa_internal {

inline constexpr int kN = 256;
inline constexpr int32_t kQ = 8380417;
inline constexpr int kD = 13;                           // dropped bits of t (Table 1)
inline constexpr int32_t kGamma2Small = (kQ - 1) / 88;  // ML-DSA-44
inline constexpr int32_t kGamma2Large = (kQ - 1) / 32;  // ML-DSA-65 and -87

using Poly = std::array<int32_t, kN>;
// Σ a_i b_i per coefficient, exact in 64 bits, reduced once at the end.
using ProductSum = std::array<int64_t, kN>;

// The NTT domain's coefficient order: Ntt stores coefficient i of Alg. 41's
// output at NttPosition(i) (the 8x8 matrix of each group of 64 transposed, see
// mldsa_poly.cpp), and InvNttMont reads that order. Products are
// coefficient-wise, so only values sampled directly in the NTT domain (ExpandA's
// Â) are placed by it. An involution.
constexpr int NttPosition(int i) {
  return (i & ~63) | ((i & 7) << 3) | ((i >> 3) & 7);
}
static_assert(NttPosition(8 * 3 + 5) == 8 * 5 + 3 && NttPosition(NttPosition(77)) == 77);

// NTT (Alg. 41) in place. |a| < 2^30 in; â ≡ NTT(a) out, |â| < max|a| + 8q.
void Ntt(Poly& a);
// NTT^-1 (Alg. 42) multiplied by 2^32, in place: the factor cancels the 2^-32 of
// one Montgomery product (MultiplyMont, ProductSumReduce). |a| < q in and out.
void InvNttMont(Poly& a);

// out = a ∘ b 2^-32 mod q, |out| < q. Needs |a_i b_i| < 2^31 q, e.g. both
// inputs NTT outputs of small polynomials (< 9q each: 81 q^2 < 2^31 q).
void MultiplyMont(const Poly& a, const Poly& b, Poly& out);
// The products accumulate exactly in 64 bits, so a row of the matrix costs one
// reduction instead of one per product. ProductSumReduce gives Σ 2^-32 mod q,
// |out| < q, provided Σ |a_i b_i| < 2^31 q over everything added.
void ProductSumClear(ProductSum& sum);
void ProductSumAdd(ProductSum& sum, const Poly& a, const Poly& b);
void ProductSumSubtract(ProductSum& sum, const Poly& a, const Poly& b);
void ProductSumReduce(const ProductSum& sum, Poly& out);

// a mod q into [0, q), for -q < a < 2q.
inline int32_t Canonical(int32_t a) {
  a += kQ & (a >> 31);
  a -= kQ;
  return a + (kQ & (a >> 31));
}
// a mod± q into [-(q-1)/2, (q-1)/2], for -q < a < q.
inline int32_t CenteredFromSigned(int32_t a) {
  a += kQ & (a >> 31);
  return a - (kQ & (((kQ - 1) / 2 - a) >> 31));
}
// Canonical / CenteredFromSigned on every coefficient.
void ToCanonical(Poly& a);
void ToCentered(Poly& a);

// 1 when some |a_i| >= bound, else 0; a holds exact signed values (|a_i| < 2^31).
uint32_t NormAtLeast(const Poly& a, int32_t bound);
// r1 = HighBits(r) (Alg. 37) coefficient-wise; r in [0, q).
void HighBits(int32_t gamma2, const Poly& r, Poly& r1);
// 1 when some |LowBits(r_i)| >= bound (Alg. 38), else 0; r in [0, q).
uint32_t LowBitsAtLeast(int32_t gamma2, const Poly& r, int32_t bound);
// h = MakeHint(-ct0, r + ct0) (Alg. 39): h_i = 1 when HighBits(r_i + ct0_i)
// differs from HighBits(r_i). r in [0, q), |ct0| < q. Returns the number of ones.
uint32_t MakeHints(int32_t gamma2, const Poly& r, const Poly& ct0, Poly& h);
// w1 = UseHint(h, r) (Alg. 40) coefficient-wise; r in [0, q), h in {0, 1}.
void UseHints(int32_t gamma2, const Poly& h, const Poly& r, Poly& w1);

}  // namespace zq::crypto::mldsa_internal
