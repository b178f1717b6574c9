// Tests of FaultVfs: the model every storage crash test depends on.
#include "storage/vfs/fault_vfs.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace zq::storage {
namespace {

const OpenFlags kCreateRw = OpenFlags::kReadWrite | OpenFlags::kCreate;
constexpr uint64_t kSector = FaultVfs::kSectorBytes;

std::unique_ptr<File> OpenOrDie(FaultVfs* vfs, const std::string& path,
                                OpenFlags flags = kCreateRw) {
  auto file = vfs->Open(path, flags);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return nullptr;
  return std::move(file).value();
}

Status WriteString(File* file, uint64_t offset, const std::string& s) {
  return file->Write(offset, reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

Result<std::string> ReadString(File* file, uint64_t offset, size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  Status s = file->Read(offset, n, reinterpret_cast<uint8_t*>(out.data()), &got);
  if (!s.ok()) return s;
  out.resize(got);
  return out;
}

std::string Contents(FaultVfs* vfs, const std::string& path) {
  auto bytes = vfs->ReadFileBytes(path);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : std::string();
}

bool MessageHas(const Status& s, std::string_view text) {
  return s.message().find(text) != std::string_view::npos;
}

TEST(FaultVfsTest, ReadWriteSizeTruncate) {
  FaultVfs vfs(1);
  auto file = OpenOrDie(&vfs, "f");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(*file->Size(), 0u);
  ASSERT_TRUE(WriteString(file.get(), 0, "hello world").ok());
  ASSERT_TRUE(WriteString(file.get(), 15, "!").ok());
  EXPECT_EQ(*file->Size(), 16u);
  EXPECT_EQ(*ReadString(file.get(), 0, 100), std::string("hello world\0\0\0\0!", 16));
  EXPECT_EQ(*ReadString(file.get(), 16, 4), "");
  EXPECT_EQ(*ReadString(file.get(), 1000, 4), "");
  ASSERT_TRUE(file->Truncate(5).ok());
  EXPECT_EQ(*ReadString(file.get(), 0, 100), "hello");
  uint8_t buf[8];
  Status s = file->ReadExact(2, 8, buf, "record");
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_TRUE(MessageHas(s, "record")) << s.ToString();
  EXPECT_EQ(file->Map(1 << 20), nullptr);
}

TEST(FaultVfsTest, OpenDeleteExists) {
  FaultVfs vfs(2);
  EXPECT_FALSE(vfs.Exists("a"));
  EXPECT_TRUE(vfs.Open("a", OpenFlags::kReadOnly).status().IsNotFound());
  EXPECT_TRUE(vfs.Open("a", OpenFlags::kReadWrite).status().IsNotFound());
  EXPECT_TRUE(vfs.Delete("a").IsNotFound());
  auto file = OpenOrDie(&vfs, "a");
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(WriteString(file.get(), 0, "still here").ok());
  EXPECT_TRUE(vfs.Exists("a"));
  ASSERT_TRUE(vfs.Delete("a").ok());
  EXPECT_FALSE(vfs.Exists("a"));
  // Like an unlinked inode, the open handle keeps its bytes.
  EXPECT_EQ(*ReadString(file.get(), 0, 100), "still here");
  auto fresh = OpenOrDie(&vfs, "a");
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(*fresh->Size(), 0u);
  EXPECT_TRUE(vfs.SyncDirectoryOf("a").ok());
}

TEST(FaultVfsTest, ReadOnlyHandleRejectsWrites) {
  FaultVfs vfs(3);
  ASSERT_TRUE(vfs.WriteFileBytes("r", "data").ok());
  auto file = OpenOrDie(&vfs, "r", OpenFlags::kReadOnly);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(*ReadString(file.get(), 0, 10), "data");
  EXPECT_FALSE(WriteString(file.get(), 0, "x").ok());
  EXPECT_FALSE(file->Truncate(0).ok());
  EXPECT_EQ(Contents(&vfs, "r"), "data");
}

TEST(FaultVfsTest, CreatedFileSurvivesPowerCut) {
  FaultVfs vfs(4);
  auto file = OpenOrDie(&vfs, "new");
  ASSERT_NE(file, nullptr);
  vfs.PowerCut();
  EXPECT_TRUE(vfs.Exists("new"));
}

TEST(FaultVfsTest, SyncedDataAlwaysSurvivesPowerCut) {
  for (uint64_t seed = 0; seed < 200; seed++) {
    FaultVfs vfs(seed);
    std::mt19937_64 rng(seed);
    auto file = OpenOrDie(&vfs, "db");
    ASSERT_NE(file, nullptr);
    std::string model;
    for (int i = 0; i < 20; i++) {
      uint64_t offset = rng() % 5000;
      std::string data(1 + rng() % 1500, static_cast<char>('a' + i));
      ASSERT_TRUE(WriteString(file.get(), offset, data).ok());
      if (model.size() < offset + data.size()) model.resize(offset + data.size(), '\0');
      model.replace(offset, data.size(), data);
      if (i == 10) {
        ASSERT_TRUE(file->Truncate(700).ok());
        model.resize(700);
      }
    }
    ASSERT_TRUE(file->Sync().ok());
    vfs.PowerCut();
    ASSERT_EQ(Contents(&vfs, "db"), model) << "seed " << seed;
  }
}

// Writes that do not overlap, so each sector slice of each write can be
// classified on its own: all new bytes (reached the disk) or all old bytes.
struct SliceStats {
  int whole_kept = 0;
  int whole_dropped = 0;
  int torn = 0;
};

void CheckOneCut(uint64_t seed, SliceStats* stats) {
  FaultVfs vfs(seed);
  std::mt19937_64 rng(seed * 7919 + 1);
  std::string old_bytes(8000, '\0');
  for (char& c : old_bytes) c = static_cast<char>(rng() % 255 + 1);
  ASSERT_TRUE(vfs.WriteFileBytes("db", old_bytes).ok());
  auto file = OpenOrDie(&vfs, "db");
  ASSERT_NE(file, nullptr);
  struct Write {
    uint64_t offset;
    std::string data;
  };
  std::vector<Write> writes;
  for (uint64_t i = 0; i < 4; i++) {
    Write w{i * 3000 + rng() % 500, std::string(1 + rng() % 2400, '\0')};
    for (size_t j = 0; j < w.data.size(); j++) {
      uint64_t at = w.offset + j;
      char old = at < old_bytes.size() ? old_bytes[at] : '\0';
      w.data[j] = static_cast<char>(old ^ static_cast<char>(rng() % 255 + 1));
    }
    ASSERT_TRUE(WriteString(file.get(), w.offset, w.data).ok());
    writes.push_back(std::move(w));
  }
  vfs.PowerCut();
  std::string after = Contents(&vfs, "db");
  ASSERT_GE(after.size(), old_bytes.size()) << "seed " << seed;
  ASSERT_LE(after.size(), writes.back().offset + writes.back().data.size());
  for (size_t i = old_bytes.size(); i < after.size(); i++) old_bytes.push_back('\0');
  for (const Write& w : writes) {
    int kept = 0;
    int dropped = 0;
    uint64_t end = w.offset + w.data.size();
    for (uint64_t from = w.offset; from < end;) {
      uint64_t to = std::min(end, (from / kSector + 1) * kSector);
      int new_count = 0;
      int old_count = 0;
      for (uint64_t at = from; at < to; at++) {
        bool present = at < after.size();
        if (present && after[at] == w.data[at - w.offset]) new_count++;
        if (!present || after[at] == old_bytes[at]) old_count++;
      }
      uint64_t n = to - from;
      ASSERT_TRUE(new_count == static_cast<int>(n) || old_count == static_cast<int>(n))
          << "seed " << seed << ": slice [" << from << ", " << to << ") is mixed";
      (new_count == static_cast<int>(n) ? kept : dropped)++;
      from = to;
    }
    if (dropped == 0) stats->whole_kept++;
    if (kept == 0) stats->whole_dropped++;
    if (kept > 0 && dropped > 0) stats->torn++;
  }
}

TEST(FaultVfsTest, UnsyncedWritesAreKeptDroppedOrTornAtSectors) {
  SliceStats stats;
  for (uint64_t seed = 0; seed < 300; seed++) {
    CheckOneCut(seed, &stats);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(stats.whole_kept, 0);
  EXPECT_GT(stats.whole_dropped, 0);
  EXPECT_GT(stats.torn, 0);
}

// Overlapping unsynced writes: every byte must come from the old content or
// from one of the writes covering it (or be zero past the old end).
TEST(FaultVfsTest, OverlappingUnsyncedWritesGiveOnlyWrittenOrOldBytes) {
  for (uint64_t seed = 0; seed < 200; seed++) {
    FaultVfs vfs(seed);
    std::mt19937_64 rng(seed);
    std::string old_bytes(3000, 'o');
    ASSERT_TRUE(vfs.WriteFileBytes("db", old_bytes).ok());
    auto file = OpenOrDie(&vfs, "db");
    ASSERT_NE(file, nullptr);
    std::vector<std::string> allowed(6000, std::string(1, '\0'));
    for (size_t i = 0; i < old_bytes.size(); i++) allowed[i] = "o";
    for (int i = 0; i < 8; i++) {
      uint64_t offset = rng() % 4000;
      std::string data(1 + rng() % 1999, static_cast<char>('A' + i));
      ASSERT_TRUE(WriteString(file.get(), offset, data).ok());
      for (uint64_t at = offset; at < offset + data.size(); at++) allowed[at] += data[0];
    }
    vfs.PowerCut();
    std::string after = Contents(&vfs, "db");
    ASSERT_GE(after.size(), old_bytes.size());
    for (size_t at = 0; at < after.size(); at++) {
      ASSERT_NE(allowed[at].find(after[at]), std::string::npos)
          << "seed " << seed << " byte " << at;
    }
  }
}

TEST(FaultVfsTest, PowerCutKeepAllKeepsEveryUnsyncedOp) {
  FaultVfs vfs(5);
  auto file = OpenOrDie(&vfs, "db");
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(WriteString(file.get(), 0, std::string(5000, 'x')).ok());
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(WriteString(file.get(), 1000, std::string(3000, 'y')).ok());
  ASSERT_TRUE(file->Truncate(4500).ok());
  ASSERT_TRUE(WriteString(file.get(), 6000, "tail").ok());
  std::string before = Contents(&vfs, "db");
  vfs.PowerCutKeepAll();
  EXPECT_EQ(Contents(&vfs, "db"), before);
}

TEST(FaultVfsTest, UnsyncedTruncateIsKeptOrDropped) {
  bool saw_kept = false;
  bool saw_dropped = false;
  for (uint64_t seed = 0; seed < 64; seed++) {
    FaultVfs vfs(seed);
    ASSERT_TRUE(vfs.WriteFileBytes("db", std::string(4096, 'd')).ok());
    auto file = OpenOrDie(&vfs, "db");
    ASSERT_NE(file, nullptr);
    ASSERT_TRUE(file->Truncate(1000).ok());
    vfs.PowerCut();
    std::string after = Contents(&vfs, "db");
    ASSERT_TRUE(after == std::string(4096, 'd') || after == std::string(1000, 'd'));
    (after.size() == 1000 ? saw_kept : saw_dropped) = true;
  }
  EXPECT_TRUE(saw_kept);
  EXPECT_TRUE(saw_dropped);
}

TEST(FaultVfsTest, SameSeedSameOutcome) {
  auto run = [](uint64_t seed) {
    FaultVfs vfs(seed);
    auto file = OpenOrDie(&vfs, "db");
    for (int i = 0; i < 30; i++) {
      std::string data(700, static_cast<char>('a' + i % 26));
      EXPECT_TRUE(WriteString(file.get(), static_cast<uint64_t>(i) * 333, data).ok());
    }
    vfs.PowerCut();
    return Contents(&vfs, "db");
  };
  EXPECT_EQ(run(42), run(42));
  EXPECT_NE(run(42), run(43));
}

TEST(FaultVfsTest, FailNthRead) {
  FaultVfs vfs(6);
  ASSERT_TRUE(vfs.WriteFileBytes("f", "abc").ok());
  auto file = OpenOrDie(&vfs, "f");
  ASSERT_NE(file, nullptr);
  vfs.FailNth(FaultVfs::Op::kRead, 2);
  EXPECT_TRUE(ReadString(file.get(), 0, 3).ok());
  auto failed = ReadString(file.get(), 0, 3);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError);
  EXPECT_TRUE(MessageHas(failed.status(), "injected I/O error"));
  EXPECT_EQ(*ReadString(file.get(), 0, 3), "abc");
  EXPECT_EQ(vfs.read_count(), 3u);
}

TEST(FaultVfsTest, FailNthWriteChangesNothing) {
  FaultVfs vfs(7);
  auto file = OpenOrDie(&vfs, "f");
  ASSERT_NE(file, nullptr);
  vfs.FailNth(FaultVfs::Op::kWrite, 1);
  Status s = WriteString(file.get(), 0, "lost");
  EXPECT_TRUE(MessageHas(s, "injected I/O error")) << s.ToString();
  EXPECT_EQ(Contents(&vfs, "f"), "");
  EXPECT_TRUE(WriteString(file.get(), 0, "ok").ok());
  EXPECT_EQ(Contents(&vfs, "f"), "ok");
  EXPECT_EQ(vfs.write_count(), 2u);
}

TEST(FaultVfsTest, FailNthSyncMakesNothingDurable) {
  bool saw_loss = false;
  for (uint64_t seed = 0; seed < 32; seed++) {
    FaultVfs vfs(seed);
    auto file = OpenOrDie(&vfs, "f");
    ASSERT_NE(file, nullptr);
    ASSERT_TRUE(WriteString(file.get(), 0, std::string(2048, 's')).ok());
    vfs.FailNth(FaultVfs::Op::kSync, 1);
    Status s = file->Sync();
    ASSERT_TRUE(MessageHas(s, "injected I/O error")) << s.ToString();
    EXPECT_FALSE(vfs.crashed());
    vfs.PowerCut();
    if (Contents(&vfs, "f") != std::string(2048, 's')) saw_loss = true;
  }
  EXPECT_TRUE(saw_loss);
}

TEST(FaultVfsTest, StickyFailureUntilCleared) {
  FaultVfs vfs(8);
  auto file = OpenOrDie(&vfs, "f");
  ASSERT_NE(file, nullptr);
  vfs.FailNth(FaultVfs::Op::kSync, 2, /*sticky=*/true);
  EXPECT_TRUE(file->Sync().ok());
  for (int i = 0; i < 5; i++) EXPECT_FALSE(file->Sync().ok()) << i;
  // Other kinds are unaffected.
  EXPECT_TRUE(WriteString(file.get(), 0, "w").ok());
  EXPECT_TRUE(ReadString(file.get(), 0, 1).ok());
  vfs.ClearFaults();
  EXPECT_TRUE(file->Sync().ok());
  EXPECT_EQ(vfs.sync_count(), 7u);
}

TEST(FaultVfsTest, CrashAtSyncStopsEverythingUntilPowerCut) {
  FaultVfs vfs(9);
  auto file = OpenOrDie(&vfs, "db");
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(WriteString(file.get(), 0, "durable").ok());
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(WriteString(file.get(), 7, "-volatile").ok());
  vfs.CrashAtSync(1);
  Status s = file->Sync();
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_TRUE(vfs.crashed());
  const char* kCut = "simulated power cut";
  EXPECT_TRUE(MessageHas(WriteString(file.get(), 0, "x"), kCut));
  EXPECT_TRUE(MessageHas(ReadString(file.get(), 0, 1).status(), kCut));
  EXPECT_TRUE(MessageHas(file->Sync(), kCut));
  EXPECT_TRUE(MessageHas(file->Truncate(0), kCut));
  EXPECT_TRUE(MessageHas(file->Size().status(), kCut));
  EXPECT_TRUE(MessageHas(vfs.Open("db", kCreateRw).status(), kCut));
  EXPECT_TRUE(MessageHas(vfs.Open("other", kCreateRw).status(), kCut));
  EXPECT_TRUE(MessageHas(vfs.Delete("db"), kCut));
  EXPECT_TRUE(MessageHas(vfs.SyncDirectoryOf("db"), kCut));
  EXPECT_TRUE(MessageHas(vfs.LockExclusive("db.lock").status(), kCut));
  vfs.ClearFaults();
  EXPECT_TRUE(vfs.crashed()) << "ClearFaults must not leave the crashed state";
  vfs.PowerCut();
  EXPECT_FALSE(vfs.crashed());
  std::string after = Contents(&vfs, "db");
  EXPECT_EQ(after.substr(0, 7), "durable");
  auto reopened = OpenOrDie(&vfs, "db");
  ASSERT_NE(reopened, nullptr);
  EXPECT_TRUE(WriteString(reopened.get(), 0, "D").ok());
  EXPECT_TRUE(reopened->Sync().ok());
}

TEST(FaultVfsTest, CrashAtSyncCountsOverAllFiles) {
  FaultVfs vfs(10);
  auto a = OpenOrDie(&vfs, "a");
  auto b = OpenOrDie(&vfs, "b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  vfs.CrashAtSync(3);
  EXPECT_TRUE(a->Sync().ok());
  EXPECT_TRUE(b->Sync().ok());
  EXPECT_FALSE(vfs.crashed());
  EXPECT_FALSE(a->Sync().ok());
  EXPECT_TRUE(vfs.crashed());
  EXPECT_FALSE(b->Sync().ok());
}

TEST(FaultVfsTest, CrashAtWriteLandsAPrefix) {
  std::vector<size_t> prefix_sizes;
  for (uint64_t seed = 0; seed < 50; seed++) {
    FaultVfs vfs(seed);
    auto file = OpenOrDie(&vfs, "db");
    ASSERT_NE(file, nullptr);
    ASSERT_TRUE(WriteString(file.get(), 0, std::string(100, 'o')).ok());
    vfs.CrashAtWrite(2);
    ASSERT_TRUE(WriteString(file.get(), 100, std::string(100, 'p')).ok());
    Status s = WriteString(file.get(), 50, std::string(1000, 'n'));
    ASSERT_EQ(s.code(), StatusCode::kIOError);
    ASSERT_TRUE(vfs.crashed());
    std::string now = Contents(&vfs, "db");
    size_t prefix = 0;
    while (50 + prefix < now.size() && now[50 + prefix] == 'n') prefix++;
    ASSERT_LT(prefix, 1000u) << "a crashed write never lands whole";
    ASSERT_EQ(now.size(), std::max<size_t>(200, 50 + prefix));
    for (size_t i = 50 + prefix; i < now.size(); i++) ASSERT_NE(now[i], 'n');
    prefix_sizes.push_back(prefix);
    EXPECT_FALSE(WriteString(file.get(), 0, "x").ok());
    vfs.PowerCutKeepAll();
    EXPECT_EQ(Contents(&vfs, "db"), now);
  }
  std::sort(prefix_sizes.begin(), prefix_sizes.end());
  EXPECT_LT(prefix_sizes.front(), prefix_sizes.back()) << "prefix must be random";
}

TEST(FaultVfsTest, HandlesFromBeforePowerCutAreDead) {
  FaultVfs vfs(11);
  auto file = OpenOrDie(&vfs, "db");
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(WriteString(file.get(), 0, "abc").ok());
  ASSERT_TRUE(file->Sync().ok());
  vfs.PowerCut();
  const char* kDead = "file handle from before power cut";
  EXPECT_TRUE(MessageHas(ReadString(file.get(), 0, 3).status(), kDead));
  EXPECT_TRUE(MessageHas(WriteString(file.get(), 0, "x"), kDead));
  EXPECT_TRUE(MessageHas(file->Sync(), kDead));
  EXPECT_TRUE(MessageHas(file->Truncate(0), kDead));
  EXPECT_TRUE(MessageHas(file->Size().status(), kDead));
  auto fresh = OpenOrDie(&vfs, "db");
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(*ReadString(fresh.get(), 0, 10), "abc");
}

TEST(FaultVfsTest, CountersCountLiveCalls) {
  FaultVfs vfs(12);
  auto file = OpenOrDie(&vfs, "f");
  ASSERT_NE(file, nullptr);
  for (int i = 0; i < 3; i++) ASSERT_TRUE(WriteString(file.get(), 0, "w").ok());
  for (int i = 0; i < 2; i++) ASSERT_TRUE(ReadString(file.get(), 0, 1).ok());
  ASSERT_TRUE(file->Sync().ok());
  EXPECT_EQ(vfs.write_count(), 3u);
  EXPECT_EQ(vfs.read_count(), 2u);
  EXPECT_EQ(vfs.sync_count(), 1u);
  // Direct access is not counted.
  ASSERT_TRUE(vfs.ReadFileBytes("f").ok());
  ASSERT_TRUE(vfs.WriteFileBytes("f", "z").ok());
  EXPECT_EQ(vfs.read_count(), 2u);
  EXPECT_EQ(vfs.write_count(), 3u);
}

TEST(FaultVfsTest, FlipBit) {
  FaultVfs vfs(13);
  ASSERT_TRUE(vfs.WriteFileBytes("f", "abc").ok());
  auto file = OpenOrDie(&vfs, "f");
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(vfs.FlipBit("f", 1, 0).ok());
  EXPECT_EQ(*ReadString(file.get(), 0, 3), "acc");
  ASSERT_TRUE(vfs.FlipBit("f", 0, 7).ok());
  vfs.PowerCut();
  EXPECT_EQ(Contents(&vfs, "f"), std::string(1, static_cast<char>(0xe1)) + "cc");
  EXPECT_EQ(vfs.FlipBit("f", 3, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(vfs.FlipBit("f", 0, 8).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(vfs.FlipBit("f", 0, -1).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(vfs.FlipBit("missing", 0, 0).IsNotFound());
  EXPECT_TRUE(vfs.ReadFileBytes("missing").status().IsNotFound());
}

TEST(FaultVfsTest, WriteFileBytesIsDurableAndVisible) {
  FaultVfs vfs(14);
  auto file = OpenOrDie(&vfs, "f");
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(WriteString(file.get(), 0, "unsynced").ok());
  ASSERT_TRUE(vfs.WriteFileBytes("f", "replaced").ok());
  EXPECT_EQ(*ReadString(file.get(), 0, 100), "replaced");
  vfs.PowerCut();
  EXPECT_EQ(Contents(&vfs, "f"), "replaced");
}

TEST(FaultVfsTest, Locks) {
  FaultVfs vfs(15);
  auto first = vfs.LockExclusive("db.lock");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(vfs.Exists("db.lock"));
  auto second = vfs.LockExclusive("db.lock");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kBusy);
  EXPECT_TRUE(MessageHas(second.status(), "locked")) << second.status().ToString();
  EXPECT_TRUE(vfs.LockExclusive("other.lock").ok());
  first.value().reset();
  auto third = vfs.LockExclusive("db.lock");
  ASSERT_TRUE(third.ok());
  // PowerCut releases every lock; the stale lock object must not release a
  // lock taken after the cut.
  vfs.PowerCut();
  auto fourth = vfs.LockExclusive("db.lock");
  ASSERT_TRUE(fourth.ok());
  third.value().reset();
  EXPECT_EQ(vfs.LockExclusive("db.lock").status().code(), StatusCode::kBusy);
}

TEST(FaultVfsTest, HandlesMayOutliveTheVfs) {
  std::unique_ptr<File> file;
  std::unique_ptr<FileLock> lock;
  {
    FaultVfs vfs(16);
    file = OpenOrDie(&vfs, "f");
    lock = std::move(vfs.LockExclusive("f.lock")).value();
  }
  ASSERT_NE(file, nullptr);
  EXPECT_TRUE(WriteString(file.get(), 0, "x").ok());
  lock.reset();
}

TEST(FaultVfsTest, ThreadSafetySmoke) {
  FaultVfs vfs(17);
  constexpr int kThreads = 4;
  constexpr int kWrites = 300;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&vfs, t] {
      std::string path = "file" + std::to_string(t);
      auto file = OpenOrDie(&vfs, path);
      ASSERT_NE(file, nullptr);
      for (int i = 0; i < kWrites; i++) {
        std::string data(100, static_cast<char>('a' + t));
        ASSERT_TRUE(WriteString(file.get(), static_cast<uint64_t>(i) * 100, data).ok());
        ASSERT_TRUE(ReadString(file.get(), 0, 100).ok());
        if (i % 10 == 0) {
          ASSERT_TRUE(file->Sync().ok());
        }
        ASSERT_TRUE(vfs.ReadFileBytes(path).ok());
        (void)vfs.write_count();
      }
      ASSERT_TRUE(file->Sync().ok());
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(vfs.write_count(), static_cast<uint64_t>(kThreads * kWrites));
  vfs.PowerCut();
  for (int t = 0; t < kThreads; t++) {
    std::string expected(100 * kWrites, static_cast<char>('a' + t));
    EXPECT_EQ(Contents(&vfs, "file" + std::to_string(t)), expected);
  }
}

}  // namespace
}  // namespace zq::storage
