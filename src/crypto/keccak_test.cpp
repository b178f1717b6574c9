// Keccak/SHA-3 against OpenSSL's one-shot digests: random lengths around the
// rate boundaries, random absorb and squeeze chunkings (the squeeze stream must
// not depend on how it is cut), plus FIPS 202 empty-message answers.
#include "crypto/keccak.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstring>
#include <random>
#include <vector>

namespace zq::crypto {
namespace {

const EVP_MD* OpenSslMd(KeccakFunction f) {
  switch (f) {
    case KeccakFunction::kSha3_224:
      return EVP_sha3_224();
    case KeccakFunction::kSha3_256:
      return EVP_sha3_256();
    case KeccakFunction::kSha3_384:
      return EVP_sha3_384();
    case KeccakFunction::kSha3_512:
      return EVP_sha3_512();
    case KeccakFunction::kShake128:
      return EVP_shake128();
    case KeccakFunction::kShake256:
      return EVP_shake256();
  }
  return nullptr;
}

std::vector<uint8_t> OpenSslHash(KeccakFunction f, const std::vector<uint8_t>& in,
                                 size_t out_bytes) {
  std::vector<uint8_t> out(out_bytes);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EXPECT_EQ(EVP_DigestInit_ex(ctx, OpenSslMd(f), nullptr), 1);
  EXPECT_EQ(EVP_DigestUpdate(ctx, in.data(), in.size()), 1);
  if (KeccakDigestBytes(f) == 0) {
    EXPECT_EQ(EVP_DigestFinalXOF(ctx, out.data(), out.size()), 1);
  } else {
    unsigned int n = 0;
    EXPECT_EQ(EVP_DigestFinal_ex(ctx, out.data(), &n), 1);
    EXPECT_EQ(n, out_bytes);
  }
  EVP_MD_CTX_free(ctx);
  return out;
}

std::string Hex(std::span<const uint8_t> b) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (uint8_t v : b) {
    s.push_back(kDigits[v >> 4]);
    s.push_back(kDigits[v & 15]);
  }
  return s;
}

TEST(Keccak, EmptyMessageAnswers) {
  EXPECT_EQ(Hex(Sha3_256({})), "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
  std::array<uint8_t, 32> out;
  Shake128({}, out);
  EXPECT_EQ(Hex(out), "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
  Shake256({}, out);
  EXPECT_EQ(Hex(out), "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f");
}

TEST(Keccak, MatchesOpenSslOneShotForRandomLengthsAndChunkings) {
  std::mt19937_64 rng(20240813);
  const KeccakFunction kAll[] = {KeccakFunction::kSha3_224, KeccakFunction::kSha3_256,
                                 KeccakFunction::kSha3_384, KeccakFunction::kSha3_512,
                                 KeccakFunction::kShake128, KeccakFunction::kShake256};
  int cases = 0;
  for (KeccakFunction f : kAll) {
    size_t rate = KeccakRateBytes(f);
    for (int iter = 0; iter < 120; ++iter) {
      // Half the lengths sit within 2 bytes of a multiple of the rate.
      size_t len = rng() % 1200;
      if (iter % 2 == 1) len = (1 + rng() % 6) * rate + (rng() % 5) - 2;
      std::vector<uint8_t> in(len);
      for (auto& b : in) b = static_cast<uint8_t>(rng());
      size_t out_bytes = KeccakDigestBytes(f) != 0 ? KeccakDigestBytes(f) : 1 + rng() % 700;
      std::vector<uint8_t> expected = OpenSslHash(f, in, out_bytes);

      std::vector<uint8_t> one_shot(out_bytes);
      KeccakHash(f, in, one_shot);
      ASSERT_EQ(one_shot, expected) << "len " << len;

      KeccakSponge sponge(f);
      for (size_t i = 0; i < len;) {
        size_t n = std::min<size_t>(len - i, rng() % (2 * rate + 1));
        sponge.Absorb(std::span<const uint8_t>(in).subspan(i, n));
        i += n;
      }
      std::vector<uint8_t> got(out_bytes);
      for (size_t i = 0; i < out_bytes;) {
        size_t n = std::min<size_t>(out_bytes - i, rng() % (rate + 3));
        sponge.Squeeze(std::span<uint8_t>(got).subspan(i, n));
        i += n;
      }
      ASSERT_EQ(got, expected) << "chunked, len " << len;
      ++cases;
    }
  }
  std::printf("Keccak vs OpenSSL: %d/%d passed\n", cases, 6 * 120);
}

TEST(Keccak, ResetAndCopyForkTheStream) {
  Shake256Xof a;
  const uint8_t msg[3] = {1, 2, 3};
  a.Absorb(msg);
  KeccakSponge b = a;
  std::array<uint8_t, 300> x, y;
  a.Squeeze(x);
  b.Squeeze(y);
  EXPECT_EQ(x, y);
  a.Reset();
  a.Absorb(msg);
  a.Squeeze(y);
  EXPECT_EQ(x, y);
}

// A four-way stream equals four single streams (SHAKE128 for the matrix
// samplers, SHAKE256 for ExpandMask), for inputs of every length it accepts and
// several squeezed blocks.
template <typename X4>
void ExpectX4MatchesSingleStreams(void (*single)(std::span<const uint8_t>, std::span<uint8_t>)) {
  constexpr size_t kRate = X4::kBlockBytes;
  for (size_t base = 0; base < kRate; base += 13) {
    std::vector<uint8_t> in[4];
    for (size_t k = 0; k < 4; ++k) {
      in[k].resize(std::min(base + k * 3, kRate - 1));
      for (size_t i = 0; i < in[k].size(); ++i) in[k][i] = static_cast<uint8_t>(i * 31 + k);
    }
    X4 x4({std::span<const uint8_t>(in[0]), in[1], in[2], in[3]});
    std::vector<uint8_t> expected[4];
    for (size_t k = 0; k < 4; ++k) {
      expected[k].resize(3 * kRate);
      single(in[k], expected[k]);
    }
    uint8_t blocks[4][kRate];
    for (size_t b = 0; b < 3; ++b) {
      x4.SqueezeBlocks(blocks);
      for (size_t k = 0; k < 4; ++k) {
        EXPECT_EQ(0, std::memcmp(blocks[k], expected[k].data() + b * kRate, kRate))
            << "rate " << kRate << " input length " << in[k].size() << " block " << b;
      }
    }
  }
}

TEST(Keccak, Shake128X4MatchesSingleStreams) {
  ExpectX4MatchesSingleStreams<Shake128X4>(Shake128);
}

TEST(Keccak, Shake256X4MatchesSingleStreams) {
  ExpectX4MatchesSingleStreams<Shake256X4>(Shake256);
}

}  // namespace
}  // namespace zq::crypto
