// Keccak-f[1600] and the sponge construction, from FIPS 202 §3 and §4.
// The step tables (ρ offsets, ι round constants) are computed at compile time
// from the algorithms that define them, so no constant is transcribed by hand.
#include "crypto/keccak.hpp"

#include <cstring>

#include "crypto/aead.hpp"         // SecureWipe
#include "crypto/pq_internal.hpp"  // ZQ_VECTOR_CLONES, ZQ_SCALAR_CLONES
#include "util/assert.hpp"

// The four-way code passes 32-byte vectors between inlined helpers; GCC warns
// that their ABI differs without AVX, which is moot for internal inline calls.
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace zq::crypto {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the state is read as bytes: lane byte i is bits 8i..8i+7 (FIPS 202 §3.1.2)");
static_assert(kKeccakLaneCount * 8 == kKeccakStateBytes);

constexpr int kRounds = 24;  // n_r = 12 + 2l with l = 6 (FIPS 202 §3.4)

// Rotation of a lane, or of each lane of a vector of lanes (the four-way form).
template <typename T>
constexpr T Rotl(T v, unsigned n) {
  return n == 0 ? v : (v << n) | (v >> (64 - n));
}

// FIPS 202 Algorithm 5, rc(t): the output bit of an 8-bit LFSR.
constexpr bool RoundConstantBit(int t) {
  if (t % 255 == 0) return true;
  unsigned r = 1;  // R = 10000000, with R[i] stored as bit i
  for (int i = 1; i <= t % 255; ++i) {
    r <<= 1;  // R = 0 || R
    unsigned r8 = (r >> 8) & 1;
    r ^= r8 | (r8 << 4) | (r8 << 5) | (r8 << 6);
    r &= 0xFF;  // Trunc8
  }
  return (r & 1) != 0;
}

// FIPS 202 Algorithm 6, ι: RC[2^j - 1] = rc(j + 7 i_r) for j = 0..6.
constexpr std::array<uint64_t, kRounds> MakeRoundConstants() {
  std::array<uint64_t, kRounds> rc{};
  for (int round = 0; round < kRounds; ++round) {
    for (int j = 0; j <= 6; ++j) {
      if (RoundConstantBit(j + 7 * round)) rc[round] |= uint64_t{1} << ((1u << j) - 1);
    }
  }
  return rc;
}

// FIPS 202 Algorithm 2, ρ: lane (x, y) walks (1, 0) -> (y, 2x + 3y) and
// rotates by (t + 1)(t + 2) / 2 mod 64.
constexpr std::array<unsigned, kKeccakLaneCount> MakeRhoOffsets() {
  std::array<unsigned, kKeccakLaneCount> offsets{};
  int x = 1, y = 0;
  for (int t = 0; t < 24; ++t) {
    offsets[x + 5 * y] = static_cast<unsigned>(((t + 1) * (t + 2) / 2) % 64);
    int next_y = (2 * x + 3 * y) % 5;
    x = y;
    y = next_y;
  }
  return offsets;
}

constexpr std::array<uint64_t, kRounds> kRoundConstants = MakeRoundConstants();
constexpr std::array<unsigned, kKeccakLaneCount> kRhoOffsets = MakeRhoOffsets();

// Spot checks against the published first and last round constants and two ρ
// offsets (FIPS 202 Table 2 and the Keccak reference).
static_assert(kRoundConstants[0] == 0x0000000000000001ull);
static_assert(kRoundConstants[1] == 0x0000000000008082ull);
static_assert(kRoundConstants[23] == 0x8000000080008008ull);
static_assert(kRhoOffsets[0] == 0 && kRhoOffsets[1] == 1 && kRhoOffsets[2] == 62);

// π (Algorithm 3) as a destination table: lane A[x, y] moves to B[y, 2x + 3y].
constexpr std::array<int, kKeccakLaneCount> MakePiDestinations() {
  std::array<int, kKeccakLaneCount> dest{};
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 5; ++x) dest[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);
  }
  return dest;
}
constexpr std::array<int, kKeccakLaneCount> kPiDestinations = MakePiDestinations();
static_assert(kPiDestinations[0] == 0 && kPiDestinations[1] == 10);

// One round on a state held in local variables. Every loop has a constant trip
// count and every index is a compile-time constant once unrolled, so the
// compiler keeps the 25 lanes in registers (scalar replacement) instead of
// memory; this is the same computation as FIPS 202 Algorithms 1–4 and 6.
#define ZQ_UNROLL _Pragma("GCC unroll 25")
template <typename T>
inline void Round(T (&a)[kKeccakLaneCount], uint64_t round_constant) {
  // θ (Algorithm 1)
  T c[5], d[5];
  ZQ_UNROLL for (int x = 0; x < 5; ++x) {
    c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
  }
  ZQ_UNROLL for (int x = 0; x < 5; ++x) d[x] = c[(x + 4) % 5] ^ Rotl(c[(x + 1) % 5], 1);
  // ρ and π (Algorithms 2, 3), fused with θ's XOR.
  T b[kKeccakLaneCount];
  ZQ_UNROLL for (int i = 0; i < 25; ++i) {
    b[kPiDestinations[i]] = Rotl(a[i] ^ d[i % 5], kRhoOffsets[i]);
  }
  // χ (Algorithm 4)
  ZQ_UNROLL for (int i = 0; i < 25; ++i) {
    const int x = i % 5, row = i - x;
    a[i] = b[i] ^ (~b[row + (x + 1) % 5] & b[row + (x + 2) % 5]);
  }
  // ι (Algorithm 6)
  a[0] ^= round_constant;
}
#undef ZQ_UNROLL

}  // namespace

// Multiversioned for BMI (andn in χ, rorx in ρ): 350 -> 300 ns.
ZQ_SCALAR_CLONES void KeccakF1600(uint64_t lanes[kKeccakLaneCount]) {
  uint64_t a[kKeccakLaneCount];
  std::memcpy(a, lanes, sizeof(a));
  for (int round = 0; round < kRounds; ++round) Round(a, kRoundConstants[round]);
  std::memcpy(lanes, a, sizeof(a));
}

// Four permutations at once: lane i of state k is lanes[i][k]. The same round
// code on GCC/Clang vector types, multiversioned (pq_internal.hpp): the
// x86-64-v4 clone gets three-input logic (vpternlogq) for θ and χ and vector
// rotates for ρ, 113 -> 75 ns per state.
ZQ_VECTOR_CLONES void KeccakF1600X4(KeccakLanesX4 lanes[kKeccakLaneCount]) {
  KeccakLanesX4 a[kKeccakLaneCount];
  std::memcpy(a, lanes, sizeof(a));
  for (int round = 0; round < kRounds; ++round) Round(a, kRoundConstants[round]);
  std::memcpy(lanes, a, sizeof(a));
}

template <size_t kRateBytes>
ShakeX4<kRateBytes>::ShakeX4(const std::array<std::span<const uint8_t>, 4>& inputs) {
  static_assert(kRateBytes % 8 == 0 && kRateBytes < kKeccakStateBytes);
  std::memset(lanes_, 0, sizeof(lanes_));
  for (size_t k = 0; k < 4; ++k) {
    // Each input fits the first block, so pad10*1 with the SHAKE suffix 1111
    // (FIPS 202 §6.2) goes in the same block.
    ZQ_ASSERT(inputs[k].size() < kRateBytes);
    uint8_t block[kRateBytes] = {};
    if (!inputs[k].empty()) std::memcpy(block, inputs[k].data(), inputs[k].size());
    block[inputs[k].size()] ^= 0x1F;
    block[kRateBytes - 1] ^= 0x80;
    for (size_t i = 0; i < kRateBytes / 8; ++i) {
      uint64_t lane;
      std::memcpy(&lane, block + 8 * i, 8);
      lanes_[i][k] = lane;
    }
    SecureWipe(block, sizeof(block));
  }
}

template <size_t kRateBytes>
ShakeX4<kRateBytes>::~ShakeX4() {
  SecureWipe(lanes_, sizeof(lanes_));
}

template <size_t kRateBytes>
void ShakeX4<kRateBytes>::SqueezeBlocks(uint8_t out[4][kRateBytes]) {
  KeccakF1600X4(lanes_);
  for (size_t i = 0; i < kRateBytes / 8; ++i) {
    for (size_t k = 0; k < 4; ++k) {
      uint64_t lane = lanes_[i][k];
      std::memcpy(out[k] + 8 * i, &lane, 8);
    }
  }
}

template class ShakeX4<kShake128RateBytes>;
template class ShakeX4<kShake256RateBytes>;

size_t KeccakRateBytes(KeccakFunction function) {
  switch (function) {
    case KeccakFunction::kSha3_224:
      return 144;  // c = 448
    case KeccakFunction::kSha3_256:
      return 136;  // c = 512
    case KeccakFunction::kSha3_384:
      return 104;  // c = 768
    case KeccakFunction::kSha3_512:
      return 72;  // c = 1024
    case KeccakFunction::kShake128:
      return kShake128RateBytes;  // c = 256
    case KeccakFunction::kShake256:
      return kShake256RateBytes;  // c = 512
  }
  ZQ_ASSERT(false);
  return 0;
}

size_t KeccakDigestBytes(KeccakFunction function) {
  switch (function) {
    case KeccakFunction::kSha3_224:
      return 28;
    case KeccakFunction::kSha3_256:
      return 32;
    case KeccakFunction::kSha3_384:
      return 48;
    case KeccakFunction::kSha3_512:
      return 64;
    case KeccakFunction::kShake128:
    case KeccakFunction::kShake256:
      return 0;
  }
  ZQ_ASSERT(false);
  return 0;
}

KeccakSponge::KeccakSponge(KeccakFunction function)
    : rate_bytes_(KeccakRateBytes(function)),
      // SHA3: M || 01 then pad10*1; SHAKE: M || 1111 then pad10*1 (FIPS 202 §6.1,
      // §6.2, §B.2). The suffix bits go in first, so with the pad's leading 1
      // the byte is 0b110 or 0b11111.
      suffix_(KeccakDigestBytes(function) == 0 ? 0x1F : 0x06) {
  ZQ_ASSERT(rate_bytes_ > 0 && rate_bytes_ < kKeccakStateBytes);
  Reset();
}

KeccakSponge::~KeccakSponge() {
  SecureWipe(lanes_, sizeof(lanes_));
}

void KeccakSponge::Reset() {
  SecureWipe(lanes_, sizeof(lanes_));
  position_bytes_ = 0;
  squeezing_ = false;
}

void KeccakSponge::Absorb(std::span<const uint8_t> data) {
  ZQ_ASSERT(!squeezing_);
  auto* state = reinterpret_cast<uint8_t*>(lanes_);
  size_t i = 0;
  while (i < data.size()) {
    size_t take = rate_bytes_ - position_bytes_;
    if (take > data.size() - i) take = data.size() - i;
    for (size_t j = 0; j < take; ++j) state[position_bytes_ + j] ^= data[i + j];
    position_bytes_ += take;
    i += take;
    if (position_bytes_ == rate_bytes_) {
      KeccakF1600(lanes_);
      position_bytes_ = 0;
    }
  }
  ZQ_ASSERT(position_bytes_ < rate_bytes_);
}

void KeccakSponge::Finish() {
  auto* state = reinterpret_cast<uint8_t*>(lanes_);
  state[position_bytes_] ^= suffix_;
  state[rate_bytes_ - 1] ^= 0x80;  // the final 1 of pad10*1
  KeccakF1600(lanes_);
  position_bytes_ = 0;
  squeezing_ = true;
}

void KeccakSponge::Squeeze(std::span<uint8_t> out) {
  if (!squeezing_) Finish();
  const auto* state = reinterpret_cast<const uint8_t*>(lanes_);
  size_t i = 0;
  while (i < out.size()) {
    if (position_bytes_ == rate_bytes_) {
      KeccakF1600(lanes_);
      position_bytes_ = 0;
    }
    size_t take = rate_bytes_ - position_bytes_;
    if (take > out.size() - i) take = out.size() - i;
    std::memcpy(out.data() + i, state + position_bytes_, take);
    position_bytes_ += take;
    i += take;
  }
  ZQ_ASSERT(position_bytes_ <= rate_bytes_);
}

void KeccakHash(KeccakFunction function, std::span<const uint8_t> data, std::span<uint8_t> out) {
  size_t digest_bytes = KeccakDigestBytes(function);
  ZQ_ASSERT(digest_bytes == 0 || out.size() == digest_bytes);
  KeccakSponge sponge(function);
  sponge.Absorb(data);
  sponge.Squeeze(out);
}

std::array<uint8_t, 32> Sha3_256(std::span<const uint8_t> data) {
  std::array<uint8_t, 32> out;
  KeccakHash(KeccakFunction::kSha3_256, data, out);
  return out;
}

std::array<uint8_t, 64> Sha3_512(std::span<const uint8_t> data) {
  std::array<uint8_t, 64> out;
  KeccakHash(KeccakFunction::kSha3_512, data, out);
  return out;
}

void Shake128(std::span<const uint8_t> data, std::span<uint8_t> out) {
  KeccakHash(KeccakFunction::kShake128, data, out);
}

void Shake256(std::span<const uint8_t> data, std::span<uint8_t> out) {
  KeccakHash(KeccakFunction::kShake256, data, out);
}

}  // namespace zq::crypto
