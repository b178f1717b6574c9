// Constant-time validation of ML-KEM and ML-DSA (docs/crypto.md): secrets are
// marked undefined for valgrind memcheck, which then reports every branch or
// memory index that depends on them. Build the crypto tests with
// -DZQ_CT_VALIDATION, then run
//   valgrind --error-exitcode=1 ./crypto_tests --gtest_filter='ConstantTime.*'
// Without ZQ_CT_VALIDATION (the normal build) these are plain round-trip tests.
#include <gtest/gtest.h>

#include <vector>

#include "crypto/mldsa.hpp"
#include "crypto/mlkem.hpp"
#include "crypto/pq_internal.hpp"
#include "crypto/random.hpp"

namespace zq::crypto {
namespace {

using pq_internal::CtPoison;
using pq_internal::CtUnpoison;

std::vector<uint8_t> SecretRandom(size_t n) {
  std::vector<uint8_t> v(n);
  EXPECT_TRUE(RandomBytes(v.data(), n).ok());
  CtPoison(v.data(), n);
  return v;
}

void Reveal(std::vector<uint8_t>& v) {
  CtUnpoison(v.data(), v.size());
}

TEST(ConstantTime, MlKemKeyGenEncapsDecaps) {
  for (MlKemParams params : {MlKemParams::k512, MlKemParams::k768, MlKemParams::k1024}) {
    std::vector<uint8_t> d = SecretRandom(32), z = SecretRandom(32), m = SecretRandom(32);
    auto pair = MlKemKeyGenInternal(params, d, z);  // dk stays secret where it is secret
    ASSERT_TRUE(pair.ok());
    auto enc = MlKemEncapsInternal(params, pair->encaps_key, m);
    ASSERT_TRUE(enc.ok());
    auto k = MlKemDecaps(params, pair->decaps_key, enc->ciphertext);
    ASSERT_TRUE(k.ok());
    std::vector<uint8_t> forged = enc->ciphertext;
    forged[3] ^= 0x40;
    auto k_bar = MlKemDecaps(params, pair->decaps_key, forged);
    ASSERT_TRUE(k_bar.ok());
    Reveal(*k);
    Reveal(*k_bar);
    Reveal(enc->shared_secret);
    EXPECT_EQ(*k, enc->shared_secret);
    EXPECT_NE(*k_bar, enc->shared_secret);
  }
}

TEST(ConstantTime, MlDsaKeyGenSign) {
  for (MlDsaParams params : {MlDsaParams::k44, MlDsaParams::k65, MlDsaParams::k87}) {
    std::vector<uint8_t> xi = SecretRandom(32), rnd = SecretRandom(32);
    auto pair = MlDsaKeyGenInternal(params, xi);
    ASSERT_TRUE(pair.ok());
    const std::vector<uint8_t> msg = {'c', 't'};
    auto sig = MlDsaSignWithRandomness(params, pair->secret_key, msg, {}, rnd);
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(MlDsaVerify(params, pair->public_key, msg, {}, *sig).ok());
  }
}

}  // namespace
}  // namespace zq::crypto
