// SLH-DSA against the NIST ACVP keyGen vectors (all 12 parameter sets) and the
// legacy sigVer sample (5 parameter sets), joined by tgId/tcId; plus sign→verify
// round trips, contexts, and malformed signatures (wrong lengths give false).
#include "crypto/slhdsa.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "crypto/vector_test_util.hpp"

namespace zq::crypto {
namespace {

using testing::AcvpCase;
using testing::HexField;
using testing::Json;
using testing::PassCounter;

TEST(SlhDsaAcvp, KeyGen) {
  Json prompt, expected;
  std::vector<AcvpCase> cases;
  ASSERT_TRUE(testing::LoadAcvp("SLH-DSA-keyGen-FIPS205", &prompt, &expected, &cases));
  PassCounter counter("SLH-DSA-keyGen-FIPS205");
  for (const AcvpCase& c : cases) {
    auto params = SlhDsaParamsFromName((*c.group)["parameterSet"].get<std::string>());
    if (!params) {
      counter.Skip();
      continue;
    }
    auto pair = SlhDsaKeyGenInternal(*params, HexField(*c.prompt, "skSeed"),
                                     HexField(*c.prompt, "skPrf"), HexField(*c.prompt, "pkSeed"));
    counter.Record(pair.ok() && pair->public_key == HexField(*c.expected, "pk") &&
                       pair->secret_key == HexField(*c.expected, "sk"),
                   (*c.prompt)["tcId"]);
  }
}

// The older self-contained sample: message is the raw input of slh_verify_internal.
TEST(SlhDsaAcvp, SigVerLegacySample) {
  Json doc;
  ASSERT_TRUE(testing::LoadVectors(
      "acvp/SLH-DSA-sigVer-FIPS205-legacy-sample/internalProjection.json", &doc));
  PassCounter counter("SLH-DSA-sigVer-FIPS205-legacy-sample");
  for (const Json& g : doc["testGroups"]) {
    auto params = SlhDsaParamsFromName(g["parameterSet"].get<std::string>());
    for (const Json& t : g["tests"]) {
      if (!params) {
        counter.Skip();
        continue;
      }
      Status s = SlhDsaVerifyInternal(*params, HexField(t, "pk"), HexField(t, "message"),
                                      HexField(t, "signature"));
      bool expect = t["testPassed"].get<bool>();
      counter.Record(s.ok() == expect && (s.ok() || s.IsAuthFailed()), t["tcId"],
                     t.value("reason", ""));
      // The signer's side: the valid cases' signatures come from slh_sign_internal
      // with additionalRandomness, so signing must reproduce them byte for byte.
      if (expect && (*params == SlhDsaParams::kShake128f)) {
        auto sig = SlhDsaSignInternal(*params, HexField(t, "sk"), HexField(t, "message"),
                                      HexField(t, "additionalRandomness"));
        ASSERT_TRUE(sig.ok());
        EXPECT_EQ(*sig, HexField(t, "signature")) << "tcId " << t["tcId"];
      }
    }
  }
}

void RoundTrip(SlhDsaParams params) {
  SCOPED_TRACE(SlhDsaName(params));
  auto pair = SlhDsaKeyGen(params);
  ASSERT_TRUE(pair.ok());
  SlhDsaSizes sizes = SlhDsaSizesFor(params);
  ASSERT_EQ(pair->public_key.size(), sizes.public_key_bytes);
  ASSERT_EQ(pair->secret_key.size(), sizes.secret_key_bytes);
  std::vector<uint8_t> msg = {'z', 'q', 'l', 'i', 't', 'e'};
  std::vector<uint8_t> ctx = {1, 2, 3};
  auto sig = SlhDsaSign(params, pair->secret_key, msg, ctx, SlhDsaRandomness::kHedged);
  ASSERT_TRUE(sig.ok());
  ASSERT_EQ(sig->size(), sizes.signature_bytes);
  EXPECT_TRUE(SlhDsaVerify(params, pair->public_key, msg, ctx, *sig).ok());
  // Wrong context, message, bit flips anywhere, and wrong lengths: false, no crash.
  EXPECT_TRUE(SlhDsaVerify(params, pair->public_key, msg, {}, *sig).IsAuthFailed());
  std::vector<uint8_t> other = msg;
  other[0] ^= 1;
  EXPECT_TRUE(SlhDsaVerify(params, pair->public_key, other, ctx, *sig).IsAuthFailed());
  for (size_t at : {size_t{0}, sizes.n, sig->size() / 2, sig->size() - 1}) {
    std::vector<uint8_t> bad = *sig;
    bad[at] ^= 0x80;
    EXPECT_TRUE(SlhDsaVerify(params, pair->public_key, msg, ctx, bad).IsAuthFailed()) << at;
  }
  std::vector<uint8_t> shorter(sig->begin(), sig->end() - 1);
  EXPECT_TRUE(SlhDsaVerify(params, pair->public_key, msg, ctx, shorter).IsAuthFailed());
  std::vector<uint8_t> longer = *sig;
  longer.push_back(0);
  EXPECT_TRUE(SlhDsaVerify(params, pair->public_key, msg, ctx, longer).IsAuthFailed());
  EXPECT_TRUE(SlhDsaVerify(params, pair->public_key, msg, ctx, {}).IsAuthFailed());
  // Deterministic signing is reproducible; hedged is not.
  auto d1 = SlhDsaSign(params, pair->secret_key, msg, ctx, SlhDsaRandomness::kDeterministic);
  auto d2 = SlhDsaSign(params, pair->secret_key, msg, ctx, SlhDsaRandomness::kDeterministic);
  ASSERT_TRUE(d1.ok() && d2.ok());
  EXPECT_EQ(*d1, *d2);
  EXPECT_NE(*d1, *sig);
  EXPECT_TRUE(SlhDsaVerify(params, pair->public_key, msg, ctx, *d1).ok());
}

TEST(SlhDsa, RoundTripShake128s) {
  RoundTrip(SlhDsaParams::kShake128s);
}
TEST(SlhDsa, RoundTripSha2_128s) {
  RoundTrip(SlhDsaParams::kSha2_128s);
}
TEST(SlhDsa, RoundTripFastSets) {
  for (SlhDsaParams p : {SlhDsaParams::kSha2_128f, SlhDsaParams::kShake128f,
                         SlhDsaParams::kSha2_192f, SlhDsaParams::kShake256f}) {
    RoundTrip(p);
  }
}

TEST(SlhDsa, BadArguments) {
  const SlhDsaParams p = SlhDsaParams::kShake128f;
  auto pair = SlhDsaKeyGen(p);
  ASSERT_TRUE(pair.ok());
  std::vector<uint8_t> long_ctx(256, 7);
  EXPECT_EQ(SlhDsaSign(p, pair->secret_key, {}, long_ctx).status().code(),
            StatusCode::kInvalidArgument);
  std::vector<uint8_t> short_sk(pair->secret_key.begin(), pair->secret_key.end() - 1);
  EXPECT_EQ(SlhDsaSign(p, short_sk, {}, {}).status().code(), StatusCode::kInvalidArgument);
  std::vector<uint8_t> sig(SlhDsaSizesFor(p).signature_bytes);
  EXPECT_EQ(SlhDsaVerify(p, {}, {}, {}, sig).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SlhDsaVerify(p, pair->public_key, {}, long_ctx, sig).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(SlhDsaVerify(p, pair->public_key, {}, {}, sig).IsAuthFailed());
  std::vector<uint8_t> seed(15);
  EXPECT_FALSE(SlhDsaKeyGenInternal(p, seed, seed, seed).ok());
  EXPECT_STREQ(SlhDsaName(SlhDsaParams::kSha2_128s), "SLH-DSA-SHA2-128s");
  EXPECT_FALSE(SlhDsaParamsFromName("SLH-DSA-MD5-128s").has_value());
}

}  // namespace
}  // namespace zq::crypto
