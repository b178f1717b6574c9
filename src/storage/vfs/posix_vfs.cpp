// The POSIX VFS: DefaultVfs() for real files on Linux.
//
// Invariants owned here:
//  - Every system call that can be interrupted is retried on EINTR; pread and
//    pwrite loop over short transfers, so Read() is short only at end of file.
//  - Sync() uses fsync, not fdatasync: Truncate() and file growth change the
//    size, and the size must be durable together with the data.
//  - A failed fsync is reported once and never retried here: the caller must
//    treat the file as poisoned (see the contract in vfs.hpp).
//  - Locks are open-file-description (OFD) locks. Classic POSIX record locks
//    belong to the process, so a second lock in the same process would succeed
//    silently and closing any descriptor of the file would drop the lock; OFD
//    locks exclude a second open in the same process as well, and are released
//    when the FileLock closes its descriptor.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <mutex>
#include <string>

#include "storage/vfs/vfs.hpp"
#include "util/assert.hpp"

namespace zq::storage {

namespace {

constexpr mode_t kCreateMode = 0644;
// The exclusive lock covers [0, kPidMarkerOffset); the byte at this offset
// carries the holder's pid (see BusyStatus). Nothing is written into the file:
// the locked path may be the database itself, whose emptiness means "create".
constexpr off_t kPidMarkerOffset = off_t{1} << 62;

Status ErrnoStatus(const std::string& path, const char* operation, int error_number) {
  std::string message = std::string(operation) + " " + path + ": " + std::strerror(error_number);
  if (error_number == ENOENT) return Status::NotFound(message);
  return Status::IOError(message);
}

Status OffsetStatus(const std::string& path, const char* operation, uint64_t offset,
                    int error_number) {
  return Status::IOError(std::string(operation) + " " + path + " at offset " +
                         std::to_string(offset) + ": " + std::strerror(error_number));
}

// off_t is signed: an offset that does not fit is a caller bug, not an OS error.
bool FitsOffset(uint64_t offset, size_t n) {
  constexpr uint64_t kOffsetMax = static_cast<uint64_t>(std::numeric_limits<off_t>::max());
  return offset <= kOffsetMax && n <= kOffsetMax - offset;
}

class PosixFile final : public File {
 public:
  PosixFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) { ZQ_ASSERT(fd_ >= 0); }

  ~PosixFile() override {
    if (map_ != nullptr) munmap(const_cast<uint8_t*>(map_), map_bytes_);
    // close() is not retried on EINTR: on Linux the descriptor is gone anyway.
    close(fd_);
  }

  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  Status Read(uint64_t offset, size_t n, uint8_t* out, size_t* bytes_read) override {
    ZQ_ASSERT(out != nullptr || n == 0);
    ZQ_ASSERT(bytes_read != nullptr);
    *bytes_read = 0;
    if (!FitsOffset(offset, n)) return Status::InvalidArgument("read offset out of range");
    size_t done = 0;
    while (done < n) {
      ssize_t got = pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0) {
        if (errno == EINTR) continue;
        return OffsetStatus(path_, "pread", offset + done, errno);
      }
      if (got == 0) break;  // end of file: a short read, not an error
      done += static_cast<size_t>(got);
    }
    ZQ_ASSERT(done <= n);
    *bytes_read = done;
    return Status::Ok();
  }

  Status Write(uint64_t offset, const uint8_t* data, size_t n) override {
    ZQ_ASSERT(data != nullptr || n == 0);
    if (!FitsOffset(offset, n)) return Status::InvalidArgument("write offset out of range");
    size_t done = 0;
    while (done < n) {
      ssize_t put = pwrite(fd_, data + done, n - done, static_cast<off_t>(offset + done));
      if (put < 0) {
        if (errno == EINTR) continue;
        return OffsetStatus(path_, "pwrite", offset + done, errno);
      }
      // A zero-byte write would loop forever; the kernel does this only when
      // it cannot make progress, which is the disk-full case in practice.
      if (put == 0) return OffsetStatus(path_, "pwrite", offset + done, ENOSPC);
      done += static_cast<size_t>(put);
    }
    ZQ_ASSERT(done == n);
    return Status::Ok();
  }

  Status Sync() override {
    int rc;
    do {
      rc = fsync(fd_);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return ErrnoStatus(path_, "fsync", errno);
    return Status::Ok();
  }

  Status Truncate(uint64_t size_bytes) override {
    if (!FitsOffset(size_bytes, 0)) return Status::InvalidArgument("truncate size out of range");
    int rc;
    do {
      rc = ftruncate(fd_, static_cast<off_t>(size_bytes));
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return ErrnoStatus(path_, "ftruncate", errno);
    return Status::Ok();
  }

  Result<uint64_t> Size() override {
    struct stat st {};
    if (fstat(fd_, &st) != 0) return ErrnoStatus(path_, "fstat", errno);
    ZQ_ASSERT(st.st_size >= 0);
    return static_cast<uint64_t>(st.st_size);
  }

  // Maps once: callers keep the returned pointer, so a second mapping at a
  // different address would leave two live views to keep apart.
  const uint8_t* Map(uint64_t reserve_bytes) override {
    std::lock_guard<std::mutex> guard(map_mutex_);
    if (map_ != nullptr) return map_;
    if (reserve_bytes == 0 || reserve_bytes > std::numeric_limits<size_t>::max()) return nullptr;
    size_t map_bytes = static_cast<size_t>(reserve_bytes);
    void* p = mmap(nullptr, map_bytes, PROT_READ, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) return nullptr;  // callers fall back to Read()
    map_ = static_cast<const uint8_t*>(p);
    map_bytes_ = map_bytes;
    return map_;
  }

 private:
  const std::string path_;
  const int fd_;
  std::mutex map_mutex_;
  const uint8_t* map_ = nullptr;  // guarded by map_mutex_; fixed once set
  size_t map_bytes_ = 0;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) { ZQ_ASSERT(fd_ >= 0); }
  // Closing the last descriptor of the open file description drops the lock.
  ~PosixFileLock() override { close(fd_); }
  PosixFileLock(const PosixFileLock&) = delete;
  PosixFileLock& operator=(const PosixFileLock&) = delete;

 private:
  const int fd_;
};

int OpenRetrying(const std::string& path, int flags, mode_t mode) {
  int fd;
  do {
    fd = open(path.c_str(), flags, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

std::string ParentDirectory(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Asks who holds the pid marker. OFD locks have no owning process (the kernel
// reports l_pid == -1 for them), so the holder also takes a classic
// process-owned lock on one byte past the locked range; an OFD query sees that
// byte's lock as a conflict with a real pid, even from within the same process.
Status BusyStatus(int fd) {
  struct flock query {};
  query.l_type = F_WRLCK;
  query.l_whence = SEEK_SET;
  query.l_start = kPidMarkerOffset;
  query.l_len = 1;
  if (fcntl(fd, F_OFD_GETLK, &query) == 0 && query.l_type != F_UNLCK && query.l_pid > 0) {
    return Status::Busy("database is locked by pid " + std::to_string(query.l_pid));
  }
  return Status::Busy("database is locked by another process");
}

// Returns 0 when locked, else an errno; EAGAIN or EACCES mean "held elsewhere".
int TryLockExclusive(int fd) {
  struct flock request {};
  request.l_type = F_WRLCK;
  request.l_whence = SEEK_SET;
  request.l_start = 0;
  request.l_len = kPidMarkerOffset;  // every byte a file can really have
  if (fcntl(fd, F_OFD_SETLK, &request) != 0) return errno;
  // Best effort: only improves the message a second opener gets. It may vanish
  // early (closing any descriptor of the file drops classic locks), which only
  // turns "pid N" into "another process".
  struct flock marker {};
  marker.l_type = F_RDLCK;
  marker.l_whence = SEEK_SET;
  marker.l_start = kPidMarkerOffset;
  marker.l_len = 1;
  int rc = fcntl(fd, F_SETLK, &marker);
  (void)rc;
  return 0;
}

class PosixVfs final : public Vfs {
 public:
  Result<std::unique_ptr<File>> Open(const std::string& path, OpenFlags flags) override {
    // kCreate implies kReadWrite: a file created read-only could never be filled.
    bool create = HasFlag(flags, OpenFlags::kCreate);
    bool writable = create || HasFlag(flags, OpenFlags::kReadWrite);
    int os_flags = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC;
    if (create) os_flags |= O_CREAT;
    int fd = OpenRetrying(path, os_flags, kCreateMode);
    if (fd < 0) return ErrnoStatus(path, "open", errno);
    struct stat st {};
    if (fstat(fd, &st) != 0) {
      Status s = ErrnoStatus(path, "fstat", errno);
      close(fd);
      return s;
    }
    if (!S_ISREG(st.st_mode)) {
      close(fd);
      return Status::IOError("open " + path + ": not a regular file");
    }
    return std::unique_ptr<File>(new PosixFile(path, fd));
  }

  bool Exists(const std::string& path) override {
    struct stat st {};
    return stat(path.c_str(), &st) == 0;
  }

  Status Delete(const std::string& path) override {
    if (unlink(path.c_str()) != 0) return ErrnoStatus(path, "unlink", errno);
    return Status::Ok();
  }

  Status SyncDirectoryOf(const std::string& path) override {
    std::string dir = ParentDirectory(path);
    int fd = OpenRetrying(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd < 0) return ErrnoStatus(dir, "open directory", errno);
    int rc;
    do {
      rc = fsync(fd);
    } while (rc != 0 && errno == EINTR);
    Status s = rc == 0 ? Status::Ok() : ErrnoStatus(dir, "fsync directory", errno);
    close(fd);
    return s;
  }

  Result<std::unique_ptr<FileLock>> LockExclusive(const std::string& path) override {
    int fd = OpenRetrying(path, O_RDWR | O_CREAT | O_CLOEXEC, kCreateMode);
    if (fd < 0) return ErrnoStatus(path, "open lock file", errno);
    int error_number = TryLockExclusive(fd);
    if (error_number == EAGAIN || error_number == EACCES) {
      Status busy = BusyStatus(fd);
      close(fd);
      return busy;
    }
    if (error_number != 0) {
      close(fd);
      return ErrnoStatus(path, "lock", error_number);
    }
    return std::unique_ptr<FileLock>(new PosixFileLock(fd));
  }
};

}  // namespace

Vfs* DefaultVfs() {
  // Never destroyed: files and locks may outlive static destruction order.
  static PosixVfs* const vfs = new PosixVfs();
  return vfs;
}

}  // namespace zq::storage
