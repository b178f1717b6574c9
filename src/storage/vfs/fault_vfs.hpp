// FaultVfs: an in-memory VFS that fails, crashes and loses power on demand.
// Every storage test runs on it, so that recovery code is exercised against
// the failures real disks produce: I/O errors, torn sector writes, lost
// unsynced writes and writes reaching the platter out of order.
//
// Model of one file:
//   durable  bytes that survive a power cut;
//   current  what reads see (durable + every pending op applied in order);
//   pending  the writes (offset + bytes) and truncates (size) issued since the
//            file's last successful Sync, in issue order.
// Sync applies pending to durable. PowerCut decides for each pending op on its
// own whether it reached the disk (see PowerCut). Creating a file with
// Open(kCreate) and Delete() are durable at once: directory operations are not
// what these tests are about, and SyncDirectoryOf is accepted as a no-op.
//
// Counting: read_count/write_count/sync_count and the FailNth/Crash* counters
// count File::Read/Write/Sync calls on live handles while the VFS is not
// crashed (calls that fail by injection are counted). Truncate, Size and the
// Vfs methods are never counted nor injected; they only fail when crashed or
// on a dead handle.
//
// Thread-safety: every method may be called from any thread; one mutex guards
// all state. Files and locks hold shared ownership of that state, so they may
// even outlive the FaultVfs (their operations then keep working on the orphaned
// state). Map() is not supported (returns nullptr).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "storage/vfs/vfs.hpp"
#include "util/result.hpp"
#include "util/status.hpp"

namespace zq::storage {

class FaultVfs : public Vfs {
 public:
  enum class Op { kRead, kWrite, kSync };

  // `seed` drives every random choice (torn prefixes, PowerCut outcomes), so a
  // failing test is replayed by its seed.
  explicit FaultVfs(uint64_t seed);
  ~FaultVfs() override;

  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  // Files live in memory, keyed by the exact path string. kCreate implies
  // kReadWrite. A missing file without kCreate is NotFound.
  Result<std::unique_ptr<File>> Open(const std::string& path, OpenFlags flags) override;
  bool Exists(const std::string& path) override;
  Status Delete(const std::string& path) override;  // NotFound when missing
  Status SyncDirectoryOf(const std::string& path) override;
  // In-memory lock table: a second lock on the same path while the first
  // FileLock lives is Busy ("database is locked ..."). Creates `path` if missing.
  Result<std::unique_ptr<FileLock>> LockExclusive(const std::string& path) override;

  // The n-th future operation of kind `op` (1-based, counted from this call)
  // fails with IOError("injected I/O error"); with sticky=true that one and
  // every later one of that kind fail. A failed Read reads nothing, a failed
  // Write changes nothing, a failed Sync makes nothing durable (its pending
  // writes stay pending: a later PowerCut may still keep or drop them).
  // Replaces an earlier FailNth setting for the same `op`.
  void FailNth(Op op, uint64_t n, bool sticky = false);

  // Crash points, counted over all files from this call, 1-based:
  // CrashAtSync(n): the n-th Sync makes nothing durable and returns IOError;
  //   from then on the VFS is crashed: every operation on every file, Open,
  //   Delete, SyncDirectoryOf and LockExclusive return
  //   IOError("simulated power cut"), until PowerCut.
  // CrashAtWrite(n): the n-th Write lands only partly in the volatile content
  //   (a random prefix, possibly empty, never the whole write), returns
  //   IOError, and the VFS becomes crashed as above.
  void CrashAtSync(uint64_t n);
  void CrashAtWrite(uint64_t n);
  // Removes pending FailNth (sticky included) and Crash* settings. Does not
  // leave the crashed state: only PowerCut does.
  void ClearFaults();

  bool crashed() const;
  uint64_t read_count() const;  // totals since construction
  uint64_t write_count() const;
  uint64_t sync_count() const;

  // Simulates power loss and reboot. For every file, each write issued since
  // its last successful Sync is independently applied fully, dropped, or torn
  // (applied only for a random subset of the 512-byte-aligned sectors it
  // touches; a torn write past the old end may leave zeros before its kept
  // sectors, as a file system that extended the size first does); each
  // truncate is kept or dropped. The kept ops are applied in issue order.
  // Then the volatile content becomes the durable content, pending ops are
  // forgotten, the crashed state and all fault settings are cleared, all locks
  // are released, and every File opened before the cut is dead: its operations
  // return IOError("file handle from before power cut"). Allowed with no crash
  // first (a sudden power loss).
  void PowerCut();
  // As PowerCut, but every unsynced op is kept (the OS flushed everything).
  void PowerCutKeepAll();

  // Direct access for tests: bypasses faults, the crashed state and counters.
  // FlipBit flips bit `bit` (0..7) of the byte at `byte_offset` in the
  // volatile content and, when the durable content has that byte, there too.
  // A pending write over that byte may still overwrite the flip at PowerCut.
  Status FlipBit(const std::string& path, uint64_t byte_offset, int bit);
  // The current (volatile) content; NotFound when the file does not exist.
  Result<std::string> ReadFileBytes(const std::string& path);
  // Replaces the content (creating the file), durable at once; open handles
  // see the new bytes.
  Status WriteFileBytes(const std::string& path, std::string_view bytes);

  // Sector size PowerCut tears writes at.
  static constexpr uint64_t kSectorBytes = 512;
  // Writes that would grow a file past this fail with IOError (as EFBIG), so a
  // wild offset in a test cannot exhaust memory.
  static constexpr uint64_t kFileBytesMax = uint64_t{1} << 30;

  struct State;  // shared with files and locks; defined in fault_vfs.cpp

 private:
  void Cut(bool keep_all);

  std::shared_ptr<State> state_;
};

}  // namespace zq::storage
