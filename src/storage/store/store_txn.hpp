// Snapshot and write-transaction objects of the store.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/btree/btree.hpp"
#include "storage/store/change_set.hpp"
#include "storage/store/store.hpp"

namespace zq::storage {

class StoreImpl;

// How a snapshot holds back reclamation: registered as a reader or as a
// write transaction's base.
enum class Registration { kReader, kWriter };

class SnapshotImpl : public Snapshot {
 public:
  SnapshotImpl(StoreImpl* store, PageNo roots, uint64_t seq, Registration registration);
  ~SnapshotImpl() override;

  uint64_t commit_seq() const override { return seq_; }
  Result<bool> TreeExists(TreeId tree) override;
  Result<std::vector<TreeId>> ListTrees() override;
  Result<bool> Get(TreeId tree, std::string_view key, std::string* value) override;
  Status GetMany(TreeId tree, std::span<const std::string_view> keys,
                 std::vector<std::string>* values, std::vector<uint8_t>* found) override;
  Result<uint64_t> EstimateEntries(TreeId tree) override;
  Result<std::unique_ptr<Cursor>> NewCursor(TreeId tree) override;

  // The tree's root in this snapshot; false when the tree does not exist.
  Result<bool> TreeRoot(TreeId tree, PageNo* root);
  void SeedRoots(std::vector<std::pair<TreeId, PageNo>> roots) { root_cache_ = std::move(roots); }
  Pager* pager();

 private:
  StoreImpl* store_;
  PageNo roots_;
  uint64_t seq_;
  Registration registration_;
  // Roots looked up so far (a snapshot touches few trees): ~0 marks "absent".
  std::vector<std::pair<TreeId, PageNo>> root_cache_;
};

class WriteTxnImpl : public WriteTxn {
 public:
  WriteTxnImpl(StoreImpl* store, PageNo roots, uint64_t seq);
  ~WriteTxnImpl() override = default;

  uint64_t snapshot_seq() const override { return snapshot_seq_; }
  Result<TreeId> CreateTree() override;
  Status CreateTreeWithId(TreeId tree) override;
  Status DropTree(TreeId tree) override;
  Result<bool> TreeExists(TreeId tree) override;
  Status Put(TreeId tree, std::string_view key, std::string_view value) override;
  Status Delete(TreeId tree, std::string_view key) override;
  Result<bool> Get(TreeId tree, std::string_view key, std::string* value) override;
  Status GetMany(TreeId tree, std::span<const std::string_view> keys,
                 std::vector<std::string>* values, std::vector<uint8_t>* found) override;
  Result<uint64_t> EstimateEntries(TreeId tree) override;
  Result<std::unique_ptr<Cursor>> NewCursor(TreeId tree) override;
  Result<std::vector<std::string>> SplitPoints(TreeId tree, size_t parts) override;
  Result<std::unique_ptr<Cursor>> NewSnapshotCursor(TreeId tree) override;
  size_t Savepoint() override;
  Status RollbackToSavepoint(size_t token) override;
  Status ReleaseSavepoint(size_t token) override;
  Status Commit() override;
  void Rollback() override;

 private:
  Status CheckWritable(TreeId tree);
  // True when the tree as this transaction sees it is the snapshot's (no
  // buffered writes, not re-created); errors for a missing tree.
  Result<bool> SnapshotIsCurrent(TreeId tree);
  Result<bool> ExistsInSnapshot(TreeId tree);

  StoreImpl* store_;
  uint64_t snapshot_seq_;
  // Released when the transaction finishes, so that a finished transaction
  // holds back neither page reclamation nor Store::Close().
  std::optional<SnapshotImpl> snapshot_;
  ChangeSet changes_;
  std::vector<ChangeSet> savepoints_;  // token = index
  bool finished_ = false;
};

}  // namespace zq::storage
