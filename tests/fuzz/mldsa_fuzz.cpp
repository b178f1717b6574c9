// libFuzzer target for the ML-DSA decoders: by the first byte, the input is a
// signature (verified against a fixed key, so hint and z decoding are hit), a
// public key (with a fixed signature), bytes XORed into the s1/s2 part of a valid
// secret key (deterministic signing, so skDecode's range checks are hit), or a
// secret key of the wrong length. Invariant: nothing crashes, and a random
// signature never verifies.
//
// Why not arbitrary secret keys: a key whose t0 does not match the rest makes
// nearly every signing attempt fail the hint check, so Sign runs to its 2^16
// attempt bound (seconds under ASan) and the fuzzer would time out. Altering
// only s1/s2 keeps each input fast while still exercising their decoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "crypto/mldsa.hpp"

using namespace zq::crypto;
using zq::Status;

namespace {
struct Fixed {
  MlDsaKeyPair pair;
  std::vector<uint8_t> sig;
};
const Fixed& FixedFor(MlDsaParams p) {
  static Fixed fixed[3];
  static bool ready = false;
  if (!ready) {
    for (int i = 0; i < 3; ++i) {
      auto params = static_cast<MlDsaParams>(i);
      fixed[i].pair = *MlDsaKeyGenInternal(params, std::vector<uint8_t>(32, uint8_t(i + 1)));
      fixed[i].sig = *MlDsaSign(params, fixed[i].pair.secret_key, std::vector<uint8_t>{1}, {},
                                MlDsaRandomness::kDeterministic);
    }
    ready = true;
  }
  return fixed[static_cast<int>(p)];
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const MlDsaParams params = static_cast<MlDsaParams>(data[0] % 3);
  const int role = (data[0] / 3) % 4;
  std::span<const uint8_t> in(data + 1, size - 1);
  const Fixed& f = FixedFor(params);
  const std::vector<uint8_t> msg = {1};
  if (role == 0) {
    Status s = MlDsaVerify(params, f.pair.public_key, msg, {}, in);
    if (s.ok() && !std::equal(in.begin(), in.end(), f.sig.begin(), f.sig.end())) {
      // A different valid signature for the same message is possible only by forging.
      std::abort();
    }
  } else if (role == 1) {
    MlDsaVerify(params, in, msg, {}, f.sig).IgnoreError();
  } else if (role == 2) {
    // sk = rho (32) || K (32) || tr (64) || s1 || s2 || t0 (FIPS 204 Alg. 24).
    static const size_t kS1S2Bytes[3] = {(4 + 4) * 32 * 3, (6 + 5) * 32 * 4, (8 + 7) * 32 * 3};
    const size_t region = kS1S2Bytes[static_cast<int>(params)];
    std::vector<uint8_t> sk = f.pair.secret_key;
    for (size_t i = 0; i < in.size(); ++i) sk[128 + i % region] ^= in[i];
    auto sig = MlDsaSign(params, sk, msg, {}, MlDsaRandomness::kDeterministic);
    if (sig.ok() && sig->size() != MlDsaSizesFor(params).signature_bytes) std::abort();
  } else if (in.size() != MlDsaSizesFor(params).secret_key_bytes) {
    auto sig = MlDsaSign(params, in, msg, {}, MlDsaRandomness::kDeterministic);
    if (sig.ok()) std::abort();  // a wrong-length key must be refused
  }
  return 0;
}
