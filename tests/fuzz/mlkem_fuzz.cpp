// libFuzzer target for the ML-KEM decoders: the input is split by its first
// byte (parameter set and role) into an encapsulation key, a decapsulation key
// or a ciphertext for a fixed valid key. Invariants: nothing crashes; Encaps
// succeeds exactly when the §7.2 check passes; Decaps of any well-sized
// ciphertext succeeds (implicit rejection) and fails only on wrong lengths.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "crypto/mlkem.hpp"

using namespace zq::crypto;

namespace {
const MlKemKeyPair& FixedKey(MlKemParams p) {
  static const MlKemKeyPair keys[3] = {
      *MlKemKeyGenFromSeed(MlKemParams::k512, std::vector<uint8_t>(64, 1)),
      *MlKemKeyGenFromSeed(MlKemParams::k768, std::vector<uint8_t>(64, 2)),
      *MlKemKeyGenFromSeed(MlKemParams::k1024, std::vector<uint8_t>(64, 3)),
  };
  return keys[static_cast<int>(p)];
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const MlKemParams params = static_cast<MlKemParams>(data[0] % 3);
  const int role = (data[0] / 3) % 3;
  std::span<const uint8_t> in(data + 1, size - 1);
  const MlKemSizes sizes = MlKemSizesFor(params);
  const std::vector<uint8_t> m(32, 7);
  if (role == 0) {  // encapsulation key
    bool check = MlKemCheckEncapsKey(params, in).ok();
    auto enc = MlKemEncapsInternal(params, in, m);
    if (enc.ok() != check) std::abort();
  } else if (role == 1) {  // decapsulation key, with a valid-length ciphertext
    std::vector<uint8_t> c(sizes.ciphertext_bytes, 5);
    bool check = MlKemCheckDecapsKey(params, in).ok();
    auto k = MlKemDecaps(params, in, c);
    if (k.ok() != check) std::abort();
  } else {  // ciphertext for a fixed valid key
    auto k = MlKemDecaps(params, FixedKey(params).decaps_key, in);
    if (k.ok() != (in.size() == sizes.ciphertext_bytes)) std::abort();
    if (k.ok() && k->size() != 32) std::abort();
  }
  return 0;
}
