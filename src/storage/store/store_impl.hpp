// StoreImpl: the storage engine behind the Store interface.
//
// Locks, always taken in this order (never the reverse):
//   flush rights (flushing_, a flag under flush_mu_) -> commit_mu_ -> snap_mu_
//   - commit_mu_ serializes applying commits to the working trees, claiming
//     the pending WAL buffer, and checkpoints (with flush rights held).
//   - snap_mu_ guards the published root and the registry of live snapshots
//     and write transactions (short critical sections only).
// State:
//   working_*   trees after every applied commit (writer only, commit_mu_)
//   published_* trees after the last durable commit (readers, snap_mu_)
// A commit is applied under commit_mu_, appended to the pending WAL buffer,
// then its thread waits until a flush (by itself or another committer: group
// commit) has made it durable.
// Publication: publishing a root makes every page it reaches visible to
// readers, so later commits must copy those pages before changing them. A
// flush publishes the newest root it covers only when a snapshot or write
// transaction was taken since the last publication; otherwise (a writer
// alone, e.g. ledger batches back to back) pages stay private and later
// commits change them in place. A reader that finds durable commits newer
// than the published root publishes on demand (PublishWorking), and every
// checkpoint publishes, so a reader always sees every acknowledged commit.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "storage/pager/pager.hpp"
#include "storage/store/change_set.hpp"
#include "storage/store/store.hpp"
#include "storage/wal/wal_format.hpp"

namespace zq::storage {

class StoreImpl : public Store {
 public:
  StoreImpl(const std::string& path, const StoreOptions& options);
  ~StoreImpl() override;

  Status OpenFiles();
  std::unique_ptr<Snapshot> GetSnapshot() override;
  std::unique_ptr<WriteTxn> BeginWrite() override;
  Status CommitBatch(std::string_view input, uint64_t timestamp_count,
                     std::string* output) override;
  Status Checkpoint() override;
  Status CheckpointWithProgress(const CheckpointProgress& progress) override;
  Status Close() override;
  StoreStats Stats() override;
  Status Verify(uint64_t* pages) override;

  // --- used by the snapshot and transaction objects -------------------------
  Pager* pager() { return pager_.get(); }
  void ReleaseSnapshot(uint64_t seq, bool writer);
  // Shares a tree root found by a snapshot of `seq` with later snapshots of it.
  void RememberRoot(uint64_t seq, TreeId tree, PageNo root);
  TreeId NextTreeId() { return next_tree_id_.fetch_add(1); }
  bool read_only() const { return options_.read_only; }
  // Validates, applies and makes the change set durable (group commit).
  Status Commit(uint64_t snapshot_seq, ChangeSet changes);

 private:
  // Publishes the working trees (after flushing what is pending): for a reader
  // that found durable commits newer than the published root.
  void PublishWorking();
  // Caller holds commit_mu_ and every applied commit is durable.
  void PublishWorkingLocked();
  struct Published {
    PageNo root = kNullPage;
    uint64_t seq = 0;
  };
  struct PendingRecord {
    uint64_t seq;
    WalRecordKind kind;
    std::string payload;  // sealed at flush time, when its batch is known
  };
  struct CommitWrites {
    uint64_t seq;
    std::vector<uint64_t> hashes;  // sorted
  };

  // Registers a snapshot of the published state; copies the shared root
  // cache entries of that state into *roots (tree -> root, up to kRootCacheSize).
  Published Register(bool writer, std::vector<std::pair<TreeId, PageNo>>* roots = nullptr);
  int LiveSnapshots();
  Status Recover(const Superblock& sb);
  Status ResetWal(uint64_t first_lsn, uint64_t salt);
  Status Apply(uint64_t seq, const ChangeSet& changes);
  Status ApplyTree(uint64_t seq, TreeId tree, const TreeChanges& tc, PageNo* roots);
  Status ValidateLocked(uint64_t snapshot_seq, const std::vector<uint64_t>& check);
  // Under commit_mu_: the next commit's sequence number, after reclaiming the
  // pages no snapshot can see any more (*bound: the reclamation bound).
  uint64_t PrepareApplyLocked(uint64_t* bound);
  // Under commit_mu_, after commit `seq` is applied: queues its WAL record.
  void QueueLocked(uint64_t seq, uint64_t bound, WalRecordKind kind, std::string payload,
                   std::vector<uint64_t> writes);
  // Under commit_mu_: applies `changes` as the next commit and queues its
  // WAL record; poisons the store if applying fails halfway.
  Status ApplyAndQueueLocked(const ChangeSet& changes, std::string payload,
                             std::vector<uint64_t> writes, uint64_t* seq);
  // Runs the batch executor straight on the working trees as commit `seq`
  // (commit_mu_ held); *written: the trees it wrote. A failure after the
  // executor wrote poisons the store.
  Status ExecuteBatchLocked(std::string_view input, uint64_t last_timestamp, uint64_t seq,
                            std::string* output, std::vector<TreeId>* written);
  // Under commit_mu_: runs the batch executor's settle input (when it has
  // deferred work) as the next commit; logged unless the store is read-only.
  Status SettleLocked();
  uint64_t NextTimestampLocked(uint64_t count);
  Status WaitDurable(uint64_t seq);
  bool GroupReady() const;
  void SpinUntilGroupReady(uint64_t seq);
  void SpinWhileFlushing(uint64_t seq);
  Result<uint64_t> FlushPending(bool commit_mu_held);
  void AcquireFlushRights();
  void ReleaseFlushRights(uint64_t durable_seq);
  uint64_t ReclaimBound();
  void Poison(const Status& cause);
  Status CheckpointLocked(const CheckpointProgress* progress = nullptr);
  void MaybeCheckpoint();

  std::string path_;
  StoreOptions options_;
  Vfs* vfs_;
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<File> data_file_;
  std::unique_ptr<File> wal_file_;
  std::unique_ptr<Pager> pager_;
  bool opened_ = false;  // recovery completed
  bool closed_ = false;

  std::mutex commit_mu_;
  // The batch executor's state across batches (under commit_mu_).
  std::unique_ptr<BatchExecutor::Context> batch_context_;
  PageNo working_root_ = kNullPage;
  uint64_t working_seq_ = 0;
  uint64_t last_timestamp_ = 0;
  std::vector<PendingRecord> pending_;
  uint64_t pending_seq_ = 0;
  PageNo pending_root_ = kNullPage;
  std::deque<CommitWrites> history_;
  uint64_t wal_salt_ = 0;
  std::atomic<uint64_t> next_tree_id_{kFirstDynamicTreeId};

  std::mutex flush_mu_;
  std::condition_variable flush_cv_;
  std::atomic<bool> flushing_{false};        // written under flush_mu_
  std::atomic<uint64_t> durable_seq_{0};     // written under flush_mu_
  uint64_t wal_end_ = 0;  // owned by whoever holds flush rights
  // The frames of one WAL write, also owned by the flush rights: kept, its
  // memory serves every flush instead of being faulted in afresh.
  std::string wal_frames_;
  Status poisoned_;       // under flush_mu_
  std::atomic<bool> poisoned_flag_{false};

  std::mutex snap_mu_;
  Published published_;
  std::atomic<uint64_t> published_seq_{0};  // published_.seq, readable without snap_mu_
  // Set by every registration: the next flush publishes what it covers.
  std::atomic<bool> readers_since_publish_{true};
  // Tree roots of the published state, shared by its snapshots: a read in a
  // fresh snapshot then skips the tree-of-trees lookup. Entries of older
  // states are simply overwritten.
  struct CachedRoot {
    uint64_t seq = ~uint64_t{0};
    TreeId tree = 0;
    PageNo root = 0;
  };
  static constexpr size_t kRootCacheSize = 8;
  std::array<CachedRoot, kRootCacheSize> root_cache_{};
  size_t root_cache_next_ = 0;
  std::map<uint64_t, int> snapshots_;      // seq -> live snapshot count
  std::map<uint64_t, int> writer_snaps_;   // seq -> live write transaction count

  // Group-commit batching: how many commits recently ran at once (a decaying
  // peak, x256), so a flush leader can wait briefly for the rest of the group.
  std::atomic<int> in_commit_{0};
  std::atomic<int> pending_count_{0};
  std::atomic<uint64_t> group_start_ns_{0};  // when the oldest pending commit was queued
  std::atomic<int> concurrency_x256_{256};
  std::atomic<uint64_t> last_sync_ns_{0};

  std::atomic<uint64_t> wal_bytes_{0};
  std::atomic<uint64_t> wal_flushes_{0};
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> checkpoints_{0};
  std::atomic<bool> checkpoint_running_{false};
};

}  // namespace zq::storage
