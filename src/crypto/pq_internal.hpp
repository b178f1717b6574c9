// Private helpers shared by mlkem.cpp and mldsa.cpp: constant-time primitives
// and bit packing. Not part of the crypto API.
//
// Constant-time rules these helpers follow (docs/crypto.md): no branch and no
// memory index depends on a secret; division by a public constant is done by a
// multiply-shift with one masked correction, never by the `/` operator (a
// compiler or CPU may lower that to a variable-time instruction, KyberSlash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "crypto/aead.hpp"  // SecureWipe
#include "util/assert.hpp"

#if defined(ZQ_CT_VALIDATION) && __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define ZQ_CT_VALIDATION_ACTIVE 1
#endif

// Multiversioning: the hot coefficient loops and permutations are compiled for
// x86-64-v4 (AVX-512 F/BW/DQ/VL), x86-64-v3 (AVX2, BMI1/2, FMA) and the
// baseline, and the loader picks the best the CPU has (GCC/Clang function
// multiversioning, an ifunc). Same source, same results. Plain "avx512f" lacks
// the DQ/VL instructions (64-bit lane products, ternary logic and rotates on
// 256-bit vectors) that make the v4 clones 25-35% faster. valgrind reports no
// AVX-512, so the constant-time check runs the v3 (or baseline) clone.
// ZQ_SCALAR_CLONES is for scalar code that gains from BMI (andn, rorx) alone.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(ZQ_NO_MULTIVERSION)
#define ZQ_VECTOR_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define ZQ_SCALAR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define ZQ_VECTOR_CLONES
#define ZQ_SCALAR_CLONES
#endif

namespace zq::crypto::pq_internal {

// Constant-time validation (docs/crypto.md): built with -DZQ_CT_VALIDATION and
// run under valgrind memcheck, secrets are marked undefined (CtPoison), so any
// branch or memory index that depends on them is reported. Values that the
// algorithm reveals anyway (ρ, ek, pk, the signature, a rejection-sampling
// decision) are declassified where they become public. Without the macro these
// compile to nothing.
inline void CtPoison([[maybe_unused]] const void* p, [[maybe_unused]] size_t n) {
#ifdef ZQ_CT_VALIDATION_ACTIVE
  VALGRIND_MAKE_MEM_UNDEFINED(p, n);
#endif
}
inline void CtUnpoison([[maybe_unused]] const void* p, [[maybe_unused]] size_t n) {
#ifdef ZQ_CT_VALIDATION_ACTIVE
  VALGRIND_MAKE_MEM_DEFINED(p, n);
#endif
}
template <typename T>
inline T CtDeclassify(T value) {
  CtUnpoison(&value, sizeof(value));
  return value;
}

// Hides a value from the optimizer so a mask computation is not turned back
// into a branch.
inline uint32_t ValueBarrier(uint32_t v) {
  __asm__ volatile("" : "+r"(v));
  return v;
}

// 0xFFFFFFFF when v != 0, else 0.
inline uint32_t CtMaskNonZero(uint32_t v) {
  return ValueBarrier(0u - ((v | (0u - v)) >> 31));
}
// 0xFFFFFFFF when a < b, else 0; for a, b < 2^31.
inline uint32_t CtMaskLess(uint32_t a, uint32_t b) {
  return ValueBarrier(0u - ((a - b) >> 31));
}

// floor(a / D) for a < 2^24 without a division instruction. The estimate
// t = a * floor(2^48 / D) >> 48 is floor(a / D) or one less, because the
// error a * (2^48 / D - floor(2^48 / D)) / 2^48 < a / 2^48 < 1; one masked step
// fixes it.
template <uint32_t D>
inline uint32_t CtDivide(uint32_t a) {
  static_assert(D > 1 && D < (1u << 24));
  constexpr uint64_t kM = (uint64_t{1} << 48) / D;
  static_assert(kM < (uint64_t{1} << 40), "a * kM must fit in 64 bits for a < 2^24");
  uint32_t t = static_cast<uint32_t>((uint64_t{a} * kM) >> 48);
  uint32_t r = a - t * D;  // in [0, 2D)
  return t + (1u ^ ((r - D) >> 31));
}

// Compares two byte strings in time that depends only on their length.
// Returns 0xFF..FF when they differ, else 0.
inline uint32_t CtDiffMask(const uint8_t* a, const uint8_t* b, size_t n) {
  uint32_t acc = 0;
  for (size_t i = 0; i < n; ++i) acc |= static_cast<uint32_t>(a[i] ^ b[i]);
  return CtMaskNonZero(acc);
}

// out = mask ? b : a, byte by byte; mask is 0 or 0xFF..FF.
inline void CtSelectBytes(uint8_t* out, const uint8_t* a, const uint8_t* b, size_t n,
                          uint32_t mask) {
  uint8_t m = static_cast<uint8_t>(mask);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(a[i] ^ (m & (a[i] ^ b[i])));
}

// Bit packing, least significant bit first (the BitsToBytes order of FIPS 203
// Alg. 3 and FIPS 204 Alg. 12). Eight values of `bits` bits fill exactly
// `bits` bytes, so with the width known at compile time every shift and byte
// offset of a group is a constant: the fixed-width forms below unroll to plain
// loads, shifts and stores (several times faster than the bit-at-a-time loop,
// which stays for other widths). The byte positions depend only on the index,
// never on a value, and no byte outside a group is read or written.
template <int kBits, typename T>
inline void PackBitsFixed(const T* values, size_t count, uint8_t* out) {
  static_assert(kBits >= 1 && kBits <= 24);
  for (size_t g = 0; g < count; g += 8, out += kBits, values += 8) {
    for (int i = 0; i < kBits; ++i) out[i] = 0;
#pragma GCC unroll 8
    for (int k = 0; k < 8; ++k) {
      const int bit = k * kBits, byte = bit / 8, shift = bit % 8;
      const uint32_t v = static_cast<uint32_t>(values[k]) << shift;
      out[byte] |= static_cast<uint8_t>(v);
      if (shift + kBits > 8) out[byte + 1] |= static_cast<uint8_t>(v >> 8);
      if (shift + kBits > 16) out[byte + 2] |= static_cast<uint8_t>(v >> 16);
      if (shift + kBits > 24) out[byte + 3] |= static_cast<uint8_t>(v >> 24);
    }
  }
}

template <int kBits, typename T>
inline void UnpackBitsFixed(const uint8_t* in, size_t count, T* values) {
  static_assert(kBits >= 1 && kBits <= 24);
  constexpr uint32_t kMask = (uint32_t{1} << kBits) - 1;
  for (size_t g = 0; g < count; g += 8, in += kBits, values += 8) {
#pragma GCC unroll 8
    for (int k = 0; k < 8; ++k) {
      const int bit = k * kBits, byte = bit / 8, shift = bit % 8;
      uint32_t v = in[byte];
      if (shift + kBits > 8) v |= uint32_t{in[byte + 1]} << 8;
      if (shift + kBits > 16) v |= uint32_t{in[byte + 2]} << 16;
      if (shift + kBits > 24) v |= uint32_t{in[byte + 3]} << 24;
      values[k] = static_cast<T>((v >> shift) & kMask);
    }
  }
}

// The widths ML-KEM and ML-DSA use, dispatched to the fixed forms.
#define ZQ_PQ_PACKED_WIDTHS(X) X(1) X(3) X(4) X(5) X(6) X(10) X(11) X(12) X(13) X(18) X(20)

// Packs count values of `bits` bits each. Values must fit.
template <typename T>
inline void PackBits(const T* values, size_t count, int bits, uint8_t* out) {
  ZQ_ASSERT(bits >= 1 && bits <= 24 && (count * static_cast<size_t>(bits)) % 8 == 0);
  if (count % 8 == 0) {
    switch (bits) {
#define ZQ_PACK_CASE(width) \
  case width:               \
    return PackBitsFixed<width>(values, count, out);
      ZQ_PQ_PACKED_WIDTHS(ZQ_PACK_CASE)
#undef ZQ_PACK_CASE
      default:
        break;
    }
  }
  uint64_t acc = 0;
  int held = 0;
  size_t o = 0;
  for (size_t i = 0; i < count; ++i) {
    acc |= static_cast<uint64_t>(values[i]) << held;
    held += bits;
    while (held >= 8) {
      out[o++] = static_cast<uint8_t>(acc);
      acc >>= 8;
      held -= 8;
    }
  }
  ZQ_ASSERT(held == 0);
}

// Inverse of PackBits: reads count values of `bits` bits each.
template <typename T>
inline void UnpackBits(const uint8_t* in, size_t count, int bits, T* values) {
  ZQ_ASSERT(bits >= 1 && bits <= 24 && (count * static_cast<size_t>(bits)) % 8 == 0);
  if (count % 8 == 0) {
    switch (bits) {
#define ZQ_UNPACK_CASE(width) \
  case width:                 \
    return UnpackBitsFixed<width>(in, count, values);
      ZQ_PQ_PACKED_WIDTHS(ZQ_UNPACK_CASE)
#undef ZQ_UNPACK_CASE
      default:
        break;
    }
  }
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  uint64_t acc = 0;
  int held = 0;
  size_t p = 0;
  for (size_t i = 0; i < count; ++i) {
    while (held < bits) {
      acc |= static_cast<uint64_t>(in[p++]) << held;
      held += 8;
    }
    values[i] = static_cast<T>(acc & mask);
    acc >>= bits;
    held -= bits;
  }
}

// Wipes a trivially copyable object (arrays of secrets, scratch structs) when
// the scope ends, whatever path leaves it.
template <typename T>
class WipeOnExit {
 public:
  static_assert(std::is_trivially_copyable_v<T>);
  explicit WipeOnExit(T& object) : object_(object) {}
  ~WipeOnExit() { SecureWipe(&object_, sizeof(T)); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  T& object_;
};

}  // namespace zq::crypto::pq_internal
