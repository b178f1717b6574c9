// PqProvider: the seam where another implementation of ML-KEM and ML-DSA
// (liboqs, OpenSSL >= 3.5) can replace the built-in one without touching
// callers. Byte formats are FIPS 203/204's, so keys and signatures made by one
// provider are read by any other.
//
// The built-in provider forwards to crypto/mlkem.hpp and crypto/mldsa.hpp
// (see those headers for errors and constant-time guarantees). Providers are
// stateless and thread-safe: every method is const and may be called from any
// thread concurrently. BuiltinPqProvider() returns a process-lifetime object.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/mldsa.hpp"
#include "crypto/mlkem.hpp"
#include "util/result.hpp"
#include "util/status.hpp"

namespace zq::crypto {

class PqProvider {
 public:
  virtual ~PqProvider() = default;

  virtual const char* Name() const = 0;

  // ML-KEM (FIPS 203).
  virtual Result<MlKemKeyPair> MlKemKeyGen(MlKemParams params) const = 0;
  // From the 64-byte seed d || z: lets a caller store only the seed.
  virtual Result<MlKemKeyPair> MlKemKeyGenFromSeed(MlKemParams params,
                                                   std::span<const uint8_t> seed) const = 0;
  virtual Result<MlKemEncapsulation> MlKemEncaps(MlKemParams params,
                                                 std::span<const uint8_t> encaps_key) const = 0;
  virtual Result<std::vector<uint8_t>> MlKemDecaps(MlKemParams params,
                                                   std::span<const uint8_t> decaps_key,
                                                   std::span<const uint8_t> ciphertext) const = 0;

  // ML-DSA (FIPS 204), external interface.
  virtual Result<MlDsaKeyPair> MlDsaKeyGen(MlDsaParams params) const = 0;
  // From the 32-byte seed ξ.
  virtual Result<MlDsaKeyPair> MlDsaKeyGenFromSeed(MlDsaParams params,
                                                   std::span<const uint8_t> xi) const = 0;
  virtual Result<std::vector<uint8_t>> MlDsaSign(MlDsaParams params, std::span<const uint8_t> sk,
                                                 std::span<const uint8_t> msg,
                                                 std::span<const uint8_t> ctx,
                                                 MlDsaRandomness randomness) const = 0;
  virtual Status MlDsaVerify(MlDsaParams params, std::span<const uint8_t> pk,
                             std::span<const uint8_t> msg, std::span<const uint8_t> ctx,
                             std::span<const uint8_t> sig) const = 0;
  virtual Result<std::vector<uint8_t>> HashMlDsaSign(
      MlDsaParams params, std::span<const uint8_t> sk, std::span<const uint8_t> msg,
      std::span<const uint8_t> ctx, MlDsaPreHash hash, MlDsaRandomness randomness) const = 0;
  virtual Status HashMlDsaVerify(MlDsaParams params, std::span<const uint8_t> pk,
                                 std::span<const uint8_t> msg, std::span<const uint8_t> ctx,
                                 MlDsaPreHash hash, std::span<const uint8_t> sig) const = 0;
};

// The implementation in this folder, written from FIPS 203 and FIPS 204.
const PqProvider& BuiltinPqProvider();

}  // namespace zq::crypto
