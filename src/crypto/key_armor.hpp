// Armored key files: the text format `zqlite crypto keygen -o NAME` writes to
// NAME.key (secret) and NAME.pub (public), and that every tool reads back.
//
//   -----BEGIN ZQLITE <KIND> KEY-----      KIND = PUBLIC | SECRET
//   <base64 of the body, 64 characters per line, '=' padded>
//   -----END ZQLITE <KIND> KEY-----
//
// Body (all integers one byte):
//   version (0x01) || algorithm id || kind (0x01 public, 0x02 secret) ||
//   key bytes (the algorithm's raw encoding, exact length) ||
//   check: the first 4 bytes of SHA-256 over everything before it.
// Algorithm ids are stable (KeyAlgorithm values); new algorithms get new ids,
// a new layout gets a new version. DearmorKey rejects anything else (wrong
// armor lines, bad base64, unknown version or id, kind differing from the
// header, wrong key length, bad check) with InvalidArgument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace zq::crypto {

enum class KeyAlgorithm : uint8_t {
  kMlKem512 = 1,
  kMlKem768 = 2,
  kMlKem1024 = 3,
  kMlDsa44 = 4,
  kMlDsa65 = 5,
  kMlDsa87 = 6,
  kSlhDsaShake128s = 7,
  kSlhDsaSha2_128s = 8,
  kXWing = 9,
  kEd25519MlDsa65 = 10,
};
inline constexpr KeyAlgorithm kAllKeyAlgorithms[] = {
    KeyAlgorithm::kMlKem512,        KeyAlgorithm::kMlKem768,        KeyAlgorithm::kMlKem1024,
    KeyAlgorithm::kMlDsa44,         KeyAlgorithm::kMlDsa65,         KeyAlgorithm::kMlDsa87,
    KeyAlgorithm::kSlhDsaShake128s, KeyAlgorithm::kSlhDsaSha2_128s, KeyAlgorithm::kXWing,
    KeyAlgorithm::kEd25519MlDsa65,
};

enum class KeyKind : uint8_t { kPublic = 1, kSecret = 2 };

inline constexpr uint8_t kArmorVersion = 1;
inline constexpr size_t kArmorCheckBytes = 4;

// The CLI names: "mlkem768", "slhdsa-shake-128s", "xwing", "ed25519-mldsa65".
const char* KeyAlgorithmName(KeyAlgorithm algorithm);
std::optional<KeyAlgorithm> KeyAlgorithmFromName(std::string_view name);
bool IsKem(KeyAlgorithm algorithm);
// Exact length of a key of this algorithm and kind.
size_t KeyBytes(KeyAlgorithm algorithm, KeyKind kind);

struct ArmoredKey {
  KeyAlgorithm algorithm;
  KeyKind kind;
  std::vector<uint8_t> key;  // secret for kSecret: wipe when done
};

// The armored text, ending in a newline. key must have KeyBytes(algorithm, kind).
Result<std::string> ArmorKey(KeyAlgorithm algorithm, KeyKind kind, std::span<const uint8_t> key);
Result<ArmoredKey> DearmorKey(std::string_view text);

// Strict RFC 4648 base64 (standard alphabet, padding required); exposed for tests.
std::string Base64Encode(std::span<const uint8_t> data);
Result<std::vector<uint8_t>> Base64Decode(std::string_view text);

}  // namespace zq::crypto
