// The `zqlite crypto` hex-mode contract, for every ALG: keygen → encaps/decaps
// or sign/verify round trips through RunCrypto with stdout captured, exact
// `name: hex` lines, exit codes, --seed determinism (checked against the
// library), file mode (.key 0600 / .pub) and bad-input errors.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli/cli_test_util.hpp"
#include "cli/commands.hpp"
#include "crypto/mldsa.hpp"
#include "crypto/mlkem.hpp"

namespace zq::cli {
namespace {

struct CliRun {
  int code;
  std::string out;
  std::string err;
  std::map<std::string, std::string> fields;  // `name: value` lines of out
};

// Runs RunCrypto(args) with stdout and stderr captured.
CliRun Crypto(std::vector<std::string> args) {
  testing::Captured c = testing::RunCaptured(&RunCrypto, std::move(args));
  CliRun r{c.code, std::move(c.out), std::move(c.err), {}};
  size_t pos = 0;
  while (pos < r.out.size()) {
    size_t eol = r.out.find('\n', pos);
    std::string line = r.out.substr(pos, eol - pos);
    size_t colon = line.find(": ");
    if (colon != std::string::npos) r.fields[line.substr(0, colon)] = line.substr(colon + 2);
    pos = eol == std::string::npos ? r.out.size() : eol + 1;
  }
  return r;
}

bool IsLowerHex(const std::string& s) {
  return !s.empty() && s.size() % 2 == 0 &&
         s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

const char* const kKems[] = {"mlkem512", "mlkem768", "mlkem1024", "xwing"};
const char* const kSigs[] = {"mldsa44",           "mldsa65",          "mldsa87",
                             "slhdsa-shake-128s", "slhdsa-sha2-128s", "ed25519-mldsa65"};

TEST(CryptoCli, KemHexRoundTripEveryAlg) {
  for (const char* alg : kKems) {
    SCOPED_TRACE(alg);
    CliRun kg = Crypto({"keygen", alg, "--hex"});
    ASSERT_EQ(kg.code, 0) << kg.err;
    ASSERT_EQ(kg.fields.size(), 2u);
    ASSERT_TRUE(IsLowerHex(kg.fields["public"]) && IsLowerHex(kg.fields["secret"]));
    CliRun enc = Crypto({"encaps", alg, kg.fields["public"]});
    ASSERT_EQ(enc.code, 0) << enc.err;
    ASSERT_TRUE(IsLowerHex(enc.fields["ciphertext"]));
    ASSERT_EQ(enc.fields["shared"].size(), 64u);
    CliRun dec = Crypto({"decaps", alg, kg.fields["secret"], enc.fields["ciphertext"]});
    ASSERT_EQ(dec.code, 0) << dec.err;
    EXPECT_EQ(dec.out, "shared: " + enc.fields["shared"] + "\n");
    // Wrong lengths and bad hex are errors (exit 2), not crashes.
    EXPECT_EQ(Crypto({"encaps", alg, kg.fields["public"] + "00"}).code, 2);
    EXPECT_EQ(Crypto({"decaps", alg, kg.fields["secret"], "00"}).code, 2);
    EXPECT_EQ(Crypto({"decaps", alg, kg.fields["secret"], "0g"}).code, 2);
  }
}

TEST(CryptoCli, SignatureHexRoundTripEveryAlg) {
  for (const char* alg : kSigs) {
    SCOPED_TRACE(alg);
    CliRun kg = Crypto({"keygen", alg, "--hex"});
    ASSERT_EQ(kg.code, 0) << kg.err;
    const std::string pub = kg.fields["public"], sec = kg.fields["secret"];
    CliRun sig = Crypto({"sign", alg, sec, "68656c6c6f", "--context", "0102"});
    ASSERT_EQ(sig.code, 0) << sig.err;
    const std::string s = sig.fields["signature"];
    ASSERT_TRUE(IsLowerHex(s));
    CliRun ok = Crypto({"verify", alg, pub, "68656c6c6f", s, "--context", "0102"});
    EXPECT_EQ(ok.code, 0) << ok.err;
    EXPECT_EQ(ok.out, "valid\n");
    CliRun bad = Crypto({"verify", alg, pub, "68656c6c6e", s, "--context", "0102"});
    EXPECT_EQ(bad.code, 1);
    EXPECT_EQ(bad.out, "invalid\n");
    EXPECT_EQ(Crypto({"verify", alg, pub, "68656c6c6f", s}).code, 1);  // context differs
    EXPECT_NE(Crypto({"verify", alg, pub + "00", "68656c6c6f", s}).code, 0);
    EXPECT_NE(Crypto({"sign", alg, sec.substr(2), "00"}).code, 0);
    // Deterministic signing is reproducible.
    CliRun d1 = Crypto({"sign", alg, sec, "", "--deterministic"});
    CliRun d2 = Crypto({"sign", alg, sec, "", "--deterministic"});
    ASSERT_EQ(d1.code, 0) << d1.err;
    EXPECT_EQ(d1.out, d2.out);
  }
}

std::string Hex(const std::vector<uint8_t>& b) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s += kDigits[x >> 4];
    s += kDigits[x & 15];
  }
  return s;
}

TEST(CryptoCli, SeedsMatchTheLibrary) {
  std::vector<uint8_t> seed(64);
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(i);
  CliRun kem = Crypto({"keygen", "mlkem768", "--hex", "--seed", Hex(seed)});
  ASSERT_EQ(kem.code, 0) << kem.err;
  auto lib = crypto::MlKemKeyGenFromSeed(crypto::MlKemParams::k768, seed);
  ASSERT_TRUE(lib.ok());
  EXPECT_EQ(kem.out,
            "public: " + Hex(lib->encaps_key) + "\nsecret: " + Hex(lib->decaps_key) + "\n");
  std::vector<uint8_t> m(seed.begin(), seed.begin() + 32);
  CliRun enc = Crypto({"encaps", "mlkem768", Hex(lib->encaps_key), "--seed", Hex(m)});
  auto lib_enc = crypto::MlKemEncapsInternal(crypto::MlKemParams::k768, lib->encaps_key, m);
  ASSERT_TRUE(lib_enc.ok());
  EXPECT_EQ(enc.out, "ciphertext: " + Hex(lib_enc->ciphertext) +
                         "\nshared: " + Hex(lib_enc->shared_secret) + "\n");
  CliRun dsa = Crypto({"keygen", "mldsa65", "--hex", "--seed", Hex(m)});
  auto lib_dsa = crypto::MlDsaKeyGenInternal(crypto::MlDsaParams::k65, m);
  ASSERT_TRUE(lib_dsa.ok());
  EXPECT_EQ(dsa.out,
            "public: " + Hex(lib_dsa->public_key) + "\nsecret: " + Hex(lib_dsa->secret_key) + "\n");
  // Deterministic ML-DSA signature equals the library's pure signature.
  CliRun sig = Crypto({"sign", "mldsa65", Hex(lib_dsa->secret_key), "00ff", "--deterministic"});
  auto lib_sig =
      crypto::MlDsaSign(crypto::MlDsaParams::k65, lib_dsa->secret_key,
                        std::vector<uint8_t>{0, 0xff}, {}, crypto::MlDsaRandomness::kDeterministic);
  ASSERT_TRUE(lib_sig.ok());
  EXPECT_EQ(sig.out, "signature: " + Hex(*lib_sig) + "\n");
  CliRun pre =
      Crypto({"sign", "mldsa65", Hex(lib_dsa->secret_key), "00ff", "--prehash", "sha2-512"});
  ASSERT_EQ(pre.code, 0) << pre.err;
  EXPECT_EQ(Crypto({"verify", "mldsa65", Hex(lib_dsa->public_key), "00ff", pre.fields["signature"],
                    "--prehash", "sha2-512"})
                .code,
            0);
  EXPECT_EQ(
      Crypto({"verify", "mldsa65", Hex(lib_dsa->public_key), "00ff", pre.fields["signature"]}).code,
      1);
  for (const char* alg : {"xwing", "ed25519-mldsa65", "slhdsa-sha2-128s"}) {
    size_t bytes = std::string(alg) == "xwing"             ? 32
                   : std::string(alg) == "ed25519-mldsa65" ? 64
                                                           : 48;
    std::vector<uint8_t> s(seed.begin(), seed.begin() + bytes);
    CliRun a = Crypto({"keygen", alg, "--hex", "--seed", Hex(s)});
    CliRun b = Crypto({"keygen", alg, "--hex", "--seed", Hex(s)});
    EXPECT_EQ(a.code, 0) << alg << a.err;
    EXPECT_EQ(a.out, b.out) << alg;
    EXPECT_EQ(Crypto({"keygen", alg, "--hex", "--seed", Hex(s) + "00"}).code, 2) << alg;
  }
}

TEST(CryptoCli, FileMode) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("zq_crypto_cli_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string name = (dir / "alice").string();
  CliRun kg = Crypto({"keygen", "mlkem768", "-o", name});
  ASSERT_EQ(kg.code, 0) << kg.err;
  struct stat st;
  ASSERT_EQ(stat((name + ".key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((name + ".pub").c_str(), &st), 0);
  EXPECT_EQ(Crypto({"keygen", "mlkem768", "-o", name}).code, 2);  // never overwrites
  CliRun enc = Crypto({"encaps", "mlkem768", name + ".pub"});
  ASSERT_EQ(enc.code, 0) << enc.err;
  CliRun dec = Crypto({"decaps", "mlkem768", name + ".key", enc.fields["ciphertext"]});
  ASSERT_EQ(dec.code, 0) << dec.err;
  EXPECT_EQ(dec.fields["shared"], enc.fields["shared"]);
  // Wrong kind, wrong algorithm, missing file: clear errors.
  CliRun wrong_kind = Crypto({"encaps", "mlkem768", name + ".key"});
  EXPECT_EQ(wrong_kind.code, 2);
  EXPECT_NE(wrong_kind.err.find("wrong key kind"), std::string::npos) << wrong_kind.err;
  CliRun wrong_alg = Crypto({"encaps", "mlkem512", name + ".pub"});
  EXPECT_EQ(wrong_alg.code, 2);
  EXPECT_NE(wrong_alg.err.find("key is for mlkem768"), std::string::npos) << wrong_alg.err;
  EXPECT_EQ(Crypto({"encaps", "mlkem768", name + ".missing"}).code, 2);

  const std::string signer = (dir / "bob").string();
  ASSERT_EQ(Crypto({"keygen", "ed25519-mldsa65", "-o", signer}).code, 0);
  std::FILE* f = std::fopen((dir / "msg.bin").c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("audit checkpoint 42", f);
  std::fclose(f);
  const std::string msg_arg = "@" + (dir / "msg.bin").string();
  CliRun sig = Crypto({"sign", "ed25519-mldsa65", signer + ".key", msg_arg});
  ASSERT_EQ(sig.code, 0) << sig.err;
  EXPECT_EQ(
      Crypto({"verify", "ed25519-mldsa65", signer + ".pub", msg_arg, sig.fields["signature"]}).code,
      0);
  EXPECT_EQ(
      Crypto({"verify", "ed25519-mldsa65", signer + ".pub", "00", sig.fields["signature"]}).code,
      1);
  std::filesystem::remove_all(dir);
}

TEST(CryptoCli, BadInput) {
  EXPECT_EQ(Crypto({}).code, 2);
  EXPECT_EQ(Crypto({"--help"}).code, 0);
  EXPECT_EQ(Crypto({"keygen", "rsa2048", "--hex"}).code, 2);
  EXPECT_EQ(Crypto({"keygen", "mlkem768"}).code, 2);  // neither --hex nor -o
  EXPECT_EQ(Crypto({"frobnicate", "mlkem768"}).code, 2);
  EXPECT_EQ(Crypto({"keygen", "mlkem768", "--hex", "--seed", "abc"}).code, 2);
  EXPECT_EQ(Crypto({"keygen", "mlkem768", "--hex", "--bogus"}).code, 2);
  EXPECT_EQ(Crypto({"sign", "mlkem768", "00", "00"}).code, 2);
  EXPECT_EQ(Crypto({"encaps", "mldsa65", "00"}).code, 2);
  EXPECT_EQ(
      Crypto({"sign", "slhdsa-sha2-128s", std::string(128, '0'), "00", "--prehash", "sha2-256"})
          .code,
      2);
  CliRun r = Crypto({"verify", "mldsa65", "zz", "00", "00"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("neither even-length hex nor a readable key file"), std::string::npos);
}

}  // namespace
}  // namespace zq::cli
