// ML-DSA from FIPS 204. Section and algorithm numbers below are the standard's.
//
// Arithmetic: a coefficient is an int32_t holding a value in [0, q),
// q = 8380417 = 2^23 - 2^13 + 1, unless a comment says it is signed. Products
// (< q^2 < 2^46) reduce by folding 2^23 ≡ 2^13 - 1 and one masked subtraction,
// so no operation branches on a coefficient. The NTT computes Alg. 41 and 42
// exactly, written one layer at a time so the small layers vectorize; the
// ζ^BitRev8(k) table is computed by constexpr code.
//
// Secret data: ξ, ρ', K, s1, s2, t0 (KeyGen and Sign), and in Sign also rnd,
// ρ'', y, w, c of rejected attempts, cs1, cs2, ct0. They live in scratch
// structs on the heap that are wiped before return.
#include "crypto/mldsa.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>

#include "crypto/aead.hpp"  // SecureWipe
#include "crypto/keccak.hpp"
#include "crypto/pq_internal.hpp"
#include "crypto/random.hpp"
#include "util/assert.hpp"

namespace zq::crypto {
namespace {

using pq_internal::CtDivide;
using pq_internal::CtMaskNonZero;
using pq_internal::PackBits;
using pq_internal::UnpackBits;
using pq_internal::WipeOnExit;

constexpr int kN = 256;
constexpr int32_t kQ = 8380417;
constexpr int kD = 13;  // dropped bits of t (FIPS 204 Table 1)
constexpr int kKMax = 8;
constexpr int kLMax = 7;
constexpr size_t kSeedBytes = 32;                // ρ, K, ξ, rnd
constexpr size_t kTrBytes = 64;                  // tr
constexpr size_t kMuBytes = 64;                  // μ
constexpr size_t kRhoPrimeBytes = 64;            // ρ' and ρ''
constexpr int32_t kGamma2Small = (kQ - 1) / 88;  // ML-DSA-44
constexpr int32_t kGamma2Large = (kQ - 1) / 32;  // ML-DSA-65 and -87

// Parameter sets, FIPS 204 Table 1.
struct DsaSet {
  int k;
  int l;
  int eta;
  int tau;
  int lambda;
  int gamma1_bits;  // γ1 = 2^gamma1_bits
  int32_t gamma2;
  int beta;  // τ η
  int omega;
};

DsaSet SetOf(MlDsaParams params) {
  switch (params) {
    case MlDsaParams::k44:
      return {4, 4, 2, 39, 128, 17, kGamma2Small, 78, 80};
    case MlDsaParams::k65:
      return {6, 5, 4, 49, 192, 19, kGamma2Large, 196, 55};
    case MlDsaParams::k87:
      return {8, 7, 2, 60, 256, 19, kGamma2Large, 120, 75};
  }
  ZQ_ASSERT(false);
  return {};
}

int32_t Gamma1(const DsaSet& s) {
  return int32_t{1} << s.gamma1_bits;
}
size_t CTildeBytes(const DsaSet& s) {
  return static_cast<size_t>(s.lambda / 4);
}
int EtaBits(const DsaSet& s) {
  return s.eta == 2 ? 3 : 4;
}  // bitlen(2η)
int ZBits(const DsaSet& s) {
  return s.gamma1_bits + 1;
}  // bitlen(2γ1 - 1)
int W1Bits(const DsaSet& s) {
  return s.gamma2 == kGamma2Small ? 6 : 4;
}  // bitlen(m - 1)
constexpr int kT1Bits = 10;  // bitlen(q - 1) - d
constexpr int kT0Bits = 13;  // d
size_t PolyBytes(int bits) {
  return 32 * static_cast<size_t>(bits);
}

size_t PublicKeyBytes(const DsaSet& s) {
  return kSeedBytes + s.k * PolyBytes(kT1Bits);
}
size_t SecretKeyBytes(const DsaSet& s) {
  return 2 * kSeedBytes + kTrBytes + (s.k + s.l) * PolyBytes(EtaBits(s)) + s.k * PolyBytes(kT0Bits);
}
size_t SignatureBytes(const DsaSet& s) {
  return CTildeBytes(s) + s.l * PolyBytes(ZBits(s)) + static_cast<size_t>(s.omega + s.k);
}

using Poly = std::array<int32_t, kN>;
struct VecL {
  Poly p[kLMax];
};
struct VecK {
  Poly p[kKMax];
};
struct Matrix {
  Poly p[kKMax][kLMax];
};

// --- Z_q arithmetic -----------------------------------------------------------

// x - q when x >= q, for 0 <= x < 2q, by mask.
inline int32_t CondSubQ(uint32_t x) {
  uint32_t r = x - static_cast<uint32_t>(kQ);
  return static_cast<int32_t>(r + (static_cast<uint32_t>(kQ) & (0u - (r >> 31))));
}

// a mod q for a < q^2 < 2^46, the range of every product of two coefficients.
// Since q = 2^23 - 2^13 + 1, 2^23 ≡ 2^13 - 1 (mod q): folding the bits above 23
// back in three times leaves a value below 2^23 + 2^17 < 2q (bounds: < 2^36,
// then < 2^27, then < 16 (2^13 - 1) + 2^23), and one masked subtraction finishes.
// Only shifts, adds and masks on 64-bit lanes: no 128-bit product, so the
// coefficient loops vectorize, and nothing branches on the value.
inline int32_t ReduceQ(uint64_t a) {
  constexpr uint64_t kLow = (uint64_t{1} << 23) - 1;
  uint64_t r = ((a >> 23) << 13) - (a >> 23) + (a & kLow);
  r = ((r >> 23) << 13) - (r >> 23) + (r & kLow);
  r = ((r >> 23) << 13) - (r >> 23) + (r & kLow);
  return CondSubQ(static_cast<uint32_t>(r));
}
static_assert(uint64_t{1} << 23 == static_cast<uint64_t>(kQ) + (1 << 13) - 1,
              "the folding in ReduceQ relies on q = 2^23 - 2^13 + 1");

inline int32_t AddQ(int32_t a, int32_t b) {
  return CondSubQ(static_cast<uint32_t>(a + b));
}
inline int32_t SubQ(int32_t a, int32_t b) {
  return CondSubQ(static_cast<uint32_t>(a + kQ - b));
}
inline int32_t MulQ(int32_t a, int32_t b) {
  return ReduceQ(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}
// Signed x in (-q, q) to [0, q).
inline int32_t FromSigned(int32_t x) {
  return x + (kQ & (x >> 31));
}
// [0, q) to the centered representative in [-(q-1)/2, (q-1)/2] (mod± q).
inline int32_t Centered(int32_t a) {
  return a - (kQ & (((kQ - 1) / 2 - a) >> 31));
}

constexpr int32_t PowMod(int64_t base, int exp) {
  int64_t r = 1;
  for (int i = 0; i < exp; ++i) r = (r * base) % kQ;
  return static_cast<int32_t>(r);
}
constexpr int BitRev8(int i) {
  int r = 0;
  for (int b = 0; b < 8; ++b) r |= ((i >> b) & 1) << (7 - b);
  return r;
}
// ζ = 1753 is a primitive 512th root of unity mod q (FIPS 204 §7.5).
constexpr std::array<int32_t, kN> MakeZetas() {
  std::array<int32_t, kN> z{};
  for (int i = 0; i < kN; ++i) z[i] = PowMod(1753, BitRev8(i));
  return z;
}
constexpr std::array<int32_t, kN> kZetas = MakeZetas();
// FIPS 204 Appendix B, first entries.
static_assert(kZetas[0] == 1 && kZetas[1] == 4808194 && kZetas[2] == 3765607);
constexpr int32_t kInv256 = 8347681;  // 256^-1 mod q
static_assert((int64_t{256} * kInv256) % kQ == 1);

// --- NTT (Alg. 41, 42) ----------------------------------------------------------

// The coefficient loops below are plain C++ that the compiler vectorizes; on
// x86-64 each is also compiled for AVX2 and AVX-512 and the best version is chosen
// at load time (GCC/Clang function multiversioning, an ifunc). Same arithmetic,
// same results; valgrind reports no AVX-512, so the CT check runs the AVX2 one.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(ZQ_NO_MULTIVERSION)
#define ZQ_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define ZQ_VECTOR_CLONES
#endif

// ζ factors of the inverse transform in the order it uses them: Alg. 42 walks m
// down from 255 and multiplies by -ζ^BitRev8(m).
constexpr std::array<int32_t, kN> MakeInvZetas() {
  std::array<int32_t, kN> z{};
  for (int i = 0; i < kN; ++i) z[i] = kQ - kZetas[255 - i];
  return z;
}
constexpr std::array<int32_t, kN> kInvZetas = MakeInvZetas();

// One layer of Alg. 41 with len = kLen: block b (2·kLen coefficients) uses
// ζ^BitRev8(first + b). A compile-time kLen gives the small layers (len 1, 2, 4)
// fixed-size inner loops that vectorize across blocks, where a run-time len
// left them scalar with a loop per butterfly.
template <int kLen>
inline void NttLayer(Poly& w, int first) {
  for (int b = 0; b < kN / (2 * kLen); ++b) {
    const int32_t z = kZetas[first + b];
    int32_t* p = w.data() + b * 2 * kLen;
#pragma GCC unroll 8
    for (int j = 0; j < kLen; ++j) {
      int32_t t = MulQ(z, p[j + kLen]);
      p[j + kLen] = SubQ(p[j], t);
      p[j] = AddQ(p[j], t);
    }
  }
}

// One layer of Alg. 42 with len = kLen; block b uses kInvZetas[first + b].
template <int kLen>
inline void InvNttLayer(Poly& w, int first) {
  for (int b = 0; b < kN / (2 * kLen); ++b) {
    const int32_t z = kInvZetas[first + b];
    int32_t* p = w.data() + b * 2 * kLen;
#pragma GCC unroll 8
    for (int j = 0; j < kLen; ++j) {
      int32_t t = p[j];
      p[j] = AddQ(t, p[j + kLen]);
      p[j + kLen] = MulQ(z, SubQ(t, p[j + kLen]));
    }
  }
}

// Alg. 41: len = 128 down to 1; layer len starts at m = 256 / (2 len).
ZQ_VECTOR_CLONES void Ntt(Poly& w) {
  NttLayer<128>(w, 1);
  NttLayer<64>(w, 2);
  NttLayer<32>(w, 4);
  NttLayer<16>(w, 8);
  NttLayer<8>(w, 16);
  NttLayer<4>(w, 32);
  NttLayer<2>(w, 64);
  NttLayer<1>(w, 128);
}

// Alg. 42: len = 1 up to 128; layer len takes the next 128 / len factors.
ZQ_VECTOR_CLONES void InvNtt(Poly& w) {
  InvNttLayer<1>(w, 0);
  InvNttLayer<2>(w, 128);
  InvNttLayer<4>(w, 192);
  InvNttLayer<8>(w, 224);
  InvNttLayer<16>(w, 240);
  InvNttLayer<32>(w, 248);
  InvNttLayer<64>(w, 252);
  InvNttLayer<128>(w, 254);
  for (auto& c : w) c = MulQ(c, kInv256);
}

ZQ_VECTOR_CLONES void MultiplyAccumulate(const Poly& a, const Poly& b, Poly& acc) {
  for (int i = 0; i < kN; ++i) acc[i] = AddQ(acc[i], MulQ(a[i], b[i]));
}
ZQ_VECTOR_CLONES void Multiply(const Poly& a, const Poly& b, Poly& out) {
  for (int i = 0; i < kN; ++i) out[i] = MulQ(a[i], b[i]);
}

// 1 when some coefficient has |centered value| >= bound, else 0; no early exit.
uint32_t NormAtLeast(const Poly& a, int32_t bound) {
  uint32_t bad = 0;
  for (int32_t c : a) {
    int32_t x = Centered(c);
    int32_t sign = x >> 31;
    int32_t magnitude = (x ^ sign) - sign;
    bad |= static_cast<uint32_t>(bound - 1 - magnitude) >> 31;
  }
  return bad;
}

// --- rounding (Alg. 35-40) --------------------------------------------------------

// Power2Round (Alg. 35): r = r1 2^d + r0 with r0 in (-2^(d-1), 2^(d-1)].
inline void Power2Round(int32_t r, int32_t* r1, int32_t* r0) {
  int32_t low = r & ((1 << kD) - 1);
  low -= (1 << kD) & (((1 << (kD - 1)) - low) >> 31);  // low > 2^(d-1): subtract 2^d
  *r1 = (r - low) >> kD;
  *r0 = low;
}

// Decompose (Alg. 36) for r in [0, q): r = r1 (2γ2) + r0 with r0 in (-γ2, γ2],
// except that r - r0 = q - 1 gives r1 = 0 and r0 - 1. r1 is
// ceil((r - γ2) / 2γ2) = floor((r + γ2 - 1) / 2γ2), computed without division.
inline void Decompose(int32_t gamma2, int32_t r, int32_t* r1, int32_t* r0) {
  uint32_t a = static_cast<uint32_t>(r + gamma2 - 1);
  uint32_t high =
      gamma2 == kGamma2Small ? CtDivide<2 * kGamma2Small>(a) : CtDivide<2 * kGamma2Large>(a);
  int32_t low = r - static_cast<int32_t>(high) * 2 * gamma2;
  uint32_t top = static_cast<uint32_t>((kQ - 1) / (2 * gamma2));
  uint32_t not_top = CtMaskNonZero(high ^ top);  // all ones unless r - r0 = q - 1
  *r1 = static_cast<int32_t>(high & not_top);
  *r0 = low - static_cast<int32_t>(1u & ~not_top);
}

inline int32_t HighBits(int32_t gamma2, int32_t r) {
  int32_t r1, r0;
  Decompose(gamma2, r, &r1, &r0);
  return r1;
}

// UseHint (Alg. 40); public data only (verification).
inline int32_t UseHint(int32_t gamma2, int32_t hint, int32_t r) {
  const int32_t m = (kQ - 1) / (2 * gamma2);
  int32_t r1, r0;
  Decompose(gamma2, r, &r1, &r0);
  if (hint == 0) return r1;
  return r0 > 0 ? (r1 + 1) % m : (r1 - 1 + m) % m;
}

// --- hashing and sampling (§3.7, Alg. 29-34) -----------------------------------------

// H(pieces..., out.size()) = SHAKE256 of the concatenation.
void H(std::initializer_list<std::span<const uint8_t>> pieces, std::span<uint8_t> out) {
  Shake256Xof xof;
  for (auto piece : pieces) xof.Absorb(piece);
  xof.Squeeze(out);
}

// Parses one SHAKE128 block into a, from coefficient n on (the loop body of
// Alg. 30); returns the new count. A 3-byte group never straddles two blocks.
int RejNttBlock(const uint8_t block[kShake128RateBytes], Poly& a, int n) {
  static_assert(kShake128RateBytes % 3 == 0);
  for (size_t p = 0; p < kShake128RateBytes && n < kN; p += 3) {
    // CoeffFromThreeBytes (Alg. 14): the top bit of the third byte is dropped.
    int32_t z = block[p] | (block[p + 1] << 8) | ((block[p + 2] & 0x7F) << 16);
    if (z < kQ) a[n++] = z;
  }
  return n;
}

// RejNTTPoly (Alg. 30) over SHAKE128(ρ || s || r); ρ is public.
void RejNttPoly(const uint8_t rho[kSeedBytes], uint8_t s, uint8_t r, Poly& a) {
  Shake128Xof xof;
  xof.Absorb({rho, kSeedBytes});
  const uint8_t suffix[2] = {s, r};
  xof.Absorb(suffix);
  uint8_t block[kShake128RateBytes];
  int n = 0;
  while (n < kN) {
    xof.Squeeze(block);
    n = RejNttBlock(block, a, n);
  }
}

// ExpandA (Alg. 32): Â[r][s] = RejNTTPoly(ρ || s || r), four entries at a time
// on four SHAKE128 streams (Shake128X4; same bytes, same polynomials).
void ExpandA(const DsaSet& set, const uint8_t rho[kSeedBytes], Matrix& a) {
  const int entries = set.k * set.l;
  int e = 0;
  for (; e + 4 <= entries; e += 4) {
    uint8_t in[4][kSeedBytes + 2];
    Poly* out[4];
    for (int q = 0; q < 4; ++q) {
      int r = (e + q) / set.l, s = (e + q) % set.l;
      std::memcpy(in[q], rho, kSeedBytes);
      in[q][kSeedBytes] = static_cast<uint8_t>(s);
      in[q][kSeedBytes + 1] = static_cast<uint8_t>(r);
      out[q] = &a.p[r][s];
    }
    Shake128X4 xof({std::span<const uint8_t>(in[0]), in[1], in[2], in[3]});
    uint8_t blocks[4][kShake128RateBytes];
    int n[4] = {0, 0, 0, 0};
    while (n[0] < kN || n[1] < kN || n[2] < kN || n[3] < kN) {
      xof.SqueezeBlocks(blocks);
      for (int q = 0; q < 4; ++q) n[q] = RejNttBlock(blocks[q], *out[q], n[q]);
    }
  }
  for (; e < entries; ++e) {
    int r = e / set.l, s = e % set.l;
    RejNttPoly(rho, static_cast<uint8_t>(s), static_cast<uint8_t>(r), a.p[r][s]);
  }
}

// RejBoundedPoly (Alg. 31) over SHAKE256(ρ' || IntegerToBytes(index, 2)).
// The seed is secret. Which half-bytes are rejected leaks (allowed: FIPS 204
// treats rejection sampling's accept pattern as public); an accepted value is
// mapped to [-η, η] without branching: b mod 5 = b - 5 floor(205 b / 1024) for b < 15.
void RejBoundedPoly(int eta, const uint8_t rho_prime[kRhoPrimeBytes], uint16_t index, Poly& a) {
  Shake256Xof xof;
  xof.Absorb({rho_prime, kRhoPrimeBytes});
  const uint8_t suffix[2] = {static_cast<uint8_t>(index), static_cast<uint8_t>(index >> 8)};
  xof.Absorb(suffix);
  uint8_t block[kShake256RateBytes];
  WipeOnExit<decltype(block)> wipe(block);
  const int32_t limit = eta == 2 ? 15 : 9;
  int n = 0;
  while (n < kN) {
    xof.Squeeze(block);
    for (size_t p = 0; p < sizeof(block) && n < kN; ++p) {
      int32_t halves[2] = {block[p] & 15, block[p] >> 4};
      for (int32_t b : halves) {
        // CoeffFromHalfByte (Alg. 15) rejects; the decision is public.
        if (pq_internal::CtDeclassify(b >= limit) || n >= kN) continue;
        int32_t value = eta == 2 ? 2 - (b - 5 * ((b * 205) >> 10)) : 4 - b;
        a[n++] = FromSigned(value);
      }
    }
  }
}

// ExpandS (Alg. 33).
void ExpandS(const DsaSet& set, const uint8_t rho_prime[kRhoPrimeBytes], VecL& s1, VecK& s2) {
  for (int r = 0; r < set.l; ++r) {
    RejBoundedPoly(set.eta, rho_prime, static_cast<uint16_t>(r), s1.p[r]);
  }
  for (int r = 0; r < set.k; ++r) {
    RejBoundedPoly(set.eta, rho_prime, static_cast<uint16_t>(r + set.l), s2.p[r]);
  }
}

// ExpandMask (Alg. 34): y[r] = BitUnpack(H(ρ'' || IntegerToBytes(κ + r, 2)), γ1 - 1, γ1).
void ExpandMask(const DsaSet& set, const uint8_t rho2[kRhoPrimeBytes], int kappa, VecL& y) {
  uint8_t bytes[32 * 20];
  WipeOnExit<decltype(bytes)> wipe(bytes);
  const int bits = ZBits(set);
  const int32_t gamma1 = Gamma1(set);
  for (int r = 0; r < set.l; ++r) {
    int counter = kappa + r;
    const uint8_t suffix[2] = {static_cast<uint8_t>(counter), static_cast<uint8_t>(counter >> 8)};
    H({{rho2, kRhoPrimeBytes}, suffix}, {bytes, PolyBytes(bits)});
    UnpackBits(bytes, kN, bits, y.p[r].data());
    for (auto& c : y.p[r]) c = FromSigned(gamma1 - c);
  }
}

// SampleInBall (Alg. 29): τ coefficients ±1. The index j comes from a
// rejection loop; the swap c_i <- c_j, c_j <- ±1 then touches every position
// 0..i so the memory trace does not show j (c̃ of rejected attempts is secret).
void SampleInBall(const DsaSet& set, std::span<const uint8_t> c_tilde, Poly& c) {
  Shake256Xof xof;
  xof.Absorb(c_tilde);
  uint8_t sign_bytes[8];
  xof.Squeeze(sign_bytes);
  uint64_t signs = 0;
  for (int i = 0; i < 8; ++i) signs |= uint64_t{sign_bytes[i]} << (8 * i);
  int32_t signed_c[kN] = {};
  for (int i = kN - set.tau; i < kN; ++i) {
    uint8_t j;
    do {
      xof.Squeeze({&j, 1});
    } while (pq_internal::CtDeclassify(j > i));  // rejection decision: public
    int32_t sign = 1 - 2 * static_cast<int32_t>(signs & 1);
    signs >>= 1;
    int32_t c_j = 0;
    for (int p = 0; p <= i; ++p) {
      int32_t hit = static_cast<int32_t>(CtMaskNonZero(static_cast<uint32_t>(p ^ j)) ^ ~0u);
      c_j |= signed_c[p] & hit;
    }
    signed_c[i] = c_j;
    for (int p = 0; p <= i; ++p) {
      int32_t hit = static_cast<int32_t>(CtMaskNonZero(static_cast<uint32_t>(p ^ j)) ^ ~0u);
      signed_c[p] = (signed_c[p] & ~hit) | (sign & hit);
    }
  }
  for (int i = 0; i < kN; ++i) c[i] = FromSigned(signed_c[i]);
  SecureWipe(signed_c, sizeof(signed_c));
  SecureWipe(sign_bytes, sizeof(sign_bytes));
  SecureWipe(&signs, sizeof(signs));
}

// --- encodings (Alg. 16-28) ------------------------------------------------------

// BitPack(a, ·, base) (Alg. 17): packs base - a_i, a_i taken mod± q. The
// temporary holds secret values (s1, s2, t0), so it is wiped.
void PackCentered(const Poly& a, int32_t base, int bits, uint8_t* out) {
  int32_t values[kN];
  for (int i = 0; i < kN; ++i) values[i] = base - Centered(a[i]);
  PackBits(values, kN, bits, out);
  SecureWipe(values, sizeof(values));
}

// BitUnpack (Alg. 19): a_i = base - raw_i, mod q. Returns 1 when some raw
// value exceeds raw_max (computed without branching: sk holds secrets), else 0.
uint32_t UnpackCentered(const uint8_t* in, int32_t base, int bits, int32_t raw_max, Poly& a) {
  UnpackBits(in, kN, bits, a.data());
  uint32_t bad = 0;
  for (auto& c : a) {
    bad |= static_cast<uint32_t>(raw_max - c) >> 31;
    c = FromSigned(base - c);
  }
  return bad;
}

// pkEncode (Alg. 22): ρ || SimpleBitPack(t1[i], 2^10 - 1).
void PkEncode(const DsaSet& set, const uint8_t rho[kSeedBytes], const VecK& t1, uint8_t* pk) {
  std::memcpy(pk, rho, kSeedBytes);
  for (int i = 0; i < set.k; ++i) {
    PackBits(t1.p[i].data(), kN, kT1Bits, pk + kSeedBytes + i * PolyBytes(kT1Bits));
  }
}

// pkDecode (Alg. 23); ρ stays in pk[0, 32).
void PkDecode(const DsaSet& set, const uint8_t* pk, VecK& t1) {
  for (int i = 0; i < set.k; ++i) {
    UnpackBits(pk + kSeedBytes + i * PolyBytes(kT1Bits), kN, kT1Bits, t1.p[i].data());
  }
}

struct SecretKey {
  uint8_t rho[kSeedBytes];
  uint8_t key[kSeedBytes];
  uint8_t tr[kTrBytes];
  VecL s1;
  VecK s2, t0;
};

// skEncode (Alg. 24): ρ || K || tr || s1 || s2 || t0.
void SkEncode(const DsaSet& set, const SecretKey& key, uint8_t* sk) {
  uint8_t* p = sk;
  std::memcpy(p, key.rho, kSeedBytes);
  std::memcpy(p + kSeedBytes, key.key, kSeedBytes);
  std::memcpy(p + 2 * kSeedBytes, key.tr, kTrBytes);
  p += 2 * kSeedBytes + kTrBytes;
  const size_t eta_bytes = PolyBytes(EtaBits(set));
  for (int i = 0; i < set.l; ++i, p += eta_bytes) {
    PackCentered(key.s1.p[i], set.eta, EtaBits(set), p);
  }
  for (int i = 0; i < set.k; ++i, p += eta_bytes) {
    PackCentered(key.s2.p[i], set.eta, EtaBits(set), p);
  }
  for (int i = 0; i < set.k; ++i, p += PolyBytes(kT0Bits)) {
    PackCentered(key.t0.p[i], 1 << (kD - 1), kT0Bits, p);
  }
  ZQ_ASSERT(static_cast<size_t>(p - sk) == SecretKeyBytes(set));
}

// skDecode (Alg. 25). Returns nonzero when a coefficient of s1 or s2 lies
// outside [-η, η] (a key skEncode could not have produced).
uint32_t SkDecode(const DsaSet& set, const uint8_t* sk, SecretKey& key) {
  const uint8_t* p = sk;
  std::memcpy(key.rho, p, kSeedBytes);
  std::memcpy(key.key, p + kSeedBytes, kSeedBytes);
  std::memcpy(key.tr, p + 2 * kSeedBytes, kTrBytes);
  p += 2 * kSeedBytes + kTrBytes;
  const size_t eta_bytes = PolyBytes(EtaBits(set));
  uint32_t bad = 0;
  for (int i = 0; i < set.l; ++i, p += eta_bytes) {
    bad |= UnpackCentered(p, set.eta, EtaBits(set), 2 * set.eta, key.s1.p[i]);
  }
  for (int i = 0; i < set.k; ++i, p += eta_bytes) {
    bad |= UnpackCentered(p, set.eta, EtaBits(set), 2 * set.eta, key.s2.p[i]);
  }
  for (int i = 0; i < set.k; ++i, p += PolyBytes(kT0Bits)) {
    bad |= UnpackCentered(p, 1 << (kD - 1), kT0Bits, (1 << kT0Bits) - 1, key.t0.p[i]);
  }
  ZQ_ASSERT(static_cast<size_t>(p - sk) == SecretKeyBytes(set));
  return bad;
}

// HintBitPack (Alg. 20); the caller has checked that h has at most ω ones.
void HintBitPack(const DsaSet& set, const VecK& h, uint8_t* y) {
  std::memset(y, 0, static_cast<size_t>(set.omega + set.k));
  int index = 0;
  for (int i = 0; i < set.k; ++i) {
    for (int j = 0; j < kN; ++j) {
      if (h.p[i][j] != 0) y[index++] = static_cast<uint8_t>(j);
    }
    y[set.omega + i] = static_cast<uint8_t>(index);
  }
  ZQ_ASSERT(index <= set.omega);
}

// HintBitUnpack (Alg. 21): rejects counts that go backwards or pass ω, indices
// that do not strictly increase within a polynomial, and nonzero padding.
bool HintBitUnpack(const DsaSet& set, const uint8_t* y, VecK& h) {
  for (int i = 0; i < set.k; ++i) h.p[i].fill(0);
  int index = 0;
  for (int i = 0; i < set.k; ++i) {
    const int limit = y[set.omega + i];
    if (limit < index || limit > set.omega) return false;
    const int first = index;
    for (; index < limit; ++index) {
      if (index > first && y[index - 1] >= y[index]) return false;
      h.p[i][y[index]] = 1;
    }
  }
  for (int i = index; i < set.omega; ++i) {
    if (y[i] != 0) return false;
  }
  return true;
}

// w1Encode (Alg. 28): SimpleBitPack of each w1[i]; returns the byte count.
size_t W1Encode(const DsaSet& set, const VecK& w1, uint8_t* out) {
  const size_t poly_bytes = PolyBytes(W1Bits(set));
  for (int i = 0; i < set.k; ++i) {
    PackBits(w1.p[i].data(), kN, W1Bits(set), out + i * poly_bytes);
  }
  return poly_bytes * set.k;
}

// --- KeyGen (Alg. 6) ----------------------------------------------------------------

struct KeyGenScratch {
  uint8_t seed_in[kSeedBytes + 2];                          // ξ || k || l
  uint8_t seeds[kSeedBytes + kRhoPrimeBytes + kSeedBytes];  // ρ || ρ' || K
  Matrix a;
  SecretKey key;
  VecL s1_hat;
  VecK t, t1;
};

MlDsaKeyPair KeyGenInternal(const DsaSet& set, const uint8_t xi[kSeedBytes]) {
  ZQ_ASSERT(set.k <= kKMax && set.l <= kLMax);
  auto w = std::make_unique<KeyGenScratch>();
  WipeOnExit<KeyGenScratch> wipe(*w);
  std::memcpy(w->seed_in, xi, kSeedBytes);
  w->seed_in[kSeedBytes] = static_cast<uint8_t>(set.k);
  w->seed_in[kSeedBytes + 1] = static_cast<uint8_t>(set.l);
  H({w->seed_in}, w->seeds);
  const uint8_t* rho = w->seeds;
  pq_internal::CtUnpoison(rho, kSeedBytes);  // ρ is published in pk
  std::memcpy(w->key.rho, rho, kSeedBytes);
  std::memcpy(w->key.key, w->seeds + kSeedBytes + kRhoPrimeBytes, kSeedBytes);
  ExpandA(set, rho, w->a);
  ExpandS(set, w->seeds + kSeedBytes, w->key.s1, w->key.s2);
  for (int j = 0; j < set.l; ++j) {
    w->s1_hat.p[j] = w->key.s1.p[j];
    Ntt(w->s1_hat.p[j]);
  }
  for (int i = 0; i < set.k; ++i) {
    Poly& t = w->t.p[i];  // t = NTT^-1(Â ∘ NTT(s1)) + s2
    t.fill(0);
    for (int j = 0; j < set.l; ++j) MultiplyAccumulate(w->a.p[i][j], w->s1_hat.p[j], t);
    InvNtt(t);
    for (int c = 0; c < kN; ++c) {
      int32_t r0;
      Power2Round(AddQ(t[c], w->key.s2.p[i][c]), &w->t1.p[i][c], &r0);
      w->key.t0.p[i][c] = FromSigned(r0);
    }
  }
  MlDsaKeyPair pair;
  pair.public_key.resize(PublicKeyBytes(set));
  PkEncode(set, rho, w->t1, pair.public_key.data());
  pq_internal::CtUnpoison(pair.public_key.data(), pair.public_key.size());  // pk is public
  H({pair.public_key}, w->key.tr);                                          // tr = H(pk, 64)
  pair.secret_key.resize(SecretKeyBytes(set));
  SkEncode(set, w->key, pair.secret_key.data());
  return pair;
}

// --- Sign (Alg. 7) -------------------------------------------------------------------

struct SignScratch {
  SecretKey key;  // s1, s2, t0 in the NTT domain once signing starts
  Matrix a;
  uint8_t rho2[kRhoPrimeBytes];  // ρ''
  VecL y, z, cs1;
  VecK w, w1, r, cs2, ct0, h;
  Poly c, c_hat;
  uint8_t w1_bytes[kKMax * 32 * 6];
  uint8_t c_tilde[64];
};

// 1 when some |r0| >= bound for r0 = LowBits(r), else 0; no early exit.
uint32_t LowBitsAtLeast(int32_t gamma2, const Poly& r, int32_t bound) {
  uint32_t bad = 0;
  for (int32_t v : r) {
    int32_t r1, r0;
    Decompose(gamma2, v, &r1, &r0);
    int32_t sign = r0 >> 31;
    bad |= static_cast<uint32_t>(bound - 1 - ((r0 ^ sign) - sign)) >> 31;
  }
  return bad;
}

// One attempt of the loop in Alg. 7 (lines 11-31) with counter κ. Returns true
// when (z, h) is accepted. All secret-dependent work is branch-free; only the
// single accept/reject bit decides the return.
bool TrySign(const DsaSet& set, SignScratch& w, const uint8_t mu[kMuBytes], int kappa) {
  ZQ_ASSERT(kappa >= 0 && kappa % set.l == 0);
  ExpandMask(set, w.rho2, kappa, w.y);
  for (int j = 0; j < set.l; ++j) {  // z holds NTT(y) for now
    w.z.p[j] = w.y.p[j];
    Ntt(w.z.p[j]);
  }
  for (int i = 0; i < set.k; ++i) {
    w.w.p[i].fill(0);  // w = NTT^-1(Â ∘ NTT(y)), w1 = HighBits(w)
    for (int j = 0; j < set.l; ++j) MultiplyAccumulate(w.a.p[i][j], w.z.p[j], w.w.p[i]);
    InvNtt(w.w.p[i]);
    for (int c = 0; c < kN; ++c) w.w1.p[i][c] = HighBits(set.gamma2, w.w.p[i][c]);
  }
  size_t w1_bytes = W1Encode(set, w.w1, w.w1_bytes);
  std::span<uint8_t> c_tilde(w.c_tilde, CTildeBytes(set));
  H({{mu, kMuBytes}, {w.w1_bytes, w1_bytes}}, c_tilde);
  SampleInBall(set, c_tilde, w.c);
  w.c_hat = w.c;
  Ntt(w.c_hat);
  uint32_t reject = 0;
  for (int j = 0; j < set.l; ++j) {  // z = y + NTT^-1(ĉ ∘ ŝ1)
    Multiply(w.c_hat, w.key.s1.p[j], w.cs1.p[j]);
    InvNtt(w.cs1.p[j]);
    for (int c = 0; c < kN; ++c) w.z.p[j][c] = AddQ(w.y.p[j][c], w.cs1.p[j][c]);
    reject |= NormAtLeast(w.z.p[j], Gamma1(set) - set.beta);
  }
  uint32_t hint_count = 0;
  for (int i = 0; i < set.k; ++i) {
    Multiply(w.c_hat, w.key.s2.p[i], w.cs2.p[i]);  // r = w - cs2
    InvNtt(w.cs2.p[i]);
    for (int c = 0; c < kN; ++c) w.r.p[i][c] = SubQ(w.w.p[i][c], w.cs2.p[i][c]);
    reject |= LowBitsAtLeast(set.gamma2, w.r.p[i], set.gamma2 - set.beta);
    Multiply(w.c_hat, w.key.t0.p[i], w.ct0.p[i]);
    InvNtt(w.ct0.p[i]);
    reject |= NormAtLeast(w.ct0.p[i], set.gamma2);
    for (int c = 0; c < kN; ++c) {  // h = MakeHint(-ct0, w - cs2 + ct0)
      int32_t r = w.r.p[i][c];
      int32_t hint = static_cast<int32_t>(
          CtMaskNonZero(static_cast<uint32_t>(HighBits(set.gamma2, AddQ(r, w.ct0.p[i][c])) ^
                                              HighBits(set.gamma2, r))) &
          1u);
      w.h.p[i][c] = hint;
      hint_count += static_cast<uint32_t>(hint);
    }
  }
  reject |= static_cast<uint32_t>(set.omega - static_cast<int32_t>(hint_count)) >> 31;
  // The accept/reject bit is the one value the loop reveals.
  return pq_internal::CtDeclassify(pq_internal::ValueBarrier(reject)) == 0;
}

// Attempts allowed before giving up: κ is encoded in 2 bytes (Alg. 34). The
// expected number of attempts is 4-5; reaching the bound has probability far
// below 2^-1000.
constexpr int kKappaMax = 65535;

Result<std::vector<uint8_t>> SignFromMu(const DsaSet& set, std::span<const uint8_t> sk,
                                        const uint8_t mu[kMuBytes], const uint8_t rnd[kSeedBytes]) {
  ZQ_ASSERT(sk.size() == SecretKeyBytes(set));
  auto w = std::make_unique<SignScratch>();
  WipeOnExit<SignScratch> wipe(*w);
  if (pq_internal::CtDeclassify(SkDecode(set, sk.data(), w->key)) != 0) {
    return Status::InvalidArgument("ml-dsa: secret key has s1 or s2 out of range");
  }
  for (int j = 0; j < set.l; ++j) Ntt(w->key.s1.p[j]);
  for (int i = 0; i < set.k; ++i) {
    Ntt(w->key.s2.p[i]);
    Ntt(w->key.t0.p[i]);
  }
  ExpandA(set, w->key.rho, w->a);
  H({{w->key.key, kSeedBytes}, {rnd, kSeedBytes}, {mu, kMuBytes}}, w->rho2);
  for (int kappa = 0; kappa + set.l - 1 <= kKappaMax; kappa += set.l) {
    if (!TrySign(set, *w, mu, kappa)) continue;
    // Accepted: (c̃, z, h) is the public signature.
    pq_internal::CtUnpoison(w->c_tilde, sizeof(w->c_tilde));
    pq_internal::CtUnpoison(&w->z, sizeof(w->z));
    pq_internal::CtUnpoison(&w->h, sizeof(w->h));
    std::vector<uint8_t> sig(SignatureBytes(set));
    uint8_t* p = sig.data();
    std::memcpy(p, w->c_tilde, CTildeBytes(set));
    p += CTildeBytes(set);
    for (int j = 0; j < set.l; ++j, p += PolyBytes(ZBits(set))) {
      PackCentered(w->z.p[j], Gamma1(set), ZBits(set), p);
    }
    HintBitPack(set, w->h, p);
    return sig;
  }
  return Status::Internal("ml-dsa: signing did not finish within the counter range");
}

// --- Verify (Alg. 8) -------------------------------------------------------------------

struct VerifyScratch {
  Matrix a;
  VecL z;
  VecK t1, h, w, w1;
  Poly c_hat;
  uint8_t w1_bytes[kKMax * 32 * 6];
  uint8_t c_tilde[64];
};

Status VerifyFromMu(const DsaSet& set, std::span<const uint8_t> pk, const uint8_t mu[kMuBytes],
                    std::span<const uint8_t> sig) {
  ZQ_ASSERT(pk.size() == PublicKeyBytes(set) && sig.size() == SignatureBytes(set));
  auto w = std::make_unique<VerifyScratch>();
  const size_t c_tilde_bytes = CTildeBytes(set), z_bytes = PolyBytes(ZBits(set));
  uint32_t z_too_large = 0;
  for (int j = 0; j < set.l; ++j) {
    const uint8_t* in = sig.data() + c_tilde_bytes + j * z_bytes;
    UnpackCentered(in, Gamma1(set), ZBits(set), (1 << ZBits(set)) - 1, w->z.p[j]);
    z_too_large |= NormAtLeast(w->z.p[j], Gamma1(set) - set.beta);
  }
  if (!HintBitUnpack(set, sig.data() + c_tilde_bytes + set.l * z_bytes, w->h)) {
    return Status::AuthFailed("ml-dsa: malformed hint encoding");
  }
  if (z_too_large != 0) return Status::AuthFailed("ml-dsa: signature z out of range");
  PkDecode(set, pk.data(), w->t1);
  ExpandA(set, pk.data(), w->a);
  SampleInBall(set, sig.first(c_tilde_bytes), w->c_hat);
  Ntt(w->c_hat);
  for (int j = 0; j < set.l; ++j) Ntt(w->z.p[j]);
  for (int i = 0; i < set.k; ++i) {
    Poly& acc = w->w.p[i];  // w'_approx = NTT^-1(Â ∘ NTT(z) - NTT(c) ∘ NTT(t1 2^d))
    acc.fill(0);
    for (int j = 0; j < set.l; ++j) MultiplyAccumulate(w->a.p[i][j], w->z.p[j], acc);
    for (auto& c : w->t1.p[i]) c <<= kD;
    Ntt(w->t1.p[i]);
    for (int c = 0; c < kN; ++c) acc[c] = SubQ(acc[c], MulQ(w->c_hat[c], w->t1.p[i][c]));
    InvNtt(acc);
    for (int c = 0; c < kN; ++c) w->w1.p[i][c] = UseHint(set.gamma2, w->h.p[i][c], acc[c]);
  }
  size_t w1_bytes = W1Encode(set, w->w1, w->w1_bytes);
  H({{mu, kMuBytes}, {w->w1_bytes, w1_bytes}}, {w->c_tilde, c_tilde_bytes});
  if (std::memcmp(w->c_tilde, sig.data(), c_tilde_bytes) != 0) {
    return Status::AuthFailed("ml-dsa: signature does not verify");
  }
  return Status::Ok();
}

// --- the external interfaces (Alg. 1-5) ---------------------------------------------------

using Pieces = std::initializer_list<std::span<const uint8_t>>;

Status CheckLength(std::span<const uint8_t> bytes, size_t want, const char* what) {
  if (bytes.size() == want) return Status::Ok();
  return Status::InvalidArgument(std::string("ml-dsa: wrong ") + what + " length " +
                                 std::to_string(bytes.size()) + ", want " + std::to_string(want));
}

Status CheckContext(std::span<const uint8_t> ctx) {
  if (ctx.size() <= kMlDsaContextBytesMax) return Status::Ok();
  return Status::InvalidArgument("ml-dsa: context longer than 255 bytes");
}

// Signs M' given as the concatenation of `m_prime`: μ = H(tr || M', 64).
Result<std::vector<uint8_t>> SignPieces(MlDsaParams params, std::span<const uint8_t> sk,
                                        Pieces m_prime, std::span<const uint8_t> rnd) {
  DsaSet set = SetOf(params);
  ZQ_RETURN_IF_ERROR(CheckLength(sk, SecretKeyBytes(set), "secret key"));
  ZQ_RETURN_IF_ERROR(CheckLength(rnd, kSeedBytes, "rnd"));
  uint8_t mu[kMuBytes];
  Shake256Xof xof;
  xof.Absorb(sk.subspan(2 * kSeedBytes, kTrBytes));  // tr
  for (auto piece : m_prime) xof.Absorb(piece);
  xof.Squeeze(mu);
  return SignFromMu(set, sk, mu, rnd.data());
}

Status VerifyPieces(MlDsaParams params, std::span<const uint8_t> pk, Pieces m_prime,
                    std::span<const uint8_t> sig) {
  DsaSet set = SetOf(params);
  ZQ_RETURN_IF_ERROR(CheckLength(pk, PublicKeyBytes(set), "public key"));
  ZQ_RETURN_IF_ERROR(CheckLength(sig, SignatureBytes(set), "signature"));
  uint8_t tr[kTrBytes], mu[kMuBytes];
  H({pk}, tr);
  Shake256Xof xof;
  xof.Absorb(tr);
  for (auto piece : m_prime) xof.Absorb(piece);
  xof.Squeeze(mu);
  return VerifyFromMu(set, pk, mu, sig);
}

Status FillRandomness(MlDsaRandomness randomness, uint8_t rnd[kSeedBytes]) {
  if (randomness == MlDsaRandomness::kDeterministic) {
    std::memset(rnd, 0, kSeedBytes);
    return Status::Ok();
  }
  return RandomBytes(rnd, kSeedBytes);
}

// PH(M) and the DER encoding of its OID, 06 09 60 86 48 01 65 03 04 02 xx
// (2.16.840.1.101.3.4.2.xx, FIPS 204 §5.4.1).
struct PreHashed {
  uint8_t oid[11];
  uint8_t digest[64];
  size_t digest_bytes;
};

uint8_t OidLastByte(MlDsaPreHash hash) {
  switch (hash) {
    case MlDsaPreHash::kSha2_256:
      return 0x01;
    case MlDsaPreHash::kSha2_384:
      return 0x02;
    case MlDsaPreHash::kSha2_512:
      return 0x03;
    case MlDsaPreHash::kSha2_224:
      return 0x04;
    case MlDsaPreHash::kSha2_512_224:
      return 0x05;
    case MlDsaPreHash::kSha2_512_256:
      return 0x06;
    case MlDsaPreHash::kSha3_224:
      return 0x07;
    case MlDsaPreHash::kSha3_256:
      return 0x08;
    case MlDsaPreHash::kSha3_384:
      return 0x09;
    case MlDsaPreHash::kSha3_512:
      return 0x0A;
    case MlDsaPreHash::kShake128:
      return 0x0B;
    case MlDsaPreHash::kShake256:
      return 0x0C;
  }
  ZQ_ASSERT(false);
  return 0;
}

const EVP_MD* Sha2Md(MlDsaPreHash hash) {
  switch (hash) {
    case MlDsaPreHash::kSha2_224:
      return EVP_sha224();
    case MlDsaPreHash::kSha2_256:
      return EVP_sha256();
    case MlDsaPreHash::kSha2_384:
      return EVP_sha384();
    case MlDsaPreHash::kSha2_512:
      return EVP_sha512();
    case MlDsaPreHash::kSha2_512_224:
      return EVP_sha512_224();
    case MlDsaPreHash::kSha2_512_256:
      return EVP_sha512_256();
    default:
      return nullptr;
  }
}

// SHA-2 through OpenSSL EVP; SHA-3 and SHAKE through keccak.cpp (checked
// against OpenSSL in keccak_test.cpp).
Status ComputePreHash(MlDsaPreHash hash, std::span<const uint8_t> msg, PreHashed* out) {
  static constexpr uint8_t kOidPrefix[10] = {0x06, 0x09, 0x60, 0x86, 0x48,
                                             0x01, 0x65, 0x03, 0x04, 0x02};
  std::memcpy(out->oid, kOidPrefix, sizeof(kOidPrefix));
  out->oid[10] = OidLastByte(hash);
  out->digest_bytes = MlDsaPreHashDigestBytes(hash);
  std::span<uint8_t> digest(out->digest, out->digest_bytes);
  static const uint8_t kEmpty = 0;
  const uint8_t* data = msg.empty() ? &kEmpty : msg.data();
  if (const EVP_MD* md = Sha2Md(hash); md != nullptr) {
    unsigned int n = 0;
    if (EVP_Digest(data, msg.size(), out->digest, &n, md, nullptr) != 1 || n != out->digest_bytes) {
      return Status::Internal("ml-dsa: OpenSSL pre-hash failed");
    }
    return Status::Ok();
  }
  switch (hash) {
    case MlDsaPreHash::kSha3_224:
      KeccakHash(KeccakFunction::kSha3_224, msg, digest);
      break;
    case MlDsaPreHash::kSha3_256:
      KeccakHash(KeccakFunction::kSha3_256, msg, digest);
      break;
    case MlDsaPreHash::kSha3_384:
      KeccakHash(KeccakFunction::kSha3_384, msg, digest);
      break;
    case MlDsaPreHash::kSha3_512:
      KeccakHash(KeccakFunction::kSha3_512, msg, digest);
      break;
    case MlDsaPreHash::kShake128:
      KeccakHash(KeccakFunction::kShake128, msg, digest);
      break;
    case MlDsaPreHash::kShake256:
      KeccakHash(KeccakFunction::kShake256, msg, digest);
      break;
    default:
      ZQ_ASSERT(false);
  }
  return Status::Ok();
}

}  // namespace

MlDsaSizes MlDsaSizesFor(MlDsaParams params) {
  DsaSet set = SetOf(params);
  return {PublicKeyBytes(set), SecretKeyBytes(set), SignatureBytes(set)};
}

const char* MlDsaName(MlDsaParams params) {
  switch (params) {
    case MlDsaParams::k44:
      return "ML-DSA-44";
    case MlDsaParams::k65:
      return "ML-DSA-65";
    case MlDsaParams::k87:
      return "ML-DSA-87";
  }
  return "ML-DSA-?";
}

size_t MlDsaPreHashDigestBytes(MlDsaPreHash hash) {
  switch (hash) {
    case MlDsaPreHash::kSha2_224:
    case MlDsaPreHash::kSha2_512_224:
    case MlDsaPreHash::kSha3_224:
      return 28;
    case MlDsaPreHash::kSha2_256:
    case MlDsaPreHash::kSha2_512_256:
    case MlDsaPreHash::kSha3_256:
    case MlDsaPreHash::kShake128:
      return 32;
    case MlDsaPreHash::kSha2_384:
    case MlDsaPreHash::kSha3_384:
      return 48;
    case MlDsaPreHash::kSha2_512:
    case MlDsaPreHash::kSha3_512:
    case MlDsaPreHash::kShake256:
      return 64;
  }
  ZQ_ASSERT(false);
  return 0;
}

Result<MlDsaKeyPair> MlDsaKeyGenInternal(MlDsaParams params, std::span<const uint8_t> xi) {
  ZQ_RETURN_IF_ERROR(CheckLength(xi, kSeedBytes, "seed"));
  return KeyGenInternal(SetOf(params), xi.data());
}

Result<MlDsaKeyPair> MlDsaKeyGen(MlDsaParams params) {
  uint8_t xi[kSeedBytes];
  WipeOnExit<decltype(xi)> wipe(xi);
  ZQ_RETURN_IF_ERROR(RandomBytes(xi, sizeof(xi)));
  return KeyGenInternal(SetOf(params), xi);
}

Result<std::vector<uint8_t>> MlDsaSignInternal(MlDsaParams params, std::span<const uint8_t> sk,
                                               std::span<const uint8_t> m_prime,
                                               std::span<const uint8_t> rnd) {
  return SignPieces(params, sk, {m_prime}, rnd);
}

Result<std::vector<uint8_t>> MlDsaSignMu(MlDsaParams params, std::span<const uint8_t> sk,
                                         std::span<const uint8_t> mu,
                                         std::span<const uint8_t> rnd) {
  DsaSet set = SetOf(params);
  ZQ_RETURN_IF_ERROR(CheckLength(sk, SecretKeyBytes(set), "secret key"));
  ZQ_RETURN_IF_ERROR(CheckLength(mu, kMuBytes, "mu"));
  ZQ_RETURN_IF_ERROR(CheckLength(rnd, kSeedBytes, "rnd"));
  return SignFromMu(set, sk, mu.data(), rnd.data());
}

Status MlDsaVerifyInternal(MlDsaParams params, std::span<const uint8_t> pk,
                           std::span<const uint8_t> m_prime, std::span<const uint8_t> sig) {
  return VerifyPieces(params, pk, {m_prime}, sig);
}

Status MlDsaVerifyMu(MlDsaParams params, std::span<const uint8_t> pk, std::span<const uint8_t> mu,
                     std::span<const uint8_t> sig) {
  DsaSet set = SetOf(params);
  ZQ_RETURN_IF_ERROR(CheckLength(pk, PublicKeyBytes(set), "public key"));
  ZQ_RETURN_IF_ERROR(CheckLength(sig, SignatureBytes(set), "signature"));
  ZQ_RETURN_IF_ERROR(CheckLength(mu, kMuBytes, "mu"));
  return VerifyFromMu(set, pk, mu.data(), sig);
}

Result<std::vector<uint8_t>> MlDsaSignWithRandomness(MlDsaParams params,
                                                     std::span<const uint8_t> sk,
                                                     std::span<const uint8_t> msg,
                                                     std::span<const uint8_t> ctx,
                                                     std::span<const uint8_t> rnd) {
  ZQ_RETURN_IF_ERROR(CheckContext(ctx));
  const uint8_t prefix[2] = {0, static_cast<uint8_t>(ctx.size())};  // M' = 0 || |ctx| || ctx || M
  return SignPieces(params, sk, {prefix, ctx, msg}, rnd);
}

Result<std::vector<uint8_t>> MlDsaSign(MlDsaParams params, std::span<const uint8_t> sk,
                                       std::span<const uint8_t> msg, std::span<const uint8_t> ctx,
                                       MlDsaRandomness randomness) {
  uint8_t rnd[kSeedBytes];
  WipeOnExit<decltype(rnd)> wipe(rnd);
  ZQ_RETURN_IF_ERROR(FillRandomness(randomness, rnd));
  return MlDsaSignWithRandomness(params, sk, msg, ctx, rnd);
}

Status MlDsaVerify(MlDsaParams params, std::span<const uint8_t> pk, std::span<const uint8_t> msg,
                   std::span<const uint8_t> ctx, std::span<const uint8_t> sig) {
  ZQ_RETURN_IF_ERROR(CheckContext(ctx));
  const uint8_t prefix[2] = {0, static_cast<uint8_t>(ctx.size())};
  return VerifyPieces(params, pk, {prefix, ctx, msg}, sig);
}

Result<std::vector<uint8_t>> HashMlDsaSignWithRandomness(
    MlDsaParams params, std::span<const uint8_t> sk, std::span<const uint8_t> msg,
    std::span<const uint8_t> ctx, MlDsaPreHash hash, std::span<const uint8_t> rnd) {
  ZQ_RETURN_IF_ERROR(CheckContext(ctx));
  PreHashed ph;
  ZQ_RETURN_IF_ERROR(ComputePreHash(hash, msg, &ph));
  // M' = 1 || |ctx| || ctx || OID || PH(M)
  const uint8_t prefix[2] = {1, static_cast<uint8_t>(ctx.size())};
  return SignPieces(params, sk, {prefix, ctx, ph.oid, {ph.digest, ph.digest_bytes}}, rnd);
}

Result<std::vector<uint8_t>> HashMlDsaSign(MlDsaParams params, std::span<const uint8_t> sk,
                                           std::span<const uint8_t> msg,
                                           std::span<const uint8_t> ctx, MlDsaPreHash hash,
                                           MlDsaRandomness randomness) {
  uint8_t rnd[kSeedBytes];
  WipeOnExit<decltype(rnd)> wipe(rnd);
  ZQ_RETURN_IF_ERROR(FillRandomness(randomness, rnd));
  return HashMlDsaSignWithRandomness(params, sk, msg, ctx, hash, rnd);
}

Status HashMlDsaVerify(MlDsaParams params, std::span<const uint8_t> pk,
                       std::span<const uint8_t> msg, std::span<const uint8_t> ctx,
                       MlDsaPreHash hash, std::span<const uint8_t> sig) {
  ZQ_RETURN_IF_ERROR(CheckContext(ctx));
  PreHashed ph;
  ZQ_RETURN_IF_ERROR(ComputePreHash(hash, msg, &ph));
  const uint8_t prefix[2] = {1, static_cast<uint8_t>(ctx.size())};
  return VerifyPieces(params, pk, {prefix, ctx, ph.oid, {ph.digest, ph.digest_bytes}}, sig);
}

}  // namespace zq::crypto
