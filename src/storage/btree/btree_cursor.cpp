// TreeCursor: ordered iteration through a root-to-leaf stack of pages.
#include "storage/btree/btree.hpp"
#include "storage/btree/node.hpp"
#include "util/limits.hpp"

namespace zq::storage {

namespace {
Result<const uint8_t*> ReadCursorPage(Pager* pager, PageNo pgno, size_t depth) {
  if (depth > static_cast<size_t>(limits::kTreeDepthMax)) {
    return Status::Corruption("b-tree deeper than the depth limit (a cycle?)");
  }
  ZQ_ASSIGN_OR_RETURN(const uint8_t* n, pager->Read(pgno));
  if (node::Kind(n) != static_cast<uint8_t>(PageKind::kLeaf) &&
      node::Kind(n) != static_cast<uint8_t>(PageKind::kInternal)) {
    return Status::Corruption("page " + std::to_string(pgno) + " is not a b-tree page");
  }
  return n;
}
}  // namespace

Status TreeCursor::DescendEdge(PageNo pgno, bool leftmost) {
  while (true) {
    ZQ_ASSIGN_OR_RETURN(const uint8_t* n, ReadCursorPage(pager_, pgno, stack_.size()));
    int count = node::Count(n);
    if (node::IsLeaf(n)) {
      stack_.push_back({n, leftmost ? 0 : count - 1});
      return Status::Ok();
    }
    int ci = leftmost ? 0 : count;
    stack_.push_back({n, ci});
    pgno = node::Child(n, ci);
  }
}

Status TreeCursor::LoadEntry() {
  valid_ = false;
  if (stack_.empty()) return Status::Ok();
  const Frame& f = stack_.back();
  if (f.index < 0 || f.index >= node::Count(f.page)) return Status::Ok();
  node::LeafEntry e = node::LeafAt(f.page, f.index);
  key_ = e.key;
  if (e.overflow) {
    ZQ_RETURN_IF_ERROR(ReadOverflowValue(pager_, e.overflow_head, e.value_bytes,
                                         &overflow_value_));
    value_ = overflow_value_;
  } else {
    value_ = e.inline_value;
  }
  valid_ = true;
  return Status::Ok();
}

// Moves to the first entry of the next leaf (or last of the previous one).
Status TreeCursor::StepLeaf(bool forward) {
  stack_.pop_back();
  while (!stack_.empty()) {
    Frame& top = stack_.back();
    int count = node::Count(top.page);
    if (forward ? top.index < count : top.index > 0) {
      top.index += forward ? 1 : -1;
      PageNo child = node::Child(top.page, top.index);
      ZQ_RETURN_IF_ERROR(DescendEdge(child, forward));
      const Frame& leaf = stack_.back();
      if (node::Count(leaf.page) > 0) return Status::Ok();
      stack_.pop_back();  // an empty leaf (only a root may be): keep going
      continue;
    }
    stack_.pop_back();
  }
  return Status::Ok();
}

Status TreeCursor::SeekFirst() {
  stack_.clear();
  valid_ = false;
  if (root_ == kNullPage) return Status::Ok();
  ZQ_RETURN_IF_ERROR(DescendEdge(root_, true));
  return LoadEntry();
}

Status TreeCursor::SeekLast() {
  stack_.clear();
  valid_ = false;
  if (root_ == kNullPage) return Status::Ok();
  ZQ_RETURN_IF_ERROR(DescendEdge(root_, false));
  return LoadEntry();
}

// Descends to the leaf that covers `key`, leaving the stack on it; returns
// the leaf's lower-bound index for `key` (-1 for an empty tree).
Result<int> TreeCursor::DescendTo(std::string_view key, bool* exact) {
  stack_.clear();
  valid_ = false;
  *exact = false;
  PageNo p = root_;
  while (p != kNullPage) {
    ZQ_ASSIGN_OR_RETURN(const uint8_t* n, ReadCursorPage(pager_, p, stack_.size()));
    if (node::IsLeaf(n)) {
      int i = node::LowerBound(n, key, exact);
      stack_.push_back({n, i});
      return i;
    }
    int ci = node::ChildIndexFor(n, key);
    stack_.push_back({n, ci});
    p = node::Child(n, ci);
  }
  return -1;
}

Status TreeCursor::Seek(std::string_view key) {
  bool exact = false;
  ZQ_ASSIGN_OR_RETURN(int i, DescendTo(key, &exact));
  if (i < 0) return Status::Ok();
  if (i >= node::Count(stack_.back().page)) ZQ_RETURN_IF_ERROR(StepLeaf(true));
  return LoadEntry();
}

Status TreeCursor::SeekForPrev(std::string_view key) {
  bool exact = false;
  ZQ_ASSIGN_OR_RETURN(int i, DescendTo(key, &exact));
  if (i < 0) return Status::Ok();
  if (!exact) stack_.back().index = --i;
  if (i < 0) ZQ_RETURN_IF_ERROR(StepLeaf(false));
  return LoadEntry();
}

Status TreeCursor::Next() {
  if (!valid_) return Status::InvalidArgument("cursor is not positioned");
  Frame& leaf = stack_.back();
  leaf.index++;
  if (leaf.index < node::Count(leaf.page)) {  // fast path: same leaf, inline value
    node::LeafEntry e = node::LeafAt(leaf.page, leaf.index);
    if (!e.overflow) {
      key_ = e.key;
      value_ = e.inline_value;
      return Status::Ok();
    }
    return LoadEntry();
  }
  ZQ_RETURN_IF_ERROR(StepLeaf(true));
  return LoadEntry();
}

Result<std::vector<std::string>> SplitKeys(Pager* pager, PageNo root, size_t parts) {
  std::vector<std::string> keys;
  if (root == kNullPage || parts < 2) return keys;
  // Walk down level by level until a level has `parts` nodes or more (or
  // the next one is the leaves): `starts` holds the first key of each node
  // of the level but the first.
  std::vector<PageNo> level{root};
  std::vector<std::string> starts;
  for (int depth = 0; level.size() < parts; depth++) {
    if (depth > limits::kTreeDepthMax) return Status::Corruption("b-tree deeper than the depth limit");
    std::vector<PageNo> next;
    std::vector<std::string> next_starts;
    for (size_t i = 0; i < level.size(); i++) {
      ZQ_ASSIGN_OR_RETURN(const uint8_t* n, pager->Read(level[i]));
      ZQ_RETURN_IF_ERROR(node::Check(n, pager->usable_bytes(), level[i]));
      if (node::IsLeaf(n)) return keys;  // a single leaf, or too few leaves to split
      if (i > 0) next_starts.push_back(starts[i - 1]);
      const int count = node::Count(n);
      next.push_back(node::Child(n, 0));
      for (int c = 0; c < count; c++) {
        next.push_back(node::Child(n, c + 1));
        next_starts.emplace_back(node::CellKey(n, c));
      }
    }
    level = std::move(next);
    starts = std::move(next_starts);
  }
  size_t last = 0;
  for (size_t part = 1; part < parts; part++) {
    const size_t node = part * level.size() / parts;
    if (node <= last) continue;
    last = node;
    keys.push_back(starts[node - 1]);
  }
  return keys;
}

size_t TreeCursor::ReadRun(std::pair<std::string_view, std::string_view>* out, size_t max) {
  if (!valid_ || max == 0) return 0;
  out[0] = {key_, value_};
  size_t n = 1;
  Frame& leaf = stack_.back();
  const int count = node::Count(leaf.page);
  while (n < max && leaf.index + 1 < count) {
    const node::LeafEntry e = node::LeafAt(leaf.page, leaf.index + 1);
    if (e.overflow) break;  // its value needs reading: Next() does that
    leaf.index++;
    key_ = e.key;
    value_ = e.inline_value;
    out[n++] = {key_, value_};
  }
  return n;
}

Status TreeCursor::Prev() {
  if (!valid_) return Status::InvalidArgument("cursor is not positioned");
  Frame& leaf = stack_.back();
  leaf.index--;
  if (leaf.index < 0) ZQ_RETURN_IF_ERROR(StepLeaf(false));
  return LoadEntry();
}

}  // namespace zq::storage
