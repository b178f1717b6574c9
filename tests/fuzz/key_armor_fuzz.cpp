// libFuzzer target for armored key files and the hybrid key / ciphertext /
// signature decoders. Invariants: DearmorKey never crashes; what it accepts
// re-armors to a file that decodes to the same key; X-Wing and composite
// decoders reject malformed input with a Status, never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/hybrid.hpp"
#include "crypto/key_armor.hpp"

using namespace zq::crypto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto key = DearmorKey(text);
  if (key.ok()) {
    if (key->key.size() != KeyBytes(key->algorithm, key->kind)) std::abort();
    auto again = ArmorKey(key->algorithm, key->kind, key->key);
    if (!again.ok()) std::abort();
    auto back = DearmorKey(*again);
    if (!back.ok() || back->key != key->key || back->algorithm != key->algorithm) std::abort();
  }
  Base64Decode(text).status().IgnoreError();
  std::span<const uint8_t> in(data, size);
  if (size > 0 && data[0] == 1) {
    CompositeVerify(in, std::vector<uint8_t>{1}, {}, in).IgnoreError();
  }
  if (size == kXWingPublicKeyBytes) {
    XWingEncapsDerand(in, std::vector<uint8_t>(64, 9)).status().IgnoreError();
  }
  if (size == kXWingCiphertextBytes) {
    auto ss = XWingDecaps(std::vector<uint8_t>(32, 4), in);
    if (!ss.ok()) std::abort();  // X-Wing decapsulation never fails on a well-sized ciphertext
  }
  return 0;
}
