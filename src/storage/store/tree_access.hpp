// What the store's transaction kinds share: the tree of trees (tree id ->
// root page), the key/value limits of a write, and the public Cursor over a
// B+tree cursor.
#pragma once

#include <string>
#include <string_view>

#include "storage/btree/btree.hpp"
#include "storage/store/store.hpp"

namespace zq::storage {

// The tree of trees maps a tree id (8 bytes, big-endian) to its root page
// (u64 little-endian).
std::string TreeOfTreesKey(TreeId tree);
// False when `tree` has no entry in the tree of trees rooted at `roots`.
Result<bool> LookupTreeRoot(Pager* pager, PageNo roots, TreeId tree, PageNo* root);
// Points `tree` at `root` in the tree of trees.
Status StoreTreeRoot(TreeWriter* writer, PageNo* roots, TreeId tree, PageNo root);

Status CheckKeyValue(std::string_view key, std::string_view value);
Status TreeMissing(TreeId tree);

// Adapts a TreeCursor to the public Cursor interface.
class TreeCursorAdapter : public Cursor {
 public:
  TreeCursorAdapter(Pager* pager, PageNo root) : cursor_(pager, root) {}
  Status SeekFirst() override { return cursor_.SeekFirst(); }
  Status SeekLast() override { return cursor_.SeekLast(); }
  Status Seek(std::string_view key) override { return cursor_.Seek(key); }
  Status SeekForPrev(std::string_view key) override { return cursor_.SeekForPrev(key); }
  Status Next() override { return cursor_.Next(); }
  Status Prev() override { return cursor_.Prev(); }
  bool Valid() const override { return cursor_.Valid(); }
  std::string_view key() const override { return cursor_.key(); }
  std::string_view value() const override { return cursor_.value(); }
  size_t ReadRun(std::pair<std::string_view, std::string_view>* out, size_t max) override {
    return cursor_.ReadRun(out, max);
  }

 private:
  TreeCursor cursor_;
};

}  // namespace zq::storage
