// ML-DSA from FIPS 204. Section and algorithm numbers below are the standard's.
//
// Arithmetic is in mldsa_poly.hpp: int32 coefficients congruent mod q, reduced
// lazily, Montgomery products, and the NTT of Alg. 41/42. Which range each
// polynomial holds is noted where it is computed; the bounds that make the
// lazy reductions exact are checked in those comments.
//
// Secret data: ξ, ρ', K, s1, s2, t0 (KeyGen and Sign), and in Sign also rnd,
// ρ'', y, w, c of rejected attempts, cs1, cs2, ct0. They live in scratch
// structs on the heap that are wiped before return. The matrix Â is public
// (it is expanded from ρ, part of pk) and is kept out of the wiped scratch.
#include "crypto/mldsa.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>

#include "crypto/aead.hpp"  // SecureWipe
#include "crypto/keccak.hpp"
#include "crypto/mldsa_poly.hpp"
#include "crypto/pq_internal.hpp"
#include "crypto/random.hpp"
#include "util/assert.hpp"

namespace zq::crypto {
namespace {

using mldsa_internal::kD;
using mldsa_internal::kGamma2Large;
using mldsa_internal::kGamma2Small;
using mldsa_internal::kN;
using mldsa_internal::kQ;
using mldsa_internal::Poly;
using mldsa_internal::ProductSum;
using pq_internal::PackBits;
using pq_internal::UnpackBits;
using pq_internal::WipeOnExit;
namespace poly = mldsa_internal;

constexpr int kKMax = 8;
constexpr int kLMax = 7;
constexpr size_t kSeedBytes = 32;      // ρ, K, ξ, rnd
constexpr size_t kTrBytes = 64;        // tr
constexpr size_t kMuBytes = 64;        // μ
constexpr size_t kRhoPrimeBytes = 64;  // ρ' and ρ''

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

struct VecL {
  Poly p[kLMax];
};
struct VecK {
  Poly p[kKMax];
};
struct Matrix {
  Poly p[kKMax][kLMax];
};

// --- rounding (Alg. 35) -------------------------------------------------------------

// Power2Round (Alg. 35): r = r1 2^d + r0 with r0 in (-2^(d-1), 2^(d-1)]; r in [0, q).
inline void Power2Round(int32_t r, int32_t* r1, int32_t* r0) {
  int32_t low = r & ((1 << kD) - 1);
  low -= (1 << kD) & (((1 << (kD - 1)) - low) >> 31);  // low > 2^(d-1): subtract 2^d
  *r1 = (r - low) >> kD;
  *r0 = low;
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
// Coefficient n goes to NttPosition(n), the order of our NTT domain. (The
// branch is on public data and almost always taken; a branch-free count was
// measured slower, its store address waiting on the previous comparison.)
int RejNttBlock(const uint8_t block[kShake128RateBytes], Poly& a, int n) {
  static_assert(kShake128RateBytes % 3 == 0);
  for (size_t p = 0; p < kShake128RateBytes && n < kN; p += 3) {
    // CoeffFromThreeBytes (Alg. 14): the top bit of the third byte is dropped.
    int32_t z = block[p] | (block[p + 1] << 8) | ((block[p + 2] & 0x7F) << 16);
    if (z < kQ) a[poly::NttPosition(n++)] = z;
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
// on four SHAKE128 streams (Shake128X4; same bytes, same polynomials), in the
// coefficient order of our NTT domain.
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
        a[n++] = eta == 2 ? 2 - (b - 5 * ((b * 205) >> 10)) : 4 - b;  // signed, |a| <= η
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

// ExpandMask (Alg. 34): y[r] = BitUnpack(H(ρ'' || IntegerToBytes(κ + r, 2)), γ1 - 1, γ1),
// as signed values in (-γ1, γ1]. The l streams run four at a time on Shake256X4
// (same bytes as single streams); a last group of one uses the single sponge,
// since a four-way permutation costs more than one.
constexpr int kMaskBlocks = 5;  // 5 * 136 bytes cover a polynomial of 18 or 20 bits
static_assert(kMaskBlocks * kShake256RateBytes >= 32 * 20);

void UnpackMask(const DsaSet& set, const uint8_t* bytes, Poly& y) {
  UnpackBits(bytes, kN, ZBits(set), y.data());
  const int32_t gamma1 = Gamma1(set);
  for (auto& c : y) c = gamma1 - c;
}

void ExpandMask(const DsaSet& set, const uint8_t rho2[kRhoPrimeBytes], int kappa, VecL& y) {
  struct Buffers {
    uint8_t in[4][kRhoPrimeBytes + 2];
    uint8_t blocks[4][kShake256RateBytes];
    uint8_t bytes[4][kMaskBlocks * kShake256RateBytes];
  } b;
  WipeOnExit<Buffers> wipe(b);
  for (int q = 0; q < 4; ++q) std::memcpy(b.in[q], rho2, kRhoPrimeBytes);
  int r = 0;
  for (; r + 1 < set.l; r += 4) {
    for (int q = 0; q < 4; ++q) {  // lanes past l repeat a real input; ignored
      const int counter = kappa + std::min(r + q, set.l - 1);
      b.in[q][kRhoPrimeBytes] = static_cast<uint8_t>(counter);
      b.in[q][kRhoPrimeBytes + 1] = static_cast<uint8_t>(counter >> 8);
    }
    Shake256X4 xof({std::span<const uint8_t>(b.in[0]), b.in[1], b.in[2], b.in[3]});
    for (int block = 0; block < kMaskBlocks; ++block) {
      xof.SqueezeBlocks(b.blocks);
      for (int q = 0; q < 4; ++q) {
        std::memcpy(b.bytes[q] + block * kShake256RateBytes, b.blocks[q], kShake256RateBytes);
      }
    }
    for (int q = 0; q < 4 && r + q < set.l; ++q) UnpackMask(set, b.bytes[q], y.p[r + q]);
  }
  for (; r < set.l; ++r) {
    const int counter = kappa + r;
    b.in[0][kRhoPrimeBytes] = static_cast<uint8_t>(counter);
    b.in[0][kRhoPrimeBytes + 1] = static_cast<uint8_t>(counter >> 8);
    H({b.in[0]}, {b.bytes[0], PolyBytes(ZBits(set))});
    UnpackMask(set, b.bytes[0], y.p[r]);
  }
}

// One step of SampleInBall: c_i <- c_j, c_j <- sign. Every position is read and
// written with a mask, so neither the memory trace nor a branch shows j (c̃ of a
// rejected attempt is secret). Bytes and a fixed trip count let the compiler
// vectorize both passes (32 positions per AVX2 instruction).
void BallStep(int8_t c[kN], int i, uint8_t j, int8_t sign) {
  uint8_t c_j = 0;
  for (int p = 0; p < kN; ++p) {
    const auto hit = static_cast<uint8_t>(-static_cast<int>(static_cast<uint8_t>(p) == j));
    c_j |= static_cast<uint8_t>(c[p]) & hit;
  }
  c[i] = static_cast<int8_t>(c_j);
  for (int p = 0; p < kN; ++p) {
    const auto hit = static_cast<int8_t>(-static_cast<int>(static_cast<uint8_t>(p) == j));
    c[p] = static_cast<int8_t>((c[p] & ~hit) | (sign & hit));
  }
}

// SampleInBall (Alg. 29): τ coefficients ±1, as signed values. The index j comes
// from a rejection loop whose decisions are public; BallStep hides j itself.
void SampleInBall(const DsaSet& set, std::span<const uint8_t> c_tilde, Poly& c) {
  Shake256Xof xof;
  xof.Absorb(c_tilde);
  struct Buffers {
    uint8_t sign_bytes[8];
    uint64_t signs;
    int8_t c[kN];
  } b{};
  WipeOnExit<Buffers> wipe(b);
  xof.Squeeze(b.sign_bytes);
  for (int i = 0; i < 8; ++i) b.signs |= uint64_t{b.sign_bytes[i]} << (8 * i);
  for (int i = kN - set.tau; i < kN; ++i) {
    uint8_t j;
    do {
      xof.Squeeze({&j, 1});
    } while (pq_internal::CtDeclassify(j > i));  // rejection decision: public
    const auto sign = static_cast<int8_t>(1 - 2 * static_cast<int>(b.signs & 1));
    b.signs >>= 1;
    BallStep(b.c, i, j, sign);
  }
  for (int i = 0; i < kN; ++i) c[i] = b.c[i];
}

// --- encodings (Alg. 16-28) ------------------------------------------------------

// BitPack(a, ·, base) (Alg. 17): packs base - a_i for signed a_i in
// [base - 2^bits + 1, base]. The temporary holds secret values (s1, s2, t0), so
// it is wiped.
void PackCentered(const Poly& a, int32_t base, int bits, uint8_t* out) {
  int32_t values[kN];
  for (int i = 0; i < kN; ++i) values[i] = base - a[i];
  PackBits(values, kN, bits, out);
  SecureWipe(values, sizeof(values));
}

// BitUnpack (Alg. 19): a_i = base - raw_i, signed. Returns 1 when some raw
// value exceeds raw_max (computed without branching: sk holds secrets), else 0.
uint32_t UnpackCentered(const uint8_t* in, int32_t base, int bits, int32_t raw_max, Poly& a) {
  UnpackBits(in, kN, bits, a.data());
  uint32_t bad = 0;
  for (auto& c : a) {
    bad |= static_cast<uint32_t>(raw_max - c) >> 31;
    c = base - c;
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

// w1Encode (Alg. 28) is SimpleBitPack of each w1[i] in turn; this packs w1[i]
// into its place in out.
void W1EncodeRow(const DsaSet& set, int i, const Poly& w1_i, uint8_t* out) {
  const size_t poly_bytes = PolyBytes(W1Bits(set));
  PackBits(w1_i.data(), kN, W1Bits(set), out + i * poly_bytes);
}
size_t W1EncodedBytes(const DsaSet& set) {
  return PolyBytes(W1Bits(set)) * set.k;
}

// --- KeyGen (Alg. 6) ----------------------------------------------------------------

struct KeyGenScratch {
  uint8_t seed_in[kSeedBytes + 2];                          // ξ || k || l
  uint8_t seeds[kSeedBytes + kRhoPrimeBytes + kSeedBytes];  // ρ || ρ' || K
  SecretKey key;
  VecL s1_hat;
  VecK t, t1;
  ProductSum sum;
};

// Â row i times the vector v̂ (entries NTT outputs), back from the NTT domain:
// out = NTT^-1(Σ_j Â[i][j] ∘ v̂[j]) with |out| < q. Entries of Â are in [0, q)
// and |v̂| < 9q, so the exact 64-bit sum stays below l 9 q^2 <= 63 q^2 < 2^31 q.
void MatrixRowTimes(const DsaSet& set, const Matrix& a, int i, const VecL& v_hat, ProductSum& sum,
                    Poly& out) {
  poly::ProductSumClear(sum);
  for (int j = 0; j < set.l; ++j) poly::ProductSumAdd(sum, a.p[i][j], v_hat.p[j]);
  poly::ProductSumReduce(sum, out);
  poly::InvNttMont(out);
}

MlDsaKeyPair KeyGenInternal(const DsaSet& set, const uint8_t xi[kSeedBytes]) {
  ZQ_ASSERT(set.k <= kKMax && set.l <= kLMax);
  auto a = std::make_unique_for_overwrite<Matrix>();
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
  ExpandA(set, rho, *a);
  ExpandS(set, w->seeds + kSeedBytes, w->key.s1, w->key.s2);  // |s| <= η
  for (int j = 0; j < set.l; ++j) {
    w->s1_hat.p[j] = w->key.s1.p[j];
    poly::Ntt(w->s1_hat.p[j]);  // < η + 8q
  }
  for (int i = 0; i < set.k; ++i) {
    Poly& t = w->t.p[i];  // t = NTT^-1(Â ∘ NTT(s1)) + s2
    MatrixRowTimes(set, *a, i, w->s1_hat, w->sum, t);
    poly::ToCanonical(t);
    for (int c = 0; c < kN; ++c) {  // t + s2 in [-η, q + η): one more Canonical
      Power2Round(poly::Canonical(t[c] + w->key.s2.p[i][c]), &w->t1.p[i][c], &w->key.t0.p[i][c]);
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
  SecretKey key;                 // s1, s2, t0 in the NTT domain once signing starts (< 9q)
  uint8_t rho2[kRhoPrimeBytes];  // ρ''
  VecL y, z;                     // z holds NTT(y) until the challenge is known
  VecK w, h;
  Poly c_hat, product, r, ct0;  // per-polynomial temporaries
  ProductSum sum;
  uint8_t w1_bytes[kKMax * 32 * 6];
  uint8_t c_tilde[64];
};

// cs = NTT^-1(ĉ ∘ ŝ) as the exact small value: both factors < 9q (81 q^2 <
// 2^31 q), and ||c s||∞ <= τ max|s| < q/2 (β for s1, s2; τ 2^12 for t0), so the
// centered representative is the integer itself.
void ChallengeTimes(const Poly& c_hat, const Poly& s_hat, Poly& out) {
  poly::MultiplyMont(c_hat, s_hat, out);
  poly::InvNttMont(out);
  poly::ToCentered(out);
}

// One attempt of the loop in Alg. 7 (lines 11-31) with counter κ. Returns true
// when (z, h) is accepted. All secret-dependent work is branch-free and every
// rejection condition is computed; only the single accept/reject bit decides
// the return.
bool TrySign(const DsaSet& set, const Matrix& a, SignScratch& w, const uint8_t mu[kMuBytes],
             int kappa) {
  ZQ_ASSERT(kappa >= 0 && kappa % set.l == 0);
  ExpandMask(set, w.rho2, kappa, w.y);  // |y| <= γ1
  for (int j = 0; j < set.l; ++j) {
    w.z.p[j] = w.y.p[j];
    poly::Ntt(w.z.p[j]);  // ŷ: < γ1 + 8q < 9q
  }
  for (int i = 0; i < set.k; ++i) {  // w = NTT^-1(Â ∘ NTT(y)), w1 = HighBits(w)
    MatrixRowTimes(set, a, i, w.z, w.sum, w.w.p[i]);
    poly::ToCanonical(w.w.p[i]);
    poly::HighBits(set.gamma2, w.w.p[i], w.product);
    W1EncodeRow(set, i, w.product, w.w1_bytes);
  }
  // c̃ = H(μ || w1Encode(w1), λ/4), ĉ = NTT(SampleInBall(c̃)) (lines 15-17).
  std::span<uint8_t> c_tilde(w.c_tilde, CTildeBytes(set));
  H({{mu, kMuBytes}, {w.w1_bytes, W1EncodedBytes(set)}}, c_tilde);
  SampleInBall(set, c_tilde, w.c_hat);
  poly::Ntt(w.c_hat);  // |c| <= 1, so |ĉ| < 1 + 8q
  uint32_t reject = 0;
  for (int j = 0; j < set.l; ++j) {  // z = y + cs1, exact: |z| <= γ1 + β
    ChallengeTimes(w.c_hat, w.key.s1.p[j], w.product);
    for (int c = 0; c < kN; ++c) w.z.p[j][c] = w.y.p[j][c] + w.product[c];
    reject |= poly::NormAtLeast(w.z.p[j], Gamma1(set) - set.beta);
  }
  uint32_t hint_count = 0;
  for (int i = 0; i < set.k; ++i) {
    ChallengeTimes(w.c_hat, w.key.s2.p[i], w.product);
    for (int c = 0; c < kN; ++c) {  // r = w - cs2 in (-β, q + β): one Canonical
      w.r[c] = poly::Canonical(w.w.p[i][c] - w.product[c]);
    }
    reject |= poly::LowBitsAtLeast(set.gamma2, w.r, set.gamma2 - set.beta);
    ChallengeTimes(w.c_hat, w.key.t0.p[i], w.ct0);
    reject |= poly::NormAtLeast(w.ct0, set.gamma2);
    // h = MakeHint(-ct0, w - cs2 + ct0): HighBits(r + ct0) != HighBits(r).
    hint_count += poly::MakeHints(set.gamma2, w.r, w.ct0, w.h.p[i]);
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
  auto w = std::make_unique_for_overwrite<SignScratch>();
  WipeOnExit<SignScratch> wipe(*w);
  if (pq_internal::CtDeclassify(SkDecode(set, sk.data(), w->key)) != 0) {
    return Status::InvalidArgument("ml-dsa: secret key has s1 or s2 out of range");
  }
  // Once per signature, not per attempt: ŝ1, ŝ2, t̂0 (|s| <= η, |t0| <= 2^12,
  // so each is below 9q) and Â.
  for (int j = 0; j < set.l; ++j) poly::Ntt(w->key.s1.p[j]);
  for (int i = 0; i < set.k; ++i) {
    poly::Ntt(w->key.s2.p[i]);
    poly::Ntt(w->key.t0.p[i]);
  }
  auto a = std::make_unique_for_overwrite<Matrix>();
  ExpandA(set, w->key.rho, *a);
  H({{w->key.key, kSeedBytes}, {rnd, kSeedBytes}, {mu, kMuBytes}}, w->rho2);
  for (int kappa = 0; kappa + set.l - 1 <= kKappaMax; kappa += set.l) {
    if (!TrySign(set, *a, *w, mu, kappa)) continue;
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
  VecK t1, h, w;
  Poly c_hat, w1;
  ProductSum sum;
  uint8_t w1_bytes[kKMax * 32 * 6];
  uint8_t c_tilde[64];
};

Status VerifyFromMu(const DsaSet& set, std::span<const uint8_t> pk, const uint8_t mu[kMuBytes],
                    std::span<const uint8_t> sig) {
  ZQ_ASSERT(pk.size() == PublicKeyBytes(set) && sig.size() == SignatureBytes(set));
  auto w = std::make_unique_for_overwrite<VerifyScratch>();
  const size_t c_tilde_bytes = CTildeBytes(set), z_bytes = PolyBytes(ZBits(set));
  uint32_t z_too_large = 0;
  for (int j = 0; j < set.l; ++j) {
    const uint8_t* in = sig.data() + c_tilde_bytes + j * z_bytes;
    UnpackCentered(in, Gamma1(set), ZBits(set), (1 << ZBits(set)) - 1, w->z.p[j]);
    z_too_large |= poly::NormAtLeast(w->z.p[j], Gamma1(set) - set.beta);
  }
  if (!HintBitUnpack(set, sig.data() + c_tilde_bytes + set.l * z_bytes, w->h)) {
    return Status::AuthFailed("ml-dsa: malformed hint encoding");
  }
  if (z_too_large != 0) return Status::AuthFailed("ml-dsa: signature z out of range");
  PkDecode(set, pk.data(), w->t1);
  ExpandA(set, pk.data(), w->a);
  SampleInBall(set, sig.first(c_tilde_bytes), w->c_hat);
  poly::Ntt(w->c_hat);                                   // |c| <= 1: < 1 + 8q
  for (int j = 0; j < set.l; ++j) poly::Ntt(w->z.p[j]);  // |z| < γ1: < 9q
  for (int i = 0; i < set.k; ++i) {
    // w'_approx = NTT^-1(Â ∘ NTT(z) - NTT(c) ∘ NTT(t1 2^d)). t1 2^d < 2^23, so
    // t̂1 < 2^23 + 8q < 10q; the exact sum stays below (63 + 90) q^2 < 2^31 q.
    for (auto& c : w->t1.p[i]) c <<= kD;
    poly::Ntt(w->t1.p[i]);
    poly::ProductSumClear(w->sum);
    for (int j = 0; j < set.l; ++j) poly::ProductSumAdd(w->sum, w->a.p[i][j], w->z.p[j]);
    poly::ProductSumSubtract(w->sum, w->c_hat, w->t1.p[i]);
    poly::ProductSumReduce(w->sum, w->w.p[i]);
    poly::InvNttMont(w->w.p[i]);
    poly::ToCanonical(w->w.p[i]);
    poly::UseHints(set.gamma2, w->h.p[i], w->w.p[i], w->w1);
    W1EncodeRow(set, i, w->w1, w->w1_bytes);
  }
  H({{mu, kMuBytes}, {w->w1_bytes, W1EncodedBytes(set)}}, {w->c_tilde, c_tilde_bytes});
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
