// ML-DSA against every case of the NIST ACVP vector sets (keyGen, sigGen,
// sigGen-tr1, sigVer) and every Wycheproof mldsa_*.json file, joined by
// tgId/tcId; plus API behaviour (contexts, lengths, malformed signatures).
//
// Pre-hash cases run for every hash and parameter set: ZQLite accepts every
// FIPS 204-approved pre-hash (choosing one as strong as the parameter set is
// the caller's job, FIPS 204 §5.4), so no case is skipped.
#include "crypto/mldsa.hpp"

#include <gtest/gtest.h>

#include <string>

#include "crypto/pq_provider.hpp"
#include "crypto/vector_test_util.hpp"

namespace zq::crypto {
namespace {

using testing::AcvpCase;
using testing::HasField;
using testing::HexField;
using testing::Json;
using testing::PassCounter;

MlDsaParams ParamsFromName(const std::string& name) {
  if (name == "ML-DSA-44") return MlDsaParams::k44;
  if (name == "ML-DSA-65") return MlDsaParams::k65;
  EXPECT_EQ(name, "ML-DSA-87");
  return MlDsaParams::k87;
}

MlDsaPreHash HashFromName(const std::string& name) {
  static const std::pair<const char*, MlDsaPreHash> kNames[] = {
      {"SHA2-224", MlDsaPreHash::kSha2_224},         {"SHA2-256", MlDsaPreHash::kSha2_256},
      {"SHA2-384", MlDsaPreHash::kSha2_384},         {"SHA2-512", MlDsaPreHash::kSha2_512},
      {"SHA2-512/224", MlDsaPreHash::kSha2_512_224}, {"SHA2-512/256", MlDsaPreHash::kSha2_512_256},
      {"SHA3-224", MlDsaPreHash::kSha3_224},         {"SHA3-256", MlDsaPreHash::kSha3_256},
      {"SHA3-384", MlDsaPreHash::kSha3_384},         {"SHA3-512", MlDsaPreHash::kSha3_512},
      {"SHAKE-128", MlDsaPreHash::kShake128},        {"SHAKE-256", MlDsaPreHash::kShake256},
  };
  for (const auto& [n, h] : kNames) {
    if (name == n) return h;
  }
  ADD_FAILURE() << "unknown hashAlg " << name;
  return MlDsaPreHash::kSha2_256;
}

TEST(MlDsaAcvp, KeyGen) {
  Json prompt, expected;
  std::vector<AcvpCase> cases;
  ASSERT_TRUE(testing::LoadAcvp("ML-DSA-keyGen-FIPS204", &prompt, &expected, &cases));
  PassCounter counter("ML-DSA-keyGen-FIPS204");
  for (const AcvpCase& c : cases) {
    MlDsaParams params = ParamsFromName((*c.group)["parameterSet"]);
    auto pair = MlDsaKeyGenInternal(params, HexField(*c.prompt, "seed"));
    counter.Record(pair.ok() && pair->public_key == HexField(*c.expected, "pk") &&
                       pair->secret_key == HexField(*c.expected, "sk"),
                   (*c.prompt)["tcId"]);
  }
}

Result<std::vector<uint8_t>> AcvpSign(const AcvpCase& c) {
  const Json& g = *c.group;
  const Json& t = *c.prompt;
  MlDsaParams params = ParamsFromName(g["parameterSet"]);
  std::vector<uint8_t> sk = HexField(t, "sk");
  if (g.value("keyFormat", "expanded") == "seed") {
    auto pair = MlDsaKeyGenInternal(params, HexField(t, "seed"));
    if (!pair.ok()) return pair.status();
    sk = pair->secret_key;
  }
  std::vector<uint8_t> rnd(32, 0);
  if (!g["deterministic"].get<bool>()) rnd = HexField(t, "rnd");
  if (g["signatureInterface"] == "internal") {
    if (g["externalMu"].get<bool>()) return MlDsaSignMu(params, sk, HexField(t, "mu"), rnd);
    return MlDsaSignInternal(params, sk, HexField(t, "message"), rnd);
  }
  if (g["preHash"] == "preHash") {
    return HashMlDsaSignWithRandomness(params, sk, HexField(t, "message"), HexField(t, "context"),
                                       HashFromName(t["hashAlg"]), rnd);
  }
  return MlDsaSignWithRandomness(params, sk, HexField(t, "message"), HexField(t, "context"), rnd);
}

void RunSigGenFolder(const std::string& folder) {
  Json prompt, expected;
  std::vector<AcvpCase> cases;
  ASSERT_TRUE(testing::LoadAcvp(folder, &prompt, &expected, &cases));
  PassCounter counter(folder);
  for (const AcvpCase& c : cases) {
    auto sig = AcvpSign(c);
    counter.Record(sig.ok() && *sig == HexField(*c.expected, "signature"), (*c.prompt)["tcId"],
                   sig.ok() ? "" : sig.status().ToString());
  }
}

TEST(MlDsaAcvp, SigGen) {
  RunSigGenFolder("ML-DSA-sigGen-FIPS204");
}
TEST(MlDsaAcvp, SigGenTr1) {
  RunSigGenFolder("ML-DSA-sigGen-FIPS204-tr1");
}

Status AcvpVerify(const AcvpCase& c) {
  const Json& g = *c.group;
  const Json& t = *c.prompt;
  MlDsaParams params = ParamsFromName(g["parameterSet"]);
  std::vector<uint8_t> pk = HexField(t, "pk"), sig = HexField(t, "signature");
  if (g["signatureInterface"] == "internal") {
    if (g["externalMu"].get<bool>()) return MlDsaVerifyMu(params, pk, HexField(t, "mu"), sig);
    return MlDsaVerifyInternal(params, pk, HexField(t, "message"), sig);
  }
  if (g["preHash"] == "preHash") {
    return HashMlDsaVerify(params, pk, HexField(t, "message"), HexField(t, "context"),
                           HashFromName(t["hashAlg"]), sig);
  }
  return MlDsaVerify(params, pk, HexField(t, "message"), HexField(t, "context"), sig);
}

TEST(MlDsaAcvp, SigVer) {
  Json prompt, expected;
  std::vector<AcvpCase> cases;
  ASSERT_TRUE(testing::LoadAcvp("ML-DSA-sigVer-FIPS204", &prompt, &expected, &cases));
  PassCounter counter("ML-DSA-sigVer-FIPS204");
  for (const AcvpCase& c : cases) {
    Status s = AcvpVerify(c);
    // A signature that fails must fail as AuthFailed, not as misuse.
    bool well_formed = s.ok() || s.IsAuthFailed();
    counter.Record(well_formed && s.ok() == (*c.expected)["testPassed"].get<bool>(),
                   (*c.prompt)["tcId"], s.ToString());
  }
}

// Wycheproof signing: valid cases must reproduce `sig` (from msg+ctx and,
// when given, from mu) and verify under the group's public key; invalid cases
// must be refused.
bool WycheproofSign(MlDsaParams params, const std::vector<uint8_t>& sk,
                    const std::vector<uint8_t>& pk, const Json& t) {
  std::vector<uint8_t> rnd = HasField(t, "rnd") ? HexField(t, "rnd") : std::vector<uint8_t>(32);
  std::vector<uint8_t> ctx = HexField(t, "ctx"), expected = HexField(t, "sig");
  const bool valid = t["result"] == "valid";
  if (HasField(t, "msg")) {
    auto sig = MlDsaSignWithRandomness(params, sk, HexField(t, "msg"), ctx, rnd);
    if (!valid) return !sig.ok();
    if (!sig.ok() || *sig != expected) return false;
    if (!pk.empty() && !MlDsaVerify(params, pk, HexField(t, "msg"), ctx, *sig).ok()) return false;
  }
  if (HasField(t, "mu")) {  // reached for invalid cases only when there is no msg
    auto sig = MlDsaSignMu(params, sk, HexField(t, "mu"), rnd);
    if (!valid) return !sig.ok();
    if (!sig.ok() || *sig != expected) return false;
    if (!pk.empty() && !MlDsaVerifyMu(params, pk, HexField(t, "mu"), *sig).ok()) return false;
  }
  return HasField(t, "msg") || HasField(t, "mu");
}

void RunWycheproofSign(const std::string& file, bool seeded) {
  Json doc;
  ASSERT_TRUE(testing::LoadVectors("wycheproof/" + file, &doc));
  MlDsaParams params = ParamsFromName(doc["algorithm"]);
  PassCounter counter("wycheproof/" + file);
  for (const Json& g : doc["testGroups"]) {
    std::vector<uint8_t> sk = HexField(g, "privateKey"), pk = HexField(g, "publicKey");
    bool key_ok = true;
    if (seeded) {
      auto pair = MlDsaKeyGenInternal(params, HexField(g, "privateSeed"));
      key_ok = pair.ok() && (pk.empty() || pair->public_key == pk);
      if (pair.ok()) sk = pair->secret_key;
    }
    for (const Json& t : g["tests"]) {
      bool valid = t["result"] == "valid";
      bool ok = key_ok ? WycheproofSign(params, sk, pk, t) : !valid;
      counter.Record(ok, t["tcId"], t.value("comment", ""));
    }
  }
}

void RunWycheproofVerify(const std::string& file) {
  Json doc;
  ASSERT_TRUE(testing::LoadVectors("wycheproof/" + file, &doc));
  MlDsaParams params = ParamsFromName(doc["algorithm"]);
  PassCounter counter("wycheproof/" + file);
  for (const Json& g : doc["testGroups"]) {
    std::vector<uint8_t> pk = HexField(g, "publicKey");
    for (const Json& t : g["tests"]) {
      Status s =
          MlDsaVerify(params, pk, HexField(t, "msg"), HexField(t, "ctx"), HexField(t, "sig"));
      counter.Record(s.ok() == (t["result"] == "valid"), t["tcId"],
                     t.value("comment", "") + " " + s.ToString());
    }
  }
}

class MlDsaWycheproof : public ::testing::TestWithParam<const char*> {};

TEST_P(MlDsaWycheproof, AllFiles) {
  std::string n = GetParam();
  RunWycheproofSign("mldsa_" + n + "_sign_noseed_test.json", /*seeded=*/false);
  RunWycheproofSign("mldsa_" + n + "_sign_seed_test.json", /*seeded=*/true);
  RunWycheproofVerify("mldsa_" + n + "_verify_test.json");
}

INSTANTIATE_TEST_SUITE_P(Sizes, MlDsaWycheproof, ::testing::Values("44", "65", "87"));

class MlDsaApi : public ::testing::TestWithParam<MlDsaParams> {};

TEST_P(MlDsaApi, SignVerifyRoundTripAndContexts) {
  MlDsaParams params = GetParam();
  MlDsaSizes sizes = MlDsaSizesFor(params);
  auto pair = MlDsaKeyGen(params);
  ASSERT_TRUE(pair.ok());
  ASSERT_EQ(pair->public_key.size(), sizes.public_key_bytes);
  ASSERT_EQ(pair->secret_key.size(), sizes.secret_key_bytes);
  const std::vector<uint8_t> msg = {'a', 'u', 'd', 'i', 't'}, ctx = {'z', 'q'};
  auto sig = MlDsaSign(params, pair->secret_key, msg, ctx);
  ASSERT_TRUE(sig.ok());
  ASSERT_EQ(sig->size(), sizes.signature_bytes);
  EXPECT_TRUE(MlDsaVerify(params, pair->public_key, msg, ctx, *sig).ok());
  EXPECT_TRUE(MlDsaVerify(params, pair->public_key, msg, {}, *sig).IsAuthFailed());
  EXPECT_TRUE(MlDsaVerify(params, pair->public_key, ctx, ctx, *sig).IsAuthFailed());

  // Deterministic signing repeats; hedged signing does not.
  auto d1 = MlDsaSign(params, pair->secret_key, msg, ctx, MlDsaRandomness::kDeterministic);
  auto d2 = MlDsaSign(params, pair->secret_key, msg, ctx, MlDsaRandomness::kDeterministic);
  auto h2 = MlDsaSign(params, pair->secret_key, msg, ctx);
  ASSERT_TRUE(d1.ok() && d2.ok() && h2.ok());
  EXPECT_EQ(*d1, *d2);
  EXPECT_NE(*sig, *h2);

  std::vector<uint8_t> ctx255(255, 7), ctx256(256, 7);
  auto s255 = MlDsaSign(params, pair->secret_key, msg, ctx255);
  ASSERT_TRUE(s255.ok());
  EXPECT_TRUE(MlDsaVerify(params, pair->public_key, msg, ctx255, *s255).ok());
  EXPECT_EQ(MlDsaSign(params, pair->secret_key, msg, ctx256).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MlDsaVerify(params, pair->public_key, msg, ctx256, *s255).code(),
            StatusCode::kInvalidArgument);

  // HashML-DSA with a strong hash, through the provider.
  const PqProvider& provider = BuiltinPqProvider();
  auto hs = provider.HashMlDsaSign(params, pair->secret_key, msg, ctx, MlDsaPreHash::kSha3_512,
                                   MlDsaRandomness::kHedged);
  ASSERT_TRUE(hs.ok());
  EXPECT_TRUE(
      provider.HashMlDsaVerify(params, pair->public_key, msg, ctx, MlDsaPreHash::kSha3_512, *hs)
          .ok());
  EXPECT_FALSE(provider.MlDsaVerify(params, pair->public_key, msg, ctx, *hs).ok());
  EXPECT_FALSE(
      provider.HashMlDsaVerify(params, pair->public_key, msg, ctx, MlDsaPreHash::kSha2_512, *hs)
          .ok());
}

TEST_P(MlDsaApi, MalformedInputsAreRejected) {
  MlDsaParams params = GetParam();
  MlDsaSizes sizes = MlDsaSizesFor(params);
  auto pair = MlDsaKeyGenInternal(params, std::vector<uint8_t>(32, 0x5A));  // reproducible
  ASSERT_TRUE(pair.ok());
  const std::vector<uint8_t> msg = {1, 2, 3};
  auto sig = MlDsaSign(params, pair->secret_key, msg, {}, MlDsaRandomness::kDeterministic);
  ASSERT_TRUE(sig.ok());
  const std::vector<uint8_t>& pk = pair->public_key;
  auto code = [&](const std::vector<uint8_t>& key, const std::vector<uint8_t>& s) {
    return MlDsaVerify(params, key, msg, {}, s).code();
  };
  ASSERT_EQ(code(pk, *sig), StatusCode::kOk);
  std::vector<uint8_t> longer = *sig;
  longer.push_back(0);
  EXPECT_EQ(code(pk, longer), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(std::vector<uint8_t>(pk.begin(), pk.end() - 1), *sig),
            StatusCode::kInvalidArgument);

  // The hint section is the last ω + k bytes: ω indices, then k running counts.
  const int k = params == MlDsaParams::k44 ? 4 : params == MlDsaParams::k65 ? 6 : 8;
  const int omega = params == MlDsaParams::k44 ? 80 : params == MlDsaParams::k65 ? 55 : 75;
  const size_t hints = sizes.signature_bytes - static_cast<size_t>(omega + k);
  const uint8_t* counts = sig->data() + hints + omega;
  const int used = counts[k - 1];
  ASSERT_LT(used, omega);
  std::vector<uint8_t> bad = *sig;
  bad[sizes.signature_bytes - 1] = static_cast<uint8_t>(omega + 1);  // more than ω hints
  EXPECT_EQ(code(pk, bad), StatusCode::kAuthFailed);
  bad = *sig;
  bad[hints + omega - 1] = 1;  // nonzero padding after the last used index
  EXPECT_EQ(code(pk, bad), StatusCode::kAuthFailed);
  int first = 0, poly = 0;  // a polynomial with at least two hints
  while (poly < k && counts[poly] - first < 2) first = counts[poly++];
  ASSERT_LT(poly, k);
  bad = *sig;
  std::swap(bad[hints + first], bad[hints + first + 1]);  // decreasing indices
  EXPECT_EQ(code(pk, bad), StatusCode::kAuthFailed);
  bad = *sig;
  bad[hints + first + 1] = bad[hints + first];  // repeated index
  EXPECT_EQ(code(pk, bad), StatusCode::kAuthFailed);

  // A secret key with an s1 coefficient out of [-η, η] (raw 15 > 2η) is refused.
  std::vector<uint8_t> bad_sk = pair->secret_key;
  bad_sk[128] |= 0x0F;
  EXPECT_EQ(MlDsaSign(params, bad_sk, msg, {}).status().code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Sets, MlDsaApi,
                         ::testing::Values(MlDsaParams::k44, MlDsaParams::k65, MlDsaParams::k87));

}  // namespace
}  // namespace zq::crypto
