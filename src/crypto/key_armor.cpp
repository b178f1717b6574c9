// Armored key files; grammar in key_armor.hpp.
#include "crypto/key_armor.hpp"

#include <openssl/sha.h>

#include <cstring>

#include "crypto/aead.hpp"  // SecureWipe
#include "crypto/hybrid.hpp"
#include "crypto/mldsa.hpp"
#include "crypto/mlkem.hpp"
#include "crypto/slhdsa.hpp"
#include "util/assert.hpp"

namespace zq::crypto {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr size_t kLineChars = 64;
constexpr size_t kHeaderBytes = 3;  // version, algorithm, kind

struct AlgorithmInfo {
  KeyAlgorithm algorithm;
  const char* name;
};
constexpr AlgorithmInfo kAlgorithms[] = {
    {KeyAlgorithm::kMlKem512, "mlkem512"},
    {KeyAlgorithm::kMlKem768, "mlkem768"},
    {KeyAlgorithm::kMlKem1024, "mlkem1024"},
    {KeyAlgorithm::kMlDsa44, "mldsa44"},
    {KeyAlgorithm::kMlDsa65, "mldsa65"},
    {KeyAlgorithm::kMlDsa87, "mldsa87"},
    {KeyAlgorithm::kSlhDsaShake128s, "slhdsa-shake-128s"},
    {KeyAlgorithm::kSlhDsaSha2_128s, "slhdsa-sha2-128s"},
    {KeyAlgorithm::kXWing, "xwing"},
    {KeyAlgorithm::kEd25519MlDsa65, "ed25519-mldsa65"},
};

const char* KindWord(KeyKind kind) {
  return kind == KeyKind::kPublic ? "PUBLIC" : "SECRET";
}

std::string BeginLine(KeyKind kind) {
  return std::string("-----BEGIN ZQLITE ") + KindWord(kind) + " KEY-----";
}
std::string EndLine(KeyKind kind) {
  return std::string("-----END ZQLITE ") + KindWord(kind) + " KEY-----";
}

int Base64Value(char c) {
  const char* p = std::strchr(kAlphabet, c);
  return (c != '\0' && p != nullptr) ? static_cast<int>(p - kAlphabet) : -1;
}

void Check(const uint8_t* data, size_t n, uint8_t out[kArmorCheckBytes]) {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(data, n, digest);
  std::memcpy(out, digest, kArmorCheckBytes);
}

// Splits text into lines (accepting \n or \r\n), dropping one trailing newline.
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return lines;
}

}  // namespace

const char* KeyAlgorithmName(KeyAlgorithm algorithm) {
  for (const AlgorithmInfo& a : kAlgorithms) {
    if (a.algorithm == algorithm) return a.name;
  }
  ZQ_ASSERT(false && "unknown KeyAlgorithm");
  return "";
}

std::optional<KeyAlgorithm> KeyAlgorithmFromName(std::string_view name) {
  for (const AlgorithmInfo& a : kAlgorithms) {
    if (name == a.name) return a.algorithm;
  }
  return std::nullopt;
}

bool IsKem(KeyAlgorithm algorithm) {
  return algorithm == KeyAlgorithm::kMlKem512 || algorithm == KeyAlgorithm::kMlKem768 ||
         algorithm == KeyAlgorithm::kMlKem1024 || algorithm == KeyAlgorithm::kXWing;
}

size_t KeyBytes(KeyAlgorithm algorithm, KeyKind kind) {
  const bool pub = kind == KeyKind::kPublic;
  auto kem = [pub](MlKemParams p) {
    MlKemSizes s = MlKemSizesFor(p);
    return pub ? s.encaps_key_bytes : s.decaps_key_bytes;
  };
  auto dsa = [pub](MlDsaParams p) {
    MlDsaSizes s = MlDsaSizesFor(p);
    return pub ? s.public_key_bytes : s.secret_key_bytes;
  };
  auto slh = [pub](SlhDsaParams p) {
    SlhDsaSizes s = SlhDsaSizesFor(p);
    return pub ? s.public_key_bytes : s.secret_key_bytes;
  };
  switch (algorithm) {
    case KeyAlgorithm::kMlKem512:
      return kem(MlKemParams::k512);
    case KeyAlgorithm::kMlKem768:
      return kem(MlKemParams::k768);
    case KeyAlgorithm::kMlKem1024:
      return kem(MlKemParams::k1024);
    case KeyAlgorithm::kMlDsa44:
      return dsa(MlDsaParams::k44);
    case KeyAlgorithm::kMlDsa65:
      return dsa(MlDsaParams::k65);
    case KeyAlgorithm::kMlDsa87:
      return dsa(MlDsaParams::k87);
    case KeyAlgorithm::kSlhDsaShake128s:
      return slh(SlhDsaParams::kShake128s);
    case KeyAlgorithm::kSlhDsaSha2_128s:
      return slh(SlhDsaParams::kSha2_128s);
    case KeyAlgorithm::kXWing:
      return pub ? kXWingPublicKeyBytes : kXWingSecretKeyBytes;
    case KeyAlgorithm::kEd25519MlDsa65:
      return pub ? kCompositePublicKeyBytes : kCompositeSecretKeyBytes;
  }
  ZQ_ASSERT(false && "unknown KeyAlgorithm");
  return 0;
}

std::string Base64Encode(std::span<const uint8_t> data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t v = uint32_t{data[i]} << 16;
    size_t take = std::min<size_t>(3, data.size() - i);
    if (take > 1) v |= uint32_t{data[i + 1]} << 8;
    if (take > 2) v |= data[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(take > 1 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back(take > 2 ? kAlphabet[v & 63] : '=');
  }
  return out;
}

Result<std::vector<uint8_t>> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return Status::InvalidArgument("base64: length not a multiple of 4");
  std::vector<uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = 0;
    if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    uint32_t v = 0;
    for (size_t j = 0; j < 4; ++j) {
      int d = j < 4 - static_cast<size_t>(pad) ? Base64Value(text[i + j]) : 0;
      if (d < 0) return Status::InvalidArgument("base64: bad character");
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    // Non-canonical encodings (nonzero bits under the padding) are rejected.
    if ((pad == 1 && (v & 0xFF) != 0) || (pad == 2 && (v & 0xFFFF) != 0)) {
      return Status::InvalidArgument("base64: non-canonical padding");
    }
    out.push_back(static_cast<uint8_t>(v >> 16));
    if (pad < 2) out.push_back(static_cast<uint8_t>(v >> 8));
    if (pad < 1) out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

Result<std::string> ArmorKey(KeyAlgorithm algorithm, KeyKind kind, std::span<const uint8_t> key) {
  if (key.size() != KeyBytes(algorithm, kind)) {
    return Status::InvalidArgument("armor: key length does not match its algorithm");
  }
  std::vector<uint8_t> body = {kArmorVersion, static_cast<uint8_t>(algorithm),
                               static_cast<uint8_t>(kind)};
  body.insert(body.end(), key.begin(), key.end());
  uint8_t check[kArmorCheckBytes];
  Check(body.data(), body.size(), check);
  body.insert(body.end(), check, check + kArmorCheckBytes);
  std::string b64 = Base64Encode(body);
  SecureWipe(body.data(), body.size());
  std::string out = BeginLine(kind) + "\n";
  for (size_t i = 0; i < b64.size(); i += kLineChars) {
    out.append(b64, i, kLineChars);
    out.push_back('\n');
  }
  SecureWipe(b64.data(), b64.size());
  out += EndLine(kind) + "\n";
  return out;
}

Result<ArmoredKey> DearmorKey(std::string_view text) {
  std::vector<std::string_view> lines = Lines(text);
  if (lines.size() < 3) return Status::InvalidArgument("armor: not a ZQLite key file");
  KeyKind kind;
  if (lines.front() == BeginLine(KeyKind::kPublic)) {
    kind = KeyKind::kPublic;
  } else if (lines.front() == BeginLine(KeyKind::kSecret)) {
    kind = KeyKind::kSecret;
  } else {
    return Status::InvalidArgument("armor: missing -----BEGIN ZQLITE PUBLIC|SECRET KEY----- line");
  }
  if (lines.back() != EndLine(kind)) {
    return Status::InvalidArgument("armor: missing or mismatched END line");
  }
  std::string b64;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    if (lines[i].size() > kLineChars) return Status::InvalidArgument("armor: line too long");
    b64.append(lines[i]);
  }
  auto body = Base64Decode(b64);
  SecureWipe(b64.data(), b64.size());
  if (!body.ok()) return body.status();
  std::vector<uint8_t>& b = *body;
  Status bad = Status::Ok();
  if (b.size() < kHeaderBytes + kArmorCheckBytes) {
    bad = Status::InvalidArgument("armor: body too short");
  } else if (b[0] != kArmorVersion) {
    bad = Status::InvalidArgument("armor: unsupported version");
  } else if (b[1] < 1 || b[1] > static_cast<uint8_t>(KeyAlgorithm::kEd25519MlDsa65)) {
    bad = Status::InvalidArgument("armor: unknown algorithm id");
  } else if (b[2] != static_cast<uint8_t>(kind)) {
    bad = Status::InvalidArgument("armor: key kind in body differs from the header");
  } else if (b.size() !=
             kHeaderBytes + KeyBytes(static_cast<KeyAlgorithm>(b[1]), kind) + kArmorCheckBytes) {
    bad = Status::InvalidArgument("armor: key length does not match its algorithm");
  } else {
    uint8_t check[kArmorCheckBytes];
    Check(b.data(), b.size() - kArmorCheckBytes, check);
    if (std::memcmp(check, b.data() + b.size() - kArmorCheckBytes, kArmorCheckBytes) != 0) {
      bad = Status::InvalidArgument("armor: check bytes do not match (damaged file)");
    }
  }
  if (!bad.ok()) {
    SecureWipe(b.data(), b.size());
    return bad;
  }
  ArmoredKey out{static_cast<KeyAlgorithm>(b[1]), kind,
                 std::vector<uint8_t>(b.begin() + kHeaderBytes, b.end() - kArmorCheckBytes)};
  SecureWipe(b.data(), b.size());
  return out;
}

}  // namespace zq::crypto
