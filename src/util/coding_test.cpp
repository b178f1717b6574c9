#include "util/coding.hpp"

#include <gtest/gtest.h>

#include <random>

#include "util/checksum.hpp"
#include "util/result.hpp"

namespace zq {
namespace {

TEST(CodingTest, VarintRoundTripAndLengths) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100000; i++) {
    uint64_t v = rng() >> (rng() % 64);
    uint8_t buf[kVarint64BytesMax];
    int n = PutVarint64(buf, v);
    EXPECT_EQ(n, VarintLength(v));
    uint64_t back = 0;
    ASSERT_EQ(GetVarint64(buf, buf + n, &back), n);
    ASSERT_EQ(back, v);
    if (n > 1) {
      EXPECT_EQ(GetVarint64(buf, buf + n - 1, &back), 0) << "truncated must fail";
    }
  }
  uint8_t max[kVarint64BytesMax];
  EXPECT_EQ(PutVarint64(max, UINT64_MAX), 10);
}

TEST(CodingTest, OverlongVarintIsRejected) {
  uint8_t eleven[11];
  std::fill(eleven, eleven + 10, 0x80);
  eleven[10] = 0;
  uint64_t v = 0;
  EXPECT_EQ(GetVarint64(eleven, eleven + 11, &v), 0);
  uint8_t too_big[10];
  std::fill(too_big, too_big + 9, 0xff);
  too_big[9] = 0x02;  // bit 64 set
  EXPECT_EQ(GetVarint64(too_big, too_big + 10, &v), 0);
}

TEST(CodingTest, OrderedEncodingsSortLikeNumbers) {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 100000; i++) {
    int64_t a = static_cast<int64_t>(rng()), b = static_cast<int64_t>(rng());
    if (i % 3 == 0) b = a + 1;
    uint8_t ka[8], kb[8];
    PutOrderedInt64(ka, a);
    PutOrderedInt64(kb, b);
    ASSERT_EQ(a < b, std::memcmp(ka, kb, 8) < 0) << a << " " << b;
    ASSERT_EQ(GetOrderedInt64(ka), a);
    uint64_t ua = rng(), ub = rng();
    PutBigEndian64(ka, ua);
    PutBigEndian64(kb, ub);
    ASSERT_EQ(ua < ub, std::memcmp(ka, kb, 8) < 0);
    ASSERT_EQ(GetBigEndian64(ka), ua);
  }
}

TEST(CodingTest, ByteReaderStopsAtFirstFailure) {
  std::string s;
  AppendVarint64(&s, 5);
  AppendLengthPrefixed(&s, "hello");
  AppendFixed64(&s, 42);
  ByteReader r(s);
  uint64_t v = 0, f = 0;
  std::string_view bytes;
  ASSERT_TRUE(r.ReadVarint(&v));
  ASSERT_TRUE(r.ReadLengthPrefixed(&bytes, 100));
  ASSERT_TRUE(r.ReadFixed64(&f));
  EXPECT_EQ(v, 5u);
  EXPECT_EQ(bytes, "hello");
  EXPECT_EQ(f, 42u);
  EXPECT_FALSE(r.ReadFixed8(nullptr));
  EXPECT_TRUE(r.failed());
  ByteReader limited(s);
  ASSERT_TRUE(limited.ReadVarint(&v));
  EXPECT_FALSE(limited.ReadLengthPrefixed(&bytes, 4)) << "length above the cap";
}

TEST(ChecksumTest, StreamingMatchesOneShotAndSeedMatters) {
  std::string data(1000, 'x');
  for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<char>(i * 7);
  Checksummer c(9);
  c.Update(data.data(), 300);
  c.Update(data.data() + 300, 700);
  EXPECT_EQ(c.Digest(), Checksum64(data.data(), data.size(), 9));
  EXPECT_NE(Checksum64(data.data(), data.size(), 9), Checksum64(data.data(), data.size(), 10));
}

TEST(StatusTest, CodesMessagesAndContext) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.ToString(), "OK");
  Status s = Status::Corruption("page 7: checksum mismatch").WithContext("open db");
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.ToString(), "Corruption: open db: page 7: checksum mismatch");
  Status copy = s;
  EXPECT_EQ(copy.ToString(), s.ToString());
  Result<int> r = Status::NotFound("x");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound());
  Result<int> v = 3;
  EXPECT_EQ(*v, 3);
}

}  // namespace
}  // namespace zq
