#include "storage/store/batch_state.hpp"

#include <algorithm>

#include "storage/store/tree_access.hpp"

namespace zq::storage {

namespace {
Status NoTreeChanges() {
  return Status::NotSupported("a logged batch cannot create or drop trees");
}
}  // namespace

// Counts itself as open on its tree while it lives.
class BatchState::GuardedCursor final : public TreeCursorAdapter {
 public:
  GuardedCursor(Pager* pager, OpenTree* tree) : TreeCursorAdapter(pager, tree->root), tree_(tree) {
    tree_->open_cursors++;
  }
  ~GuardedCursor() override { tree_->open_cursors--; }
  GuardedCursor(const GuardedCursor&) = delete;
  GuardedCursor& operator=(const GuardedCursor&) = delete;

 private:
  OpenTree* tree_;
};

BatchState::BatchState(Pager* pager, PageNo roots, uint64_t seq)
    : pager_(pager), roots_(roots), seq_(seq) {}

BatchState::~BatchState() = default;

Result<BatchState::OpenTree*> BatchState::Open(TreeId tree) {
  for (const auto& t : trees_) {
    if (t->id == tree) return t.get();
  }
  PageNo root = kNullPage;
  ZQ_ASSIGN_OR_RETURN(bool exists, LookupTreeRoot(pager_, roots_, tree, &root));
  if (!exists) return TreeMissing(tree);
  auto t = std::make_unique<OpenTree>();
  t->id = tree;
  t->root = root;
  t->writer = std::make_unique<TreeWriter>(pager_, seq_);
  trees_.push_back(std::move(t));
  return trees_.back().get();
}

Result<BatchState::OpenTree*> BatchState::OpenForWrite(TreeId tree, std::string_view key,
                                                       std::string_view value) {
  ZQ_RETURN_IF_ERROR(CheckKeyValue(key, value));
  ZQ_ASSIGN_OR_RETURN(OpenTree * t, Open(tree));
  if (t->open_cursors > 0) {
    return Status::InvalidArgument("a logged batch wrote to tree " + std::to_string(tree) +
                                   " while a cursor on it was open");
  }
  return t;
}

Status BatchState::Put(TreeId tree, std::string_view key, std::string_view value) {
  ZQ_ASSIGN_OR_RETURN(OpenTree * t, OpenForWrite(tree, key, value));
  wrote_ = true;
  t->changed = true;
  bool inserted = false;
  return t->writer->Put(&t->root, key, value, &inserted);
}

Status BatchState::Delete(TreeId tree, std::string_view key) {
  ZQ_ASSIGN_OR_RETURN(OpenTree * t, OpenForWrite(tree, key, {}));
  wrote_ = true;
  t->changed = true;
  bool existed = false;
  return t->writer->Delete(&t->root, key, &existed);
}

Result<bool> BatchState::Get(TreeId tree, std::string_view key, std::string* value) {
  ZQ_ASSIGN_OR_RETURN(OpenTree * t, Open(tree));
  return TreeGet(pager_, t->root, key, value);
}

Status BatchState::GetMany(TreeId tree, std::span<const std::string_view> keys,
                           std::vector<std::string>* values, std::vector<uint8_t>* found) {
  ZQ_ASSIGN_OR_RETURN(OpenTree * t, Open(tree));
  return TreeGetMany(pager_, t->root, keys, values, found);
}

Status BatchState::Prefetch(TreeId tree, std::span<const std::string_view> keys) {
  ZQ_ASSIGN_OR_RETURN(OpenTree * t, Open(tree));
  return t->writer->Prefetch(t->root, keys);
}

Result<uint64_t> BatchState::EstimateEntries(TreeId tree) {
  ZQ_ASSIGN_OR_RETURN(OpenTree * t, Open(tree));
  return TreeEstimateEntries(pager_, t->root);
}

Result<std::unique_ptr<Cursor>> BatchState::NewCursor(TreeId tree) {
  ZQ_ASSIGN_OR_RETURN(OpenTree * t, Open(tree));
  return std::unique_ptr<Cursor>(new GuardedCursor(pager_, t));
}

Result<bool> BatchState::TreeExists(TreeId tree) {
  Result<OpenTree*> t = Open(tree);
  if (t.ok()) return true;
  if (t.status().code() == StatusCode::kNotFound) return false;
  return t.status();
}

Result<std::vector<std::string>> BatchState::SplitPoints(TreeId tree, size_t) {
  ZQ_RETURN_IF_ERROR(Open(tree).status());
  return std::vector<std::string>{};
}

Result<std::unique_ptr<Cursor>> BatchState::NewSnapshotCursor(TreeId) {
  return Status::InvalidArgument("a logged batch's state has no separate snapshot: use NewCursor");
}

Result<TreeId> BatchState::CreateTree() { return NoTreeChanges(); }
Status BatchState::CreateTreeWithId(TreeId) { return NoTreeChanges(); }
Status BatchState::DropTree(TreeId) { return NoTreeChanges(); }

Status BatchState::RollbackToSavepoint(size_t) {
  return Status::NotSupported("a logged batch has no savepoints");
}

Status BatchState::Commit() {
  return Status::InvalidArgument("a batch's state commits with its batch");
}

Result<PageNo> BatchState::Finish() {
  std::sort(trees_.begin(), trees_.end(),
            [](const auto& a, const auto& b) { return a->id < b->id; });
  TreeWriter writer(pager_, seq_);
  for (const auto& t : trees_) {
    if (t->changed) ZQ_RETURN_IF_ERROR(StoreTreeRoot(&writer, &roots_, t->id, t->root));
  }
  return roots_;
}

std::vector<TreeId> BatchState::WrittenTrees() const {
  std::vector<TreeId> ids;
  for (const auto& t : trees_) {
    if (t->changed) ids.push_back(t->id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace zq::storage
