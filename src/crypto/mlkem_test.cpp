// ML-KEM against every case of the NIST ACVP vector sets (keyGen, encapDecap,
// encapDecap-tr1) and every Wycheproof mlkem_*.json file, joined by
// tgId/tcId; plus round trips and input-check behaviour through the API.
#include "crypto/mlkem.hpp"

#include <gtest/gtest.h>

#include <string>

#include "crypto/keccak.hpp"
#include "crypto/pq_provider.hpp"
#include "crypto/vector_test_util.hpp"

namespace zq::crypto {
namespace {

using testing::AcvpCase;
using testing::HasField;
using testing::HexField;
using testing::Json;
using testing::PassCounter;

MlKemParams ParamsFromName(const std::string& name) {
  if (name == "ML-KEM-512") return MlKemParams::k512;
  if (name == "ML-KEM-768") return MlKemParams::k768;
  EXPECT_EQ(name, "ML-KEM-1024");
  return MlKemParams::k1024;
}

TEST(MlKemAcvp, KeyGen) {
  Json prompt, expected;
  std::vector<AcvpCase> cases;
  ASSERT_TRUE(testing::LoadAcvp("ML-KEM-keyGen-FIPS203", &prompt, &expected, &cases));
  PassCounter counter("ML-KEM-keyGen-FIPS203");
  for (const AcvpCase& c : cases) {
    MlKemParams params = ParamsFromName((*c.group)["parameterSet"]);
    auto pair = MlKemKeyGenInternal(params, HexField(*c.prompt, "d"), HexField(*c.prompt, "z"));
    counter.Record(pair.ok() && pair->encaps_key == HexField(*c.expected, "ek") &&
                       pair->decaps_key == HexField(*c.expected, "dk"),
                   (*c.prompt)["tcId"]);
  }
}

bool RunEncapDecapCase(const AcvpCase& c) {
  const Json& g = *c.group;
  const Json& t = *c.prompt;
  MlKemParams params = ParamsFromName(g["parameterSet"]);
  std::string function = g["function"];
  if (function == "encapsulation") {
    auto enc = MlKemEncapsInternal(params, HexField(t, "ek"), HexField(t, "m"));
    return enc.ok() && enc->ciphertext == HexField(*c.expected, "c") &&
           enc->shared_secret == HexField(*c.expected, "k");
  }
  if (function == "decapsulation") {
    std::vector<uint8_t> dk = HexField(t, "dk");
    if (g.value("keyFormat", "expanded") == "seed") {
      auto pair = MlKemKeyGenInternal(params, HexField(t, "d"), HexField(t, "z"));
      if (!pair.ok()) return false;
      dk = pair->decaps_key;
    }
    auto k = MlKemDecaps(params, dk, HexField(t, "c"));
    return k.ok() && *k == HexField(*c.expected, "k");
  }
  bool passed = (*c.expected)["testPassed"].get<bool>();
  if (function == "encapsulationKeyCheck") {
    return MlKemCheckEncapsKey(params, HexField(t, "ek")).ok() == passed;
  }
  if (function == "decapsulationKeyCheck") {
    return MlKemCheckDecapsKey(params, HexField(t, "dk")).ok() == passed;
  }
  ADD_FAILURE() << "unknown function " << function;
  return false;
}

void RunEncapDecapFolder(const std::string& folder) {
  Json prompt, expected;
  std::vector<AcvpCase> cases;
  ASSERT_TRUE(testing::LoadAcvp(folder, &prompt, &expected, &cases));
  PassCounter counter(folder);
  for (const AcvpCase& c : cases) counter.Record(RunEncapDecapCase(c), (*c.prompt)["tcId"]);
}

TEST(MlKemAcvp, EncapDecap) {
  RunEncapDecapFolder("ML-KEM-encapDecap-FIPS203");
}
TEST(MlKemAcvp, EncapDecapTr1) {
  RunEncapDecapFolder("ML-KEM-encapDecap-FIPS203-tr1");
}

// Runs every test of a Wycheproof file; `run` returns whether the operation
// succeeded and matched (valid) or was rejected (invalid).
template <typename Run>
void RunWycheproof(const std::string& file, Run run) {
  Json doc;
  ASSERT_TRUE(testing::LoadVectors("wycheproof/" + file, &doc));
  PassCounter counter("wycheproof/" + file);
  for (const Json& g : doc["testGroups"]) {
    MlKemParams params = ParamsFromName(g["parameterSet"]);
    for (const Json& t : g["tests"]) {
      std::string result = t["result"];
      ASSERT_TRUE(result == "valid" || result == "invalid") << result;
      bool succeeded = run(params, t);
      counter.Record(succeeded == (result == "valid"), t["tcId"], t.value("comment", ""));
    }
  }
}

// mlkem_N_test.json: KeyGen from seed = d || z, then Decaps(c) must give K.
bool WycheproofKeyGenDecaps(MlKemParams params, const Json& t) {
  auto pair = MlKemKeyGenFromSeed(params, HexField(t, "seed"));
  if (!pair.ok()) return false;
  if (HasField(t, "ek") && pair->encaps_key != HexField(t, "ek")) return false;
  auto k = MlKemDecaps(params, pair->decaps_key, HexField(t, "c"));
  return k.ok() && *k == HexField(t, "K");
}

bool WycheproofEncaps(MlKemParams params, const Json& t) {
  auto enc = MlKemEncapsInternal(params, HexField(t, "ek"), HexField(t, "m"));
  return enc.ok() && enc->ciphertext == HexField(t, "c") && enc->shared_secret == HexField(t, "K");
}

bool WycheproofKeyGen(MlKemParams params, const Json& t) {
  auto pair = MlKemKeyGenFromSeed(params, HexField(t, "seed"));
  return pair.ok() && pair->encaps_key == HexField(t, "ek") &&
         pair->decaps_key == HexField(t, "dk");
}

bool WycheproofSemiExpandedDecaps(MlKemParams params, const Json& t) {
  auto k = MlKemDecaps(params, HexField(t, "dk"), HexField(t, "c"));
  return k.ok() && *k == HexField(t, "K");
}

class MlKemWycheproof : public ::testing::TestWithParam<const char*> {};

TEST_P(MlKemWycheproof, AllFiles) {
  std::string n = GetParam();
  RunWycheproof("mlkem_" + n + "_test.json", WycheproofKeyGenDecaps);
  RunWycheproof("mlkem_" + n + "_encaps_test.json", WycheproofEncaps);
  RunWycheproof("mlkem_" + n + "_keygen_seed_test.json", WycheproofKeyGen);
  RunWycheproof("mlkem_" + n + "_semi_expanded_decaps_test.json", WycheproofSemiExpandedDecaps);
}

INSTANTIATE_TEST_SUITE_P(Sizes, MlKemWycheproof, ::testing::Values("512", "768", "1024"));

class MlKemApi : public ::testing::TestWithParam<MlKemParams> {};

TEST_P(MlKemApi, RoundTripAndImplicitRejection) {
  MlKemParams params = GetParam();
  MlKemSizes sizes = MlKemSizesFor(params);
  auto pair = MlKemKeyGen(params);
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(pair->encaps_key.size(), sizes.encaps_key_bytes);
  EXPECT_EQ(pair->decaps_key.size(), sizes.decaps_key_bytes);
  auto enc = MlKemEncaps(params, pair->encaps_key);
  ASSERT_TRUE(enc.ok());
  ASSERT_EQ(enc->ciphertext.size(), sizes.ciphertext_bytes);
  auto k = MlKemDecaps(params, pair->decaps_key, enc->ciphertext);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(*k, enc->shared_secret);

  // A flipped bit yields K̄ = SHAKE256(z || c', 32), not an error.
  std::vector<uint8_t> forged = enc->ciphertext;
  forged[forged.size() / 2] ^= 0x01;
  auto k_bad = MlKemDecaps(params, pair->decaps_key, forged);
  ASSERT_TRUE(k_bad.ok());
  std::vector<uint8_t> j_in(pair->decaps_key.end() - 32, pair->decaps_key.end());
  j_in.insert(j_in.end(), forged.begin(), forged.end());
  std::vector<uint8_t> k_bar(32);
  Shake256(j_in, k_bar);
  EXPECT_EQ(*k_bad, k_bar);
  EXPECT_NE(*k_bad, enc->shared_secret);

  // The provider gives the same answers.
  const PqProvider& provider = BuiltinPqProvider();
  auto k2 = provider.MlKemDecaps(params, pair->decaps_key, enc->ciphertext);
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(*k2, enc->shared_secret);
}

TEST_P(MlKemApi, WrongLengthsAndBadKeysAreInvalidArgument) {
  MlKemParams params = GetParam();
  auto pair = MlKemKeyGen(params);
  ASSERT_TRUE(pair.ok());
  auto enc = MlKemEncaps(params, pair->encaps_key);
  ASSERT_TRUE(enc.ok());
  auto is_invalid = [](const Status& s) { return s.code() == StatusCode::kInvalidArgument; };

  std::vector<uint8_t> short_ek(pair->encaps_key.begin(), pair->encaps_key.end() - 1);
  EXPECT_TRUE(is_invalid(MlKemEncaps(params, short_ek).status()));
  std::vector<uint8_t> long_c = enc->ciphertext;
  long_c.push_back(0);
  EXPECT_TRUE(is_invalid(MlKemDecaps(params, pair->decaps_key, long_c).status()));
  std::vector<uint8_t> short_dk(pair->decaps_key.begin(), pair->decaps_key.end() - 1);
  EXPECT_TRUE(is_invalid(MlKemDecaps(params, short_dk, enc->ciphertext).status()));
  EXPECT_TRUE(is_invalid(
      MlKemKeyGenInternal(params, std::vector<uint8_t>(31), std::vector<uint8_t>(32)).status()));
  std::vector<uint8_t> m33(33);
  EXPECT_TRUE(is_invalid(MlKemEncapsInternal(params, pair->encaps_key, m33).status()));

  // Coefficient 0 set to 4095 >= q fails the §7.2 modulus check.
  std::vector<uint8_t> bad_ek = pair->encaps_key;
  bad_ek[0] = 0xFF;
  bad_ek[1] |= 0x0F;
  EXPECT_TRUE(is_invalid(MlKemCheckEncapsKey(params, bad_ek)));
  EXPECT_TRUE(is_invalid(MlKemEncaps(params, bad_ek).status()));
  // A changed H(ek) fails the §7.3 hash check.
  std::vector<uint8_t> bad_dk = pair->decaps_key;
  bad_dk[bad_dk.size() - 40] ^= 1;
  EXPECT_TRUE(is_invalid(MlKemCheckDecapsKey(params, bad_dk)));
  EXPECT_TRUE(is_invalid(MlKemDecaps(params, bad_dk, enc->ciphertext).status()));
  EXPECT_TRUE(MlKemCheckEncapsKey(params, pair->encaps_key).ok());
  EXPECT_TRUE(MlKemCheckDecapsKey(params, pair->decaps_key).ok());
}

INSTANTIATE_TEST_SUITE_P(Sets, MlKemApi,
                         ::testing::Values(MlKemParams::k512, MlKemParams::k768,
                                           MlKemParams::k1024));

}  // namespace
}  // namespace zq::crypto
