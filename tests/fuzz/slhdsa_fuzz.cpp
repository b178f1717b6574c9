// libFuzzer target for SLH-DSA signature verification (SHA2-128s and
// SHAKE-128s, chosen by the first byte): any input as a signature under a fixed
// public key, and as a public key. Invariants: nothing crashes; a wrong-length
// signature gives AuthFailed; random bytes never verify.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "crypto/slhdsa.hpp"

using namespace zq::crypto;
using zq::Status;

namespace {
// Any 2n bytes are a well-formed public key (PK.seed || PK.root); a real key pair
// is not needed to fuzz the decoder, and key generation is slow under ASan.
const std::vector<uint8_t> kPublicKey(32, 0x5a);
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const SlhDsaParams params = (data[0] & 1) ? SlhDsaParams::kShake128s : SlhDsaParams::kSha2_128s;
  std::span<const uint8_t> in(data + 1, size - 1);
  const std::vector<uint8_t> msg = {'m'};
  Status s = SlhDsaVerify(params, kPublicKey, msg, {}, in);
  if (s.ok()) std::abort();  // forging SLH-DSA by fuzzing would be news
  if (in.size() != SlhDsaSizesFor(params).signature_bytes && !s.IsAuthFailed()) std::abort();
  // The input as a public key, with a fixed-size signature built from it.
  std::vector<uint8_t> sig(SlhDsaSizesFor(params).signature_bytes);
  for (size_t i = 0; i < sig.size() && !in.empty(); ++i) sig[i] = in[i % in.size()];
  SlhDsaVerify(params, in, msg, {}, sig).IgnoreError();
  return 0;
}
