// The commit pipeline: validate (first committer wins), apply copy-on-write,
// append to the pending WAL buffer, and group-commit flushes.
#include <algorithm>
#include <chrono>
#include <thread>

#include "storage/btree/btree.hpp"
#include "storage/store/batch_state.hpp"
#include "storage/store/store_impl.hpp"
#include "storage/store/store_txn.hpp"
#include "storage/store/tree_access.hpp"
#include "util/assert.hpp"
#include "util/checksum.hpp"
#include "util/coding.hpp"
#include "util/limits.hpp"

namespace zq::storage {

namespace {
// Write-set entries are 64-bit hashes of (tree, key); a tree-level entry
// (create/drop) uses a key no real key can equal in length-prefixed form.
uint64_t KeyHash(TreeId tree, std::string_view key) {
  return Checksum64(key.data(), key.size(), tree * 0x9E3779B97F4A7C15ull + 1);
}
uint64_t TreeHash(TreeId tree) { return Checksum64("\xff/tree", 6, tree * 0xC2B2AE3D27D4EB4Full); }

uint64_t NowNanos() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

bool Intersects(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i == *j) return true;
    if (*i < *j) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}
}  // namespace

Status StoreImpl::ValidateLocked(uint64_t snapshot_seq, const std::vector<uint64_t>& check) {
  for (auto it = history_.rbegin(); it != history_.rend() && it->seq > snapshot_seq; ++it) {
    if (Intersects(check, it->hashes)) {
      return Status::Conflict(
          "could not serialize access due to concurrent update (retry the transaction)");
    }
  }
  return Status::Ok();
}

namespace {
// Write set (what later transactions conflict with) and check set (what this
// one must not overlap), as sorted hashes.
void WriteSets(const ChangeSet& changes, std::vector<uint64_t>* writes,
               std::vector<uint64_t>* check) {
  for (const auto& [tree, tc] : changes.trees()) {
    check->push_back(TreeHash(tree));
    if (tc.dropped || tc.created) writes->push_back(TreeHash(tree));
    for (const auto& op : tc.ops) writes->push_back(KeyHash(tree, op.first));
  }
  std::sort(writes->begin(), writes->end());
  check->insert(check->end(), writes->begin(), writes->end());
  std::sort(check->begin(), check->end());
}

// A logged batch is never validated (batches run serially under the commit
// lock), so it needs only the write set that later transactions check against.
// It is recorded per tree, not per key: a transaction whose snapshot predates
// the batch and that writes one of the batch's trees conflicts (retryable).
// That is coarser than per key, and safe; the ledger's batches write only the
// ledger's trees, which transactions do not write, and hashing the tens of
// thousands of keys of a batch cost several percent of its time.
std::vector<uint64_t> BatchWriteSet(const std::vector<TreeId>& trees) {
  std::vector<uint64_t> writes;
  writes.reserve(trees.size());
  for (TreeId tree : trees) writes.push_back(TreeHash(tree));
  std::sort(writes.begin(), writes.end());
  return writes;
}

// Counts the threads inside a commit (group-commit batching uses it).
class InCommit {
 public:
  explicit InCommit(std::atomic<int>* n) : n_(n) { (*n_)++; }
  ~InCommit() { (*n_)--; }
  InCommit(const InCommit&) = delete;
  InCommit& operator=(const InCommit&) = delete;

 private:
  std::atomic<int>* n_;
};
}  // namespace

uint64_t StoreImpl::NextTimestampLocked(uint64_t count) {
  uint64_t now = options_.clock != nullptr ? options_.clock() : NowNanos();
  last_timestamp_ = std::max(last_timestamp_ + count, now);
  return last_timestamp_;
}

uint64_t StoreImpl::PrepareApplyLocked(uint64_t* bound) {
  // One bound serves both uses: it only grows, so reusing it after the apply
  // keeps at least as much conflict history as recomputing it would.
  *bound = ReclaimBound();
  pager_->Reclaim(*bound);
  return working_seq_ + 1;
}

void StoreImpl::QueueLocked(uint64_t seq, uint64_t bound, WalRecordKind kind, std::string payload,
                            std::vector<uint64_t> writes) {
  working_seq_ = seq;
  pending_.push_back({seq, kind, std::move(payload)});
  if (pending_count_++ == 0) group_start_ns_ = NowNanos();
  // A slowly decaying peak: the last committer of a group sees the whole group
  // inside Commit, the first sees almost nobody; the peak is the group size.
  const int peak = concurrency_x256_.load(std::memory_order_relaxed);
  concurrency_x256_.store(std::max(in_commit_.load() * 256, peak - peak / 64),
                          std::memory_order_relaxed);
  pending_seq_ = seq;
  pending_root_ = working_root_;
  history_.push_back({seq, std::move(writes)});
  while (!history_.empty() && history_.front().seq <= bound) history_.pop_front();
  commits_++;
}

Status StoreImpl::ApplyAndQueueLocked(const ChangeSet& changes, std::string payload,
                                      std::vector<uint64_t> writes, uint64_t* seq) {
  if (payload.size() > limits::kWalRecordBytesMax) {
    return Status::LimitExceeded("transaction too large for one WAL record");
  }
  uint64_t bound = 0;
  *seq = PrepareApplyLocked(&bound);
  Status s = Apply(*seq, changes);
  if (!s.ok()) {  // the working trees may be half-changed: stop all writes
    Poison(s);
    return s;
  }
  QueueLocked(*seq, bound, WalRecordKind::kChanges, std::move(payload), std::move(writes));
  return Status::Ok();
}

Status StoreImpl::Commit(uint64_t snapshot_seq, ChangeSet changes) {
  if (options_.read_only) return Status::InvalidArgument("database is open read-only");
  if (poisoned_flag_) {
    std::lock_guard<std::mutex> lock(flush_mu_);
    return poisoned_;
  }
  std::vector<uint64_t> writes, check;
  WriteSets(changes, &writes, &check);
  uint64_t seq = 0;
  InCommit in_commit(&in_commit_);
  {
    std::lock_guard<std::mutex> lock(commit_mu_);
    if (poisoned_flag_) return Status::Poisoned("database is poisoned: reopen it");
    ZQ_RETURN_IF_ERROR(ValidateLocked(snapshot_seq, check));
    changes.commit_timestamp = NextTimestampLocked(1);
    ZQ_RETURN_IF_ERROR(ApplyAndQueueLocked(changes, changes.Encode(), std::move(writes), &seq));
  }
  ZQ_RETURN_IF_ERROR(WaitDurable(seq));
  MaybeCheckpoint();
  return Status::Ok();
}

Status StoreImpl::ExecuteBatchLocked(std::string_view input, uint64_t last_timestamp,
                                     uint64_t seq, std::string* output,
                                     std::vector<TreeId>* written) {
  if (options_.batch_executor == nullptr) {
    return Status::NotSupported("logged batches need StoreOptions::batch_executor");
  }
  if (!batch_context_) batch_context_ = options_.batch_executor->NewContext();
  BatchState state(pager_.get(), working_root_, seq);
  Status s = options_.batch_executor->Execute(input, last_timestamp, &state,
                                              batch_context_.get(), output);
  Result<PageNo> roots = s.ok() ? state.Finish() : Result<PageNo>(s);
  if (!roots.ok()) {
    // Writes went straight into the working trees and cannot be taken back;
    // the context may describe writes the batch did not finish. Without
    // writes, the trees and the context (and any work it deferred) stand.
    if (state.wrote()) {
      batch_context_.reset();
      Poison(roots.status());
    }
    return roots.status();
  }
  working_root_ = *roots;
  *written = state.WrittenTrees();
  return Status::Ok();
}

Status StoreImpl::SettleLocked() {
  if (!batch_context_) return Status::Ok();
  if (poisoned_flag_) return Status::Poisoned("database is poisoned: reopen it");
  const std::string input = options_.batch_executor->SettleInput(batch_context_.get());
  if (input.empty()) return Status::Ok();
  // Takes no timestamp: settles happen whenever someone reads, and batch
  // timestamps must not depend on that.
  const uint64_t ts = last_timestamp_;
  uint64_t bound = 0;
  const uint64_t seq = PrepareApplyLocked(&bound);
  std::vector<TreeId> written;
  ZQ_RETURN_IF_ERROR(ExecuteBatchLocked(input, ts, seq, nullptr, &written));
  if (options_.read_only) {  // settles what recovery replayed; nothing to log
    working_seq_ = seq;
    return Status::Ok();
  }
  std::string payload;
  AppendFixed64(&payload, ts);
  payload.append(input);
  QueueLocked(seq, bound, WalRecordKind::kBatch, std::move(payload), BatchWriteSet(written));
  return Status::Ok();
}

// Batch record payload: last_timestamp u64 | input.
Status StoreImpl::CommitBatch(std::string_view input, uint64_t timestamp_count,
                              std::string* output) {
  if (options_.read_only) return Status::InvalidArgument("database is open read-only");
  if (timestamp_count == 0) return Status::InvalidArgument("timestamp_count must be >= 1");
  if (input.size() + 8 > limits::kWalRecordBytesMax) {
    return Status::LimitExceeded("batch too large for one WAL record");
  }
  if (poisoned_flag_) {
    std::lock_guard<std::mutex> lock(flush_mu_);
    return poisoned_;
  }
  uint64_t seq = 0;
  InCommit in_commit(&in_commit_);
  {
    std::lock_guard<std::mutex> lock(commit_mu_);
    if (poisoned_flag_) return Status::Poisoned("database is poisoned: reopen it");
    uint64_t saved_timestamp = last_timestamp_;
    uint64_t ts = NextTimestampLocked(timestamp_count);
    uint64_t bound = 0;
    seq = PrepareApplyLocked(&bound);
    std::vector<TreeId> written;
    Status s = ExecuteBatchLocked(input, ts, seq, output, &written);
    if (!s.ok()) {
      last_timestamp_ = saved_timestamp;
      return s;
    }
    std::string payload;
    payload.reserve(8 + input.size());
    AppendFixed64(&payload, ts);
    payload.append(input);
    QueueLocked(seq, bound, WalRecordKind::kBatch, std::move(payload), BatchWriteSet(written));
  }
  ZQ_RETURN_IF_ERROR(WaitDurable(seq));
  MaybeCheckpoint();
  return Status::Ok();
}

Status StoreImpl::Apply(uint64_t seq, const ChangeSet& changes) {
  PageNo roots = working_root_;
  for (const auto& [tree, tc] : changes.trees()) {
    ZQ_RETURN_IF_ERROR(ApplyTree(seq, tree, tc, &roots));
    if (tc.created && tree >= next_tree_id_.load()) next_tree_id_ = tree + 1;
  }
  working_root_ = roots;
  return Status::Ok();
}

Status StoreImpl::ApplyTree(uint64_t seq, TreeId tree, const TreeChanges& tc, PageNo* roots) {
  TreeWriter writer(pager_.get(), seq);
  PageNo root = kNullPage;
  ZQ_ASSIGN_OR_RETURN(bool exists, LookupTreeRoot(pager_.get(), *roots, tree, &root));
  if (tc.dropped) {
    if (!exists) return Status::Corruption("commit drops a tree that does not exist");
    ZQ_RETURN_IF_ERROR(writer.Destroy(root));
    bool existed = false;
    ZQ_RETURN_IF_ERROR(writer.Delete(roots, TreeOfTreesKey(tree), &existed));
    exists = false;
    root = kNullPage;
  }
  if (tc.created) {
    if (exists) return Status::Corruption("commit creates a tree that exists");
    exists = true;
  }
  if (!exists) {
    if (tc.ops.empty()) return Status::Ok();
    return Status::Corruption("commit writes to a tree that does not exist");
  }
  for (const auto& [key, op] : tc.ops) {
    bool changed = false;
    if (op) {
      ZQ_RETURN_IF_ERROR(writer.Put(&root, key, *op, &changed));
    } else {
      ZQ_RETURN_IF_ERROR(writer.Delete(&root, key, &changed));
    }
  }
  return StoreTreeRoot(&writer, roots, tree, root);
}

// ---- group commit -------------------------------------------------------------

void StoreImpl::AcquireFlushRights() {
  std::unique_lock<std::mutex> lock(flush_mu_);
  flush_cv_.wait(lock, [this] { return !flushing_; });
  flushing_ = true;
}

void StoreImpl::ReleaseFlushRights(uint64_t durable_seq) {
  std::lock_guard<std::mutex> lock(flush_mu_);
  flushing_ = false;
  durable_seq_ = std::max(durable_seq_.load(), durable_seq);
  flush_cv_.notify_all();
}

void StoreImpl::Poison(const Status& cause) {
  std::lock_guard<std::mutex> lock(flush_mu_);
  if (poisoned_.ok()) {
    poisoned_ = Status::Poisoned("database is poisoned after a failed write (" +
                                 cause.ToString() + "): reopen it to recover");
  }
  poisoned_flag_ = true;
  flush_cv_.notify_all();
}

namespace {
constexpr size_t kWalFramesKeptBytes = size_t{16} << 20;
}  // namespace

// Writes and fsyncs every pending record in one go, then publishes the newest
// root it covers. Caller holds flush rights.
Result<uint64_t> StoreImpl::FlushPending(bool commit_mu_held) {
  std::vector<PendingRecord> records;
  uint64_t last_seq = 0;
  uint64_t salt = 0;
  PageNo root = kNullPage;
  bool publish = false;
  {
    std::unique_lock<std::mutex> lock(commit_mu_, std::defer_lock);
    if (!commit_mu_held) lock.lock();
    // With nobody reading, the pages stay private (later commits change them
    // in place); a reader arriving later publishes on demand.
    publish = readers_since_publish_.exchange(false);
    if (publish) {
      // Readers only ever see settled states (BatchExecutor::SettleInput).
      Status settled = SettleLocked();
      if (!settled.ok()) {
        readers_since_publish_ = true;
        return settled;
      }
    }
    records.swap(pending_);
    pending_count_ = 0;
    last_seq = pending_seq_;
    root = pending_root_;
    salt = wal_salt_;
    if (publish) pager_->set_claimed_seq(last_seq);  // from now on readers may see these pages
  }
  if (!records.empty()) {
    std::string& batch = wal_frames_;
    batch.clear();
    const uint64_t batch_first = records.front().seq;
    for (PendingRecord& r : records) {
      ZQ_RETURN_IF_ERROR(AppendWalRecord(pager_->codec(), salt, r.seq, batch_first, r.kind,
                                         std::move(r.payload), &batch));
    }
    ZQ_RETURN_IF_ERROR(wal_file_->Write(wal_end_, reinterpret_cast<const uint8_t*>(batch.data()),
                                        batch.size()));
    auto t0 = std::chrono::steady_clock::now();
    ZQ_RETURN_IF_ERROR(wal_file_->Sync());
    last_sync_ns_ = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::steady_clock::now() - t0)
                                              .count());
    wal_end_ += batch.size();
    wal_bytes_ += batch.size();
    wal_flushes_++;
    if (batch.capacity() > kWalFramesKeptBytes) std::string().swap(batch);  // a rare large commit
  }
  if (publish) {
    std::lock_guard<std::mutex> lock(snap_mu_);
    published_ = {root, last_seq};
    published_seq_ = last_seq;
  }
  return last_seq;
}

void StoreImpl::PublishWorkingLocked() {
  pager_->set_claimed_seq(working_seq_);
  std::lock_guard<std::mutex> lock(snap_mu_);
  published_ = {working_root_, working_seq_};
  published_seq_ = working_seq_;
}

void StoreImpl::PublishWorking() {
  AcquireFlushRights();
  uint64_t durable = 0;
  {
    std::lock_guard<std::mutex> lock(commit_mu_);
    if (!poisoned_flag_) {
      // Everything applied must be settled and durable before readers may see it.
      Status settled = SettleLocked();
      Result<uint64_t> flushed = settled.ok() ? FlushPending(true) : Result<uint64_t>(settled);
      if (flushed.ok()) {
        durable = working_seq_;
        PublishWorkingLocked();
      } else {
        Poison(flushed.status());  // readers keep the last published root
      }
    }
  }
  ReleaseFlushRights(durable);
}

// A group is ready to flush when it holds as many commits as recently ran at
// once, or when its oldest commit has waited one fsync's time (measured: half
// an fsync often cut groups short on a 2-vCPU machine). The committer that
// completes a group flushes it itself: it is already running, while waking a
// sleeping leader costs tens of microseconds on a virtual machine. A committer
// that has long been alone flushes at once (the peak decays within a few dozen
// commits).
bool StoreImpl::GroupReady() const {
  const int pending = pending_count_.load();
  if (pending == 0) return true;  // flushed by someone else: nothing to wait for
  const int expected = (concurrency_x256_.load(std::memory_order_relaxed) + 128) / 256;
  if (pending >= expected) return true;
  const uint64_t wait_ns = std::min<uint64_t>(last_sync_ns_.load(), 1'000'000);
  return NowNanos() >= group_start_ns_.load() + wait_ns;
}

void StoreImpl::SpinUntilGroupReady(uint64_t seq) {
  while (!GroupReady() && !flushing_.load() && durable_seq_.load() < seq) {
    std::this_thread::yield();
  }
}

// A follower's group is usually durable within one fsync. Waking a sleeping
// thread costs tens of microseconds on a virtual machine (an idle virtual CPU
// must be woken too), as much as the work between two commits, so followers
// poll, yielding the CPU, for up to two fsyncs' time before they sleep.
// (Measured: sleeping while the leader gathers and polling only during its
// fsync is slower on a 2-vCPU machine, the extra wake-up costs more.)
void StoreImpl::SpinWhileFlushing(uint64_t seq) {
  const uint64_t spin_ns = std::min<uint64_t>(2 * last_sync_ns_.load(), 2'000'000);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(spin_ns);
  while (flushing_.load() && durable_seq_.load() < seq && !poisoned_flag_.load()) {
    if (std::chrono::steady_clock::now() >= deadline) return;
    std::this_thread::yield();
  }
}

Status StoreImpl::WaitDurable(uint64_t seq) {
  std::unique_lock<std::mutex> lock(flush_mu_);
  while (durable_seq_ < seq) {
    if (!poisoned_.ok()) return poisoned_;
    if (flushing_) {
      lock.unlock();
      SpinWhileFlushing(seq);
      lock.lock();
      if (flushing_ && durable_seq_ < seq) flush_cv_.wait(lock);
      continue;
    }
    if (!GroupReady()) {
      lock.unlock();
      SpinUntilGroupReady(seq);
      lock.lock();
      continue;
    }
    flushing_ = true;  // this thread leads the next group
    lock.unlock();
    Result<uint64_t> flushed = FlushPending(false);
    if (!flushed.ok()) Poison(flushed.status());
    lock.lock();
    flushing_ = false;
    if (flushed.ok()) durable_seq_ = std::max(durable_seq_.load(), *flushed);
    flush_cv_.notify_all();
  }
  return Status::Ok();
}

}  // namespace zq::storage
