// ML-KEM from FIPS 203. Section and algorithm numbers below are the standard's.
//
// Arithmetic: a coefficient is a uint16_t in [0, q), q = 3329. Products are at
// most 2q^2 < 2^25 and reduce with a Barrett step plus one masked subtraction
// (ReduceQ), so no operation branches on a coefficient. The NTT computes Alg. 9
// and 10 exactly (plain representation, no Montgomery form), one layer at a
// time so the small layers vectorize; the tables of ζ^BitRev7(i) come from
// constexpr code, not transcription.
#include "crypto/mlkem.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "crypto/aead.hpp"  // SecureWipe
#include "crypto/keccak.hpp"
#include "crypto/pq_internal.hpp"
#include "crypto/random.hpp"
#include "util/assert.hpp"

namespace zq::crypto {
namespace {

using pq_internal::CtDiffMask;
using pq_internal::CtDivide;
using pq_internal::CtSelectBytes;
using pq_internal::PackBits;
using pq_internal::UnpackBits;
using pq_internal::WipeOnExit;

constexpr int kN = 256;
constexpr uint32_t kQ = 3329;
constexpr int kKMax = 4;
constexpr size_t kPolyBytes = 384;  // ByteEncode12 of one polynomial: 256 * 12 / 8
constexpr size_t kSymBytes = 32;    // ρ, σ, d, z, m, r, K, H(ek)

// Parameter sets, FIPS 203 Table 2.
struct KemSet {
  int k;
  int eta1;
  int eta2;
  int du;
  int dv;
};

KemSet SetOf(MlKemParams params) {
  switch (params) {
    case MlKemParams::k512:
      return {2, 3, 2, 10, 4};
    case MlKemParams::k768:
      return {3, 2, 2, 10, 4};
    case MlKemParams::k1024:
      return {4, 2, 2, 11, 5};
  }
  ZQ_ASSERT(false);
  return {};
}

using Poly = std::array<uint16_t, kN>;
struct PolyVec {
  Poly p[kKMax];
};
struct PolyMatrix {
  Poly p[kKMax][kKMax];
};

// --- Z_q arithmetic -----------------------------------------------------------

// x - q when x >= q, for x < 2q, with a mask instead of a branch.
inline uint32_t CondSubQ(uint32_t x) {
  uint32_t r = x - kQ;
  return r + (kQ & (0u - (r >> 31)));
}

// a mod q for any a < 2^32 (Barrett: t = a * floor(2^40 / q) >> 40 is
// floor(a / q) or one less since a / 2^40 < 1, so a - t q is in [0, 2q)).
inline uint32_t ReduceQ(uint32_t a) {
  constexpr uint64_t kM = (uint64_t{1} << 40) / kQ;
  uint32_t t = static_cast<uint32_t>((uint64_t{a} * kM) >> 40);
  return CondSubQ(a - t * kQ);
}

inline uint16_t AddQ(uint32_t a, uint32_t b) {
  return static_cast<uint16_t>(CondSubQ(a + b));
}
inline uint16_t SubQ(uint32_t a, uint32_t b) {
  return static_cast<uint16_t>(CondSubQ(a + kQ - b));
}
inline uint16_t MulQ(uint32_t a, uint32_t b) {
  return static_cast<uint16_t>(ReduceQ(a * b));
}

constexpr uint32_t PowMod(uint32_t base, uint32_t exp) {
  uint32_t r = 1;
  for (uint32_t i = 0; i < exp; ++i) r = (r * base) % kQ;
  return r;
}
constexpr uint32_t BitRev7(uint32_t i) {
  uint32_t r = 0;
  for (int b = 0; b < 7; ++b) r |= ((i >> b) & 1) << (6 - b);
  return r;
}
// ζ = 17 is a primitive 256th root of unity mod q (FIPS 203 §4.3).
constexpr std::array<uint16_t, 128> MakeZetas() {
  std::array<uint16_t, 128> z{};
  for (uint32_t i = 0; i < 128; ++i) z[i] = static_cast<uint16_t>(PowMod(17, BitRev7(i)));
  return z;
}
constexpr std::array<uint16_t, 128> MakeGammas() {
  std::array<uint16_t, 128> g{};
  for (uint32_t i = 0; i < 128; ++i) g[i] = static_cast<uint16_t>(PowMod(17, 2 * BitRev7(i) + 1));
  return g;
}
constexpr std::array<uint16_t, 128> kZetas = MakeZetas();    // ζ^BitRev7(i)
constexpr std::array<uint16_t, 128> kGammas = MakeGammas();  // ζ^(2 BitRev7(i) + 1)
// FIPS 203 Appendix A, first entries of both tables.
static_assert(kZetas[0] == 1 && kZetas[1] == 1729 && kZetas[2] == 2580);
static_assert(kGammas[0] == 17 && kGammas[1] == kQ - 17 && kGammas[2] == 2761);
constexpr uint32_t kInv128 = 3303;  // 128^-1 mod q
static_assert((128 * kInv128) % kQ == 1);

// --- NTT (Alg. 9-12) ----------------------------------------------------------

// The coefficient loops are plain C++ that the compiler vectorizes, each
// multiversioned (ZQ_VECTOR_CLONES, pq_internal.hpp). Same arithmetic and results.

// ζ factors of the inverse transform in the order Alg. 10 uses them (i from 127 down).
constexpr std::array<uint16_t, 128> MakeInvOrderZetas() {
  std::array<uint16_t, 128> z{};
  for (int i = 0; i < 128; ++i) z[i] = kZetas[127 - i];
  return z;
}
constexpr std::array<uint16_t, 128> kInvOrderZetas = MakeInvOrderZetas();

// One layer of Alg. 9 with len = kLen: block b (2·kLen coefficients) uses
// ζ^BitRev7(first + b). A compile-time kLen gives the small layers fixed-size
// inner loops that vectorize across blocks.
template <int kLen>
inline void NttLayer(Poly& f, int first) {
  for (int b = 0; b < kN / (2 * kLen); ++b) {
    const uint32_t zeta = kZetas[first + b];
    uint16_t* p = f.data() + b * 2 * kLen;
#pragma GCC unroll 8
    for (int j = 0; j < kLen; ++j) {
      uint16_t t = MulQ(zeta, p[j + kLen]);
      p[j + kLen] = SubQ(p[j], t);
      p[j] = AddQ(p[j], t);
    }
  }
}

// One layer of Alg. 10 with len = kLen; block b uses kInvOrderZetas[first + b].
template <int kLen>
inline void InvNttLayer(Poly& f, int first) {
  for (int b = 0; b < kN / (2 * kLen); ++b) {
    const uint32_t zeta = kInvOrderZetas[first + b];
    uint16_t* p = f.data() + b * 2 * kLen;
#pragma GCC unroll 8
    for (int j = 0; j < kLen; ++j) {
      uint16_t t = p[j];
      p[j] = AddQ(t, p[j + kLen]);
      p[j + kLen] = MulQ(zeta, SubQ(p[j + kLen], t));
    }
  }
}

// Alg. 9: len = 128 down to 2; layer len starts at i = 128 / len / 2 (1, 2, 4, ..., 64).
ZQ_VECTOR_CLONES void Ntt(Poly& f) {
  NttLayer<128>(f, 1);
  NttLayer<64>(f, 2);
  NttLayer<32>(f, 4);
  NttLayer<16>(f, 8);
  NttLayer<8>(f, 16);
  NttLayer<4>(f, 32);
  NttLayer<2>(f, 64);
}

// Alg. 10: len = 2 up to 128; layer len takes the next 128 / len factors.
ZQ_VECTOR_CLONES void InvNtt(Poly& f) {
  InvNttLayer<2>(f, 0);
  InvNttLayer<4>(f, 64);
  InvNttLayer<8>(f, 96);
  InvNttLayer<16>(f, 112);
  InvNttLayer<32>(f, 120);
  InvNttLayer<64>(f, 124);
  InvNttLayer<128>(f, 126);
  for (auto& c : f) c = MulQ(c, kInv128);
}

// acc += f ∘ g in T_q (MultiplyNTTs with BaseCaseMultiply, Alg. 11 and 12).
ZQ_VECTOR_CLONES void MultiplyAccumulate(const Poly& f, const Poly& g, Poly& acc) {
  for (int i = 0; i < 128; ++i) {
    uint32_t a0 = f[2 * i], a1 = f[2 * i + 1], b0 = g[2 * i], b1 = g[2 * i + 1];
    uint32_t c0 = ReduceQ(a0 * b0 + MulQ(a1, b1) * uint32_t{kGammas[i]});  // < 2q^2
    uint32_t c1 = ReduceQ(a0 * b1 + a1 * b0);
    acc[2 * i] = AddQ(acc[2 * i], c0);
    acc[2 * i + 1] = AddQ(acc[2 * i + 1], c1);
  }
}

void AddTo(Poly& acc, const Poly& g) {
  for (int i = 0; i < kN; ++i) acc[i] = AddQ(acc[i], g[i]);
}

// --- sampling (Alg. 7, 8) and the PRF/XOF (§4.1) -------------------------------

// Parses one SHAKE128 block into a, from coefficient n on (the loop body of
// Alg. 7); returns the new count. A 3-byte group never straddles two blocks.
int SampleNttBlock(const uint8_t block[kShake128RateBytes], Poly& a, int n) {
  static_assert(kShake128RateBytes % 3 == 0);
  for (size_t p = 0; p < kShake128RateBytes && n < kN; p += 3) {
    uint32_t d1 = block[p] | (uint32_t{block[p + 1] & 15u} << 8);
    uint32_t d2 = (block[p + 1] >> 4) | (uint32_t{block[p + 2]} << 4);
    if (d1 < kQ) a[n++] = static_cast<uint16_t>(d1);
    if (d2 < kQ && n < kN) a[n++] = static_cast<uint16_t>(d2);
  }
  return n;
}

// SampleNTT(ρ || j || i): rejection sampling from SHAKE128. ρ is public, so
// the data-dependent loop is fine here.
void SampleNtt(const uint8_t rho[kSymBytes], uint8_t j, uint8_t i, Poly& a) {
  Shake128Xof xof;
  xof.Absorb({rho, kSymBytes});
  const uint8_t suffix[2] = {j, i};
  xof.Absorb(suffix);
  uint8_t block[kShake128RateBytes];
  int n = 0;
  while (n < kN) {
    xof.Squeeze(block);
    n = SampleNttBlock(block, a, n);
  }
}

// Four SampleNTT calls at once on four SHAKE128 streams (Shake128X4): the same
// bytes, so the same polynomials, for about a third of the Keccak time.
void SampleNtt4(const uint8_t rho[kSymBytes], const uint8_t suffix[4][2], Poly* out[4]) {
  uint8_t in[4][kSymBytes + 2];
  for (int k = 0; k < 4; ++k) {
    std::memcpy(in[k], rho, kSymBytes);
    in[k][kSymBytes] = suffix[k][0];
    in[k][kSymBytes + 1] = suffix[k][1];
  }
  Shake128X4 xof({std::span<const uint8_t>(in[0]), in[1], in[2], in[3]});
  uint8_t blocks[4][kShake128RateBytes];
  int n[4] = {0, 0, 0, 0};
  while (n[0] < kN || n[1] < kN || n[2] < kN || n[3] < kN) {
    xof.SqueezeBlocks(blocks);
    for (int k = 0; k < 4; ++k) n[k] = SampleNttBlock(blocks[k], *out[k], n[k]);
  }
}

// Â[i][j] = SampleNTT(ρ || j || i) (Alg. 13 line 6, Alg. 14 line 6), four
// entries at a time.
void GenerateMatrix(const KemSet& set, const uint8_t rho[kSymBytes], PolyMatrix& a) {
  const int entries = set.k * set.k;
  int e = 0;
  for (; e + 4 <= entries; e += 4) {
    uint8_t suffix[4][2];
    Poly* out[4];
    for (int k = 0; k < 4; ++k) {
      int i = (e + k) / set.k, j = (e + k) % set.k;
      suffix[k][0] = static_cast<uint8_t>(j);
      suffix[k][1] = static_cast<uint8_t>(i);
      out[k] = &a.p[i][j];
    }
    SampleNtt4(rho, suffix, out);
  }
  for (; e < entries; ++e) {
    int i = e / set.k, j = e % set.k;
    SampleNtt(rho, static_cast<uint8_t>(j), static_cast<uint8_t>(i), a.p[i][j]);
  }
}

// SamplePolyCBD_η (Alg. 8) over 64η PRF bytes: coefficient i is (sum of bits
// 2iη .. 2iη+η-1) - (sum of the next η bits). The bits are summed in parallel
// within a word: adding the word to itself shifted by one (and by two for η = 3)
// under a mask leaves each η-bit group's sum in its lowest bits, so a
// coefficient is two shifts and masks. Bit positions are public, only their
// values are secret, and nothing branches on them.
void CbdFromBytes(int eta, const uint8_t* bytes, Poly& f) {
  ZQ_ASSERT(eta == 2 || eta == 3);
  if (eta == 2) {  // 4 bytes: 8 coefficients of 4 bits (x in bits 0-1, y in bits 2-3)
    for (int i = 0; i < kN / 8; ++i) {
      const uint8_t* p = bytes + 4 * i;
      const uint32_t w = p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t{p[3]} << 24);
      const uint32_t sums = (w & 0x55555555u) + ((w >> 1) & 0x55555555u);
      for (int j = 0; j < 8; ++j) {
        const uint32_t x = (sums >> (4 * j)) & 3u, y = (sums >> (4 * j + 2)) & 3u;
        f[8 * i + j] = static_cast<uint16_t>(CondSubQ(x + kQ - y));
      }
    }
    return;
  }
  for (int i = 0; i < kN / 4; ++i) {  // 3 bytes: 4 coefficients of 6 bits
    const uint8_t* p = bytes + 3 * i;
    const uint32_t w = p[0] | (p[1] << 8) | (p[2] << 16);
    const uint32_t sums = (w & 0x249249u) + ((w >> 1) & 0x249249u) + ((w >> 2) & 0x249249u);
    for (int j = 0; j < 4; ++j) {
      const uint32_t x = (sums >> (6 * j)) & 7u, y = (sums >> (6 * j + 3)) & 7u;
      f[4 * i + j] = static_cast<uint16_t>(CondSubQ(x + kQ - y));
    }
  }
}

// out[i] = SamplePolyCBD_η(PRF_η(s, first + i)) for i < count, with PRF_η(s, b) =
// SHAKE256(s || b, 64η). The PRF streams run four at a time on Shake256X4 (same
// bytes as single streams; lanes past count repeat a real input and are
// ignored); 64η <= 192 bytes is at most two blocks. A last group of one uses the
// single sponge, cheaper than a four-way permutation.
void SampleCbdMany(int eta, const uint8_t s[kSymBytes], uint8_t first, Poly* const* out,
                   int count) {
  ZQ_ASSERT(eta == 2 || eta == 3);
  constexpr int kBlocks = 2;
  static_assert(kBlocks * kShake256RateBytes >= 64 * 3);
  struct Buffers {
    uint8_t in[4][kSymBytes + 1];
    uint8_t blocks[4][kShake256RateBytes];
    uint8_t bytes[4][kBlocks * kShake256RateBytes];
  } b;
  WipeOnExit<Buffers> wipe(b);
  const int blocks_needed = 64 * eta > static_cast<int>(kShake256RateBytes) ? 2 : 1;
  for (int q = 0; q < 4; ++q) std::memcpy(b.in[q], s, kSymBytes);
  int i = 0;
  for (; i + 1 < count; i += 4) {
    for (int q = 0; q < 4; ++q) {
      b.in[q][kSymBytes] = static_cast<uint8_t>(first + std::min(i + q, count - 1));
    }
    Shake256X4 prf({std::span<const uint8_t>(b.in[0]), b.in[1], b.in[2], b.in[3]});
    for (int block = 0; block < blocks_needed; ++block) {
      prf.SqueezeBlocks(b.blocks);
      for (int q = 0; q < 4; ++q) {
        std::memcpy(b.bytes[q] + block * kShake256RateBytes, b.blocks[q], kShake256RateBytes);
      }
    }
    for (int q = 0; q < 4 && i + q < count; ++q) CbdFromBytes(eta, b.bytes[q], *out[i + q]);
  }
  for (; i < count; ++i) {
    b.in[0][kSymBytes] = static_cast<uint8_t>(first + i);
    Shake256({b.in[0], kSymBytes + 1}, {b.bytes[0], static_cast<size_t>(64 * eta)});
    CbdFromBytes(eta, b.bytes[0], *out[i]);
  }
}

// --- encodings (Alg. 5, 6) and compression (§4.2.1) ----------------------------

void ByteEncode(const Poly& f, int d, uint8_t* out) {
  PackBits(f.data(), kN, d, out);
}

// ByteDecode_d; for d = 12 the result is reduced mod q (FIPS 203 §4.2.1), in
// constant time because dk holds the secret ŝ.
void ByteDecode(const uint8_t* in, int d, Poly& f) {
  UnpackBits(in, kN, d, f.data());
  if (d == 12) {
    for (auto& c : f) c = static_cast<uint16_t>(CondSubQ(c));
  }
}

// Compress_d(x) = round(2^d x / q) mod 2^d = floor((2^d x + 1664) / q) mod 2^d:
// adding 1664 instead of q/2 = 1664.5 changes nothing since 2^d x is an integer.
inline uint16_t Compress(uint32_t x, int d) {
  return static_cast<uint16_t>(CtDivide<kQ>((x << d) + (kQ - 1) / 2) & ((1u << d) - 1));
}
// Decompress_d(y) = round(q y / 2^d), ties rounded up.
inline uint16_t Decompress(uint32_t y, int d) {
  return static_cast<uint16_t>((y * kQ + (1u << (d - 1))) >> d);
}

void CompressEncode(const Poly& f, int d, uint8_t* out) {
  Poly c;
  for (int i = 0; i < kN; ++i) c[i] = Compress(f[i], d);
  ByteEncode(c, d, out);
}

void DecodeDecompress(const uint8_t* in, int d, Poly& f) {
  UnpackBits(in, kN, d, f.data());
  for (auto& c : f) c = Decompress(c, d);
}

// --- K-PKE (Alg. 13-15) --------------------------------------------------------

size_t EncapsKeyBytes(const KemSet& set) {
  return kPolyBytes * set.k + kSymBytes;
}
size_t DecapsKeyBytes(const KemSet& set) {
  return 2 * kPolyBytes * set.k + 3 * kSymBytes;
}
size_t CiphertextBytes(const KemSet& set) {
  return kSymBytes * static_cast<size_t>(set.du * set.k + set.dv);
}

struct KeyGenScratch {
  uint8_t g_in[kSymBytes + 1];
  uint8_t g_out[2 * kSymBytes];  // ρ || σ
  PolyMatrix a;
  PolyVec s, e, t;
};

// K-PKE.KeyGen(d) (Alg. 13): writes ekPKE (384k + 32 bytes) and dkPKE (384k).
void KPkeKeyGen(const KemSet& set, const uint8_t d[kSymBytes], uint8_t* ek, uint8_t* dk_pke) {
  ZQ_ASSERT(set.k >= 2 && set.k <= kKMax);
  KeyGenScratch w;
  WipeOnExit<KeyGenScratch> wipe(w);
  std::memcpy(w.g_in, d, kSymBytes);
  w.g_in[kSymBytes] = static_cast<uint8_t>(set.k);  // G(d || k): domain separation
  KeccakHash(KeccakFunction::kSha3_512, w.g_in, w.g_out);
  const uint8_t* rho = w.g_out;
  const uint8_t* sigma = w.g_out + kSymBytes;
  pq_internal::CtUnpoison(rho, kSymBytes);  // ρ is published in ek
  GenerateMatrix(set, rho, w.a);
  Poly* noise[2 * kKMax];  // s then e, PRF counters 0 .. 2k-1
  for (int i = 0; i < set.k; ++i) {
    noise[i] = &w.s.p[i];
    noise[set.k + i] = &w.e.p[i];
  }
  SampleCbdMany(set.eta1, sigma, 0, noise, 2 * set.k);
  for (int i = 0; i < set.k; ++i) {
    Ntt(w.s.p[i]);
    Ntt(w.e.p[i]);
  }
  for (int i = 0; i < set.k; ++i) {
    w.t.p[i] = w.e.p[i];  // t̂ = Â ∘ ŝ + ê
    for (int j = 0; j < set.k; ++j) MultiplyAccumulate(w.a.p[i][j], w.s.p[j], w.t.p[i]);
    ByteEncode(w.t.p[i], 12, ek + kPolyBytes * i);
    ByteEncode(w.s.p[i], 12, dk_pke + kPolyBytes * i);
  }
  std::memcpy(ek + kPolyBytes * set.k, rho, kSymBytes);
  pq_internal::CtUnpoison(ek, kPolyBytes * set.k + kSymBytes);  // ek is public
}

struct EncryptScratch {
  PolyMatrix a;
  PolyVec t, y, e1, u;
  Poly e2, v, mu;
};

// K-PKE.Encrypt(ekPKE, m, r) (Alg. 14): writes c (CiphertextBytes). m and r
// are secret; ek is public.
void KPkeEncrypt(const KemSet& set, const uint8_t* ek, const uint8_t m[kSymBytes],
                 const uint8_t r[kSymBytes], uint8_t* c) {
  ZQ_ASSERT(set.k >= 2 && set.k <= kKMax && (set.du == 10 || set.du == 11));
  auto w = std::make_unique<EncryptScratch>();
  WipeOnExit<EncryptScratch> wipe(*w);
  for (int i = 0; i < set.k; ++i) ByteDecode(ek + kPolyBytes * i, 12, w->t.p[i]);
  GenerateMatrix(set, ek + kPolyBytes * set.k, w->a);
  Poly* noise[2 * kKMax + 1];  // y (η1), then e1 and e2 (η2): PRF counters 0 .. 2k
  for (int i = 0; i < set.k; ++i) {
    noise[i] = &w->y.p[i];
    noise[set.k + i] = &w->e1.p[i];
  }
  noise[2 * set.k] = &w->e2;
  if (set.eta1 == set.eta2) {
    SampleCbdMany(set.eta1, r, 0, noise, 2 * set.k + 1);
  } else {
    SampleCbdMany(set.eta1, r, 0, noise, set.k);
    SampleCbdMany(set.eta2, r, static_cast<uint8_t>(set.k), noise + set.k, set.k + 1);
  }
  for (int i = 0; i < set.k; ++i) Ntt(w->y.p[i]);
  for (int i = 0; i < set.k; ++i) {
    w->u.p[i].fill(0);  // u = NTT^-1(Â^T ∘ ŷ) + e1
    for (int j = 0; j < set.k; ++j) MultiplyAccumulate(w->a.p[j][i], w->y.p[j], w->u.p[i]);
    InvNtt(w->u.p[i]);
    AddTo(w->u.p[i], w->e1.p[i]);
  }
  for (int i = 0; i < kN; ++i) {  // μ = Decompress1(ByteDecode1(m)): bit * 1665
    uint32_t bit = (m[i >> 3] >> (i & 7)) & 1u;
    w->mu[i] = Decompress(bit, 1);
  }
  w->v.fill(0);  // v = NTT^-1(t̂^T ∘ ŷ) + e2 + μ
  for (int j = 0; j < set.k; ++j) MultiplyAccumulate(w->t.p[j], w->y.p[j], w->v);
  InvNtt(w->v);
  AddTo(w->v, w->e2);
  AddTo(w->v, w->mu);
  const size_t c1_poly_bytes = kSymBytes * static_cast<size_t>(set.du);
  for (int i = 0; i < set.k; ++i) CompressEncode(w->u.p[i], set.du, c + c1_poly_bytes * i);
  CompressEncode(w->v, set.dv, c + c1_poly_bytes * set.k);
}

struct DecryptScratch {
  PolyVec u, s;
  Poly v, w;
};

// K-PKE.Decrypt(dkPKE, c) (Alg. 15): writes the 32-byte message m.
void KPkeDecrypt(const KemSet& set, const uint8_t* dk_pke, const uint8_t* c, uint8_t m[kSymBytes]) {
  ZQ_ASSERT(set.k >= 2 && set.k <= kKMax && (set.dv == 4 || set.dv == 5));
  DecryptScratch x;
  WipeOnExit<DecryptScratch> wipe(x);
  const size_t c1_poly_bytes = kSymBytes * static_cast<size_t>(set.du);
  for (int i = 0; i < set.k; ++i) {
    DecodeDecompress(c + c1_poly_bytes * i, set.du, x.u.p[i]);
    Ntt(x.u.p[i]);
    ByteDecode(dk_pke + kPolyBytes * i, 12, x.s.p[i]);
  }
  DecodeDecompress(c + c1_poly_bytes * set.k, set.dv, x.v);
  x.w.fill(0);  // w = v' - NTT^-1(ŝ^T ∘ NTT(u'))
  for (int i = 0; i < set.k; ++i) MultiplyAccumulate(x.s.p[i], x.u.p[i], x.w);
  InvNtt(x.w);
  for (int i = 0; i < kN; ++i) x.w[i] = SubQ(x.v[i], x.w[i]);
  CompressEncode(x.w, 1, m);
}

Status CheckLength(std::span<const uint8_t> bytes, size_t want, const char* what) {
  if (bytes.size() == want) return Status::Ok();
  return Status::InvalidArgument(std::string("ml-kem: wrong ") + what + " length " +
                                 std::to_string(bytes.size()) + ", want " + std::to_string(want));
}

}  // namespace

// --- ML-KEM (Alg. 16-21) and the input checks (§7) -------------------------------

MlKemSizes MlKemSizesFor(MlKemParams params) {
  KemSet set = SetOf(params);
  return {EncapsKeyBytes(set), DecapsKeyBytes(set), CiphertextBytes(set)};
}

const char* MlKemName(MlKemParams params) {
  switch (params) {
    case MlKemParams::k512:
      return "ML-KEM-512";
    case MlKemParams::k768:
      return "ML-KEM-768";
    case MlKemParams::k1024:
      return "ML-KEM-1024";
  }
  return "ML-KEM-?";
}

Result<MlKemKeyPair> MlKemKeyGenInternal(MlKemParams params, std::span<const uint8_t> d,
                                         std::span<const uint8_t> z) {
  ZQ_RETURN_IF_ERROR(CheckLength(d, kSymBytes, "d"));
  ZQ_RETURN_IF_ERROR(CheckLength(z, kSymBytes, "z"));
  KemSet set = SetOf(params);
  const size_t ek_bytes = EncapsKeyBytes(set), pke_bytes = kPolyBytes * set.k;
  MlKemKeyPair pair;
  pair.encaps_key.resize(ek_bytes);
  pair.decaps_key.resize(DecapsKeyBytes(set));
  uint8_t* dk = pair.decaps_key.data();
  KPkeKeyGen(set, d.data(), pair.encaps_key.data(), dk);
  // dk = dkPKE || ek || H(ek) || z
  std::memcpy(dk + pke_bytes, pair.encaps_key.data(), ek_bytes);
  std::array<uint8_t, 32> h = Sha3_256(pair.encaps_key);
  std::memcpy(dk + pke_bytes + ek_bytes, h.data(), kSymBytes);
  std::memcpy(dk + pke_bytes + ek_bytes + kSymBytes, z.data(), kSymBytes);
  ZQ_ASSERT(pke_bytes + ek_bytes + 2 * kSymBytes == pair.decaps_key.size());
  return pair;
}

Result<MlKemKeyPair> MlKemKeyGenFromSeed(MlKemParams params, std::span<const uint8_t> seed) {
  ZQ_RETURN_IF_ERROR(CheckLength(seed, 2 * kSymBytes, "seed (d || z)"));
  return MlKemKeyGenInternal(params, seed.first(kSymBytes), seed.subspan(kSymBytes));
}

Result<MlKemKeyPair> MlKemKeyGen(MlKemParams params) {
  uint8_t seed[2 * kSymBytes];
  WipeOnExit<decltype(seed)> wipe(seed);
  ZQ_RETURN_IF_ERROR(RandomBytes(seed, sizeof(seed)));
  return MlKemKeyGenFromSeed(params, seed);
}

Status MlKemCheckEncapsKey(MlKemParams params, std::span<const uint8_t> encaps_key) {
  KemSet set = SetOf(params);
  ZQ_RETURN_IF_ERROR(CheckLength(encaps_key, EncapsKeyBytes(set), "encapsulation key"));
  uint32_t too_large = 0;
  for (int i = 0; i < set.k; ++i) {
    Poly raw;
    UnpackBits(encaps_key.data() + kPolyBytes * i, kN, 12, raw.data());
    for (uint16_t c : raw) too_large |= (kQ - 1 - c) >> 31;  // c >= q
  }
  if (too_large != 0) {
    return Status::InvalidArgument("ml-kem: encapsulation key fails the modulus check");
  }
  return Status::Ok();
}

Status MlKemCheckDecapsKey(MlKemParams params, std::span<const uint8_t> decaps_key) {
  KemSet set = SetOf(params);
  ZQ_RETURN_IF_ERROR(CheckLength(decaps_key, DecapsKeyBytes(set), "decapsulation key"));
  const size_t pke_bytes = kPolyBytes * set.k, ek_bytes = EncapsKeyBytes(set);
  std::array<uint8_t, 32> h = Sha3_256(decaps_key.subspan(pke_bytes, ek_bytes));
  // Public data (ek and its hash), so an ordinary comparison is fine.
  if (std::memcmp(h.data(), decaps_key.data() + pke_bytes + ek_bytes, kSymBytes) != 0) {
    return Status::InvalidArgument("ml-kem: decapsulation key fails the hash check");
  }
  return Status::Ok();
}

Result<MlKemEncapsulation> MlKemEncapsInternal(MlKemParams params,
                                               std::span<const uint8_t> encaps_key,
                                               std::span<const uint8_t> m) {
  ZQ_RETURN_IF_ERROR(MlKemCheckEncapsKey(params, encaps_key));
  ZQ_RETURN_IF_ERROR(CheckLength(m, kSymBytes, "m"));
  KemSet set = SetOf(params);
  struct {
    uint8_t g_in[2 * kSymBytes];   // m || H(ek)
    uint8_t g_out[2 * kSymBytes];  // K || r
  } w;
  WipeOnExit<decltype(w)> wipe(w);
  std::memcpy(w.g_in, m.data(), kSymBytes);
  std::array<uint8_t, 32> h = Sha3_256(encaps_key);
  std::memcpy(w.g_in + kSymBytes, h.data(), kSymBytes);
  KeccakHash(KeccakFunction::kSha3_512, w.g_in, w.g_out);
  MlKemEncapsulation out;
  out.ciphertext.resize(CiphertextBytes(set));
  KPkeEncrypt(set, encaps_key.data(), m.data(), w.g_out + kSymBytes, out.ciphertext.data());
  pq_internal::CtUnpoison(out.ciphertext.data(), out.ciphertext.size());  // c is sent
  out.shared_secret.assign(w.g_out, w.g_out + kSymBytes);
  return out;
}

Result<MlKemEncapsulation> MlKemEncaps(MlKemParams params, std::span<const uint8_t> encaps_key) {
  uint8_t m[kSymBytes];
  WipeOnExit<decltype(m)> wipe(m);
  ZQ_RETURN_IF_ERROR(RandomBytes(m, sizeof(m)));
  return MlKemEncapsInternal(params, encaps_key, m);
}

Result<std::vector<uint8_t>> MlKemDecaps(MlKemParams params, std::span<const uint8_t> decaps_key,
                                         std::span<const uint8_t> ciphertext) {
  KemSet set = SetOf(params);
  ZQ_RETURN_IF_ERROR(CheckLength(ciphertext, CiphertextBytes(set), "ciphertext"));
  ZQ_RETURN_IF_ERROR(MlKemCheckDecapsKey(params, decaps_key));
  const size_t pke_bytes = kPolyBytes * set.k, ek_bytes = EncapsKeyBytes(set);
  const uint8_t* ek = decaps_key.data() + pke_bytes;
  const uint8_t* h = ek + ek_bytes;
  const uint8_t* z = h + kSymBytes;
  struct {
    uint8_t g_in[2 * kSymBytes];   // m' || h
    uint8_t g_out[2 * kSymBytes];  // K' || r'
    uint8_t k_bar[kSymBytes];      // J(z || c)
  } w;
  WipeOnExit<decltype(w)> wipe(w);
  KPkeDecrypt(set, decaps_key.data(), ciphertext.data(), w.g_in);
  std::memcpy(w.g_in + kSymBytes, h, kSymBytes);
  KeccakHash(KeccakFunction::kSha3_512, w.g_in, w.g_out);
  Shake256Xof j;
  j.Absorb({z, kSymBytes});
  j.Absorb(ciphertext);
  j.Squeeze(w.k_bar);
  // c' depends on m', which is secret when c was forged: wipe it too.
  std::vector<uint8_t> c_prime(ciphertext.size());
  KPkeEncrypt(set, ek, w.g_in, w.g_out + kSymBytes, c_prime.data());
  uint32_t differ = CtDiffMask(ciphertext.data(), c_prime.data(), c_prime.size());
  SecureWipe(c_prime.data(), c_prime.size());
  std::vector<uint8_t> k(kSymBytes);
  CtSelectBytes(k.data(), w.g_out, w.k_bar, kSymBytes, differ);  // K̄ when c != c'
  return k;
}

}  // namespace zq::crypto
