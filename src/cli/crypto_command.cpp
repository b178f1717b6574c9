// `zqlite crypto …`: key handling and interop for the post-quantum and hybrid
// algorithms (issue 3 item 4). Two modes:
//
// Hex mode (a fixed contract; interop tools parse it): raw standard encodings,
// lower-case hex, one `name: HEX` line each.
//   keygen ALG --hex [--seed HEX]                 -> public:, secret:
//   encaps ALG PUB [--seed HEX]                   -> ciphertext:, shared:
//   decaps ALG SECRET CTHEX                       -> shared:
//   sign   ALG SECRET MSG [--context HEX] [--deterministic] [--prehash HASH]
//                                                 -> signature:
//   verify ALG PUB MSG SIGHEX [--context HEX] [--prehash HASH]
//                                                 -> `valid` (exit 0) / `invalid` (exit 1)
// File mode: `keygen ALG -o NAME` writes NAME.key (mode 0600, must not exist)
// and NAME.pub in the armored format of crypto/key_armor.hpp. A key argument
// that is not pure hex is read as such a file; its algorithm and kind must
// match. A MSG/CT/SIG argument `@PATH` is the raw bytes of that file.
//
// Exit status: 0 success (and `valid`), 1 `invalid`, 2 usage or bad input
// (bad hex, wrong lengths, wrong key kind or algorithm), with a message on stderr.
//
// --seed forms (deterministic, for tests and interop): mlkem* 64 bytes d||z;
// mldsa* 32 bytes ξ; slhdsa-* 3n bytes SK.seed||SK.prf||PK.seed; xwing 32 bytes;
// ed25519-mldsa65 64 bytes (Ed25519 seed || ξ). encaps --seed: mlkem* 32 bytes
// m; xwing 64 bytes eseed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "crypto/aead.hpp"  // SecureWipe
#include "crypto/hybrid.hpp"
#include "crypto/key_armor.hpp"
#include "crypto/mldsa.hpp"
#include "crypto/mlkem.hpp"
#include "crypto/slhdsa.hpp"

namespace zq::cli {
namespace {

using crypto::KeyAlgorithm;
using crypto::KeyKind;
using Bytes = std::vector<uint8_t>;

constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;
constexpr int kExitError = 2;

void Usage(FILE* out) {
  std::fprintf(out,
               "usage: zqlite crypto COMMAND ALG ...\n"
               "  keygen ALG --hex [--seed HEX]       print public: and secret:\n"
               "  keygen ALG -o NAME [--seed HEX]     write NAME.key (0600) and NAME.pub\n"
               "  encaps ALG PUB [--seed HEX]         print ciphertext: and shared:\n"
               "  decaps ALG SECRET CT                print shared:\n"
               "  sign ALG SECRET MSG [--context HEX] [--deterministic] [--prehash HASH]\n"
               "  verify ALG PUB MSG SIG [--context HEX] [--prehash HASH]\n"
               "ALG: mlkem512 mlkem768 mlkem1024 mldsa44 mldsa65 mldsa87 slhdsa-shake-128s\n"
               "     slhdsa-sha2-128s xwing ed25519-mldsa65\n"
               "PUB/SECRET: hex, or a .pub/.key file; MSG/CT/SIG: hex, or @FILE (raw bytes)\n"
               "HASH: sha2-224 sha2-256 sha2-384 sha2-512 sha2-512/224 sha2-512/256\n"
               "      sha3-224 sha3-256 sha3-384 sha3-512 shake-128 shake-256 (ML-DSA only)\n");
}

struct Options {
  std::vector<std::string> positional;
  std::optional<std::string> seed, context, prehash, out;
  bool hex = false;
  bool deterministic = false;
};

Result<Options> ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::optional<std::string>* slot) -> Status {
      if (i + 1 >= argc) return Status::InvalidArgument(a + " needs a value");
      *slot = argv[++i];
      return Status::Ok();
    };
    if (a == "--hex") {
      o.hex = true;
    } else if (a == "--deterministic") {
      o.deterministic = true;
    } else if (a == "--seed") {
      ZQ_RETURN_IF_ERROR(value(&o.seed));
    } else if (a == "--context") {
      ZQ_RETURN_IF_ERROR(value(&o.context));
    } else if (a == "--prehash") {
      ZQ_RETURN_IF_ERROR(value(&o.prehash));
    } else if (a == "-o") {
      ZQ_RETURN_IF_ERROR(value(&o.out));
    } else if (a.size() > 1 && a[0] == '-') {
      return Status::InvalidArgument("unknown option " + a);
    } else {
      o.positional.push_back(a);
    }
  }
  return o;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsHex(std::string_view s) {
  if (s.size() % 2 != 0) return false;
  for (char c : s) {
    if (HexDigit(c) < 0) return false;
  }
  return true;
}

Result<Bytes> ParseHex(std::string_view s, const char* what) {
  if (!IsHex(s))
    return Status::InvalidArgument(std::string(what) + ": not an even-length hex string");
  Bytes out(s.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<uint8_t>(HexDigit(s[2 * i]) << 4 | HexDigit(s[2 * i + 1]));
  }
  return out;
}

std::string ToHex(std::span<const uint8_t> b) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s(b.size() * 2, '0');
  for (size_t i = 0; i < b.size(); ++i) {
    s[2 * i] = kDigits[b[i] >> 4];
    s[2 * i + 1] = kDigits[b[i] & 15];
  }
  return s;
}

void PrintLine(const char* name, std::span<const uint8_t> b) {
  std::string hex = ToHex(b);
  std::printf("%s: %s\n", name, hex.c_str());
  crypto::SecureWipe(hex.data(), hex.size());
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// MSG/CT/SIG: hex, or @PATH for the raw bytes of a file.
Result<Bytes> LoadData(const std::string& arg, const char* what) {
  if (!arg.empty() && arg[0] == '@') {
    ZQ_ASSIGN_OR_RETURN(std::string raw, ReadFile(arg.substr(1)));
    return Bytes(raw.begin(), raw.end());
  }
  return ParseHex(arg, what);
}

// A key: hex, or an armored file whose algorithm and kind must match.
Result<Bytes> LoadKey(KeyAlgorithm alg, KeyKind kind, const std::string& arg) {
  const char* what = kind == KeyKind::kPublic ? "public key" : "secret key";
  if (IsHex(arg)) return ParseHex(arg, what);
  auto file = ReadFile(arg);
  if (!file.ok()) {
    return Status::InvalidArgument(std::string(what) + " '" + arg +
                                   "' is neither even-length hex nor a readable key file");
  }
  std::string text = std::move(file).value();
  auto key = crypto::DearmorKey(text);
  crypto::SecureWipe(text.data(), text.size());
  if (!key.ok()) return key.status().WithContext(arg);
  if (key->algorithm != alg) {
    return Status::InvalidArgument(arg + ": key is for " + KeyAlgorithmName(key->algorithm) +
                                   ", not " + KeyAlgorithmName(alg));
  }
  if (key->kind != kind) {
    return Status::InvalidArgument(arg + ": wrong key kind, expected a " + what);
  }
  return std::move(key->key);
}

crypto::MlKemParams KemParams(KeyAlgorithm a) {
  if (a == KeyAlgorithm::kMlKem512) return crypto::MlKemParams::k512;
  if (a == KeyAlgorithm::kMlKem768) return crypto::MlKemParams::k768;
  return crypto::MlKemParams::k1024;
}
crypto::MlDsaParams DsaParams(KeyAlgorithm a) {
  if (a == KeyAlgorithm::kMlDsa44) return crypto::MlDsaParams::k44;
  if (a == KeyAlgorithm::kMlDsa65) return crypto::MlDsaParams::k65;
  return crypto::MlDsaParams::k87;
}
crypto::SlhDsaParams SlhParams(KeyAlgorithm a) {
  return a == KeyAlgorithm::kSlhDsaShake128s ? crypto::SlhDsaParams::kShake128s
                                             : crypto::SlhDsaParams::kSha2_128s;
}
bool IsMlKem(KeyAlgorithm a) {
  return crypto::IsKem(a) && a != KeyAlgorithm::kXWing;
}
bool IsMlDsa(KeyAlgorithm a) {
  return a == KeyAlgorithm::kMlDsa44 || a == KeyAlgorithm::kMlDsa65 || a == KeyAlgorithm::kMlDsa87;
}
bool IsSlhDsa(KeyAlgorithm a) {
  return a == KeyAlgorithm::kSlhDsaShake128s || a == KeyAlgorithm::kSlhDsaSha2_128s;
}

Result<crypto::MlDsaPreHash> PreHashFromName(const std::string& name) {
  static const std::pair<const char*, crypto::MlDsaPreHash> kNames[] = {
      {"sha2-224", crypto::MlDsaPreHash::kSha2_224},
      {"sha2-256", crypto::MlDsaPreHash::kSha2_256},
      {"sha2-384", crypto::MlDsaPreHash::kSha2_384},
      {"sha2-512", crypto::MlDsaPreHash::kSha2_512},
      {"sha2-512/224", crypto::MlDsaPreHash::kSha2_512_224},
      {"sha2-512/256", crypto::MlDsaPreHash::kSha2_512_256},
      {"sha3-224", crypto::MlDsaPreHash::kSha3_224},
      {"sha3-256", crypto::MlDsaPreHash::kSha3_256},
      {"sha3-384", crypto::MlDsaPreHash::kSha3_384},
      {"sha3-512", crypto::MlDsaPreHash::kSha3_512},
      {"shake-128", crypto::MlDsaPreHash::kShake128},
      {"shake-256", crypto::MlDsaPreHash::kShake256},
  };
  for (const auto& [n, h] : kNames) {
    if (name == n) return h;
  }
  return Status::InvalidArgument("unknown --prehash " + name);
}

struct KeyPair {
  Bytes public_key;
  Bytes secret_key;
};

template <typename Pair>
Result<KeyPair> Convert(Result<Pair> r) {
  if (!r.ok()) return r.status();
  return KeyPair{std::move(r->public_key), std::move(r->secret_key)};
}

Result<KeyPair> KeyGen(KeyAlgorithm alg, const std::optional<Bytes>& seed) {
  if (IsMlKem(alg)) {
    auto r = seed ? crypto::MlKemKeyGenFromSeed(KemParams(alg), *seed)
                  : crypto::MlKemKeyGen(KemParams(alg));
    if (!r.ok()) return r.status();
    return KeyPair{std::move(r->encaps_key), std::move(r->decaps_key)};
  }
  if (IsMlDsa(alg)) {
    return Convert(seed ? crypto::MlDsaKeyGenInternal(DsaParams(alg), *seed)
                        : crypto::MlDsaKeyGen(DsaParams(alg)));
  }
  if (IsSlhDsa(alg)) {
    crypto::SlhDsaParams p = SlhParams(alg);
    if (!seed) return Convert(crypto::SlhDsaKeyGen(p));
    size_t n = crypto::SlhDsaSizesFor(p).n;
    if (seed->size() != 3 * n) {
      return Status::InvalidArgument("--seed must be " + std::to_string(3 * n) + " bytes");
    }
    std::span<const uint8_t> s(*seed);
    return Convert(crypto::SlhDsaKeyGenInternal(p, s.first(n), s.subspan(n, n), s.subspan(2 * n)));
  }
  if (alg == KeyAlgorithm::kXWing) {
    return Convert(seed ? crypto::XWingKeyGenDerand(*seed) : crypto::XWingKeyGen());
  }
  return Convert(seed ? crypto::CompositeKeyGenFromSeed(*seed) : crypto::CompositeKeyGen());
}

// Creates path with the given mode; refuses to replace an existing file.
Status WriteNewFile(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Status::InvalidArgument(path + ": " + std::strerror(errno));
  Status s = ::fchmod(fd, mode) == 0 ? Status::Ok() : Status::IOError(path + ": fchmod failed");
  size_t done = 0;
  while (s.ok() && done < text.size()) {
    ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) s = Status::IOError(path + ": write failed");
    if (w > 0) done += static_cast<size_t>(w);
  }
  if (s.ok() && ::fsync(fd) != 0) s = Status::IOError(path + ": fsync failed");
  ::close(fd);
  return s;
}

Status WriteKeyFiles(KeyAlgorithm alg, const KeyPair& pair, const std::string& name) {
  ZQ_ASSIGN_OR_RETURN(std::string sec, crypto::ArmorKey(alg, KeyKind::kSecret, pair.secret_key));
  ZQ_ASSIGN_OR_RETURN(std::string pub, crypto::ArmorKey(alg, KeyKind::kPublic, pair.public_key));
  Status s = WriteNewFile(name + ".key", sec, 0600);
  crypto::SecureWipe(sec.data(), sec.size());
  ZQ_RETURN_IF_ERROR(s);
  ZQ_RETURN_IF_ERROR(WriteNewFile(name + ".pub", pub, 0644));
  std::printf("wrote %s.key (secret, mode 0600) and %s.pub\n", name.c_str(), name.c_str());
  return Status::Ok();
}

Status CheckArgs(const Options& o, size_t positional, bool allow_context, bool allow_seed) {
  if (o.positional.size() != positional)
    return Status::InvalidArgument("wrong number of arguments");
  if (!allow_context && (o.context || o.prehash || o.deterministic)) {
    return Status::InvalidArgument("--context, --prehash and --deterministic apply to sign/verify");
  }
  if (!allow_seed && o.seed) return Status::InvalidArgument("--seed does not apply here");
  if (o.hex && o.out) return Status::InvalidArgument("--hex and -o exclude each other");
  return Status::Ok();
}

Status CmdKeyGen(KeyAlgorithm alg, const Options& o) {
  ZQ_RETURN_IF_ERROR(CheckArgs(o, 0, false, true));
  if (!o.hex && !o.out) return Status::InvalidArgument("keygen needs --hex or -o NAME");
  std::optional<Bytes> seed;
  if (o.seed) {
    ZQ_ASSIGN_OR_RETURN(seed, ParseHex(*o.seed, "--seed"));
  }
  ZQ_ASSIGN_OR_RETURN(KeyPair pair, KeyGen(alg, seed));
  Status s = Status::Ok();
  if (o.out) {
    s = WriteKeyFiles(alg, pair, *o.out);
  } else {
    PrintLine("public", pair.public_key);
    PrintLine("secret", pair.secret_key);
  }
  crypto::SecureWipe(pair.secret_key.data(), pair.secret_key.size());
  if (seed) crypto::SecureWipe(seed->data(), seed->size());
  return s;
}

Status CmdEncaps(KeyAlgorithm alg, const Options& o) {
  if (!crypto::IsKem(alg)) return Status::InvalidArgument("encaps needs a KEM algorithm");
  ZQ_RETURN_IF_ERROR(CheckArgs(o, 1, false, true));
  ZQ_ASSIGN_OR_RETURN(Bytes pk, LoadKey(alg, KeyKind::kPublic, o.positional[0]));
  std::optional<Bytes> seed;
  if (o.seed) {
    ZQ_ASSIGN_OR_RETURN(seed, ParseHex(*o.seed, "--seed"));
  }
  Bytes ct, ss;
  if (alg == KeyAlgorithm::kXWing) {
    auto r = seed ? crypto::XWingEncapsDerand(pk, *seed) : crypto::XWingEncaps(pk);
    if (!r.ok()) return r.status();
    ct = std::move(r->ciphertext);
    ss = std::move(r->shared_secret);
  } else {
    auto r = seed ? crypto::MlKemEncapsInternal(KemParams(alg), pk, *seed)
                  : crypto::MlKemEncaps(KemParams(alg), pk);
    if (!r.ok()) return r.status();
    ct = std::move(r->ciphertext);
    ss = std::move(r->shared_secret);
  }
  PrintLine("ciphertext", ct);
  PrintLine("shared", ss);
  crypto::SecureWipe(ss.data(), ss.size());
  return Status::Ok();
}

Status CmdDecaps(KeyAlgorithm alg, const Options& o) {
  if (!crypto::IsKem(alg)) return Status::InvalidArgument("decaps needs a KEM algorithm");
  ZQ_RETURN_IF_ERROR(CheckArgs(o, 2, false, false));
  ZQ_ASSIGN_OR_RETURN(Bytes sk, LoadKey(alg, KeyKind::kSecret, o.positional[0]));
  ZQ_ASSIGN_OR_RETURN(Bytes ct, LoadData(o.positional[1], "ciphertext"));
  auto ss = alg == KeyAlgorithm::kXWing ? crypto::XWingDecaps(sk, ct)
                                        : crypto::MlKemDecaps(KemParams(alg), sk, ct);
  crypto::SecureWipe(sk.data(), sk.size());
  if (!ss.ok()) return ss.status();
  PrintLine("shared", *ss);
  crypto::SecureWipe(ss->data(), ss->size());
  return Status::Ok();
}

struct SignInputs {
  Bytes msg, ctx;
  std::optional<crypto::MlDsaPreHash> prehash;
};

Result<SignInputs> ParseSignInputs(KeyAlgorithm alg, const Options& o, const std::string& msg) {
  if (crypto::IsKem(alg)) return Status::InvalidArgument("sign/verify need a signature algorithm");
  SignInputs in;
  ZQ_ASSIGN_OR_RETURN(in.msg, LoadData(msg, "message"));
  if (o.context) {
    ZQ_ASSIGN_OR_RETURN(in.ctx, ParseHex(*o.context, "--context"));
  }
  if (o.prehash) {
    if (!IsMlDsa(alg)) return Status::InvalidArgument("--prehash applies to ML-DSA only");
    ZQ_ASSIGN_OR_RETURN(in.prehash, PreHashFromName(*o.prehash));
  }
  return in;
}

Status CmdSign(KeyAlgorithm alg, const Options& o) {
  ZQ_RETURN_IF_ERROR(CheckArgs(o, 2, true, false));
  ZQ_ASSIGN_OR_RETURN(SignInputs in, ParseSignInputs(alg, o, o.positional[1]));
  ZQ_ASSIGN_OR_RETURN(Bytes sk, LoadKey(alg, KeyKind::kSecret, o.positional[0]));
  auto dsa_rnd =
      o.deterministic ? crypto::MlDsaRandomness::kDeterministic : crypto::MlDsaRandomness::kHedged;
  Result<Bytes> sig = Status::Internal("unreachable");
  if (IsMlDsa(alg) && in.prehash) {
    sig = crypto::HashMlDsaSign(DsaParams(alg), sk, in.msg, in.ctx, *in.prehash, dsa_rnd);
  } else if (IsMlDsa(alg)) {
    sig = crypto::MlDsaSign(DsaParams(alg), sk, in.msg, in.ctx, dsa_rnd);
  } else if (IsSlhDsa(alg)) {
    sig = crypto::SlhDsaSign(SlhParams(alg), sk, in.msg, in.ctx,
                             o.deterministic ? crypto::SlhDsaRandomness::kDeterministic
                                             : crypto::SlhDsaRandomness::kHedged);
  } else {
    sig = crypto::CompositeSign(sk, in.msg, in.ctx, dsa_rnd);
  }
  crypto::SecureWipe(sk.data(), sk.size());
  if (!sig.ok()) return sig.status();
  PrintLine("signature", *sig);
  return Status::Ok();
}

// Ok: valid; AuthFailed: invalid; anything else: bad input.
Status CmdVerify(KeyAlgorithm alg, const Options& o) {
  if (o.deterministic) return Status::InvalidArgument("--deterministic applies to sign");
  ZQ_RETURN_IF_ERROR(CheckArgs(o, 3, true, false));
  ZQ_ASSIGN_OR_RETURN(SignInputs in, ParseSignInputs(alg, o, o.positional[1]));
  ZQ_ASSIGN_OR_RETURN(Bytes pk, LoadKey(alg, KeyKind::kPublic, o.positional[0]));
  ZQ_ASSIGN_OR_RETURN(Bytes sig, LoadData(o.positional[2], "signature"));
  if (IsMlDsa(alg) && in.prehash) {
    return crypto::HashMlDsaVerify(DsaParams(alg), pk, in.msg, in.ctx, *in.prehash, sig);
  }
  if (IsMlDsa(alg)) return crypto::MlDsaVerify(DsaParams(alg), pk, in.msg, in.ctx, sig);
  if (IsSlhDsa(alg)) return crypto::SlhDsaVerify(SlhParams(alg), pk, in.msg, in.ctx, sig);
  return crypto::CompositeVerify(pk, in.msg, in.ctx, sig);
}

int Fail(const Status& s) {
  std::fflush(stdout);
  std::fprintf(stderr, "zqlite crypto: %s\n", s.ToString().c_str());
  return kExitError;
}

}  // namespace

int RunCrypto(int argc, char** argv) {
  if (argc < 2) {
    Usage(argc == 1 && std::strcmp(argv[0], "--help") == 0 ? stdout : stderr);
    return argc == 1 && std::strcmp(argv[0], "--help") == 0 ? kExitOk : kExitError;
  }
  std::string cmd = argv[0];
  auto alg = crypto::KeyAlgorithmFromName(argv[1]);
  if (!alg) return Fail(Status::InvalidArgument(std::string("unknown algorithm ") + argv[1]));
  auto opts = ParseOptions(argc - 2, argv + 2);
  if (!opts.ok()) return Fail(opts.status());
  Status s;
  if (cmd == "keygen") {
    s = CmdKeyGen(*alg, *opts);
  } else if (cmd == "encaps") {
    s = CmdEncaps(*alg, *opts);
  } else if (cmd == "decaps") {
    s = CmdDecaps(*alg, *opts);
  } else if (cmd == "sign") {
    s = CmdSign(*alg, *opts);
  } else if (cmd == "verify") {
    s = CmdVerify(*alg, *opts);
    if (s.ok() || s.IsAuthFailed()) {
      std::printf("%s\n", s.ok() ? "valid" : "invalid");
      std::fflush(stdout);
      return s.ok() ? kExitOk : kExitInvalid;
    }
  } else {
    Usage(stderr);
    return kExitError;
  }
  std::fflush(stdout);
  return s.ok() ? kExitOk : Fail(s);
}

}  // namespace zq::cli
