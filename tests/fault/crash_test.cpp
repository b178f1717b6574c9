// Crash tests: a power cut at every sync point (and at random writes) of a
// random workload; after recovery the database must hold exactly the
// acknowledged commits — every one of them, and no part of any other. The
// one commit in flight when power failed may be present whole or absent.
#include <gtest/gtest.h>

#include <optional>

#include "../common/store_test_util.hpp"

namespace zq::testing {
namespace {

using storage::FaultVfs;
using storage::Store;
constexpr storage::TreeId kTree = 7;
const char kPath[] = "crash.zq";

storage::StoreOptions Options(FaultVfs* vfs, bool plaintext, uint64_t seed) {
  storage::StoreOptions o = FaultOptions(vfs);
  if (!plaintext) {
    crypto::AeadKey key{};
    key.fill(static_cast<uint8_t>(seed));
    o.encryption_key = key;
  }
  return o;
}

struct Outcome {
  Model acked;                    // after the last acknowledged commit
  std::optional<Model> in_flight;  // after the commit that failed, if any
  bool crashed = false;
};

// Runs the seed's workload until the first failure. Deterministic per seed.
Outcome RunWorkload(FaultVfs* vfs, uint64_t seed, int commits, bool plaintext) {
  std::mt19937_64 rng(seed);
  Outcome out;
  storage::StoreOptions o = Options(vfs, plaintext, seed);
  auto store = Store::Open(kPath, o);
  if (!store.ok()) {
    out.crashed = true;
    return out;
  }
  Model model = out.acked;
  for (int c = 0; c < commits; c++) {
    auto txn = (*store)->BeginWrite();
    Model next = model;
    int ops = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < ops; i++) {
      std::string k = RandomKey(rng, 300);
      if (rng() % 3 == 0) {
        EXPECT_TRUE(txn->Delete(kTree, k).ok());
        next.erase(k);
      } else {
        std::string v = RandomValue(rng);
        EXPECT_TRUE(txn->Put(kTree, k, v).ok());
        next[k] = v;
      }
    }
    Status s = txn->Commit();
    if (!s.ok()) {
      out.in_flight = next;
      out.crashed = true;
      return out;
    }
    model = next;
    out.acked = model;
  }
  if (!(*store)->Close().ok()) out.crashed = true;
  return out;
}

// Creates the database and its tree, durably, before any fault is armed.
void Setup(FaultVfs* vfs, bool plaintext, uint64_t seed) {
  storage::StoreOptions o = Options(vfs, plaintext, seed);
  auto store = Store::Open(kPath, o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto txn = (*store)->BeginWrite();
  ASSERT_TRUE(txn->CreateTreeWithId(kTree).ok());
  ASSERT_TRUE(txn->Commit().ok());
  ASSERT_TRUE((*store)->Close().ok());
}

// Reopens after the cut and checks the state is acked or acked+in-flight.
void CheckRecovered(FaultVfs* vfs, const Outcome& out, bool plaintext, uint64_t seed,
                    const std::string& where) {
  storage::StoreOptions o = Options(vfs, plaintext, seed);
  auto store = Store::Open(kPath, o);
  ASSERT_TRUE(store.ok()) << where << ": reopen failed: " << store.status().ToString();
  Model got;
  std::string err = ReadTree(store->get(), kTree, &got);
  ASSERT_EQ(err, "") << where;
  bool ok = got == out.acked || (out.in_flight && got == *out.in_flight);
  ASSERT_TRUE(ok) << where << ": recovered " << got.size() << " keys, acked " << out.acked.size()
                  << (out.in_flight ? " (in-flight " + std::to_string(out.in_flight->size()) + ")"
                                    : std::string());
  uint64_t pages = 0;
  Status verified = (*store)->Verify(&pages);
  ASSERT_TRUE(verified.ok()) << where << ": " << verified.ToString();
  // The recovered database takes new commits and survives another reopen.
  auto txn = (*store)->BeginWrite();
  ASSERT_TRUE(txn->Put(kTree, "after-recovery", "x").ok());
  ASSERT_TRUE(txn->Commit().ok()) << where;
  ASSERT_TRUE((*store)->Close().ok()) << where;
  auto again = Store::Open(kPath, o);
  ASSERT_TRUE(again.ok()) << where;
  Model final_state;
  ASSERT_EQ(ReadTree(again->get(), kTree, &final_state), "");
  got["after-recovery"] = "x";
  ASSERT_EQ(final_state, got) << where;
}

void RunSeed(uint64_t seed, bool plaintext, int* scenarios) {
  const int commits = 40;
  uint64_t syncs = 0, writes = 0;
  {  // a clean run counts the sync and write points of this workload
    FaultVfs vfs(seed);
    Setup(&vfs, plaintext, seed);
    uint64_t s0 = vfs.sync_count(), w0 = vfs.write_count();
    Outcome clean = RunWorkload(&vfs, seed, commits, plaintext);
    ASSERT_FALSE(clean.crashed);
    syncs = vfs.sync_count() - s0;
    writes = vfs.write_count() - w0;
  }
  for (uint64_t k = 1; k <= syncs; k++) {
    FaultVfs vfs(seed * 1000003 + k);
    Setup(&vfs, plaintext, seed);
    vfs.CrashAtSync(k);
    Outcome out = RunWorkload(&vfs, seed, commits, plaintext);
    vfs.PowerCut();
    CheckRecovered(&vfs, out, plaintext, seed,
                   "seed " + std::to_string(seed) + " crash at sync " + std::to_string(k));
    if (::testing::Test::HasFatalFailure()) return;
    ++*scenarios;
  }
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 8; i++) {
    uint64_t k = 1 + rng() % writes;
    FaultVfs vfs(seed * 7919 + k);
    Setup(&vfs, plaintext, seed);
    vfs.CrashAtWrite(k);
    Outcome out = RunWorkload(&vfs, seed, commits, plaintext);
    vfs.PowerCut();
    CheckRecovered(&vfs, out, plaintext, seed,
                   "seed " + std::to_string(seed) + " crash at write " + std::to_string(k));
    if (::testing::Test::HasFatalFailure()) return;
    ++*scenarios;
  }
}

TEST(CrashTest, PowerCutAtEverySyncPlaintext) {
  int scenarios = 0;
  int seeds = Scaled(24);
  for (int seed = 1; seed <= seeds; seed++) {
    RunSeed(static_cast<uint64_t>(seed), true, &scenarios);
    if (HasFatalFailure()) return;
  }
  std::printf("plaintext power-cut scenarios: %d\n", scenarios);
  EXPECT_GE(scenarios, seeds * 20);
}

TEST(CrashTest, PowerCutAtEverySyncEncrypted) {
  int scenarios = 0;
  int seeds = Scaled(8);
  for (int seed = 100; seed < 100 + seeds; seed++) {
    RunSeed(static_cast<uint64_t>(seed), false, &scenarios);
    if (HasFatalFailure()) return;
  }
  std::printf("encrypted power-cut scenarios: %d\n", scenarios);
  EXPECT_GE(scenarios, seeds * 20);
}

}  // namespace
}  // namespace zq::testing
