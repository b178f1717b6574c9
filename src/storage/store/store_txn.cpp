#include "storage/store/store_txn.hpp"

#include "storage/store/merged_cursor.hpp"
#include "storage/store/store_impl.hpp"
#include "storage/store/tree_access.hpp"
#include "util/coding.hpp"

namespace zq::storage {

namespace {
constexpr PageNo kAbsentTree = ~PageNo{0};
}  // namespace

// ---- SnapshotImpl ---------------------------------------------------------------

SnapshotImpl::SnapshotImpl(StoreImpl* store, PageNo roots, uint64_t seq,
                           Registration registration)
    : store_(store), roots_(roots), seq_(seq), registration_(registration) {}

SnapshotImpl::~SnapshotImpl() {
  store_->ReleaseSnapshot(seq_, registration_ == Registration::kWriter);
}

Pager* SnapshotImpl::pager() { return store_->pager(); }

Result<bool> SnapshotImpl::TreeRoot(TreeId tree, PageNo* root) {
  for (const auto& [id, r] : root_cache_) {
    if (id == tree) {
      *root = r;
      return r != kAbsentTree;
    }
  }
  PageNo r = kAbsentTree;
  ZQ_ASSIGN_OR_RETURN(bool found, LookupTreeRoot(pager(), roots_, tree, &r));
  if (!found) r = kAbsentTree;
  root_cache_.emplace_back(tree, r);
  if (registration_ == Registration::kReader) store_->RememberRoot(seq_, tree, r);
  *root = r;
  return r != kAbsentTree;
}

Result<bool> SnapshotImpl::TreeExists(TreeId tree) {
  PageNo root = kNullPage;
  return TreeRoot(tree, &root);
}

Result<std::vector<TreeId>> SnapshotImpl::ListTrees() {
  std::vector<TreeId> trees;
  TreeCursor cursor(pager(), roots_);
  Status s = cursor.SeekFirst();
  for (; s.ok() && cursor.Valid(); s = cursor.Next()) {
    if (cursor.key().size() != 8) return Status::Corruption("tree of trees: bad key");
    trees.push_back(GetBigEndian64(reinterpret_cast<const uint8_t*>(cursor.key().data())));
  }
  if (!s.ok()) return s;
  return trees;
}

Result<bool> SnapshotImpl::Get(TreeId tree, std::string_view key, std::string* value) {
  PageNo root = kNullPage;
  ZQ_ASSIGN_OR_RETURN(bool exists, TreeRoot(tree, &root));
  if (!exists) return TreeMissing(tree);
  return TreeGet(pager(), root, key, value);
}

Status SnapshotImpl::GetMany(TreeId tree, std::span<const std::string_view> keys,
                             std::vector<std::string>* values, std::vector<uint8_t>* found) {
  PageNo root = kNullPage;
  ZQ_ASSIGN_OR_RETURN(bool exists, TreeRoot(tree, &root));
  if (!exists) return TreeMissing(tree);
  return TreeGetMany(pager(), root, keys, values, found);
}

Result<uint64_t> SnapshotImpl::EstimateEntries(TreeId tree) {
  PageNo root = kNullPage;
  ZQ_ASSIGN_OR_RETURN(bool exists, TreeRoot(tree, &root));
  if (!exists) return TreeMissing(tree);
  return TreeEstimateEntries(pager(), root);
}

Result<std::unique_ptr<Cursor>> SnapshotImpl::NewCursor(TreeId tree) {
  PageNo root = kNullPage;
  ZQ_ASSIGN_OR_RETURN(bool exists, TreeRoot(tree, &root));
  if (!exists) return TreeMissing(tree);
  return std::unique_ptr<Cursor>(new TreeCursorAdapter(pager(), root));
}

// ---- WriteTxnImpl -----------------------------------------------------------------

WriteTxnImpl::WriteTxnImpl(StoreImpl* store, PageNo roots, uint64_t seq)
    : store_(store), snapshot_seq_(seq) {
  snapshot_.emplace(store, roots, seq, Registration::kWriter);
}

Result<bool> WriteTxnImpl::ExistsInSnapshot(TreeId tree) { return snapshot_->TreeExists(tree); }

Result<bool> WriteTxnImpl::TreeExists(TreeId tree) {
  if (finished_) return Status::InvalidArgument("transaction already finished");
  if (const TreeChanges* tc = changes_.FindTree(tree)) {
    if (tc->created) return true;
    if (tc->dropped) return false;
  }
  return ExistsInSnapshot(tree);
}

Status WriteTxnImpl::CheckWritable(TreeId tree) {
  if (finished_) return Status::InvalidArgument("transaction already finished");
  if (store_->read_only()) return Status::InvalidArgument("database is open read-only");
  ZQ_ASSIGN_OR_RETURN(bool exists, TreeExists(tree));
  if (!exists) return TreeMissing(tree);
  return Status::Ok();
}

Result<TreeId> WriteTxnImpl::CreateTree() {
  if (finished_) return Status::InvalidArgument("transaction already finished");
  if (store_->read_only()) return Status::InvalidArgument("database is open read-only");
  TreeId id = store_->NextTreeId();
  changes_.Tree(id)->created = true;
  return id;
}

Status WriteTxnImpl::CreateTreeWithId(TreeId tree) {
  if (finished_) return Status::InvalidArgument("transaction already finished");
  if (store_->read_only()) return Status::InvalidArgument("database is open read-only");
  if (tree == 0 || tree >= kFirstDynamicTreeId) {
    return Status::InvalidArgument("fixed tree ids are 1.." + std::to_string(kFirstDynamicTreeId - 1));
  }
  ZQ_ASSIGN_OR_RETURN(bool exists, TreeExists(tree));
  if (exists) return Status::InvalidArgument("tree " + std::to_string(tree) + " already exists");
  ZQ_ASSIGN_OR_RETURN(bool in_snapshot, ExistsInSnapshot(tree));
  TreeChanges& tc = *changes_.Tree(tree);
  tc.dropped = in_snapshot;  // dropped earlier in this transaction
  tc.created = true;
  tc.ops.clear();
  return Status::Ok();
}

Status WriteTxnImpl::DropTree(TreeId tree) {
  ZQ_RETURN_IF_ERROR(CheckWritable(tree));
  ZQ_ASSIGN_OR_RETURN(bool in_snapshot, ExistsInSnapshot(tree));
  if (!in_snapshot) {
    changes_.EraseTree(tree);  // created and dropped here: nothing to log
    return Status::Ok();
  }
  TreeChanges& tc = *changes_.Tree(tree);
  tc.dropped = true;
  tc.created = false;
  tc.ops.clear();
  return Status::Ok();
}

Status WriteTxnImpl::Put(TreeId tree, std::string_view key, std::string_view value) {
  ZQ_RETURN_IF_ERROR(CheckKeyValue(key, value));
  ZQ_RETURN_IF_ERROR(CheckWritable(tree));
  changes_.Put(changes_.Tree(tree), key, value);
  return Status::Ok();
}

Status WriteTxnImpl::Delete(TreeId tree, std::string_view key) {
  ZQ_RETURN_IF_ERROR(CheckKeyValue(key, {}));
  ZQ_RETURN_IF_ERROR(CheckWritable(tree));
  changes_.Put(changes_.Tree(tree), key, std::nullopt);
  return Status::Ok();
}

Result<bool> WriteTxnImpl::Get(TreeId tree, std::string_view key, std::string* value) {
  if (finished_) return Status::InvalidArgument("transaction already finished");
  ZQ_ASSIGN_OR_RETURN(bool exists, TreeExists(tree));
  if (!exists) return TreeMissing(tree);
  if (const TreeChanges* t = changes_.FindTree(tree)) {
    auto it = t->ops.find(key);
    if (it != t->ops.end()) {
      if (!it->second) return false;
      *value = *it->second;
      return true;
    }
    if (t->created) return false;  // a fresh tree has only its ops
  }
  return snapshot_->Get(tree, key, value);
}

Result<uint64_t> WriteTxnImpl::EstimateEntries(TreeId tree) {
  if (finished_) return Status::InvalidArgument("transaction already finished");
  ZQ_ASSIGN_OR_RETURN(bool exists, TreeExists(tree));
  if (!exists) return TreeMissing(tree);
  const TreeChanges* t = changes_.FindTree(tree);
  const uint64_t buffered = t == nullptr ? 0 : t->ops.size();
  if (t != nullptr && t->created) return buffered;
  ZQ_ASSIGN_OR_RETURN(uint64_t stored, snapshot_->EstimateEntries(tree));
  return stored + buffered;
}

Status WriteTxnImpl::GetMany(TreeId tree, std::span<const std::string_view> keys,
                             std::vector<std::string>* values, std::vector<uint8_t>* found) {
  if (finished_) return Status::InvalidArgument("transaction already finished");
  ZQ_ASSIGN_OR_RETURN(bool exists, TreeExists(tree));
  if (!exists) return TreeMissing(tree);
  const TreeChanges* t = changes_.FindTree(tree);
  if (t == nullptr || t->ops.empty()) return snapshot_->GetMany(tree, keys, values, found);
  // Keys this transaction wrote answer from its buffer; the others from the
  // snapshot, in one batch.
  values->resize(keys.size());
  found->assign(keys.size(), 0);
  std::vector<std::string_view> rest;
  std::vector<size_t> rest_at;
  for (size_t i = 0; i < keys.size(); i++) {
    auto it = t->ops.find(keys[i]);
    if (it != t->ops.end()) {
      (*found)[i] = it->second ? 1 : 0;
      if (it->second) (*values)[i] = *it->second;
    } else if (!t->created) {
      rest.push_back(keys[i]);
      rest_at.push_back(i);
    }
  }
  if (rest.empty()) return Status::Ok();
  std::vector<std::string> rest_values;
  std::vector<uint8_t> rest_found;
  ZQ_RETURN_IF_ERROR(snapshot_->GetMany(tree, rest, &rest_values, &rest_found));
  for (size_t j = 0; j < rest.size(); j++) {
    (*found)[rest_at[j]] = rest_found[j];
    if (rest_found[j]) (*values)[rest_at[j]].swap(rest_values[j]);
  }
  return Status::Ok();
}

Result<std::unique_ptr<Cursor>> WriteTxnImpl::NewCursor(TreeId tree) {
  if (finished_) return Status::InvalidArgument("transaction already finished");
  ZQ_ASSIGN_OR_RETURN(bool exists, TreeExists(tree));
  if (!exists) return TreeMissing(tree);
  const TreeChanges* t = changes_.FindTree(tree);
  bool fresh = t != nullptr && t->created;
  std::unique_ptr<TreeCursor> base;
  if (!fresh) {
    PageNo root = kNullPage;
    ZQ_ASSIGN_OR_RETURN(bool in_snapshot, snapshot_->TreeRoot(tree, &root));
    if (in_snapshot) base = std::make_unique<TreeCursor>(snapshot_->pager(), root);
  }
  static const OpMap kNoOps;
  const OpMap& ops = t != nullptr ? t->ops : kNoOps;
  return std::unique_ptr<Cursor>(new MergedCursor(std::move(base), &ops));
}

Result<bool> WriteTxnImpl::SnapshotIsCurrent(TreeId tree) {
  if (finished_) return Status::InvalidArgument("transaction already finished");
  ZQ_ASSIGN_OR_RETURN(bool exists, TreeExists(tree));
  if (!exists) return TreeMissing(tree);
  const TreeChanges* t = changes_.FindTree(tree);
  return t == nullptr || (!t->created && t->ops.empty());
}

Result<std::vector<std::string>> WriteTxnImpl::SplitPoints(TreeId tree, size_t parts) {
  ZQ_ASSIGN_OR_RETURN(bool current, SnapshotIsCurrent(tree));
  if (!current) return std::vector<std::string>{};
  PageNo root = kNullPage;
  ZQ_ASSIGN_OR_RETURN(bool in_snapshot, snapshot_->TreeRoot(tree, &root));
  if (!in_snapshot) return TreeMissing(tree);
  return SplitKeys(snapshot_->pager(), root, parts);
}

Result<std::unique_ptr<Cursor>> WriteTxnImpl::NewSnapshotCursor(TreeId tree) {
  ZQ_ASSIGN_OR_RETURN(bool current, SnapshotIsCurrent(tree));
  if (!current) {
    return Status::InvalidArgument("the transaction has writes in this tree: use NewCursor");
  }
  return snapshot_->NewCursor(tree);
}

size_t WriteTxnImpl::Savepoint() {
  savepoints_.push_back(changes_);
  return savepoints_.size() - 1;
}

Status WriteTxnImpl::RollbackToSavepoint(size_t token) {
  if (finished_) return Status::InvalidArgument("transaction already finished");
  if (token >= savepoints_.size()) return Status::InvalidArgument("no such savepoint");
  savepoints_.resize(token + 1);
  changes_ = savepoints_[token];
  return Status::Ok();
}

Status WriteTxnImpl::ReleaseSavepoint(size_t token) {
  if (token >= savepoints_.size()) return Status::InvalidArgument("no such savepoint");
  savepoints_.resize(token);
  return Status::Ok();
}

Status WriteTxnImpl::Commit() {
  if (finished_) return Status::InvalidArgument("transaction already finished");
  finished_ = true;
  // The snapshot stays registered through validation: it keeps the commits
  // made since it in the conflict history.
  Status s = changes_.empty() ? Status::Ok() : store_->Commit(snapshot_seq_, std::move(changes_));
  snapshot_.reset();
  return s;
}

void WriteTxnImpl::Rollback() {
  finished_ = true;
  snapshot_.reset();
  changes_ = ChangeSet();
}

}  // namespace zq::storage
