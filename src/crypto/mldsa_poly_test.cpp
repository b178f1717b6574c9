// mldsa_poly against plain definitions: the NTT and its inverse against
// Alg. 41/42 computed with % on 64-bit integers (natural order), products
// against schoolbook multiplication mod X^256 + 1, the lazy bounds at their
// extremes, and the rounding functions against Alg. 36-40 for every r in [0, q).
#include "crypto/mldsa_poly.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>

namespace zq::crypto::mldsa_internal {
namespace {

int64_t Mod(int64_t a) {
  a %= kQ;
  return a < 0 ? a + kQ : a;
}

int64_t PowMod(int64_t base, int64_t exp) {
  int64_t r = 1;
  for (; exp > 0; exp >>= 1, base = base * base % kQ) {
    if (exp & 1) r = r * base % kQ;
  }
  return r;
}

int BitRev8(int i) {
  int r = 0;
  for (int b = 0; b < 8; ++b) r |= ((i >> b) & 1) << (7 - b);
  return r;
}

// Alg. 41 and 42 as written in FIPS 204, values in [0, q), natural order.
std::array<int64_t, kN> ReferenceNtt(const Poly& a) {
  std::array<int64_t, kN> w;
  for (int i = 0; i < kN; ++i) w[i] = Mod(a[i]);
  int m = 0;
  for (int len = 128; len >= 1; len /= 2) {
    for (int start = 0; start < kN; start += 2 * len) {
      const int64_t z = PowMod(1753, BitRev8(++m));
      for (int j = start; j < start + len; ++j) {
        const int64_t t = z * w[j + len] % kQ;
        w[j + len] = Mod(w[j] - t);
        w[j] = Mod(w[j] + t);
      }
    }
  }
  return w;
}

std::array<int64_t, kN> ReferenceInvNtt(const Poly& a) {
  std::array<int64_t, kN> w;
  for (int i = 0; i < kN; ++i) w[i] = Mod(a[i]);
  int m = 256;
  for (int len = 1; len < kN; len *= 2) {
    for (int start = 0; start < kN; start += 2 * len) {
      const int64_t z = Mod(-PowMod(1753, BitRev8(--m)));
      for (int j = start; j < start + len; ++j) {
        const int64_t t = w[j];
        w[j] = Mod(t + w[j + len]);
        w[j + len] = Mod(z * Mod(t - w[j + len]));
      }
    }
  }
  for (auto& c : w) c = c * PowMod(256, kQ - 2) % kQ;
  return w;
}

const int64_t kMontR = PowMod(2, 32);

Poly RandomPoly(std::mt19937_64& rng, int32_t low, int32_t high) {
  std::uniform_int_distribution<int32_t> dist(low, high);
  Poly a;
  for (auto& c : a) c = dist(rng);
  return a;
}

// Ntt's output is Alg. 41's in our layout; InvNttMont undoes it, times 2^32.
void ExpectTransformsMatch(const Poly& input, int32_t inverse_bound) {
  Poly a = input;
  Ntt(a);
  const auto reference = ReferenceNtt(input);
  for (int i = 0; i < kN; ++i) {
    ASSERT_EQ(Mod(a[NttPosition(i)]), reference[i]) << "NTT coefficient " << i;
  }

  Poly b = input;
  for (auto& c : b) c = static_cast<int32_t>(c % inverse_bound);  // |b| < q
  Poly b_natural_order;
  for (int i = 0; i < kN; ++i) b_natural_order[i] = b[NttPosition(i)];
  const auto inverse = ReferenceInvNtt(b_natural_order);
  InvNttMont(b);
  for (int i = 0; i < kN; ++i) {
    ASSERT_LT(std::abs(b[i]), kQ);
    ASSERT_EQ(Mod(b[i]), inverse[i] * kMontR % kQ) << "inverse coefficient " << i;
  }
}

TEST(MlDsaPoly, TransformsMatchFips204) {
  std::mt19937_64 rng(1);
  for (int round = 0; round < 20; ++round) {
    ExpectTransformsMatch(RandomPoly(rng, -(kQ - 1), kQ - 1), kQ);
    ExpectTransformsMatch(RandomPoly(rng, -(1 << 19), 1 << 19), kQ);  // y, z
  }
  // The extremes of the lazy bounds: every input at +-(q - 1) and at 2^23 (t1 2^d).
  for (int32_t value : {kQ - 1, -(kQ - 1), 1 << 23}) {
    Poly a;
    a.fill(value);
    ExpectTransformsMatch(a, kQ);
    for (int i = 0; i < kN; i += 2) a[i] = -value;
    ExpectTransformsMatch(a, kQ);
  }
}

// Products of transforms are negacyclic products: NTT^-1(NTT(a) ∘ NTT(b)) = a b
// mod X^256 + 1, through both the single product and the 64-bit sums.
TEST(MlDsaPoly, ProductsAreNegacyclic) {
  std::mt19937_64 rng(2);
  for (int round = 0; round < 10; ++round) {
    const Poly a = RandomPoly(rng, -(kQ - 1), kQ - 1), b = RandomPoly(rng, -4, 4);
    std::array<int64_t, kN> expected{};
    for (int i = 0; i < kN; ++i) {
      for (int j = 0; j < kN; ++j) {
        const int64_t product = int64_t{a[i]} * b[j] % kQ;
        const int k = (i + j) % kN;
        expected[k] = Mod(expected[k] + ((i + j) >= kN ? -product : product));
      }
    }
    Poly a_hat = a, b_hat = b, product;
    Ntt(a_hat);
    Ntt(b_hat);
    MultiplyMont(a_hat, b_hat, product);
    InvNttMont(product);
    for (int i = 0; i < kN; ++i) ASSERT_EQ(Mod(product[i]), expected[i]) << i;

    ProductSum sum;  // a b + a b - a b = a b, with the largest NTT outputs
    ProductSumClear(sum);
    ProductSumAdd(sum, a_hat, b_hat);
    ProductSumAdd(sum, a_hat, b_hat);
    ProductSumSubtract(sum, a_hat, b_hat);
    ProductSumReduce(sum, product);
    InvNttMont(product);
    for (int i = 0; i < kN; ++i) ASSERT_EQ(Mod(product[i]), expected[i]) << i;
  }
}

TEST(MlDsaPoly, Representatives) {
  for (int32_t a : {-(kQ - 1), -1, 0, 1, kQ - 1, kQ, 2 * kQ - 1}) {
    EXPECT_EQ(Canonical(a), Mod(a)) << a;
  }
  for (int32_t a :
       {-(kQ - 1), -(kQ + 1) / 2, -(kQ - 1) / 2, -1, 0, (kQ - 1) / 2, (kQ + 1) / 2, kQ - 1}) {
    const int32_t c = CenteredFromSigned(a);
    EXPECT_EQ(Mod(c), Mod(a)) << a;
    EXPECT_LE(std::abs(c), (kQ - 1) / 2) << a;
  }
  Poly a{};
  a[7] = 99;
  EXPECT_EQ(NormAtLeast(a, 100), 0u);
  EXPECT_EQ(NormAtLeast(a, 99), 1u);
  a[7] = -99;
  EXPECT_EQ(NormAtLeast(a, 99), 1u);
  EXPECT_EQ(NormAtLeast(a, 100), 0u);
}

// Decompose (Alg. 36) by its definition: r0 = r mod± 2γ2, then the q - 1 case.
void ReferenceDecompose(int32_t gamma2, int32_t r, int32_t* r1, int32_t* r0) {
  int32_t low = r % (2 * gamma2);
  if (low > gamma2) low -= 2 * gamma2;
  if (r - low == kQ - 1) {
    *r1 = 0;
    *r0 = low - 1;
  } else {
    *r1 = (r - low) / (2 * gamma2);
    *r0 = low;
  }
}

// Every r in [0, q), 256 at a time, for both γ2: HighBits, the LowBits bound
// at the largest |r0| of each batch, UseHint with h = 0 and 1, and MakeHint for a shift by +-γ2.
TEST(MlDsaPoly, RoundingMatchesDefinitionsForEveryR) {
  for (int32_t gamma2 : {kGamma2Small, kGamma2Large}) {
    const int32_t m = (kQ - 1) / (2 * gamma2);
    for (int32_t base = 0; base < kQ; base += kN) {
      Poly r, high, zero{}, one, used0, used1, shift, hints;
      one.fill(1);
      for (int i = 0; i < kN; ++i) r[i] = std::min(base + i, kQ - 1);
      HighBits(gamma2, r, high);
      UseHints(gamma2, zero, r, used0);
      UseHints(gamma2, one, r, used1);
      for (int i = 0; i < kN; ++i) shift[i] = (i & 1) ? gamma2 : -gamma2;
      MakeHints(gamma2, r, shift, hints);
      int32_t low_max = 0;
      for (int i = 0; i < kN; ++i) {
        int32_t r1, r0, moved1, moved0;
        ReferenceDecompose(gamma2, r[i], &r1, &r0);
        ASSERT_EQ(high[i], r1) << r[i];
        ASSERT_EQ(used0[i], r1) << r[i];
        ASSERT_EQ(used1[i], r0 > 0 ? (r1 + 1) % m : (r1 - 1 + m) % m) << r[i];
        ReferenceDecompose(gamma2, static_cast<int32_t>(Mod(r[i] + shift[i])), &moved1, &moved0);
        ASSERT_EQ(hints[i], moved1 != r1 ? 1 : 0) << r[i];
        low_max = std::max(low_max, std::abs(r0));
      }
      ASSERT_EQ(LowBitsAtLeast(gamma2, r, low_max), 1u) << base;
      ASSERT_EQ(LowBitsAtLeast(gamma2, r, low_max + 1), 0u) << base;
    }
  }
}

}  // namespace
}  // namespace zq::crypto::mldsa_internal
