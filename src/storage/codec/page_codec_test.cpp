#include "storage/codec/page_codec.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <vector>

namespace zq::storage {
namespace {

std::vector<uint8_t> RandomPage(PageCodec& codec, uint64_t seed) {
  std::vector<uint8_t> page(codec.page_size());
  std::mt19937_64 rng(seed);
  for (uint32_t i = 0; i < codec.usable_bytes(); i++) page[i] = static_cast<uint8_t>(rng());
  page[0] = static_cast<uint8_t>(PageKind::kLeaf);
  return page;
}

TEST(PageCodecTest, RoundTripEveryPageSize) {
  for (uint32_t ps = 4096; ps <= 65536; ps *= 2) {
    for (bool enc : {false, true}) {
      DbUuid uuid{};
      std::optional<crypto::AeadKey> key;
      if (enc) key = crypto::AeadKey{1, 2, 3};
      PageCodec codec(ps, uuid, key);
      EXPECT_EQ(codec.usable_bytes(), ps - (enc ? kSealedTrailerBytes : kPlainTrailerBytes));
      auto page = RandomPage(codec, ps);
      auto plain = page;
      ASSERT_TRUE(codec.Encode(5, PageKind::kLeaf, page.data()).ok());
      if (enc) {
        EXPECT_NE(std::memcmp(page.data(), plain.data(), codec.usable_bytes()), 0);
      }
      std::vector<uint8_t> body(ps);
      PageKind kind;
      ASSERT_TRUE(codec.Decode(5, page.data(), body.data(), &kind).ok());
      EXPECT_EQ(kind, PageKind::kLeaf);
      EXPECT_EQ(std::memcmp(body.data(), plain.data(), codec.usable_bytes()), 0);
    }
  }
}

TEST(PageCodecTest, WrongKeyIsAuthFailedAndOtherDatabaseFails) {
  DbUuid a{}, b{};
  b[15] = 1;
  PageCodec right(4096, a, crypto::AeadKey{7});
  PageCodec wrong(4096, a, crypto::AeadKey{8});
  PageCodec other_db(4096, b, crypto::AeadKey{7});
  PageCodec plain_other(4096, b, std::nullopt);
  PageCodec plain(4096, a, std::nullopt);
  auto page = RandomPage(right, 1);
  ASSERT_TRUE(right.Encode(3, PageKind::kLeaf, page.data()).ok());
  std::vector<uint8_t> body(4096);
  PageKind kind;
  EXPECT_EQ(wrong.Decode(3, page.data(), body.data(), &kind).code(), StatusCode::kAuthFailed);
  EXPECT_EQ(other_db.Decode(3, page.data(), body.data(), &kind).code(), StatusCode::kAuthFailed);
  auto p2 = RandomPage(plain, 2);
  ASSERT_TRUE(plain.Encode(3, PageKind::kLeaf, p2.data()).ok());
  EXPECT_EQ(plain_other.Decode(3, p2.data(), body.data(), &kind).code(), StatusCode::kCorruption);
  std::vector<uint8_t> zeros(4096, 0);
  EXPECT_EQ(plain.Decode(3, zeros.data(), body.data(), &kind).code(), StatusCode::kCorruption);
}

TEST(PageCodecTest, NoncesNeverRepeat) {
  DbUuid uuid{};
  PageCodec codec(4096, uuid, crypto::AeadKey{});
  std::set<std::string> seen;
  for (int i = 0; i < 20000; i++) {
    auto page = RandomPage(codec, 0);
    ASSERT_TRUE(codec.Encode(9, PageKind::kLeaf, page.data()).ok());
    std::string nonce(reinterpret_cast<char*>(page.data() + codec.usable_bytes() + 4), 12);
    ASSERT_TRUE(seen.insert(nonce).second) << "nonce reused at " << i;
  }
}

TEST(PageCodecTest, RecordsSealAndDetectTampering) {
  for (bool enc : {false, true}) {
    DbUuid uuid{};
    std::optional<crypto::AeadKey> key;
    if (enc) key = crypto::AeadKey{4};
    PageCodec codec(4096, uuid, key);
    std::string data = "the quick brown fox", aad = "header";
    std::string sealed = data;
    uint8_t trailer[32];
    ASSERT_TRUE(codec.SealRecord(aad, reinterpret_cast<uint8_t*>(sealed.data()), sealed.size(),
                                 trailer)
                    .ok());
    std::string opened = sealed;
    ASSERT_TRUE(codec.OpenRecord(aad, reinterpret_cast<uint8_t*>(opened.data()), opened.size(),
                                 trailer)
                    .ok());
    EXPECT_EQ(opened, data);
    std::string tampered = sealed;
    tampered[3] ^= 1;
    EXPECT_FALSE(codec.OpenRecord(aad, reinterpret_cast<uint8_t*>(tampered.data()),
                                  tampered.size(), trailer)
                     .ok());
    std::string again = sealed;
    EXPECT_FALSE(codec.OpenRecord("other", reinterpret_cast<uint8_t*>(again.data()), again.size(),
                                  trailer)
                     .ok());
  }
}

}  // namespace
}  // namespace zq::storage
