// Model-based random tests of the store against std::map: several trees,
// transactions with reads through their own writes (point and cursor, both
// directions), rollbacks, snapshots held across later commits, checkpoints
// and reopens (recovery), on the fault VFS and on real files (mmap path).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>
#include <cstdio>
#include <random>

#include "../common/store_test_util.hpp"

namespace zq::testing {
namespace {

using storage::Store;
using storage::TreeId;
constexpr TreeId kTrees[] = {1, 2, 3};

struct HeldSnapshot {
  std::unique_ptr<storage::Snapshot> snapshot;
  std::map<TreeId, Model> expected;
};

void CheckCursorMatches(storage::Cursor* c, const Model& model, std::mt19937_64& rng) {
  // Forward from a random key, then backward from another, against the model.
  // Forward steps take entries one by one or as runs (ReadRun, then Next).
  std::string from = RandomKey(rng, 400);
  ASSERT_TRUE(c->Seek(from).ok());
  auto it = model.lower_bound(from);
  std::pair<std::string_view, std::string_view> run[8];
  for (int i = 0; i < 20 && it != model.end(); i++) {
    ASSERT_TRUE(c->Valid());
    const size_t n = rng() % 2 == 0 ? c->ReadRun(run, 1 + rng() % 8) : 0;
    if (n == 0) {
      ASSERT_EQ(c->key(), it->first);
      ASSERT_EQ(c->value(), it->second);
      ++it;
    }
    for (size_t j = 0; j < n; j++, ++it) {
      ASSERT_NE(it, model.end());
      ASSERT_EQ(run[j].first, it->first);
      ASSERT_EQ(run[j].second, it->second);
    }
    ASSERT_TRUE(c->Next().ok());
  }
  if (it == model.end()) {
    ASSERT_FALSE(c->Valid());
  }
  std::string back = RandomKey(rng, 400);
  ASSERT_TRUE(c->SeekForPrev(back).ok());
  auto rit = model.upper_bound(back);
  for (int i = 0; i < 20; i++) {
    if (rit == model.begin()) {
      ASSERT_FALSE(c->Valid());
      break;
    }
    --rit;
    ASSERT_TRUE(c->Valid());
    ASSERT_EQ(c->key(), rit->first);
    ASSERT_EQ(c->value(), rit->second);
    ASSERT_TRUE(c->Prev().ok());
  }
  ASSERT_TRUE(c->SeekLast().ok());
  ASSERT_EQ(c->Valid(), !model.empty());
  if (!model.empty()) {
    ASSERT_EQ(c->key(), model.rbegin()->first);
  }
}

void RunModel(uint64_t seed, storage::Vfs* vfs, const std::string& path, bool encrypted,
              int rounds) {
  std::mt19937_64 rng(seed);
  storage::StoreOptions o;
  o.vfs = vfs;
  o.checkpoint_wal_bytes = 64 << 10;
  if (seed % 2 == 1) o.cache_bytes = 64 << 10;  // evict clean pages at every checkpoint
  if (encrypted) {
    crypto::AeadKey key{};
    key.fill(0x42);
    o.encryption_key = key;
  }
  std::map<TreeId, Model> model;
  for (int round = 0; round < rounds; round++) {
    auto store = Store::Open(path, o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    if (round == 0) {
      auto txn = (*store)->BeginWrite();
      for (TreeId t : kTrees) ASSERT_TRUE(txn->CreateTreeWithId(t).ok());
      ASSERT_TRUE(txn->Commit().ok());
    }
    std::vector<HeldSnapshot> held;
    for (int c = 0; c < 60; c++) {
      auto txn = (*store)->BeginWrite();
      std::map<TreeId, Model> next = model;
      int ops = 1 + static_cast<int>(rng() % 40);
      for (int i = 0; i < ops; i++) {
        TreeId t = kTrees[rng() % 3];
        std::string k = RandomKey(rng, 400);
        uint64_t what = rng() % 10;
        if (what < 5) {
          std::string v = RandomValue(rng);
          ASSERT_TRUE(txn->Put(t, k, v).ok());
          next[t][k] = v;
        } else if (what < 8) {
          ASSERT_TRUE(txn->Delete(t, k).ok());
          next[t].erase(k);
        } else {
          std::string v;
          auto found = txn->Get(t, k, &v);
          ASSERT_TRUE(found.ok());
          auto it = next[t].find(k);
          ASSERT_EQ(*found, it != next[t].end());
          if (*found) {
            ASSERT_EQ(v, it->second);
          }
        }
      }
      if (rng() % 3 == 0) {  // GetMany through the transaction's own writes, and on a snapshot
        TreeId t = kTrees[rng() % 3];
        std::vector<std::string> keys;
        for (size_t n = rng() % 50; keys.size() < n;) keys.push_back(RandomKey(rng, 400));
        const std::vector<std::string_view> views(keys.begin(), keys.end());
        std::vector<std::string> values;
        std::vector<uint8_t> found;
        // GetMany's answers are the model's.
        auto expect = [&](const Model& want) {
          for (size_t i = 0; i < keys.size(); i++) {
            auto it = want.find(keys[i]);
            ASSERT_EQ(found[i] != 0, it != want.end()) << keys[i];
            if (found[i]) {
              ASSERT_EQ(values[i], it->second);
            }
          }
        };
        ASSERT_TRUE(txn->GetMany(t, views, &values, &found).ok());
        expect(next[t]);
        if (::testing::Test::HasFatalFailure()) return;
        auto snap = (*store)->GetSnapshot();
        ASSERT_TRUE(snap->GetMany(t, views, &values, &found).ok());
        expect(model[t]);
        if (::testing::Test::HasFatalFailure()) return;
      }
      if (rng() % 4 == 0) {  // reads through the transaction's own writes
        TreeId t = kTrees[rng() % 3];
        auto cursor = txn->NewCursor(t);
        ASSERT_TRUE(cursor.ok());
        CheckCursorMatches(cursor->get(), next[t], rng);
        if (::testing::Test::HasFatalFailure()) return;
      }
      if (rng() % 8 == 0) {
        txn->Rollback();
        continue;
      }
      ASSERT_TRUE(txn->Commit().ok());
      model = next;
      if (rng() % 6 == 0) held.push_back({(*store)->GetSnapshot(), model});
      if (rng() % 15 == 0) {
        ASSERT_TRUE((*store)->Checkpoint().ok());
      }
      if (held.size() > 3) held.erase(held.begin());
    }
    // Old snapshots still see exactly their version (MVCC).
    for (auto& h : held) {
      for (TreeId t : kTrees) {
        auto cursor = h.snapshot->NewCursor(t);
        ASSERT_TRUE(cursor.ok());
        CheckCursorMatches(cursor->get(), h.expected[t], rng);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
    held.clear();
    for (TreeId t : kTrees) {
      Model got;
      ASSERT_EQ(ReadTree(store->get(), t, &got), "");
      ASSERT_EQ(got, model[t]) << "seed " << seed << " round " << round << " tree " << t;
    }
    uint64_t pages = 0;
    Status verified = (*store)->Verify(&pages);
    ASSERT_TRUE(verified.ok()) << verified.ToString();  // no leaked or doubly used page
    if (rng() % 2 == 0) {
      ASSERT_TRUE((*store)->Close().ok());
    } else if (auto* fault = dynamic_cast<storage::FaultVfs*>(vfs)) {
      // Drop the handle without a clean close: recovery replays the WAL.
      fault->CrashAtSync(1);
      store->reset();
      fault->PowerCut();
    }
  }
}

TEST(StoreModelTest, RandomOpsAgainstMapFaultVfs) {
  for (int seed = 1; seed <= Scaled(16); seed++) {
    storage::FaultVfs vfs(static_cast<uint64_t>(seed));
    RunModel(static_cast<uint64_t>(seed), &vfs, "model.zq", seed % 3 == 0, 5);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(StoreModelTest, RandomOpsAgainstMapPosix) {
  std::string dir = std::filesystem::temp_directory_path() / ("zq_model_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  for (int seed = 1; seed <= Scaled(4); seed++) {
    std::string path = dir + "/m" + std::to_string(seed) + ".zq";
    RunModel(static_cast<uint64_t>(seed) + 500, storage::DefaultVfs(), path, seed % 2 == 0, 3);
    if (HasFatalFailure()) break;
  }
  std::filesystem::remove_all(dir);
}

TEST(StoreModelTest, WriteWriteConflictFirstCommitterWins) {
  storage::FaultVfs vfs(1);
  auto store = Store::Open("c.zq", FaultOptions(&vfs));
  ASSERT_TRUE(store.ok());
  auto setup = (*store)->BeginWrite();
  ASSERT_TRUE(setup->CreateTreeWithId(1).ok());
  ASSERT_TRUE(setup->Commit().ok());
  auto a = (*store)->BeginWrite();
  auto b = (*store)->BeginWrite();
  auto c = (*store)->BeginWrite();
  ASSERT_TRUE(a->Put(1, "x", "from a").ok());
  ASSERT_TRUE(b->Put(1, "x", "from b").ok());
  ASSERT_TRUE(c->Put(1, "y", "from c").ok());
  ASSERT_TRUE(a->Commit().ok());
  Status sb = b->Commit();
  EXPECT_EQ(sb.code(), StatusCode::kConflict) << sb.ToString();
  EXPECT_TRUE(c->Commit().ok());  // disjoint keys do not conflict
  std::string v;
  auto snap = (*store)->GetSnapshot();
  ASSERT_TRUE(*snap->Get(1, "x", &v));
  EXPECT_EQ(v, "from a");
}

TEST(StoreModelTest, TreesCreateDropAndMisuse) {
  storage::FaultVfs vfs(2);
  auto store = Store::Open("t.zq", FaultOptions(&vfs));
  ASSERT_TRUE(store.ok());
  auto txn = (*store)->BeginWrite();
  auto id = txn->CreateTree();
  ASSERT_TRUE(id.ok());
  EXPECT_GE(*id, storage::kFirstDynamicTreeId);
  ASSERT_TRUE(txn->Put(*id, "a", "1").ok());
  EXPECT_EQ(txn->Put(99, "a", "1").code(), StatusCode::kNotFound);
  EXPECT_EQ(txn->Put(*id, std::string(limits::kKeyBytesMax + 1, 'k'), "v").code(),
            StatusCode::kLimitExceeded);
  EXPECT_EQ(txn->CreateTreeWithId(storage::kFirstDynamicTreeId).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(txn->Commit().code(), StatusCode::kInvalidArgument);  // finished
  auto drop = (*store)->BeginWrite();
  ASSERT_TRUE(drop->DropTree(*id).ok());
  ASSERT_TRUE(drop->Commit().ok());
  auto snap = (*store)->GetSnapshot();
  EXPECT_FALSE(*snap->TreeExists(*id));
  std::string v;
  EXPECT_EQ(snap->Get(*id, "a", &v).status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*store)->Close().code(), StatusCode::kInvalidArgument);  // a snapshot is alive
  snap.reset();
  ASSERT_TRUE((*store)->Close().ok());
  // Pages of the dropped tree are reusable: the file does not grow forever.
  auto again = Store::Open("t.zq", FaultOptions(&vfs));
  ASSERT_TRUE(again.ok());
  EXPECT_GT((*again)->Stats().free_page_count, 0u);
}

TEST(StoreModelTest, CleanPagesAreEvictedToTheCacheBudget) {
  storage::FaultVfs vfs(6);
  storage::StoreOptions o = FaultOptions(&vfs);
  o.encryption_key = crypto::AeadKey{9};
  o.cache_bytes = 16 * 4096;
  o.checkpoint_wal_bytes = 1 << 30;  // only the explicit checkpoint below
  o.checkpoint_dirty_bytes = 1 << 30;
  auto store = Store::Open("ev.zq", o);
  ASSERT_TRUE(store.ok());
  std::mt19937_64 rng(6);
  Model model;
  auto txn = (*store)->BeginWrite();
  ASSERT_TRUE(txn->CreateTreeWithId(1).ok());
  for (int i = 0; i < 3000; i++) {
    std::string k = RandomKey(rng, 100000), v = RandomValue(rng);
    ASSERT_TRUE(txn->Put(1, k, v).ok());
    model[k] = v;
  }
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_GT((*store)->Stats().cached_page_count, 100u);
  auto old = (*store)->GetSnapshot();  // keeps evicted buffers alive until released
  ASSERT_TRUE((*store)->Checkpoint().ok());
  EXPECT_LE((*store)->Stats().cached_page_count, 16u);
  Model got;
  ASSERT_EQ(ReadTree(store->get(), 1, &got), "");  // re-read and decrypted from disk
  EXPECT_EQ(got, model);
  ASSERT_EQ(ReadTree(store->get(), 1, &got), "");
  auto cursor = old->NewCursor(1);
  ASSERT_TRUE(cursor.ok());
  ASSERT_TRUE((*cursor)->SeekFirst().ok());
  EXPECT_EQ((*cursor)->key(), model.begin()->first);
}

TEST(StoreModelTest, SecondOpenIsRefusedWhileLocked) {
  storage::FaultVfs vfs(3);
  auto first = Store::Open("l.zq", FaultOptions(&vfs));
  ASSERT_TRUE(first.ok());
  auto second = Store::Open("l.zq", FaultOptions(&vfs));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kBusy);
  EXPECT_NE(second.status().message().find("locked"), std::string_view::npos);
}

TEST(StoreModelTest, WrongKeyAndMissingKeyAreClearErrors) {
  storage::FaultVfs vfs(4);
  storage::StoreOptions o = FaultOptions(&vfs);
  crypto::AeadKey key{};
  key.fill(1);
  o.encryption_key = key;
  {
    auto store = Store::Open("e.zq", o);
    ASSERT_TRUE(store.ok());
    auto txn = (*store)->BeginWrite();
    ASSERT_TRUE(txn->CreateTreeWithId(1).ok());
    ASSERT_TRUE(txn->Put(1, "secret", "value").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  key.fill(2);
  o.encryption_key = key;
  auto wrong = Store::Open("e.zq", o);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kAuthFailed) << wrong.status().ToString();
  o.encryption_key.reset();
  auto none = Store::Open("e.zq", o);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  // No plaintext of the value reaches the file.
  auto bytes = vfs.ReadFileBytes("e.zq");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->find("value"), std::string::npos);
  EXPECT_EQ(bytes->find("secret"), std::string::npos);
}

// A disk whose fsync takes a while (2 ms), as real ones do: committers that
// arrive during one fsync must share the next one.
class SlowSyncVfs : public storage::Vfs {
 public:
  explicit SlowSyncVfs(storage::Vfs* base) : base_(base) {}
  Result<std::unique_ptr<storage::File>> Open(const std::string& path,
                                              storage::OpenFlags flags) override {
    ZQ_ASSIGN_OR_RETURN(auto file, base_->Open(path, flags));
    return std::unique_ptr<storage::File>(new SlowFile(std::move(file)));
  }
  bool Exists(const std::string& path) override { return base_->Exists(path); }
  Status Delete(const std::string& path) override { return base_->Delete(path); }
  Status SyncDirectoryOf(const std::string& path) override {
    return base_->SyncDirectoryOf(path);
  }
  Result<std::unique_ptr<storage::FileLock>> LockExclusive(const std::string& path) override {
    return base_->LockExclusive(path);
  }

 private:
  class SlowFile : public storage::File {
   public:
    explicit SlowFile(std::unique_ptr<storage::File> f) : f_(std::move(f)) {}
    Status Read(uint64_t o, size_t n, uint8_t* out, size_t* got) override {
      return f_->Read(o, n, out, got);
    }
    Status Write(uint64_t o, const uint8_t* d, size_t n) override { return f_->Write(o, d, n); }
    Status Sync() override {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      return f_->Sync();
    }
    Status Truncate(uint64_t n) override { return f_->Truncate(n); }
    Result<uint64_t> Size() override { return f_->Size(); }

   private:
    std::unique_ptr<storage::File> f_;
  };
  storage::Vfs* base_;
};

TEST(StoreModelTest, ConcurrentCommittersGroupCommit) {
  storage::FaultVfs fault(5);
  SlowSyncVfs vfs(&fault);
  storage::StoreOptions o;
  o.vfs = &vfs;
  o.checkpoint_wal_bytes = 16 << 10;  // checkpoints run among the committers
  auto store = Store::Open("g.zq", o);
  ASSERT_TRUE(store.ok());
  auto setup = (*store)->BeginWrite();
  ASSERT_TRUE(setup->CreateTreeWithId(1).ok());
  ASSERT_TRUE(setup->Commit().ok());
  const int threads = 8, per_thread = Scaled(40);
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; t++) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; i++) {
        auto txn = (*store)->BeginWrite();
        std::string k = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!txn->Put(1, k, k).ok() || !txn->Commit().ok()) failures++;
        auto snap = (*store)->GetSnapshot();  // readers run beside the writers
        std::string v;
        auto found = snap->Get(1, k, &v);
        if (!found.ok() || !*found || v != k) failures++;
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(failures.load(), 0);
  Model got;
  ASSERT_EQ(ReadTree(store->get(), 1, &got), "");
  EXPECT_EQ(got.size(), static_cast<size_t>(threads * per_thread));
  storage::StoreStats st = (*store)->Stats();
  EXPECT_LT(st.wal_flushes, st.commits);  // some flushes carried several commits
}

// Lazy publication under concurrency (storage/store/store_impl.hpp): two
// threads commit logged batches, each moving one unit between two keys of a
// fixed set (so every committed state sums to the same total) and counting
// its own batches in a key of its own; readers take snapshots all the while.
// Every snapshot must see a consistent state (the total), each thread's
// counter never goes backwards, and a thread's snapshot right after its
// commit sees that commit.
class TransferExecutor final : public storage::BatchExecutor {
 public:
  // Input: "<from> <to> <thread>": one unit from key `from` to key `to`, and
  // thread's counter + 1. Values are decimal text.
  Status Execute(std::string_view input, uint64_t, storage::WriteTxn* state, Context*,
                 std::string*) override {
    const std::string text(input);
    int from = 0, to = 0, thread = 0;
    if (std::sscanf(text.c_str(), "%d %d %d", &from, &to, &thread) != 3) {
      return Status::InvalidArgument("bad batch");
    }
    auto add = [&](const std::string& key, int64_t delta) -> Status {
      std::string v;
      ZQ_ASSIGN_OR_RETURN(bool found, state->Get(1, key, &v));
      const int64_t now = (found ? std::stoll(v) : 0) + delta;
      return state->Put(1, key, std::to_string(now));
    };
    ZQ_RETURN_IF_ERROR(add("k" + std::to_string(from), -1));
    ZQ_RETURN_IF_ERROR(add("k" + std::to_string(to), +1));
    return add("count" + std::to_string(thread), +1);
  }
};

TEST(StoreModelTest, ConcurrentBatchesAndReadersSeeConsistentStates) {
  storage::FaultVfs vfs(9);
  TransferExecutor executor;
  storage::StoreOptions o;
  o.vfs = &vfs;
  o.batch_executor = &executor;
  o.checkpoint_wal_bytes = 32 << 10;  // checkpoints run among them too
  auto store = Store::Open("lazy.zq", o);
  ASSERT_TRUE(store.ok());
  constexpr int kKeys = 50;
  constexpr int64_t kStart = 1000;
  {
    auto setup = (*store)->BeginWrite();
    ASSERT_TRUE(setup->CreateTreeWithId(1).ok());
    for (int k = 0; k < kKeys; k++) {
      ASSERT_TRUE(setup->Put(1, "k" + std::to_string(k), std::to_string(kStart)).ok());
    }
    ASSERT_TRUE(setup->Commit().ok());
  }
  // The state a snapshot sees: "" when consistent, else what is wrong.
  auto check = [&](storage::Snapshot* snap, int64_t counts[2]) -> std::string {
    int64_t total = 0;
    for (int k = 0; k < kKeys; k++) {
      std::string v;
      auto found = snap->Get(1, "k" + std::to_string(k), &v);
      if (!found.ok() || !*found) return "key missing";
      total += std::stoll(v);
    }
    if (total != kStart * kKeys) return "torn state: total " + std::to_string(total);
    for (int t = 0; t < 2; t++) {
      std::string v;
      auto found = snap->Get(1, "count" + std::to_string(t), &v);
      if (!found.ok()) return "read failed";
      counts[t] = *found ? std::stoll(v) : 0;
    }
    return "";
  };
  const int per_thread = Scaled(300);
  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::mutex report_mu;
  std::string first_failure;
  auto fail = [&](const std::string& what) {
    failures++;
    std::lock_guard<std::mutex> lock(report_mu);
    if (first_failure.empty()) first_failure = what;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; t++) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(100 + t);
      for (int i = 1; i <= per_thread; i++) {
        const int from = static_cast<int>(rng() % kKeys), to = static_cast<int>(rng() % kKeys);
        const std::string input =
            std::to_string(from) + " " + std::to_string(to) + " " + std::to_string(t);
        if (!(*store)->CommitBatch(input, 1, nullptr).ok()) fail("commit failed");
        if (rng() % 4 == 0) {  // read your own writes
          int64_t counts[2] = {0, 0};
          auto snap = (*store)->GetSnapshot();
          const std::string why = check(snap.get(), counts);
          if (!why.empty()) fail(why);
          if (counts[t] != i) fail("own commit not visible");
        }
      }
    });
  }
  for (int r = 0; r < 2; r++) {
    threads.emplace_back([&] {
      int64_t last[2] = {0, 0};
      while (!done.load()) {
        int64_t counts[2] = {0, 0};
        auto snap = (*store)->GetSnapshot();
        const std::string why = check(snap.get(), counts);
        if (!why.empty()) fail(why);
        for (int t = 0; t < 2; t++) {
          if (counts[t] < last[t]) fail("a counter went backwards");
          last[t] = counts[t];
        }
      }
    });
  }
  threads[0].join();
  threads[1].join();
  done = true;
  for (size_t i = 2; i < threads.size(); i++) threads[i].join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  int64_t counts[2] = {0, 0};
  EXPECT_EQ(check((*store)->GetSnapshot().get(), counts), "");
  EXPECT_EQ(counts[0], per_thread);
  EXPECT_EQ(counts[1], per_thread);
}

// A failed fsync while other committers wait (asleep or polling) for the same
// group: every waiter returns (none hangs), the failed group is never
// acknowledged, later commits are refused, and after a power cut the database
// holds every acknowledged commit.
TEST(StoreModelTest, ConcurrentCommittersSeeAFailedSync) {
  storage::FaultVfs fault(6);
  SlowSyncVfs vfs(&fault);
  storage::StoreOptions o;
  o.vfs = &vfs;
  {
    auto store = Store::Open("p.zq", o);
    ASSERT_TRUE(store.ok());
    auto setup = (*store)->BeginWrite();
    ASSERT_TRUE(setup->CreateTreeWithId(1).ok());
    ASSERT_TRUE(setup->Commit().ok());
    fault.FailNth(storage::FaultVfs::Op::kSync, 6, /*sticky=*/true);
    const int threads = 8, per_thread = 20;
    std::vector<std::thread> workers;
    std::mutex mu;
    std::vector<std::string> acknowledged;
    std::atomic<int> refused{0};
    for (int t = 0; t < threads; t++) {
      workers.emplace_back([&, t] {
        for (int i = 0; i < per_thread; i++) {
          auto txn = (*store)->BeginWrite();
          const std::string k = "t" + std::to_string(t) + "-" + std::to_string(i);
          if (!txn->Put(1, k, k).ok()) return;
          if (txn->Commit().ok()) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged.push_back(k);
          } else {
            refused++;
          }
        }
      });
    }
    for (auto& w : workers) w.join();
    EXPECT_GT(refused.load(), 0);
    EXPECT_LT(acknowledged.size(), static_cast<size_t>(threads * per_thread));
    fault.PowerCut();
    auto reopened = Store::Open("p.zq", o);
    ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
    Model got;
    ASSERT_EQ(ReadTree(reopened->get(), 1, &got), "");
    for (const std::string& k : acknowledged) {
      auto it = got.find(k);
      EXPECT_TRUE(it != got.end() && it->second == k) << "acknowledged commit lost: " << k;
    }
  }
}

}  // namespace
}  // namespace zq::testing
