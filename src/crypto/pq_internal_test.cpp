// pq_internal bit packing: the fixed-width forms (every width ML-KEM and ML-DSA
// use) against a bit-by-bit reference of FIPS 203 Alg. 3 / FIPS 204 Alg. 12.
#include "crypto/pq_internal.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace zq::crypto::pq_internal {
namespace {

// BitsToBytes of the little-endian bit strings of the values, one bit at a time.
std::vector<uint8_t> ReferencePack(const std::vector<int32_t>& values, int bits) {
  std::vector<uint8_t> out(values.size() * static_cast<size_t>(bits) / 8);
  for (size_t i = 0; i < values.size(); ++i) {
    for (int b = 0; b < bits; ++b) {
      const size_t bit = i * static_cast<size_t>(bits) + static_cast<size_t>(b);
      out[bit / 8] |= static_cast<uint8_t>(((values[i] >> b) & 1) << (bit % 8));
    }
  }
  return out;
}

TEST(PqInternal, PackAndUnpackMatchBitByBitReference) {
  std::mt19937_64 rng(3);
  for (int bits = 1; bits <= 24; ++bits) {
    for (size_t count : {size_t{8}, size_t{256}}) {
      std::vector<int32_t> values(count);
      for (auto& v : values) v = static_cast<int32_t>(rng() & ((uint64_t{1} << bits) - 1));
      const std::vector<uint8_t> expected = ReferencePack(values, bits);
      std::vector<uint8_t> packed(expected.size() + 1, 0xAA);  // one guard byte
      PackBits(values.data(), count, bits, packed.data());
      ASSERT_EQ(packed.back(), 0xAA) << "wrote past the end, bits " << bits;
      packed.pop_back();
      ASSERT_EQ(packed, expected) << "bits " << bits;
      std::vector<int32_t> unpacked(count);
      UnpackBits(packed.data(), count, bits, unpacked.data());
      ASSERT_EQ(unpacked, values) << "bits " << bits;
    }
  }
}

}  // namespace
}  // namespace zq::crypto::pq_internal
