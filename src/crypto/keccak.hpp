// Keccak-f[1600] and the SHA-3 family (FIPS 202), written from the standard.
//
// Why not OpenSSL: OpenSSL 3.0 squeezes an XOF once (a second EVP_DigestFinalXOF
// fails), while the ML-KEM and ML-DSA samplers read a SHAKE stream piece by piece
// (FIPS 203 §4.1 "XOF", FIPS 204 §3.7 "H.Squeeze"). keccak_test.cpp checks this
// code against OpenSSL's one-shot digests.
//
// Invariants a sponge owns:
// - it absorbs until the first Squeeze, then only squeezes (Absorb after Squeeze
//   is a bug, caught by ZQ_ASSERT);
// - squeezing n bytes then m bytes yields the same stream as squeezing n+m bytes;
// - the state is wiped on destruction and Reset, since it may hold secret seeds.
// Thread-safety: none; a sponge is plain mutable state owned by one thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace zq::crypto {

inline constexpr size_t kKeccakLaneCount = 25;
inline constexpr size_t kKeccakStateBytes = 200;  // b = 1600 bits (FIPS 202 §3.1)

// The permutation Keccak-p[1600, 24] (FIPS 202 §3.3). lanes[x + 5y] holds lane
// A[x, y]; bit z of a lane is bit z of the integer (FIPS 202 §3.1.2, little-endian).
void KeccakF1600(uint64_t lanes[kKeccakLaneCount]);

enum class KeccakFunction : uint8_t {
  kSha3_224,
  kSha3_256,
  kSha3_384,
  kSha3_512,
  kShake128,
  kShake256,
};

// Rate in bytes: (1600 - capacity) / 8 (FIPS 202 §6.1, §6.2).
size_t KeccakRateBytes(KeccakFunction function);
// Digest size of a SHA3 function; 0 for the XOFs (they have no fixed size).
size_t KeccakDigestBytes(KeccakFunction function);

class KeccakSponge {
 public:
  explicit KeccakSponge(KeccakFunction function);
  ~KeccakSponge();
  // Copyable on purpose: a copy forks the stream (same absorbed prefix).
  KeccakSponge(const KeccakSponge&) = default;
  KeccakSponge& operator=(const KeccakSponge&) = default;

  void Absorb(std::span<const uint8_t> data);
  // Pads on the first call (FIPS 202 §5.1 pad10*1 with the SHA3/SHAKE suffix),
  // then reads the next out.size() bytes of the output stream.
  void Squeeze(std::span<uint8_t> out);
  // Back to the empty message; the function stays the same.
  void Reset();

  size_t rate_bytes() const { return rate_bytes_; }

 private:
  void Finish();

  uint64_t lanes_[kKeccakLaneCount];
  size_t rate_bytes_;
  size_t position_bytes_;  // next byte of the rate to absorb into or squeeze from
  uint8_t suffix_;         // domain bits plus the first pad bit (0x06 or 0x1F)
  bool squeezing_;
};

class Shake128Xof : public KeccakSponge {
 public:
  Shake128Xof() : KeccakSponge(KeccakFunction::kShake128) {}
};
class Shake256Xof : public KeccakSponge {
 public:
  Shake256Xof() : KeccakSponge(KeccakFunction::kShake256) {}
};

inline constexpr size_t kShake128RateBytes = 168;
inline constexpr size_t kShake256RateBytes = 136;

// Four independent Keccak-f[1600] states, lane-interleaved for SIMD: the
// samplers of ML-KEM (SampleNTT) and ML-DSA (RejNTTPoly) expand four matrix
// entries at once.
typedef uint64_t KeccakLanesX4 __attribute__((vector_size(32)));
void KeccakF1600X4(KeccakLanesX4 lanes[kKeccakLaneCount]);

// Four SHAKE streams over short inputs (each shorter than the rate, so absorbing
// is one block), squeezed a block at a time in lockstep. Stream k's bytes are
// exactly those of the one-stream sponge over inputs[k]. The state is wiped on
// destruction (ML-DSA's ExpandMask absorbs a secret seed).
template <size_t kRateBytes>
class ShakeX4 {
 public:
  static constexpr size_t kBlockBytes = kRateBytes;

  explicit ShakeX4(const std::array<std::span<const uint8_t>, 4>& inputs);
  ~ShakeX4();
  ShakeX4(const ShakeX4&) = delete;
  ShakeX4& operator=(const ShakeX4&) = delete;

  // The next block of each stream.
  void SqueezeBlocks(uint8_t out[4][kRateBytes]);

 private:
  KeccakLanesX4 lanes_[kKeccakLaneCount];
};
using Shake128X4 = ShakeX4<kShake128RateBytes>;  // ML-KEM SampleNTT, ML-DSA ExpandA
using Shake256X4 = ShakeX4<kShake256RateBytes>;  // ML-DSA ExpandMask

// One-shot forms.
std::array<uint8_t, 32> Sha3_256(std::span<const uint8_t> data);
std::array<uint8_t, 64> Sha3_512(std::span<const uint8_t> data);
void Shake128(std::span<const uint8_t> data, std::span<uint8_t> out);
void Shake256(std::span<const uint8_t> data, std::span<uint8_t> out);
// Any function: for a SHA3 function out.size() must equal its digest size.
void KeccakHash(KeccakFunction function, std::span<const uint8_t> data, std::span<uint8_t> out);

}  // namespace zq::crypto
