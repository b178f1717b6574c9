// Armored key files: round trips for every algorithm and kind, and rejection of
// every kind of damage with InvalidArgument.
#include "crypto/key_armor.hpp"

#include <gtest/gtest.h>

#include <string>

namespace zq::crypto {
namespace {

TEST(KeyArmor, RoundTripEveryAlgorithm) {
  for (KeyAlgorithm alg : kAllKeyAlgorithms) {
    for (KeyKind kind : {KeyKind::kPublic, KeyKind::kSecret}) {
      std::vector<uint8_t> key(KeyBytes(alg, kind));
      for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
      auto text = ArmorKey(alg, kind, key);
      ASSERT_TRUE(text.ok()) << KeyAlgorithmName(alg);
      auto back = DearmorKey(*text);
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(back->algorithm, alg);
      EXPECT_EQ(back->kind, kind);
      EXPECT_EQ(back->key, key);
      EXPECT_EQ(KeyAlgorithmFromName(KeyAlgorithmName(alg)), alg);
      // \r\n line ends are accepted too.
      std::string crlf;
      for (char c : *text) {
        if (c == '\n') crlf += '\r';
        crlf += c;
      }
      EXPECT_TRUE(DearmorKey(crlf).ok());
    }
  }
  EXPECT_FALSE(ArmorKey(KeyAlgorithm::kXWing, KeyKind::kSecret, std::vector<uint8_t>(31)).ok());
}

TEST(KeyArmor, RejectsDamage) {
  std::vector<uint8_t> key(KeyBytes(KeyAlgorithm::kXWing, KeyKind::kSecret), 0x42);
  auto text = ArmorKey(KeyAlgorithm::kXWing, KeyKind::kSecret, key);
  ASSERT_TRUE(text.ok());
  const std::string good = *text;
  auto expect_invalid = [](const std::string& t, const char* what) {
    auto r = DearmorKey(t);
    EXPECT_FALSE(r.ok()) << what;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << what;
    }
  };
  expect_invalid("", "empty");
  expect_invalid("hello\nworld\n!\n", "not armor");
  std::string t = good;
  t.replace(t.find("SECRET"), 6, "PUBLIC");  // header kind differs from the body
  expect_invalid(t, "BEGIN kind");
  t = good;
  t.replace(t.rfind("SECRET"), 6, "PUBLIC");
  expect_invalid(t, "END kind");
  size_t body = good.find('\n') + 1;
  for (size_t at : {body, body + 1, body + 5, body + 20}) {
    t = good;
    t[at] = t[at] == 'A' ? 'B' : 'A';  // a changed base64 digit
    expect_invalid(t, "flipped digit");
  }
  t = good;
  t[body + 3] = '*';
  expect_invalid(t, "bad base64 char");
  t = good;
  t.erase(body, 4);
  expect_invalid(t, "truncated body");
  // Re-armor a body with a wrong version or unknown id by hand.
  auto rebuild = [&](uint8_t version, uint8_t id, uint8_t kind) {
    std::vector<uint8_t> b = {version, id, kind};
    b.insert(b.end(), key.begin(), key.end());
    b.insert(b.end(), 4, 0);
    return "-----BEGIN ZQLITE SECRET KEY-----\n" + Base64Encode(b) +
           "\n-----END ZQLITE SECRET KEY-----\n";
  };
  expect_invalid(rebuild(2, 9, 2), "version");
  expect_invalid(rebuild(1, 77, 2), "algorithm id");
  expect_invalid(rebuild(1, 9, 1), "kind");
  expect_invalid(rebuild(1, 9, 2), "check bytes");
}

TEST(KeyArmor, Base64) {
  std::vector<uint8_t> data = {'f', 'o', 'o', 'b', 'a', 'r'};
  for (size_t n = 0; n <= data.size(); ++n) {
    std::vector<uint8_t> part(data.begin(), data.begin() + n);
    auto back = Base64Decode(Base64Encode(part));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, part);
  }
  EXPECT_EQ(Base64Encode(data), "Zm9vYmFy");
  EXPECT_FALSE(Base64Decode("Zm9=").ok());   // non-canonical padding bits
  EXPECT_FALSE(Base64Decode("Zm9vY").ok());  // length
  EXPECT_FALSE(Base64Decode("Zm=v").ok());   // padding inside
}

}  // namespace
}  // namespace zq::crypto
