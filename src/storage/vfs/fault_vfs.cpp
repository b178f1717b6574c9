// FaultVfs implementation; the model and its rules are in fault_vfs.hpp.
//
// Invariants owned here (all under State::mutex):
//  - For every file, applying its pending ops in order to `durable` yields
//    `current` (Sync and the cuts rely on it; FlipBit is the documented
//    exception).
//  - A File or FileLock is tied to the epoch it was made in; PowerCut bumps the
//    epoch, which kills every older handle and lock at once.
//  - Random choices use raw mt19937_64 output (never std::*_distribution,
//    whose results differ between standard libraries), so a seed replays the
//    same faults everywhere.
#include "storage/vfs/fault_vfs.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <vector>

#include "util/assert.hpp"

namespace zq::storage {

struct FaultVfs::State {
  // A write (offset + bytes) or a truncate (new size in `offset`).
  struct PendingOp {
    bool is_truncate = false;
    uint64_t offset = 0;
    std::string data;
  };
  struct FileData {
    std::string durable;
    std::string current;
    std::vector<PendingOp> pending;
  };
  struct FailSetting {
    uint64_t countdown = 0;  // 0: no pending failure
    bool sticky = false;
    bool failing = false;  // a sticky failure has started
  };
  enum class Verdict { kProceed, kFail, kCrash };

  explicit State(uint64_t seed) : rng(seed) {}

  Status CheckLive(uint64_t handle_epoch) const;
  Verdict Tick(Op op);
  uint64_t Random(uint64_t bound);
  void CutFile(FileData* file, bool keep_all);
  void TearInto(std::string* disk, const PendingOp& op);

  mutable std::mutex mutex;
  std::mt19937_64 rng;
  std::map<std::string, std::shared_ptr<FileData>> files;
  std::map<std::string, uint64_t> locks;  // path -> token of the live lock
  uint64_t next_lock_token = 1;
  uint64_t epoch = 0;  // PowerCut count
  bool crashed = false;
  std::array<FailSetting, 3> fail{};
  uint64_t crash_sync_countdown = 0;  // 0: none
  uint64_t crash_write_countdown = 0;
  std::array<uint64_t, 3> counts{};  // by Op
};

namespace {

using State = FaultVfs::State;

constexpr char kInjectedMessage[] = "injected I/O error";
constexpr char kCrashedMessage[] = "simulated power cut";
constexpr char kDeadHandleMessage[] = "file handle from before power cut";

size_t OpIndex(FaultVfs::Op op) {
  size_t index = static_cast<size_t>(op);
  ZQ_ASSERT(index < 3);
  return index;
}

// Copies `n` bytes to `offset`, growing the string with zeros as a file grows.
void ApplyBytes(std::string* content, uint64_t offset, const char* data, size_t n) {
  ZQ_ASSERT(offset + n <= FaultVfs::kFileBytesMax);
  if (n == 0) return;
  if (content->size() < offset + n) content->resize(offset + n, '\0');
  std::memcpy(content->data() + offset, data, n);
}

// Counts down a "the n-th one" setting; true on the n-th call.
bool CountDown(uint64_t* countdown) {
  if (*countdown == 0) return false;
  --*countdown;
  return *countdown == 0;
}

}  // namespace

Status State::CheckLive(uint64_t handle_epoch) const {
  if (handle_epoch != epoch) return Status::IOError(kDeadHandleMessage);
  if (crashed) return Status::IOError(kCrashedMessage);
  return Status::Ok();
}

// Counts one Read/Write/Sync and decides its fate. Both counters tick even
// when one of them fires, so the settings stay independent of each other.
State::Verdict State::Tick(Op op) {
  ZQ_ASSERT(!crashed);
  size_t index = OpIndex(op);
  counts[index]++;
  bool crash = false;
  if (op == Op::kSync) crash = CountDown(&crash_sync_countdown);
  if (op == Op::kWrite) crash = CountDown(&crash_write_countdown);
  FailSetting& setting = fail[index];
  bool fail_now = setting.failing;
  if (CountDown(&setting.countdown)) {
    fail_now = true;
    setting.failing = setting.sticky;
  }
  if (crash) return Verdict::kCrash;
  return fail_now ? Verdict::kFail : Verdict::kProceed;
}

uint64_t State::Random(uint64_t bound) {
  ZQ_ASSERT(bound > 0);
  return rng() % bound;  // the bias is irrelevant for fault choices
}

// Applies only a random subset of the sectors `op` touches: a sector is the
// unit a disk writes atomically, so a write cut by power loss is torn there.
void State::TearInto(std::string* disk, const PendingOp& op) {
  ZQ_ASSERT(!op.is_truncate);
  uint64_t end = op.offset + op.data.size();
  uint64_t sector_start = op.offset - op.offset % kSectorBytes;
  for (; sector_start < end; sector_start += kSectorBytes) {
    if (Random(2) == 0) continue;
    uint64_t from = std::max(sector_start, op.offset);
    uint64_t to = std::min(sector_start + kSectorBytes, end);
    ZQ_ASSERT(from < to);
    ApplyBytes(disk, from, op.data.data() + (from - op.offset), to - from);
  }
}

void State::CutFile(FileData* file, bool keep_all) {
  std::string disk = file->durable;
  for (const PendingOp& op : file->pending) {
    if (op.is_truncate) {
      if (keep_all || Random(2) == 0) disk.resize(op.offset, '\0');
      continue;
    }
    uint64_t choice = keep_all ? 0 : Random(3);
    if (choice == 0) {
      ApplyBytes(&disk, op.offset, op.data.data(), op.data.size());
    } else if (choice == 1) {
      TearInto(&disk, op);
    }  // else: the write never reached the disk
  }
  file->durable = disk;
  file->current = std::move(disk);
  file->pending.clear();
}

namespace {

class FaultFile final : public File {
 public:
  FaultFile(std::shared_ptr<State> state, std::shared_ptr<State::FileData> data, uint64_t epoch,
            bool writable)
      : state_(std::move(state)), data_(std::move(data)), epoch_(epoch), writable_(writable) {
    ZQ_ASSERT(state_ != nullptr);
    ZQ_ASSERT(data_ != nullptr);
  }

  Status Read(uint64_t offset, size_t n, uint8_t* out, size_t* bytes_read) override {
    ZQ_ASSERT(out != nullptr || n == 0);
    ZQ_ASSERT(bytes_read != nullptr);
    *bytes_read = 0;
    std::lock_guard<std::mutex> guard(state_->mutex);
    ZQ_RETURN_IF_ERROR(state_->CheckLive(epoch_));
    if (state_->Tick(FaultVfs::Op::kRead) != State::Verdict::kProceed) {
      return Status::IOError(kInjectedMessage);
    }
    const std::string& content = data_->current;
    if (offset >= content.size()) return Status::Ok();
    size_t available = static_cast<size_t>(content.size() - offset);
    size_t count = std::min(n, available);
    if (count > 0) std::memcpy(out, content.data() + offset, count);
    *bytes_read = count;
    return Status::Ok();
  }

  Status Write(uint64_t offset, const uint8_t* data, size_t n) override {
    ZQ_ASSERT(data != nullptr || n == 0);
    std::lock_guard<std::mutex> guard(state_->mutex);
    ZQ_RETURN_IF_ERROR(state_->CheckLive(epoch_));
    if (!writable_) return Status::IOError("write: file opened read-only");
    if (offset > FaultVfs::kFileBytesMax || n > FaultVfs::kFileBytesMax - offset) {
      return Status::IOError("write: file too large for FaultVfs");
    }
    size_t landed = n;
    switch (state_->Tick(FaultVfs::Op::kWrite)) {
      case State::Verdict::kProceed:
        break;
      case State::Verdict::kFail:
        return Status::IOError(kInjectedMessage);
      case State::Verdict::kCrash:
        // The power fails mid-transfer: a prefix reached the page cache.
        landed = n == 0 ? 0 : static_cast<size_t>(state_->Random(n));
        state_->crashed = true;
        break;
    }
    if (landed > 0) {
      const char* bytes = reinterpret_cast<const char*>(data);
      ApplyBytes(&data_->current, offset, bytes, landed);
      data_->pending.push_back(State::PendingOp{false, offset, std::string(bytes, landed)});
    }
    if (state_->crashed) return Status::IOError(kCrashedMessage);
    return Status::Ok();
  }

  Status Sync() override {
    std::lock_guard<std::mutex> guard(state_->mutex);
    ZQ_RETURN_IF_ERROR(state_->CheckLive(epoch_));
    switch (state_->Tick(FaultVfs::Op::kSync)) {
      case State::Verdict::kProceed:
        break;
      case State::Verdict::kFail:
        return Status::IOError(kInjectedMessage);
      case State::Verdict::kCrash:
        state_->crashed = true;
        return Status::IOError(kCrashedMessage);
    }
    data_->durable = data_->current;
    data_->pending.clear();
    return Status::Ok();
  }

  Status Truncate(uint64_t size_bytes) override {
    std::lock_guard<std::mutex> guard(state_->mutex);
    ZQ_RETURN_IF_ERROR(state_->CheckLive(epoch_));
    if (!writable_) return Status::IOError("truncate: file opened read-only");
    if (size_bytes > FaultVfs::kFileBytesMax) {
      return Status::IOError("truncate: file too large for FaultVfs");
    }
    data_->current.resize(size_bytes, '\0');
    data_->pending.push_back(State::PendingOp{true, size_bytes, std::string()});
    return Status::Ok();
  }

  Result<uint64_t> Size() override {
    std::lock_guard<std::mutex> guard(state_->mutex);
    ZQ_RETURN_IF_ERROR(state_->CheckLive(epoch_));
    return static_cast<uint64_t>(data_->current.size());
  }

 private:
  const std::shared_ptr<State> state_;
  // Shared with the file table: a deleted file lives on for its open handles,
  // as an unlinked inode does.
  const std::shared_ptr<State::FileData> data_;
  const uint64_t epoch_;
  const bool writable_;
};

class FaultFileLock final : public FileLock {
 public:
  FaultFileLock(std::shared_ptr<State> state, std::string path, uint64_t token)
      : state_(std::move(state)), path_(std::move(path)), token_(token) {}

  // Releases only its own entry: after a PowerCut the path may be locked anew.
  ~FaultFileLock() override {
    std::lock_guard<std::mutex> guard(state_->mutex);
    auto it = state_->locks.find(path_);
    if (it != state_->locks.end() && it->second == token_) state_->locks.erase(it);
  }

  FaultFileLock(const FaultFileLock&) = delete;
  FaultFileLock& operator=(const FaultFileLock&) = delete;

 private:
  const std::shared_ptr<State> state_;
  const std::string path_;
  const uint64_t token_;
};

}  // namespace

FaultVfs::FaultVfs(uint64_t seed) : state_(std::make_shared<State>(seed)) {}

FaultVfs::~FaultVfs() = default;

Result<std::unique_ptr<File>> FaultVfs::Open(const std::string& path, OpenFlags flags) {
  bool create = HasFlag(flags, OpenFlags::kCreate);
  bool writable = create || HasFlag(flags, OpenFlags::kReadWrite);
  std::lock_guard<std::mutex> guard(state_->mutex);
  if (state_->crashed) return Status::IOError(kCrashedMessage);
  auto it = state_->files.find(path);
  if (it == state_->files.end()) {
    if (!create) return Status::NotFound("open " + path + ": no such file");
    it = state_->files.emplace(path, std::make_shared<State::FileData>()).first;
  }
  return std::unique_ptr<File>(new FaultFile(state_, it->second, state_->epoch, writable));
}

bool FaultVfs::Exists(const std::string& path) {
  std::lock_guard<std::mutex> guard(state_->mutex);
  return state_->files.count(path) != 0;
}

Status FaultVfs::Delete(const std::string& path) {
  std::lock_guard<std::mutex> guard(state_->mutex);
  if (state_->crashed) return Status::IOError(kCrashedMessage);
  if (state_->files.erase(path) == 0) return Status::NotFound("delete " + path + ": no such file");
  return Status::Ok();
}

Status FaultVfs::SyncDirectoryOf(const std::string& path) {
  (void)path;  // creation and deletion are durable at once in this model
  std::lock_guard<std::mutex> guard(state_->mutex);
  if (state_->crashed) return Status::IOError(kCrashedMessage);
  return Status::Ok();
}

Result<std::unique_ptr<FileLock>> FaultVfs::LockExclusive(const std::string& path) {
  std::lock_guard<std::mutex> guard(state_->mutex);
  if (state_->crashed) return Status::IOError(kCrashedMessage);
  if (state_->locks.count(path) != 0) {
    // Every holder is in this process: the message matches DefaultVfs's shape.
    return Status::Busy("database is locked by pid " + std::to_string(getpid()));
  }
  if (state_->files.count(path) == 0) {
    state_->files.emplace(path, std::make_shared<State::FileData>());
  }
  uint64_t token = state_->next_lock_token++;
  state_->locks.emplace(path, token);
  return std::unique_ptr<FileLock>(new FaultFileLock(state_, path, token));
}

void FaultVfs::FailNth(Op op, uint64_t n, bool sticky) {
  ZQ_ASSERT(n >= 1);
  std::lock_guard<std::mutex> guard(state_->mutex);
  state_->fail[OpIndex(op)] = State::FailSetting{n, sticky, false};
}

void FaultVfs::CrashAtSync(uint64_t n) {
  ZQ_ASSERT(n >= 1);
  std::lock_guard<std::mutex> guard(state_->mutex);
  state_->crash_sync_countdown = n;
}

void FaultVfs::CrashAtWrite(uint64_t n) {
  ZQ_ASSERT(n >= 1);
  std::lock_guard<std::mutex> guard(state_->mutex);
  state_->crash_write_countdown = n;
}

void FaultVfs::ClearFaults() {
  std::lock_guard<std::mutex> guard(state_->mutex);
  state_->fail = {};
  state_->crash_sync_countdown = 0;
  state_->crash_write_countdown = 0;
}

bool FaultVfs::crashed() const {
  std::lock_guard<std::mutex> guard(state_->mutex);
  return state_->crashed;
}

uint64_t FaultVfs::read_count() const {
  std::lock_guard<std::mutex> guard(state_->mutex);
  return state_->counts[OpIndex(Op::kRead)];
}

uint64_t FaultVfs::write_count() const {
  std::lock_guard<std::mutex> guard(state_->mutex);
  return state_->counts[OpIndex(Op::kWrite)];
}

uint64_t FaultVfs::sync_count() const {
  std::lock_guard<std::mutex> guard(state_->mutex);
  return state_->counts[OpIndex(Op::kSync)];
}

void FaultVfs::PowerCut() {
  Cut(/*keep_all=*/false);
}

void FaultVfs::PowerCutKeepAll() {
  Cut(/*keep_all=*/true);
}

void FaultVfs::Cut(bool keep_all) {
  std::lock_guard<std::mutex> guard(state_->mutex);
  // std::map iterates in path order, so the random stream is replayable.
  for (auto& [path, file] : state_->files) state_->CutFile(file.get(), keep_all);
  state_->epoch++;
  state_->crashed = false;
  state_->fail = {};
  state_->crash_sync_countdown = 0;
  state_->crash_write_countdown = 0;
  state_->locks.clear();
}

Status FaultVfs::FlipBit(const std::string& path, uint64_t byte_offset, int bit) {
  if (bit < 0 || bit > 7) return Status::InvalidArgument("FlipBit: bit must be 0..7");
  std::lock_guard<std::mutex> guard(state_->mutex);
  auto it = state_->files.find(path);
  if (it == state_->files.end()) return Status::NotFound("FlipBit " + path + ": no such file");
  State::FileData& file = *it->second;
  if (byte_offset >= file.current.size()) {
    return Status::InvalidArgument("FlipBit " + path + ": offset past end of file");
  }
  char mask = static_cast<char>(1 << bit);
  file.current[byte_offset] ^= mask;
  if (byte_offset < file.durable.size()) file.durable[byte_offset] ^= mask;
  return Status::Ok();
}

Result<std::string> FaultVfs::ReadFileBytes(const std::string& path) {
  std::lock_guard<std::mutex> guard(state_->mutex);
  auto it = state_->files.find(path);
  if (it == state_->files.end()) return Status::NotFound("read " + path + ": no such file");
  return it->second->current;
}

Status FaultVfs::WriteFileBytes(const std::string& path, std::string_view bytes) {
  if (bytes.size() > kFileBytesMax) return Status::InvalidArgument("file too large");
  std::lock_guard<std::mutex> guard(state_->mutex);
  std::shared_ptr<State::FileData>& file = state_->files[path];
  if (file == nullptr) file = std::make_shared<State::FileData>();
  file->durable.assign(bytes);
  file->current.assign(bytes);
  file->pending.clear();
  return Status::Ok();
}

}  // namespace zq::storage
