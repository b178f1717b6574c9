// The VFS: every byte ZQLite stores goes through this interface, so tests can
// swap the POSIX implementation for the fault-injecting one (fault_vfs.hpp).
//
// Contract (both implementations honour it, tests rely on it):
//  - Write() data is visible to Read() at once, but survives a power cut only
//    after a later Sync() of the same file returned OK.
//  - Truncate() is also only durable after Sync().
//  - Read() past the end of the file returns fewer bytes (bytes_read), not an error.
//  - A failed Sync() leaves the durability of earlier writes unknown: callers
//    must treat the file as poisoned (never retry fsync and assume success).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "util/result.hpp"
#include "util/status.hpp"

namespace zq::storage {

class File {
 public:
  virtual ~File() = default;

  virtual Status Read(uint64_t offset, size_t n, uint8_t* out, size_t* bytes_read) = 0;
  virtual Status Write(uint64_t offset, const uint8_t* data, size_t n) = 0;
  virtual Status Sync() = 0;
  virtual Status Truncate(uint64_t size_bytes) = 0;
  virtual Result<uint64_t> Size() = 0;

  // Read-only shared mapping of the whole file reserving `reserve_bytes` of
  // address space, so that the mapping stays valid while the file grows.
  // Returns nullptr when the implementation cannot map; callers then Read().
  // The mapping lives as long as the File.
  virtual const uint8_t* Map(uint64_t reserve_bytes) {
    (void)reserve_bytes;
    return nullptr;
  }

  // Reads exactly n bytes or fails with Corruption naming `what` (short file).
  Status ReadExact(uint64_t offset, size_t n, uint8_t* out, const char* what);
};

enum class OpenFlags : unsigned {
  kReadOnly = 0,
  kReadWrite = 1,
  kCreate = 2,  // with kReadWrite: create when missing
};
inline OpenFlags operator|(OpenFlags a, OpenFlags b) {
  return static_cast<OpenFlags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
inline bool HasFlag(OpenFlags set, OpenFlags flag) {
  return (static_cast<unsigned>(set) & static_cast<unsigned>(flag)) != 0;
}

// An advisory whole-file lock held until destroyed (one writer process per database).
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Vfs {
 public:
  virtual ~Vfs() = default;

  virtual Result<std::unique_ptr<File>> Open(const std::string& path, OpenFlags flags) = 0;
  virtual bool Exists(const std::string& path) = 0;
  virtual Status Delete(const std::string& path) = 0;
  // Makes the creation of files in the directory of `path` durable.
  virtual Status SyncDirectoryOf(const std::string& path) = 0;
  // Takes an exclusive advisory lock on `path` (created if missing). Busy with
  // "database is locked by pid N" when another process holds it.
  virtual Result<std::unique_ptr<FileLock>> LockExclusive(const std::string& path) = 0;
};

// The process-wide POSIX VFS (pread/pwrite/fdatasync, flock-style locks).
Vfs* DefaultVfs();

}  // namespace zq::storage
