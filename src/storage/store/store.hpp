// Store: the storage engine's API for upper layers (txn, catalog, ledger).
//
// A Store is one database file (NAME) plus its WAL (NAME-wal). It holds named
// B+trees (TreeId -> ordered byte keys -> byte values), read snapshots, and
// one commit pipeline:
//   - Snapshot: a consistent, immutable view (root set + commit sequence).
//     Never blocks and is never blocked. Thread-safe to create from any thread;
//     one Snapshot object is used by one thread at a time.
//   - WriteTxn: buffers its writes privately and reads through a merge of its
//     buffer and its snapshot. Commit() validates (first committer wins on
//     write-write conflicts: Status kConflict, retryable), applies the changes,
//     and returns only after the WAL record is durable (group commit: one
//     write+fsync carries every commit waiting at that moment).
//   - Checkpoint(): writes dirty pages copy-on-write and switches superblocks;
//     also triggered by WAL size and dirty bytes.
// A write that fails to reach disk poisons the Store (kPoisoned): reopen it;
// recovery restores exactly the acknowledged commits.
// Lifetime: every Snapshot, WriteTxn and Cursor must be destroyed before its
// Store; Close() refuses while any is alive, and destroying a Store with
// live snapshots aborts the process (they would read freed memory).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/aead.hpp"
#include "storage/vfs/vfs.hpp"
#include "util/limits.hpp"
#include "util/result.hpp"

namespace zq::storage {

using TreeId = uint64_t;
// Ids below this are for fixed system trees (CreateTreeWithId); CreateTree()
// hands out ids from here on.
inline constexpr TreeId kFirstDynamicTreeId = 1024;

class WriteTxn;

// Logged batches (the ledger's way to commit): the WAL records a batch's
// input, not its changes, and the executor turns input into changes, once at
// commit and again at recovery. It runs under the commit lock against the
// newest state, so batches are serial and never conflict with each other.
class BatchExecutor {
 public:
  // What an executor keeps from one batch to the next of one open store
  // (caches of the state): made by NewContext when the store first runs a
  // batch, handed to every Execute, and dropped when a batch fails and when
  // the store closes, so it never outlives the state it describes.
  class Context {
   public:
    virtual ~Context() = default;
  };
  virtual ~BatchExecutor() = default;
  virtual std::unique_ptr<Context> NewContext() { return nullptr; }
  // `state` is the newest state itself: reads see this batch's own writes,
  // and writes go straight into the trees (its Commit/Rollback are refused;
  // it cannot create or drop trees; a write to a tree with an open cursor is
  // refused). `output` receives results for the caller (nullptr during
  // recovery). Must be a pure function of (state, input, last_timestamp):
  // recovery relies on it. An error returned before the first write leaves
  // the store unchanged; after it, the store is poisoned (reopening recovers
  // the state before the batch), so check the input before writing.
  virtual Status Execute(std::string_view input, uint64_t last_timestamp, WriteTxn* state,
                         Context* context, std::string* output) = 0;
  // Deferred work: an executor may leave part of a batch's writes in its
  // context (say, index entries it applies many batches at a time, which is
  // cheaper than one by one), as long as it hands the store an input that
  // writes them out. The store runs that input as a logged batch before it
  // publishes a state to readers and before every checkpoint, so readers and
  // the file only ever see settled states; recovery replays it like any
  // batch. Empty: nothing is deferred. A context whose batch failed before
  // writing anything must still describe the trees (the store keeps it).
  virtual std::string SettleInput(Context* /*context*/) { return {}; }
};

struct StoreOptions {
  Vfs* vfs = nullptr;  // nullptr: DefaultVfs()
  bool create_if_missing = true;
  bool read_only = false;
  uint32_t page_size_bytes = limits::kPageSizeDefault;  // used at create only
  // Present: every page and WAL record is sealed with AES-256-GCM under this key.
  std::optional<crypto::AeadKey> encryption_key;
  uint64_t checkpoint_wal_bytes = limits::kCheckpointWalBytesDefault;
  uint64_t checkpoint_dirty_bytes = limits::kCheckpointDirtyBytesDefault;
  bool use_mmap = true;  // plaintext clean pages read through mmap
  // Clean pages kept in memory (encrypted, or without mmap); checkpoints evict beyond it.
  uint64_t cache_bytes = uint64_t{256} << 20;
  // Commit timestamps come from max(previous + 1, clock()); nanoseconds since
  // the Unix epoch by default. Tests inject a counter for deterministic runs.
  uint64_t (*clock)() = nullptr;
  // Executes logged batches (CommitBatch) and replays them at recovery.
  // Must outlive the store. Required to open a database whose WAL holds batches.
  BatchExecutor* batch_executor = nullptr;
};

struct StoreStats {
  uint64_t commit_seq = 0;        // last durable commit
  uint64_t checkpoint_seq = 0;    // superblock sequence
  uint64_t page_count = 0;        // file size in pages
  uint64_t free_page_count = 0;
  uint64_t dirty_page_count = 0;
  uint64_t cached_page_count = 0;  // pages held in heap memory (dirty or cached clean)
  // Heap copies a checkpoint evicted that a reader's snapshot may still be
  // reading: freed for reuse when no snapshot that old remains.
  uint64_t evicted_waiting_count = 0;
  uint64_t wal_bytes = 0;         // since the last checkpoint
  uint64_t wal_flushes = 0;       // write+fsync rounds (group commit)
  uint64_t commits = 0;           // commits since open
  uint64_t checkpoints = 0;       // since open
};

// Iterates one tree in key order. key()/value() stay valid until the next move.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual Status SeekFirst() = 0;
  virtual Status SeekLast() = 0;
  virtual Status Seek(std::string_view key) = 0;         // first key >= key
  virtual Status SeekForPrev(std::string_view key) = 0;  // last key <= key
  virtual Status Next() = 0;
  virtual Status Prev() = 0;
  virtual bool Valid() const = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // The current entry and up to max - 1 after it that need no further read
  // (same leaf, value stored inline), in order; the cursor then sits on the
  // last one returned, and every view stays valid until the cursor moves.
  // Lets a scan take a leaf at a time instead of a call per entry. The
  // default returns the current entry alone; 0 when not positioned.
  virtual size_t ReadRun(std::pair<std::string_view, std::string_view>* out, size_t max) {
    if (!Valid() || max == 0) return 0;
    out[0] = {key(), value()};
    return 1;
  }
};

class Snapshot {
 public:
  virtual ~Snapshot() = default;
  virtual uint64_t commit_seq() const = 0;
  virtual Result<bool> TreeExists(TreeId tree) = 0;
  // Every tree of this snapshot, in id order.
  virtual Result<std::vector<TreeId>> ListTrees() = 0;
  // True and fills *value when the key exists; false when it does not.
  virtual Result<bool> Get(TreeId tree, std::string_view key, std::string* value) = 0;
  // Get for several keys at once: (*values)[i] and (*found)[i] answer
  // keys[i] (both resized to keys.size()). Faster than one Get per key when
  // the keys are in different leaves: the descents overlap their memory
  // waits.
  virtual Status GetMany(TreeId tree, std::span<const std::string_view> keys,
                         std::vector<std::string>* values, std::vector<uint8_t>* found) = 0;
  // About how many entries the tree holds (TreeEstimateEntries): a planner
  // statistic, cheap (a page per level), not a count.
  virtual Result<uint64_t> EstimateEntries(TreeId tree) = 0;
  // NotFound when the tree does not exist in this snapshot.
  virtual Result<std::unique_ptr<Cursor>> NewCursor(TreeId tree) = 0;
};

class WriteTxn {
 public:
  virtual ~WriteTxn() = default;
  virtual uint64_t snapshot_seq() const = 0;
  virtual Result<TreeId> CreateTree() = 0;
  virtual Status CreateTreeWithId(TreeId tree) = 0;  // tree < kFirstDynamicTreeId
  virtual Status DropTree(TreeId tree) = 0;
  virtual Result<bool> TreeExists(TreeId tree) = 0;
  virtual Status Put(TreeId tree, std::string_view key, std::string_view value) = 0;
  virtual Status Delete(TreeId tree, std::string_view key) = 0;
  virtual Result<bool> Get(TreeId tree, std::string_view key, std::string* value) = 0;
  // Snapshot::GetMany, seeing this transaction's own writes.
  virtual Status GetMany(TreeId tree, std::span<const std::string_view> keys,
                         std::vector<std::string>* values, std::vector<uint8_t>* found) = 0;
  // Snapshot::EstimateEntries plus the writes buffered in the tree.
  virtual Result<uint64_t> EstimateEntries(TreeId tree) = 0;
  // A hint before writing `keys` (a few dozen, scattered over a large tree):
  // a transaction that writes straight into the B+tree walks their paths
  // with overlapping memory waits, so the writes that follow find them in
  // the CPU cache. Changes nothing; buffering transactions ignore it.
  virtual Status Prefetch(TreeId, std::span<const std::string_view>) { return Status::Ok(); }
  // Sees this transaction's own writes merged over its snapshot. Valid until
  // the transaction finishes.
  virtual Result<std::unique_ptr<Cursor>> NewCursor(TreeId tree) = 0;
  // For reading a tree on several threads at once (a parallel scan): keys
  // that cut it into up to `parts` ranges of about equal size, and cursors
  // over the transaction's snapshot alone, which other threads may use
  // while this one does not write. Both only when the transaction has no
  // buffered writes in the tree (then the snapshot is what NewCursor sees);
  // otherwise SplitPoints gives no keys.
  virtual Result<std::vector<std::string>> SplitPoints(TreeId tree, size_t parts) = 0;
  virtual Result<std::unique_ptr<Cursor>> NewSnapshotCursor(TreeId tree) = 0;
  // Savepoints (SQL SAVEPOINT): Savepoint() remembers the buffered writes and
  // returns a token; RollbackToSavepoint(token) returns to them (the
  // savepoint stays, later ones are forgotten); ReleaseSavepoint(token)
  // forgets it and later ones. Each savepoint copies the writes buffered so
  // far. Tree ids handed out by CreateTree are not reused after a rollback.
  virtual size_t Savepoint() = 0;
  virtual Status RollbackToSavepoint(size_t token) = 0;
  virtual Status ReleaseSavepoint(size_t token) = 0;
  // Durable on OK. After Commit or Rollback the transaction is finished.
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::string& path,
                                             const StoreOptions& options);
  virtual ~Store() = default;

  virtual std::unique_ptr<Snapshot> GetSnapshot() = 0;
  virtual std::unique_ptr<WriteTxn> BeginWrite() = 0;
  // Runs options.batch_executor on `input` as one durable commit. The commit
  // clock advances by `timestamp_count` (>= 1); the executor gets the last of
  // those timestamps. Durable on OK.
  virtual Status CommitBatch(std::string_view input, uint64_t timestamp_count,
                             std::string* output) = 0;
  virtual Status Checkpoint() = 0;
  // The same, calling `progress(pages_written, pages_total)` as it writes
  // the dirty pages (for a progress bar; on the calling thread).
  using CheckpointProgress = std::function<void(uint64_t, uint64_t)>;
  virtual Status CheckpointWithProgress(const CheckpointProgress& progress) = 0;
  // Checkpoints and releases the file lock. Also done by the destructor
  // (which ignores errors: call Close() to see them).
  virtual Status Close() = 0;
  virtual StoreStats Stats() = 0;
  // Reads every page of every tree of the newest state and checks the page
  // accounting (no page leaked, none both free and in use). Fills *pages with
  // the number of pages in use. Blocks commits while it runs.
  virtual Status Verify(uint64_t* pages) = 0;
};

}  // namespace zq::storage
