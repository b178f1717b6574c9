// The built-in PqProvider: a thin forwarder to mlkem.cpp and mldsa.cpp.
#include "crypto/pq_provider.hpp"

namespace zq::crypto {
namespace {

class BuiltinProvider final : public PqProvider {
 public:
  const char* Name() const override { return "zqlite-builtin (FIPS 203, FIPS 204)"; }

  Result<MlKemKeyPair> MlKemKeyGen(MlKemParams params) const override {
    return crypto::MlKemKeyGen(params);
  }
  Result<MlKemKeyPair> MlKemKeyGenFromSeed(MlKemParams params,
                                           std::span<const uint8_t> seed) const override {
    return crypto::MlKemKeyGenFromSeed(params, seed);
  }
  Result<MlKemEncapsulation> MlKemEncaps(MlKemParams params,
                                         std::span<const uint8_t> encaps_key) const override {
    return crypto::MlKemEncaps(params, encaps_key);
  }
  Result<std::vector<uint8_t>> MlKemDecaps(MlKemParams params, std::span<const uint8_t> decaps_key,
                                           std::span<const uint8_t> ciphertext) const override {
    return crypto::MlKemDecaps(params, decaps_key, ciphertext);
  }

  Result<MlDsaKeyPair> MlDsaKeyGen(MlDsaParams params) const override {
    return crypto::MlDsaKeyGen(params);
  }
  Result<MlDsaKeyPair> MlDsaKeyGenFromSeed(MlDsaParams params,
                                           std::span<const uint8_t> xi) const override {
    return crypto::MlDsaKeyGenInternal(params, xi);
  }
  Result<std::vector<uint8_t>> MlDsaSign(MlDsaParams params, std::span<const uint8_t> sk,
                                         std::span<const uint8_t> msg, std::span<const uint8_t> ctx,
                                         MlDsaRandomness randomness) const override {
    return crypto::MlDsaSign(params, sk, msg, ctx, randomness);
  }
  Status MlDsaVerify(MlDsaParams params, std::span<const uint8_t> pk, std::span<const uint8_t> msg,
                     std::span<const uint8_t> ctx, std::span<const uint8_t> sig) const override {
    return crypto::MlDsaVerify(params, pk, msg, ctx, sig);
  }
  Result<std::vector<uint8_t>> HashMlDsaSign(MlDsaParams params, std::span<const uint8_t> sk,
                                             std::span<const uint8_t> msg,
                                             std::span<const uint8_t> ctx, MlDsaPreHash hash,
                                             MlDsaRandomness randomness) const override {
    return crypto::HashMlDsaSign(params, sk, msg, ctx, hash, randomness);
  }
  Status HashMlDsaVerify(MlDsaParams params, std::span<const uint8_t> pk,
                         std::span<const uint8_t> msg, std::span<const uint8_t> ctx,
                         MlDsaPreHash hash, std::span<const uint8_t> sig) const override {
    return crypto::HashMlDsaVerify(params, pk, msg, ctx, hash, sig);
  }
};

}  // namespace

const PqProvider& BuiltinPqProvider() {
  static const BuiltinProvider provider;  // constant-initialized, never destroyed early
  return provider;
}

}  // namespace zq::crypto
