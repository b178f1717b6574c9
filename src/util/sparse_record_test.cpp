#include "util/sparse_record.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace zq {
namespace {

// A record whose words are zero, small or full, as ledger records are.
std::vector<uint8_t> RandomRecord(std::mt19937_64& rng, size_t bytes) {
  std::vector<uint8_t> r(bytes);
  for (size_t w = 0; w < bytes / 8; w++) {
    const unsigned kept = static_cast<unsigned>(rng() % 9);  // 0..8 significant bytes
    const uint64_t word = kept == 0 ? 0 : rng() >> (64 - 8 * kept);
    std::memcpy(r.data() + 8 * w, &word, 8);
  }
  return r;
}

TEST(SparseRecordTest, RoundTripsAndIsCanonical) {
  std::mt19937_64 rng(7);
  std::string encoded;
  std::string again;
  for (size_t bytes : {8u, 16u, 24u, 128u}) {
    for (int i = 0; i < 20000; i++) {
      const std::vector<uint8_t> record = RandomRecord(rng, bytes);
      EncodeSparseRecord(record.data(), bytes, &encoded);
      ASSERT_LE(encoded.size(), SparseRecordBytesMax(bytes));
      std::vector<uint8_t> back(bytes, 0xAA);
      ASSERT_TRUE(DecodeSparseRecord(encoded, back.data(), bytes));
      ASSERT_EQ(back, record);
      EncodeSparseRecord(back.data(), bytes, &again);
      ASSERT_EQ(again, encoded);
    }
  }
}

TEST(SparseRecordTest, SizesOfTypicalRecords) {
  uint8_t record[128] = {};
  std::string encoded;
  EncodeSparseRecord(record, sizeof record, &encoded);
  EXPECT_EQ(encoded.size(), 8u) << "all zero: the header alone";
  const uint64_t small = 1000;  // 2 significant bytes
  std::memcpy(record + 16, &small, 8);
  std::memset(record + 120, 0xff, 8);
  EncodeSparseRecord(record, sizeof record, &encoded);
  EXPECT_EQ(encoded.size(), 8u + 2 + 8);
  EXPECT_EQ(static_cast<uint8_t>(encoded[1]), 0x02) << "word 2: low nibble of byte 1";
  EXPECT_EQ(static_cast<uint8_t>(encoded[7]), 0x80) << "word 15: high nibble of byte 7";
  const uint8_t id[16] = {0x40, 0x42, 0x0f};  // 1,000,000 as a u128
  EncodeSparseRecord(id, sizeof id, &encoded);
  EXPECT_EQ(encoded, std::string("\x03\x40\x42\x0f", 4));
}

TEST(SparseRecordTest, RejectsAnythingButACanonicalEncoding) {
  uint8_t out[16];
  EXPECT_TRUE(DecodeSparseRecord(std::string("\x00", 1), out, 16));
  EXPECT_FALSE(DecodeSparseRecord("", out, 16)) << "no header";
  EXPECT_FALSE(DecodeSparseRecord(std::string("\x00\x00", 2), out, 16)) << "trailing byte";
  EXPECT_FALSE(DecodeSparseRecord(std::string("\x02\x01", 2), out, 16)) << "truncated body";
  EXPECT_FALSE(DecodeSparseRecord(std::string("\x02\x01\x00", 3), out, 16)) << "top byte zero";
  EXPECT_FALSE(DecodeSparseRecord(std::string("\x09"
                                              "123456789",
                                              10),
                                  out, 16))
      << "nibble 9";
  EXPECT_FALSE(DecodeSparseRecord(std::string("\x10\x01", 2), out, 8)) << "unused nibble set";
  EXPECT_TRUE(DecodeSparseRecord(std::string("\x01\x01", 2), out, 8));
}

TEST(SparseRecordTest, AStreamOfRecordsSplitsAgain) {
  std::mt19937_64 rng(5);
  std::vector<std::vector<uint8_t>> records;
  std::string stream = "head";
  for (int i = 0; i < 5000; i++) {
    records.push_back(RandomRecord(rng, 128));
    AppendSparseRecord(records.back().data(), 128, &stream);
  }
  std::string_view rest = std::string_view(stream).substr(4);
  std::vector<uint8_t> back(128);
  for (const auto& record : records) {
    const size_t size = SparseRecordSize(rest, 128);
    ASSERT_GT(size, 0u);
    ASSERT_LE(size, rest.size());
    ASSERT_TRUE(DecodeSparseRecord(rest.substr(0, size), back.data(), 128));
    ASSERT_EQ(back, record);
    rest.remove_prefix(size);
  }
  EXPECT_TRUE(rest.empty());
  EXPECT_EQ(SparseRecordSize("", 8), 0u) << "no header";
  EXPECT_EQ(SparseRecordSize("\x09", 8), 0u) << "nibble 9";
  EXPECT_EQ(SparseRecordSize("\x03", 8), 4u) << "the body is not checked";
}

// Arbitrary bytes never read out of bounds, and whatever decodes re-encodes to
// the same bytes (ASan watches the first part).
TEST(SparseRecordTest, RandomBytesDecodeSafely) {
  std::mt19937_64 rng(11);
  std::string in;
  std::string again;
  uint8_t record[32];
  int accepted = 0;
  for (int i = 0; i < 200000; i++) {
    in.resize(rng() % 40);
    for (char& c : in) {
      // Mostly small nibbles, so some inputs are valid.
      c = static_cast<char>(rng() % 4 == 0 ? rng() : rng() % 3);
    }
    if (!DecodeSparseRecord(in, record, sizeof record)) continue;
    accepted++;
    EncodeSparseRecord(record, sizeof record, &again);
    ASSERT_EQ(again, in);
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace zq
