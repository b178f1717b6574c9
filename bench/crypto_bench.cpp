// crypto_bench: single-thread ops/s of every operation and parameter set of the
// built-in post-quantum code in src/crypto (docs/crypto.md), issue 3's benchmark.
//
// Usage: crypto_bench [--quick] [--filter TEXT]
//
// Cases are named ALG_OP: ALG in mlkem512|mlkem768|mlkem1024|mldsa44|mldsa65|
// mldsa87|slhdsa_shake_128s|slhdsa_sha2_128s|xwing|ed25519_mldsa65, OP in
// keygen|encaps|decaps (KEMs) or keygen|sign|verify (signatures). They call the
// public API as a user would: randomized KeyGen, Encaps and hedged Sign read the
// CSPRNG like any caller's would; messages are kMessageBytes bytes, empty context.
//
// Timing: calls run in batches (up to kBatchCallsMax, one for the slow cases);
// ops_per_s = calls / the thread CPU time of the batches (CLOCK_THREAD_CPUTIME_ID),
// so time the thread spends descheduled on a shared machine does not count and the
// figure is what one dedicated core does. Results are checked after each batch,
// outside the timed region. Latency p50/p99 are nearest-rank over the calls, each
// timed alone on the wall clock (steady_clock), so descheduling does show in p99.
// A case runs until its CPU time reaches the budget and it made a minimum number
// of calls (SLH-DSA KeyGen and Sign are slow: their own, smaller budget).
//
// Correctness, untimed, so the bench cannot silently measure broken code: every
// Encaps and Decaps result must match the other side's shared secret; every
// signature must verify; every Verify must accept, and once per case a signature
// with one flipped bit must be refused (a forged ciphertext must decapsulate to a
// different secret). Each generated key pair gets a cheap consistency check
// (ML-DSA: tr = H(pk) inside sk; SLH-DSA: sk ends with pk) and a full round trip
// for every kKeyRoundTripStride-th key (every key for ML-KEM); the last key pair of
// each KeyGen case is the one the algorithm's other cases then use. A failure
// prints to stderr and exits 1 (usage errors: 2).
//
// Output: a table on stderr as cases finish; the last stdout line is one JSON
// object (contract in bench/README.md), system always "zqlite".
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench_util.hpp"
#include "crypto/hybrid.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mldsa.hpp"
#include "crypto/mlkem.hpp"
#include "crypto/slhdsa.hpp"

namespace {

namespace bench = zq::bench;
namespace zc = zq::crypto;
using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

constexpr size_t kMessageBytes = 32;
constexpr int kKeyRoundTripStride = 16;
constexpr int kCaseColumnWidth = 24;  // "slhdsa_shake_128s_keygen"
constexpr int kWarmupCalls = 10;      // fast cases only: first calls page in code and tables
constexpr int kBatchCallsMax = 16;    // calls between two reads of the thread CPU clock

// How long one case runs: until the timed sum reaches `seconds` and at least
// `calls_min` calls were made.
struct Budget {
  double seconds;
  int calls_min;
};
constexpr Budget kFastBudget = {2.0, 200};
constexpr Budget kFastBudgetQuick = {0.25, 20};
constexpr Budget kSlowBudget = {6.0, 5};  // SLH-DSA KeyGen and Sign
constexpr Budget kSlowBudgetQuick = {0.4, 2};

using bench::Fail;

template <typename T>
T Take(zq::Result<T> result, std::string_view what) {
  if (!result.ok()) Fail(std::string(what) + ": " + result.status().ToString());
  return std::move(result).value();
}

void Expect(bool condition, std::string_view case_name, std::string_view problem) {
  if (!condition) Fail(std::string(case_name) + ": " + std::string(problem));
}

Bytes FlipOneBit(Bytes bytes, size_t index) {
  bytes[index % bytes.size()] ^= 0x01;
  return bytes;
}

// --- the algorithms behind one interface ------------------------------------------

struct KeyPair {
  Bytes public_key;
  Bytes secret_key;
};
struct Encapsulation {
  Bytes shared_secret;
  Bytes ciphertext;
};

struct Kem {
  std::string name;
  std::function<KeyPair()> keygen;
  std::function<Encapsulation(ByteSpan pk)> encaps;
  std::function<Bytes(ByteSpan sk, ByteSpan ct)> decaps;
  int key_round_trip_stride;
};

struct Signature {
  std::string name;
  std::function<KeyPair()> keygen;
  std::function<Bytes(ByteSpan sk, ByteSpan msg)> sign;
  std::function<zq::Status(ByteSpan pk, ByteSpan msg, ByteSpan sig)> verify;
  // A check of one key pair cheaper than signing; empty when there is none.
  std::function<bool(const KeyPair&)> key_consistent;
  int key_round_trip_stride;  // 0: only the last key, through the sign case
  bool slow;                  // KeyGen and Sign take the slow budget
};

Kem MlKem(zc::MlKemParams params, std::string name) {
  return {std::move(name),
          [params] {
            auto pair = Take(zc::MlKemKeyGen(params), "ML-KEM KeyGen");
            return KeyPair{std::move(pair.encaps_key), std::move(pair.decaps_key)};
          },
          [params](ByteSpan pk) {
            auto enc = Take(zc::MlKemEncaps(params, pk), "ML-KEM Encaps");
            return Encapsulation{std::move(enc.shared_secret), std::move(enc.ciphertext)};
          },
          [params](ByteSpan sk, ByteSpan ct) {
            return Take(zc::MlKemDecaps(params, sk, ct), "ML-KEM Decaps");
          },
          1};
}

Kem XWing() {
  return {"xwing",
          [] {
            auto pair = Take(zc::XWingKeyGen(), "X-Wing KeyGen");
            return KeyPair{std::move(pair.public_key), std::move(pair.secret_key)};
          },
          [](ByteSpan pk) {
            auto enc = Take(zc::XWingEncaps(pk), "X-Wing Encaps");
            return Encapsulation{std::move(enc.shared_secret), std::move(enc.ciphertext)};
          },
          [](ByteSpan sk, ByteSpan ct) { return Take(zc::XWingDecaps(sk, ct), "X-Wing Decaps"); },
          kKeyRoundTripStride};
}

// FIPS 204 skEncode puts tr = H(pk, 64) at bytes [64, 128) of sk.
bool MlDsaKeyConsistent(const KeyPair& pair) {
  uint8_t tr[64];
  zc::Shake256(pair.public_key, tr);
  return pair.secret_key.size() >= 128 &&
         std::equal(std::begin(tr), std::end(tr), pair.secret_key.begin() + 64);
}

Signature MlDsa(zc::MlDsaParams params, std::string name) {
  return {std::move(name),
          [params] {
            auto pair = Take(zc::MlDsaKeyGen(params), "ML-DSA KeyGen");
            return KeyPair{std::move(pair.public_key), std::move(pair.secret_key)};
          },
          [params](ByteSpan sk, ByteSpan msg) {
            return Take(zc::MlDsaSign(params, sk, msg, {}), "ML-DSA Sign");
          },
          [params](ByteSpan pk, ByteSpan msg, ByteSpan sig) {
            return zc::MlDsaVerify(params, pk, msg, {}, sig);
          },
          MlDsaKeyConsistent,
          kKeyRoundTripStride,
          false};
}

// FIPS 205: sk = SK.seed || SK.prf || PK.seed || PK.root, pk = PK.seed || PK.root.
bool SlhDsaKeyConsistent(const KeyPair& pair) {
  const size_t n = pair.public_key.size();
  return pair.secret_key.size() == 2 * n &&
         std::equal(pair.public_key.begin(), pair.public_key.end(), pair.secret_key.begin() + n);
}

Signature SlhDsa(zc::SlhDsaParams params, std::string name) {
  return {std::move(name),
          [params] {
            auto pair = Take(zc::SlhDsaKeyGen(params), "SLH-DSA KeyGen");
            return KeyPair{std::move(pair.public_key), std::move(pair.secret_key)};
          },
          [params](ByteSpan sk, ByteSpan msg) {
            return Take(zc::SlhDsaSign(params, sk, msg, {}), "SLH-DSA Sign");
          },
          [params](ByteSpan pk, ByteSpan msg, ByteSpan sig) {
            return zc::SlhDsaVerify(params, pk, msg, {}, sig);
          },
          SlhDsaKeyConsistent,
          0,
          true};
}

Signature Composite() {
  return {
      "ed25519_mldsa65",
      [] {
        auto pair = Take(zc::CompositeKeyGen(), "composite KeyGen");
        return KeyPair{std::move(pair.public_key), std::move(pair.secret_key)};
      },
      [](ByteSpan sk, ByteSpan msg) {
        return Take(zc::CompositeSign(sk, msg, {}), "composite Sign");
      },
      [](ByteSpan pk, ByteSpan msg, ByteSpan sig) { return zc::CompositeVerify(pk, msg, {}, sig); },
      {},
      kKeyRoundTripStride,
      false};
}

// --- measuring -------------------------------------------------------------------

// bench_util's table has a 16-character case column; the crypto case names run
// to 24, so this bench prints its rows with a wider one (same columns otherwise).
void PrintCryptoTableHeader() {
  std::fprintf(stderr, "%-8s %-*s %9s %9s %13s %11s %11s\n", "system", kCaseColumnWidth, "case",
               "ops", "cpu_s", "ops/s", "p50_us", "p99_us");
}

void PrintCryptoTableRow(const bench::CaseResult& r) {
  std::fprintf(stderr, "%-8s %-*s %9llu %9.3f %13.1f %11.2f %11.2f\n", r.system.c_str(),
               kCaseColumnWidth, r.case_name.c_str(), static_cast<unsigned long long>(r.op_count),
               r.wall_seconds, r.ops_per_s, r.p50_us, r.p99_us);
}

struct Run {
  bool quick = false;
  std::string filter;  // run only cases whose name contains it
  std::vector<bench::CaseResult> results;

  bool Selected(const std::string& case_name) const {
    return case_name.find(filter) != std::string::npos;
  }
  // Whether any case of the algorithm runs; its setup is skipped otherwise.
  bool AnySelected(const std::string& alg, std::initializer_list<const char*> ops) const {
    for (const char* op : ops) {
      if (Selected(alg + "_" + op)) return true;
    }
    return false;
  }
  Budget BudgetFor(bool slow) const {
    if (slow) return quick ? kSlowBudgetQuick : kSlowBudget;
    return quick ? kFastBudgetQuick : kFastBudget;
  }
};

uint64_t ThreadCpuNanos() {
  timespec now{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0) Fail("clock_gettime failed");
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(now.tv_nsec);
}

// Calls op() until the budget is spent, in batches timed by thread CPU time, each
// call also timed alone on the wall clock; check(value, call_index) runs after
// its batch, outside the timed region. Records and prints the result.
template <typename Op, typename Check>
void Measure(Run& run, const std::string& case_name, bool slow, Op op, Check check) {
  const Budget budget = run.BudgetFor(slow);
  for (int i = 0; !slow && i < kWarmupCalls; ++i) check(op(), i);
  const int batch_calls = slow ? 1 : kBatchCallsMax;
  std::vector<decltype(op())> batch;
  batch.reserve(static_cast<size_t>(batch_calls));
  std::vector<uint64_t> latencies_ns;
  uint64_t cpu_ns = 0;
  const auto budget_ns = static_cast<uint64_t>(budget.seconds * 1e9);
  int call = 0;
  while (cpu_ns < budget_ns || call < budget.calls_min) {
    const uint64_t cpu_start = ThreadCpuNanos();
    for (int k = 0; k < batch_calls; ++k) {
      const bench::Clock::time_point start = bench::Clock::now();
      batch.push_back(op());
      latencies_ns.push_back(bench::NanosBetween(start, bench::Clock::now()));
    }
    cpu_ns += ThreadCpuNanos() - cpu_start;
    for (auto& value : batch) check(std::move(value), call++);
    batch.clear();
  }
  const uint64_t call_count = latencies_ns.size();
  bench::CaseResult result =
      bench::MakeResult("zqlite", case_name, call_count, cpu_ns, std::move(latencies_ns));
  PrintCryptoTableRow(result);
  run.results.push_back(std::move(result));
}

void CheckKemRoundTrip(const Kem& kem, const KeyPair& pair, const std::string& case_name) {
  const Encapsulation enc = kem.encaps(pair.public_key);
  Expect(kem.decaps(pair.secret_key, enc.ciphertext) == enc.shared_secret, case_name,
         "a generated key pair does not round-trip");
}

void BenchKem(Run& run, const Kem& kem) {
  if (!run.AnySelected(kem.name, {"keygen", "encaps", "decaps"})) return;
  const std::string keygen_case = kem.name + "_keygen";
  std::optional<KeyPair> pair;
  if (run.Selected(keygen_case)) {
    Measure(run, keygen_case, false, kem.keygen, [&](KeyPair value, int call) {
      if (call % kem.key_round_trip_stride == 0) CheckKemRoundTrip(kem, value, keygen_case);
      pair = std::move(value);
    });
  } else {
    pair = kem.keygen();
  }
  CheckKemRoundTrip(kem, *pair, keygen_case);  // the last key, whatever the stride

  const std::string encaps_case = kem.name + "_encaps";
  Encapsulation last = kem.encaps(pair->public_key);
  if (run.Selected(encaps_case)) {
    Measure(
        run, encaps_case, false, [&] { return kem.encaps(pair->public_key); },
        [&](Encapsulation value, int) {
          Expect(kem.decaps(pair->secret_key, value.ciphertext) == value.shared_secret, encaps_case,
                 "Decaps disagrees with Encaps");
          last = std::move(value);
        });
  }

  const std::string decaps_case = kem.name + "_decaps";
  if (run.Selected(decaps_case)) {
    Measure(
        run, decaps_case, false, [&] { return kem.decaps(pair->secret_key, last.ciphertext); },
        [&](Bytes shared, int) {
          Expect(shared == last.shared_secret, decaps_case, "Decaps disagrees with Encaps");
        });
    const Bytes forged = FlipOneBit(last.ciphertext, last.ciphertext.size() / 2);
    Expect(kem.decaps(pair->secret_key, forged) != last.shared_secret, decaps_case,
           "a forged ciphertext decapsulates to the real secret");
  }
}

void CheckSignatureRoundTrip(const Signature& alg, const KeyPair& pair, ByteSpan msg,
                             const std::string& case_name) {
  const Bytes sig = alg.sign(pair.secret_key, msg);
  Expect(alg.verify(pair.public_key, msg, sig).ok(), case_name,
         "a generated key pair does not sign and verify");
}

void BenchSignature(Run& run, const Signature& alg, ByteSpan msg) {
  if (!run.AnySelected(alg.name, {"keygen", "sign", "verify"})) return;
  const std::string keygen_case = alg.name + "_keygen";
  std::optional<KeyPair> pair;
  if (run.Selected(keygen_case)) {
    Measure(run, keygen_case, alg.slow, alg.keygen, [&](KeyPair value, int call) {
      Expect(!alg.key_consistent || alg.key_consistent(value), keygen_case,
             "inconsistent key pair");
      const int stride = alg.key_round_trip_stride;
      if (stride > 0 && call % stride == 0) CheckSignatureRoundTrip(alg, value, msg, keygen_case);
      pair = std::move(value);
    });
  } else {
    pair = alg.keygen();
  }

  // The last key pair signs below; its signatures are verified, which checks it.
  const std::string sign_case = alg.name + "_sign";
  Bytes last;
  if (run.Selected(sign_case)) {
    Measure(
        run, sign_case, alg.slow, [&] { return alg.sign(pair->secret_key, msg); },
        [&](Bytes sig, int) {
          Expect(alg.verify(pair->public_key, msg, sig).ok(), sign_case,
                 "a signature does not verify");
          last = std::move(sig);
        });
  } else {
    last = alg.sign(pair->secret_key, msg);
  }
  Expect(alg.verify(pair->public_key, msg, last).ok(), sign_case, "a signature does not verify");

  const std::string verify_case = alg.name + "_verify";
  if (run.Selected(verify_case)) {
    Measure(
        run, verify_case, false, [&] { return alg.verify(pair->public_key, msg, last); },
        [&](zq::Status status, int) {
          Expect(status.ok(), verify_case,
                 "Verify refused a valid signature: " + status.ToString());
        });
    const Bytes forged = FlipOneBit(last, last.size() / 3);
    Expect(!alg.verify(pair->public_key, msg, forged).ok(), verify_case,
           "Verify accepted a signature with a flipped bit");
  }
}

void RunAll(Run& run) {
  Bytes msg(kMessageBytes);
  for (size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<uint8_t>(0xA5 ^ i);
  std::fprintf(stderr,
               "crypto_bench: one thread; ops/s = calls / thread CPU seconds of the calls; "
               "messages of %zu bytes, empty context, hedged signing%s\n",
               kMessageBytes, run.quick ? " (quick)" : "");
  PrintCryptoTableHeader();
  BenchKem(run, MlKem(zc::MlKemParams::k512, "mlkem512"));
  BenchKem(run, MlKem(zc::MlKemParams::k768, "mlkem768"));
  BenchKem(run, MlKem(zc::MlKemParams::k1024, "mlkem1024"));
  BenchSignature(run, MlDsa(zc::MlDsaParams::k44, "mldsa44"), msg);
  BenchSignature(run, MlDsa(zc::MlDsaParams::k65, "mldsa65"), msg);
  BenchSignature(run, MlDsa(zc::MlDsaParams::k87, "mldsa87"), msg);
  BenchSignature(run, SlhDsa(zc::SlhDsaParams::kShake128s, "slhdsa_shake_128s"), msg);
  BenchSignature(run, SlhDsa(zc::SlhDsaParams::kSha2_128s, "slhdsa_sha2_128s"), msg);
  BenchKem(run, XWing());
  BenchSignature(run, Composite(), msg);
  if (run.results.empty()) Fail("no case matches --filter " + run.filter);
}

constexpr const char* kUsage = "usage: crypto_bench [--quick] [--filter TEXT]\n";

bool ParseOptions(int argc, char** argv, Run* run) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--quick") {
      run->quick = true;
    } else if (arg == "--filter" && i + 1 < argc) {
      run->filter = argv[++i];
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Run run;
  if (!ParseOptions(argc, argv, &run)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  try {
    RunAll(run);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crypto_bench: error: %s\n", e.what());
    return 1;
  }
  std::printf("%s\n", bench::ResultsJson("crypto", run.quick, run.results).c_str());
  return 0;
}
