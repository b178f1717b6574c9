// BatchState: the WriteTxn a BatchExecutor works on — the store's working
// trees themselves, under the commit lock.
//
// A logged batch's WAL record is its input, not its changes, so its writes
// need no buffer to be encoded from: each Put/Delete goes straight into the
// working B+trees (copy-on-write wherever a reader may see the page, in
// place otherwise), and reads see it at once. One B+tree operation per write
// instead of a buffered map insert, a walk of the map at apply time and its
// destruction (for a ledger batch those were a third of its time).
//
// The price: writes cannot be taken back. An executor that fails after
// writing leaves the working trees half changed, so the store poisons itself
// (reopening recovers the state before the batch, which was never logged).
// Executors check their input before they write.
//
// A cursor sees the tree as it is; a write to a tree with an open cursor is
// refused (the cursor's pages could move under it). Trees cannot be created
// or dropped, and there are no savepoints.
#pragma once

#include <memory>
#include <vector>

#include "storage/btree/btree.hpp"
#include "storage/store/store.hpp"

namespace zq::storage {

class BatchState final : public WriteTxn {
 public:
  // `roots`: the working tree of trees, updated by Finish(); `seq`: the
  // commit sequence number the batch's pages are written for.
  BatchState(Pager* pager, PageNo roots, uint64_t seq);
  ~BatchState() override;

  // Points the tree of trees at the changed roots; returns its new root.
  Result<PageNo> Finish();
  bool wrote() const { return wrote_; }
  // The trees written, in id order.
  std::vector<TreeId> WrittenTrees() const;

  uint64_t snapshot_seq() const override { return seq_ - 1; }
  Result<TreeId> CreateTree() override;
  Status CreateTreeWithId(TreeId tree) override;
  Status DropTree(TreeId tree) override;
  Result<bool> TreeExists(TreeId tree) override;
  Status Put(TreeId tree, std::string_view key, std::string_view value) override;
  Status Delete(TreeId tree, std::string_view key) override;
  Result<bool> Get(TreeId tree, std::string_view key, std::string* value) override;
  Status GetMany(TreeId tree, std::span<const std::string_view> keys,
                 std::vector<std::string>* values, std::vector<uint8_t>* found) override;
  Status Prefetch(TreeId tree, std::span<const std::string_view> keys) override;
  Result<uint64_t> EstimateEntries(TreeId tree) override;
  Result<std::unique_ptr<Cursor>> NewCursor(TreeId tree) override;
  // No parallel scans of a batch's state: no split points.
  Result<std::vector<std::string>> SplitPoints(TreeId tree, size_t parts) override;
  Result<std::unique_ptr<Cursor>> NewSnapshotCursor(TreeId tree) override;
  size_t Savepoint() override { return 0; }
  Status RollbackToSavepoint(size_t token) override;
  Status ReleaseSavepoint(size_t) override { return Status::Ok(); }
  Status Commit() override;
  void Rollback() override {}  // the executor fails the batch instead

 private:
  struct OpenTree {
    TreeId id = 0;
    PageNo root = kNullPage;
    bool changed = false;
    int open_cursors = 0;
    std::unique_ptr<TreeWriter> writer;  // one per tree: keeps its leaf hint
  };
  class GuardedCursor;
  // The tree, looked up in the tree of trees once; NotFound when missing.
  Result<OpenTree*> Open(TreeId tree);
  Result<OpenTree*> OpenForWrite(TreeId tree, std::string_view key, std::string_view value);

  Pager* pager_;
  PageNo roots_;
  uint64_t seq_;
  bool wrote_ = false;
  std::vector<std::unique_ptr<OpenTree>> trees_;  // few: searched linearly
};

}  // namespace zq::storage
