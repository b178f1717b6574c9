// Tests of the POSIX VFS (DefaultVfs) against real files in a temp directory.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storage/vfs/vfs.hpp"

namespace zq::storage {
namespace {

const OpenFlags kCreateRw = OpenFlags::kReadWrite | OpenFlags::kCreate;

class PosixVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/zq_vfs_test_XXXXXX";
    char* dir = mkdtemp(dir_template);
    ASSERT_NE(dir, nullptr) << std::strerror(errno);
    dir_ = dir;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string PathOf(const std::string& name) const { return dir_ + "/" + name; }

  std::unique_ptr<File> OpenOrDie(const std::string& name, OpenFlags flags = kCreateRw) {
    auto file = vfs_->Open(PathOf(name), flags);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    if (!file.ok()) return nullptr;
    return std::move(file).value();
  }

  static Status WriteString(File* file, uint64_t offset, const std::string& s) {
    return file->Write(offset, reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }

  static std::string ReadString(File* file, uint64_t offset, size_t n) {
    std::string out(n, '\0');
    size_t got = 0;
    Status s = file->Read(offset, n, reinterpret_cast<uint8_t*>(out.data()), &got);
    EXPECT_TRUE(s.ok()) << s.ToString();
    out.resize(got);
    return out;
  }

  Vfs* vfs_ = DefaultVfs();
  std::string dir_;
};

TEST_F(PosixVfsTest, DefaultVfsIsOneInstance) {
  EXPECT_NE(DefaultVfs(), nullptr);
  EXPECT_EQ(DefaultVfs(), DefaultVfs());
}

TEST_F(PosixVfsTest, WriteReadSizeRoundTrip) {
  auto file = OpenOrDie("a");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(*file->Size(), 0u);
  ASSERT_TRUE(WriteString(file.get(), 0, "hello world").ok());
  ASSERT_TRUE(WriteString(file.get(), 6, "WORLD").ok());
  EXPECT_EQ(ReadString(file.get(), 0, 11), "hello WORLD");
  EXPECT_EQ(*file->Size(), 11u);
  // A write past the end leaves a hole that reads as zeros.
  ASSERT_TRUE(WriteString(file.get(), 20, "x").ok());
  EXPECT_EQ(*file->Size(), 21u);
  EXPECT_EQ(ReadString(file.get(), 11, 10), std::string(9, '\0') + "x");
  ASSERT_TRUE(file->Sync().ok());
  EXPECT_TRUE(vfs_->Exists(PathOf("a")));
}

TEST_F(PosixVfsTest, LargeWriteAndReadBack) {
  auto file = OpenOrDie("big");
  ASSERT_NE(file, nullptr);
  std::string data(3 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<char>(i * 131 + 7);
  ASSERT_TRUE(WriteString(file.get(), 4096, data).ok());
  EXPECT_EQ(ReadString(file.get(), 4096, data.size()), data);
}

TEST_F(PosixVfsTest, ShortReadsAtEndOfFile) {
  auto file = OpenOrDie("short");
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(WriteString(file.get(), 0, "0123456789").ok());
  EXPECT_EQ(ReadString(file.get(), 5, 100), "56789");
  EXPECT_EQ(ReadString(file.get(), 10, 4), "");
  EXPECT_EQ(ReadString(file.get(), 1000, 4), "");
}

TEST_F(PosixVfsTest, ReadExactReportsShortFileAsCorruption) {
  auto file = OpenOrDie("exact");
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(WriteString(file.get(), 0, std::string(100, 'z')).ok());
  uint8_t buf[64];
  EXPECT_TRUE(file->ReadExact(36, 64, buf, "header").ok());
  EXPECT_EQ(buf[63], 'z');
  Status s = file->ReadExact(50, 64, buf, "page");
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("page"), std::string_view::npos) << s.ToString();
  EXPECT_NE(s.message().find("50"), std::string_view::npos) << s.ToString();
}

TEST_F(PosixVfsTest, TruncateShrinksAndGrows) {
  auto file = OpenOrDie("trunc");
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(WriteString(file.get(), 0, "abcdefgh").ok());
  ASSERT_TRUE(file->Truncate(3).ok());
  EXPECT_EQ(*file->Size(), 3u);
  EXPECT_EQ(ReadString(file.get(), 0, 8), "abc");
  ASSERT_TRUE(file->Truncate(6).ok());
  EXPECT_EQ(ReadString(file.get(), 0, 8), std::string("abc\0\0\0", 6));
  ASSERT_TRUE(file->Sync().ok());
}

TEST_F(PosixVfsTest, DataPersistsAcrossReopen) {
  {
    auto file = OpenOrDie("persist");
    ASSERT_NE(file, nullptr);
    ASSERT_TRUE(WriteString(file.get(), 0, "kept").ok());
    ASSERT_TRUE(file->Sync().ok());
  }
  ASSERT_TRUE(vfs_->SyncDirectoryOf(PathOf("persist")).ok());
  auto file = OpenOrDie("persist", OpenFlags::kReadOnly);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(ReadString(file.get(), 0, 10), "kept");
  // A read-only handle refuses writes with an OS error.
  Status s = WriteString(file.get(), 0, "no");
  EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
}

TEST_F(PosixVfsTest, MapSeesWritesAndGrowth) {
  auto file = OpenOrDie("map");
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(WriteString(file.get(), 0, std::string(4096, 'a')).ok());
  constexpr uint64_t kReserve = uint64_t{1} << 30;
  const uint8_t* map = file->Map(kReserve);
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(file->Map(kReserve), map) << "Map must map once";
  EXPECT_EQ(map[0], 'a');
  EXPECT_EQ(map[4095], 'a');
  ASSERT_TRUE(WriteString(file.get(), 100, "XYZ").ok());
  EXPECT_EQ(std::memcmp(map + 100, "XYZ", 3), 0);
  // Pages added after mapping are visible through the same mapping.
  ASSERT_TRUE(WriteString(file.get(), 3 * 4096, std::string(4096, 'q')).ok());
  EXPECT_EQ(map[3 * 4096 + 17], 'q');
  EXPECT_EQ(map[2 * 4096], 0);  // the hole
}

TEST_F(PosixVfsTest, MapOfZeroBytesFails) {
  auto file = OpenOrDie("map0");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->Map(0), nullptr);
}

TEST_F(PosixVfsTest, MissingFilesAreNotFound) {
  std::string path = PathOf("missing");
  EXPECT_FALSE(vfs_->Exists(path));
  auto ro = vfs_->Open(path, OpenFlags::kReadOnly);
  ASSERT_FALSE(ro.ok());
  EXPECT_TRUE(ro.status().IsNotFound()) << ro.status().ToString();
  EXPECT_NE(ro.status().message().find(path), std::string_view::npos);
  auto rw = vfs_->Open(path, OpenFlags::kReadWrite);
  EXPECT_TRUE(rw.status().IsNotFound()) << rw.status().ToString();
  Status del = vfs_->Delete(path);
  EXPECT_TRUE(del.IsNotFound()) << del.ToString();
  EXPECT_FALSE(vfs_->Exists(path));
}

TEST_F(PosixVfsTest, OpenInMissingDirectoryFails) {
  auto file = vfs_->Open(PathOf("no/such/dir/file"), kCreateRw);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("open"), std::string_view::npos);
  EXPECT_FALSE(vfs_->SyncDirectoryOf(PathOf("no/such/dir/file")).ok());
}

TEST_F(PosixVfsTest, OpenDirectoryIsAnError) {
  auto file = vfs_->Open(dir_, OpenFlags::kReadOnly);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kIOError) << file.status().ToString();
}

TEST_F(PosixVfsTest, CreateAndDelete) {
  std::string path = PathOf("doomed");
  {
    auto file = OpenOrDie("doomed");
    ASSERT_NE(file, nullptr);
  }
  EXPECT_TRUE(vfs_->Exists(path));
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0600, 0600u);
  EXPECT_EQ(st.st_mode & 0111, 0u);
  ASSERT_TRUE(vfs_->Delete(path).ok());
  EXPECT_FALSE(vfs_->Exists(path));
}

TEST_F(PosixVfsTest, SyncDirectoryOfRelativePath) {
  EXPECT_TRUE(vfs_->SyncDirectoryOf("relative-file-name").ok());
  EXPECT_TRUE(vfs_->SyncDirectoryOf(PathOf("x")).ok());
}

TEST_F(PosixVfsTest, LockExcludesSecondLockInSameProcess) {
  std::string path = PathOf("db.lock");
  auto first = vfs_->LockExclusive(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(vfs_->Exists(path));
  auto second = vfs_->LockExclusive(path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kBusy);
  EXPECT_NE(second.status().message().find("locked"), std::string_view::npos)
      << second.status().ToString();
  std::string by_pid = "locked by pid " + std::to_string(getpid());
  EXPECT_NE(second.status().message().find(by_pid), std::string_view::npos)
      << second.status().ToString();
  first.value().reset();  // releases the lock
  auto third = vfs_->LockExclusive(path);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
}

TEST_F(PosixVfsTest, LockDoesNotChangeTheLockedFile) {
  // The lock may be taken on the database file itself, so it must not write.
  std::string path = PathOf("db");
  {
    auto file = OpenOrDie("db");
    ASSERT_NE(file, nullptr);
  }
  auto lock = vfs_->LockExclusive(path);
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  auto file = OpenOrDie("db");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(*file->Size(), 0u);
  // Opening and closing the file while locked keeps the lock.
  file.reset();
  EXPECT_EQ(vfs_->LockExclusive(path).status().code(), StatusCode::kBusy);
}

TEST_F(PosixVfsTest, LockExcludesOtherProcess) {
  std::string path = PathOf("db.lock");
  auto lock = vfs_->LockExclusive(path);
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  std::string expected = "database is locked by pid " + std::to_string(getpid());
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto other = DefaultVfs()->LockExclusive(path);
    int code = 0;
    if (other.ok()) {
      code = 1;
    } else if (other.status().code() != StatusCode::kBusy) {
      code = 2;
    } else if (other.status().message() != expected) {
      code = 3;
    }
    _exit(code);
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0) << "1: not locked, 2: wrong code, 3: wrong message";
}

TEST_F(PosixVfsTest, ReopenAfterLockRelease) {
  std::string path = PathOf("cycle.lock");
  for (int i = 0; i < 5; i++) {
    auto lock = vfs_->LockExclusive(path);
    ASSERT_TRUE(lock.ok()) << i << ": " << lock.status().ToString();
  }
}

TEST_F(PosixVfsTest, LockInMissingDirectoryFails) {
  auto lock = vfs_->LockExclusive(PathOf("nodir/db.lock"));
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.status().code(), StatusCode::kBusy);
}

}  // namespace
}  // namespace zq::storage
