#include "storage/btree/btree.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "storage/btree/node.hpp"
#include "util/assert.hpp"
#include "util/coding.hpp"
#include "util/limits.hpp"

namespace zq::storage {

namespace {
constexpr uint8_t kLeafKind = static_cast<uint8_t>(PageKind::kLeaf);
constexpr uint8_t kInternalKind = static_cast<uint8_t>(PageKind::kInternal);
constexpr uint8_t kOverflowKind = static_cast<uint8_t>(PageKind::kOverflow);

Status CheckTreePage(const uint8_t* n, PageNo pgno) {
  if (node::Kind(n) != kLeafKind && node::Kind(n) != kInternalKind) {
    return Status::Corruption("page " + std::to_string(pgno) + " is not a b-tree page");
  }
  return Status::Ok();
}

Result<const uint8_t*> ReadTreePage(Pager* pager, PageNo pgno) {
  ZQ_ASSIGN_OR_RETURN(const uint8_t* n, pager->Read(pgno));
  ZQ_RETURN_IF_ERROR(CheckTreePage(n, pgno));
  return n;
}

Status TooDeep() { return Status::Corruption("b-tree deeper than the depth limit (a cycle?)"); }

uint32_t OverflowChunkBytes(const Pager* pager) {
  return pager->usable_bytes() - node::kOverflowHeaderBytes;
}

// Key and child of a raw internal cell.
void DecodeInternalCell(std::string_view cell, std::string_view* key, uint64_t* child) {
  const auto* p = reinterpret_cast<const uint8_t*>(cell.data());
  uint64_t klen = 0;
  int a = GetVarint64(p, p + cell.size(), &klen);
  *child = GetFixed64(p + a);
  *key = std::string_view(cell.data() + a + 8, klen);
}

std::string_view LeafCellKey(std::string_view cell) {
  const auto* p = reinterpret_cast<const uint8_t*>(cell.data());
  const auto* end = p + cell.size();
  uint64_t klen = 0, vfield = 0;
  int a = GetVarint64(p, end, &klen);
  a += GetVarint64(p + a, end, &vfield);
  return std::string_view(cell.data() + a, klen);
}

// Replaces an inline value with one of the same size, in the (writable) page.
void OverwriteValue(const node::LeafEntry& e, std::string_view value) {
  ZQ_ASSERT(!e.overflow && e.value_bytes == value.size());
  if (value.empty()) return;  // an empty view may have no data pointer at all
  std::memcpy(const_cast<char*>(e.inline_value.data()), value.data(), value.size());
}

// The shortest key s with left < s <= right: keeps internal pages wide.
std::string ShortSeparator(std::string_view left, std::string_view right) {
  size_t common = 0;
  while (common < left.size() && common < right.size() && left[common] == right[common]) {
    common++;
  }
  return std::string(right.substr(0, std::min(right.size(), common + 1)));
}
}  // namespace

Status ValidateTreePage(const uint8_t* body, uint32_t usable, uint64_t pgno) {
  uint8_t kind = node::Kind(body);
  if (kind == kLeafKind || kind == kInternalKind) return node::Check(body, usable, pgno);
  return Status::Ok();  // overflow and freelist pages are checked where read
}

Status ReadOverflowValue(Pager* pager, uint64_t head, uint64_t value_bytes, std::string* out) {
  if (value_bytes > limits::kValueBytesMax) return Status::Corruption("overflow value too large");
  out->clear();
  out->reserve(value_bytes);
  const uint32_t chunk = OverflowChunkBytes(pager);
  PageNo p = head;
  while (out->size() < value_bytes) {
    if (p == kNullPage) return Status::Corruption("overflow chain ends early");
    ZQ_ASSIGN_OR_RETURN(const uint8_t* n, pager->Read(p));
    if (node::Kind(n) != kOverflowKind) {
      return Status::Corruption("page " + std::to_string(p) + " is not an overflow page");
    }
    size_t take = std::min<uint64_t>(chunk, value_bytes - out->size());
    out->append(reinterpret_cast<const char*>(n + node::kOverflowHeaderBytes), take);
    p = GetFixed64(n + 8);
  }
  return Status::Ok();
}

namespace {
// The value of leaf entry `slot`, inline or from its overflow chain.
Status ReadLeafValue(Pager* pager, const uint8_t* leaf, int slot, std::string* value) {
  const node::LeafEntry e = node::LeafAt(leaf, slot);
  if (e.overflow) return ReadOverflowValue(pager, e.overflow_head, e.value_bytes, value);
  value->assign(e.inline_value);
  return Status::Ok();
}
}  // namespace

Result<bool> TreeGet(Pager* pager, PageNo root, std::string_view key, std::string* value) {
  PageNo p = root;
  for (int depth = 0; p != kNullPage; depth++) {
    if (depth > limits::kTreeDepthMax) return TooDeep();
    ZQ_ASSIGN_OR_RETURN(const uint8_t* n, ReadTreePage(pager, p));
    if (node::IsLeaf(n)) {
      bool exact = false;
      int i = node::LowerBound(n, key, &exact);
      if (!exact) return false;
      ZQ_RETURN_IF_ERROR(ReadLeafValue(pager, n, i, value));
      return true;
    }
    p = node::Child(n, node::ChildIndexFor(n, key));
  }
  return false;
}

namespace {
// TreeGetMany for up to kGroupKeys keys, its state on the stack; with
// `values` null it only walks the paths (TreePrefetch).
constexpr size_t kGroupKeys = 64;
Status GetGroup(Pager* pager, PageNo root, std::span<const std::string_view> keys,
                std::string* values, uint8_t* found) {
  const size_t n = keys.size();
  ZQ_ASSERT(n <= kGroupKeys);
  PageNo at[kGroupKeys];  // each key's node on the current level
  const uint8_t* nodes[kGroupKeys];
  node::SteppedSearch search[kGroupKeys];
  std::fill(at, at + n, root);
  constexpr uint32_t kLine = 64;
  bool descending = true;
  for (int depth = 0; descending; depth++) {
    if (depth > limits::kTreeDepthMax) return TooDeep();
    // Every key's node, with its header and the start of its slot array
    // asked for before any is read.
    for (size_t i = 0; i < n; i++) {
      if (at[i] == kNullPage) continue;
      ZQ_ASSIGN_OR_RETURN(nodes[i], pager->Read(at[i]));
      for (uint32_t off = 0; off < 4 * kLine; off += kLine) __builtin_prefetch(nodes[i] + off);
    }
    for (size_t i = 0; i < n; i++) {
      if (at[i] == kNullPage) continue;
      ZQ_RETURN_IF_ERROR(CheckTreePage(nodes[i], at[i]));
      node::StartSearch(nodes[i], &search[i]);
    }
    // The searches take turns, a comparison each, until all are done.
    for (bool stepping = true; stepping;) {
      stepping = false;
      for (size_t i = 0; i < n; i++) {
        if (at[i] == kNullPage || search[i].Done()) continue;
        node::StepSearch(nodes[i], keys[i], &search[i]);
        stepping = true;
      }
    }
    descending = false;
    for (size_t i = 0; i < n; i++) {
      if (at[i] == kNullPage) continue;
      const uint8_t* node = nodes[i];
      const node::SteppedSearch& s = search[i];
      if (!node::IsLeaf(node)) {
        at[i] = node::Child(node, s.equal ? s.lo + 1 : s.lo);  // as ChildIndexFor
        descending = descending || at[i] != kNullPage;
        continue;
      }
      at[i] = kNullPage;
      if (!s.equal || values == nullptr) continue;
      ZQ_RETURN_IF_ERROR(ReadLeafValue(pager, node, s.lo, &values[i]));
      found[i] = 1;
    }
  }
  return Status::Ok();
}

// GetGroup over consecutive groups of keys; values and found null, or as
// many as keys.
Status GetGroups(Pager* pager, PageNo root, std::span<const std::string_view> keys,
                 std::string* values, uint8_t* found) {
  for (size_t at = 0; at < keys.size(); at += kGroupKeys) {
    const size_t n = std::min(kGroupKeys, keys.size() - at);
    ZQ_RETURN_IF_ERROR(GetGroup(pager, root, keys.subspan(at, n),
                                values == nullptr ? nullptr : values + at,
                                found == nullptr ? nullptr : found + at));
  }
  return Status::Ok();
}
}  // namespace

Status TreeGetMany(Pager* pager, PageNo root, std::span<const std::string_view> keys,
                   std::vector<std::string>* values, std::vector<uint8_t>* found) {
  values->resize(keys.size());
  found->assign(keys.size(), 0);
  return GetGroups(pager, root, keys, values->data(), found->data());
}

Status TreePrefetch(Pager* pager, PageNo root, std::span<const std::string_view> keys) {
  return GetGroups(pager, root, keys, nullptr, nullptr);
}

Result<uint64_t> TreeEstimateEntries(Pager* pager, PageNo root) {
  uint64_t estimate = 1;
  PageNo p = root;
  for (int depth = 0; p != kNullPage; depth++) {
    if (depth > limits::kTreeDepthMax) return TooDeep();
    ZQ_ASSIGN_OR_RETURN(const uint8_t* n, ReadTreePage(pager, p));
    const uint64_t count = node::Count(n);
    if (node::IsLeaf(n)) return estimate * count;
    estimate *= count + 1;
    p = node::Child(n, static_cast<int>((count + 1) / 2));
  }
  return uint64_t{0};
}

// ---- writer ------------------------------------------------------------------

Status TreeWriter::Descend(PageNo root, std::string_view key, std::vector<PathStep>* path,
                           PageNo* leaf, size_t* edge_steps) {
  path->clear();
  bool on_edge = true;
  size_t edge = 0;
  PageNo p = root;
  for (int depth = 0;; depth++) {
    if (depth > limits::kTreeDepthMax) return TooDeep();
    ZQ_ASSIGN_OR_RETURN(const uint8_t* n, ReadTreePage(pager_, p));
    if (node::IsLeaf(n)) {
      *leaf = p;
      if (edge_steps != nullptr) *edge_steps = edge;
      return Status::Ok();
    }
    int ci = node::ChildIndexFor(n, key);
    on_edge = on_edge && ci == node::Count(n);
    if (on_edge) edge++;
    path->push_back({p, ci});
    p = node::Child(n, ci);
  }
}

Result<uint8_t*> TreeWriter::MakePathWritable(PageNo* root, std::vector<PathStep>* path,
                                              PageNo* leaf) {
  uint8_t* parent = nullptr;
  for (size_t i = 0; i <= path->size(); i++) {
    PageNo old = i < path->size() ? (*path)[i].pgno : *leaf;
    PageNo fresh = kNullPage;
    ZQ_ASSIGN_OR_RETURN(uint8_t* w, pager_->MakeWritable(old, seq_, &fresh));
    if (i == 0) {
      *root = fresh;
    } else if (fresh != old) {
      node::SetChild(parent, (*path)[i - 1].child_index, fresh);
    }
    if (i < path->size()) {
      (*path)[i].pgno = fresh;
      parent = w;
    } else {
      *leaf = fresh;
      return w;
    }
  }
  return Status::Internal("unreachable");
}

bool TreeWriter::FitsInline(std::string_view key, std::string_view value) const {
  const uint64_t inline_bytes = VarintLength(key.size()) +
                                VarintLength(uint64_t{value.size()} << 1) + key.size() +
                                value.size();
  return value.size() <= pager_->usable_bytes() &&
         inline_bytes <= node::MaxLocalCellBytes(pager_->usable_bytes());
}

Status TreeWriter::BuildLeafCell(std::string_view key, std::string_view value,
                                 std::vector<uint8_t>* cell) {
  cell->clear();
  if (FitsInline(key, value)) {
    node::EncodeLeafCell(key, value, cell);
    return Status::Ok();
  }
  const uint32_t chunk = OverflowChunkBytes(pager_);
  size_t pages = (value.size() + chunk - 1) / chunk;
  PageNo next = kNullPage;
  for (size_t i = pages; i-- > 0;) {  // last chunk first, so each knows its successor
    PageNo p = kNullPage;
    ZQ_ASSIGN_OR_RETURN(uint8_t* n, pager_->Allocate(PageKind::kOverflow, seq_, &p));
    std::memset(n + 1, 0, node::kOverflowHeaderBytes - 1);
    PutFixed64(n + 8, next);
    size_t take = std::min<size_t>(chunk, value.size() - i * chunk);
    std::memcpy(n + node::kOverflowHeaderBytes, value.data() + i * chunk, take);
    std::memset(n + node::kOverflowHeaderBytes + take, 0, chunk - take);
    next = p;
  }
  node::EncodeOverflowCell(key, value.size(), next, cell);
  return Status::Ok();
}

Status TreeWriter::RetireOverflow(uint64_t head, uint64_t value_bytes) {
  const uint32_t chunk = OverflowChunkBytes(pager_);
  uint64_t pages = (value_bytes + chunk - 1) / chunk;
  PageNo p = head;
  for (uint64_t i = 0; i < pages; i++) {
    if (p == kNullPage) return Status::Corruption("overflow chain ends early");
    ZQ_ASSIGN_OR_RETURN(const uint8_t* n, pager_->Read(p));
    if (node::Kind(n) != kOverflowKind) return Status::Corruption("bad overflow page");
    PageNo next = GetFixed64(n + 8);
    ZQ_RETURN_IF_ERROR(pager_->Retire(p, seq_));
    p = next;
  }
  return Status::Ok();
}

Status TreeWriter::Put(PageNo* root, std::string_view key, std::string_view value,
                       bool* inserted) {
  ZQ_ASSERT(key.size() <= limits::kKeyBytesMax && value.size() <= limits::kValueBytesMax);
  const uint32_t usable = pager_->usable_bytes();
  std::vector<uint8_t>& cell = cell_;
  if (*root == kNullPage) {
    PageNo p = kNullPage;
    ZQ_ASSIGN_OR_RETURN(uint8_t* n, pager_->Allocate(PageKind::kLeaf, seq_, &p));
    node::Init(n, usable, PageKind::kLeaf);
    ZQ_RETURN_IF_ERROR(BuildLeafCell(key, value, &cell));
    ZQ_ASSERT(node::InsertCell(n, usable, 0, std::string_view(
                                                  reinterpret_cast<char*>(cell.data()), cell.size())));
    *root = p;
    *inserted = true;
    return Status::Ok();
  }
  ZQ_ASSIGN_OR_RETURN(bool done, PutInHintedLeaf(*root, key, value, inserted));
  if (done) return Status::Ok();
  std::vector<PathStep>& path = path_;
  PageNo leaf = kNullPage;
  size_t edge_steps = 0;
  ZQ_RETURN_IF_ERROR(Descend(*root, key, &path, &leaf, &edge_steps));
  ZQ_ASSIGN_OR_RETURN(uint8_t* n, MakePathWritable(root, &path, &leaf));
  bool exact = false;
  int i = node::LowerBound(n, key, &exact);
  if (exact) {
    node::LeafEntry e = node::LeafAt(n, i);
    // A value replaced by one of the same size (ledger balances, fixed-width
    // rows) is overwritten where it is: no removal, no page compaction.
    if (!e.overflow && e.value_bytes == value.size()) {
      OverwriteValue(e, value);
      *inserted = false;
      RememberLeaf(*root, leaf, path, key, i);
      return Status::Ok();
    }
    if (e.overflow) ZQ_RETURN_IF_ERROR(RetireOverflow(e.overflow_head, e.value_bytes));
    node::RemoveCell(n, usable, i);
  }
  *inserted = !exact;
  ZQ_RETURN_IF_ERROR(BuildLeafCell(key, value, &cell));
  std::string_view cell_view(reinterpret_cast<char*>(cell.data()), cell.size());
  if (node::InsertCell(n, usable, i, cell_view)) {
    RememberLeaf(*root, leaf, path, key, i);
    return Status::Ok();
  }
  hint_.leaf = kNullPage;
  std::string separator;
  PageNo right = kNullPage;
  const bool append = edge_steps == path.size() && i == node::Count(n);
  if (!append) {
    ZQ_ASSIGN_OR_RETURN(bool shared, InsertBySharing(path, n, i, cell_view));
    if (shared) return Status::Ok();
  }
  ZQ_RETURN_IF_ERROR(SplitAndInsert(n, i, cell_view, append, &separator, &right));
  return InsertIntoParents(root, &path, edge_steps, std::move(separator), right);
}

bool TreeWriter::InHintedLeaf(PageNo root, std::string_view key) const {
  return hint_.leaf != kNullPage && hint_.root == root && key > hint_.last_key &&
         (!hint_.bounded || key < hint_.upper);
}

Result<bool> TreeWriter::PutInHintedLeaf(PageNo root, std::string_view key,
                                         std::string_view value, bool* inserted) {
  if (!InHintedLeaf(root, key)) return false;
  uint8_t* n = pager_->PrivateBody(hint_.leaf);
  if (n == nullptr || !node::IsLeaf(n)) {  // not expected while the hint lives
    hint_.leaf = kNullPage;
    return false;
  }
  const uint32_t usable = pager_->usable_bytes();
  bool exact = false;
  const int i = node::LowerBoundFrom(n, hint_.next, key, &exact);
  if (exact) {
    node::LeafEntry e = node::LeafAt(n, i);
    if (e.overflow || e.value_bytes != value.size()) return false;  // the general path
    OverwriteValue(e, value);
    hint_.last_key.assign(key);
    hint_.next = i + 1;
    *inserted = false;
    return true;
  }
  // A value that needs overflow pages: the general path (which must not find
  // overflow pages already allocated for a failed try).
  if (!FitsInline(key, value)) return false;
  cell_.clear();
  node::EncodeLeafCell(key, value, &cell_);
  if (!node::InsertCell(n, usable, i,
                        std::string_view(reinterpret_cast<char*>(cell_.data()), cell_.size()))) {
    return false;  // full: the general path splits
  }
  hint_.last_key.assign(key);
  hint_.next = i + 1;
  *inserted = true;
  return true;
}

Status TreeWriter::Prefetch(PageNo root, std::span<const std::string_view> keys) {
  std::string_view away[kGroupKeys];
  size_t n = 0;
  for (std::string_view key : keys) {
    if (InHintedLeaf(root, key)) continue;
    away[n++] = key;
    if (n == std::size(away)) {
      ZQ_RETURN_IF_ERROR(TreePrefetch(pager_, root, {away, n}));
      n = 0;
    }
  }
  return TreePrefetch(pager_, root, {away, n});
}

void TreeWriter::RememberLeaf(PageNo root, PageNo leaf, const std::vector<PathStep>& path,
                              std::string_view key, int index) {
  hint_.root = root;
  hint_.leaf = leaf;
  hint_.last_key.assign(key);
  hint_.next = index + 1;
  hint_.bounded = false;
  // The tightest upper bound is the separator right of the child taken at the
  // deepest level where that child is not the last one.
  for (size_t k = path.size(); k-- > 0;) {
    Result<const uint8_t*> page = pager_->Read(path[k].pgno);
    if (!page.ok()) {
      hint_.leaf = kNullPage;
      return;
    }
    const uint8_t* n = *page;
    if (path[k].child_index < node::Count(n)) {
      std::string_view sep;
      uint64_t child = 0;
      DecodeInternalCell(node::CellBytes(n, path[k].child_index), &sep, &child);
      hint_.upper.assign(sep);
      hint_.bounded = true;
      return;
    }
  }
}

namespace {
// Bytes `cells` take in a page, each with its 2-byte slot.
size_t CellsBytes(std::span<const std::string_view> cells) {
  size_t total = 0;
  for (std::string_view c : cells) total += c.size() + 2;
  return total;
}
// Cells before the one that takes the first part past half the bytes: both
// parts then fit a page when the whole fits two.
size_t HalfByBytes(std::span<const std::string_view> cells) {
  const size_t total = CellsBytes(cells);
  size_t m = 0, acc = 0;
  while (m < cells.size() && acc + cells[m].size() + 2 <= total / 2) acc += cells[m++].size() + 2;
  return m;
}
}  // namespace

void TreeWriter::StagedCells::Clear() {
  bytes_.clear();
  spans_.clear();
}

void TreeWriter::StagedCells::Add(std::string_view cell) {
  spans_.emplace_back(bytes_.size(), cell.size());
  bytes_.append(cell);
}

void TreeWriter::StagedCells::AddNode(const uint8_t* n, int index, std::string_view cell) {
  for (int k = 0; k <= node::Count(n); k++) {
    Add(k == index ? cell : node::CellBytes(n, k < index ? k : k - 1));
  }
}

void TreeWriter::StagedCells::AddNode(const uint8_t* n) {
  for (int k = 0; k < node::Count(n); k++) Add(node::CellBytes(n, k));
}

std::span<const std::string_view> TreeWriter::StagedCells::Views() {
  views_.clear();
  for (auto [off, len] : spans_) views_.emplace_back(bytes_.data() + off, len);
  return views_;
}

Result<bool> TreeWriter::InsertBySharing(const std::vector<PathStep>& path, uint8_t* n,
                                         int index, std::string_view cell) {
  if (path.empty()) return false;  // the root leaf has no sibling
  const uint32_t usable = pager_->usable_bytes();
  const uint32_t capacity = usable - node::kHeaderBytes;
  const PathStep& step = path.back();
  uint8_t* parent = pager_->PrivateBody(step.pgno);  // made writable by the descent
  ZQ_ASSERT(parent != nullptr && !node::IsLeaf(parent));
  const int last_child = node::Count(parent);
  for (const int side : {-1, 1}) {
    const int sibling_index = step.child_index + side;
    if (sibling_index < 0 || sibling_index > last_child) continue;
    const PageNo sibling = node::Child(parent, sibling_index);
    ZQ_ASSIGN_OR_RETURN(const uint8_t* s, ReadTreePage(pager_, sibling));
    if (!node::IsLeaf(s)) return Status::Corruption("b-tree: a leaf's sibling is not a leaf");
    // A sibling with little room would only move the split a few puts later.
    if (node::UsedBytes(s, usable) + usable / 8 > usable) continue;
    // Both leaves' cells in key order, the new one included, staged: the
    // pages are rewritten (and the sibling may move) below.
    staged_.Clear();
    if (side < 0) staged_.AddNode(s);
    staged_.AddNode(n, index, cell);
    if (side > 0) staged_.AddNode(s);
    const std::span<const std::string_view> cells = staged_.Views();
    const size_t m = std::clamp<size_t>(HalfByBytes(cells), 1, cells.size() - 1);
    if (CellsBytes(cells.first(m)) > capacity || CellsBytes(cells.subspan(m)) > capacity) continue;
    // The separator between the two changes; the parent must hold the new one.
    const int separator_cell = std::min(step.child_index, sibling_index);
    const std::string separator =
        ShortSeparator(LeafCellKey(cells[m - 1]), LeafCellKey(cells[m]));
    const size_t old_cell = node::CellBytes(parent, separator_cell).size();
    const size_t new_cell = VarintLength(separator.size()) + 8 + separator.size();
    if (node::UsedBytes(parent, usable) - old_cell + new_cell > usable) continue;

    PageNo moved = kNullPage;
    ZQ_ASSIGN_OR_RETURN(uint8_t* w, pager_->MakeWritable(sibling, seq_, &moved));
    if (moved != sibling) node::SetChild(parent, sibling_index, moved);
    uint8_t* left = side < 0 ? w : n;
    uint8_t* right = side < 0 ? n : w;
    node::RebuildFrom(left, usable, PageKind::kLeaf, 0, cells.first(m));
    node::RebuildFrom(right, usable, PageKind::kLeaf, 0, cells.subspan(m));
    const uint64_t right_child = node::Child(parent, separator_cell + 1);
    node::RemoveCell(parent, usable, separator_cell);
    std::vector<uint8_t>& encoded = separator_cell_;
    encoded.clear();
    node::EncodeInternalCell(separator, right_child, &encoded);
    const bool fits = node::InsertCell(
        parent, usable, separator_cell,
        std::string_view(reinterpret_cast<const char*>(encoded.data()), encoded.size()));
    ZQ_ASSERT(fits);
    return true;
  }
  return false;
}

Status TreeWriter::SplitAndInsert(uint8_t* n, int index, std::string_view cell, bool append,
                                  std::string* separator, PageNo* right) {
  const uint32_t usable = pager_->usable_bytes();
  const bool leaf = node::IsLeaf(n);
  if (leaf && append) {
    // Appending at the tree's right edge: the full page stays as it is and
    // the new cell starts the next one. Restaging and rewriting the old cells
    // (what the general split does) was most of an append split's cost.
    ZQ_ASSERT(index == node::Count(n) && index > 0);
    PageNo rp = kNullPage;
    ZQ_ASSIGN_OR_RETURN(uint8_t * r, pager_->Allocate(PageKind::kLeaf, seq_, &rp));
    *separator = ShortSeparator(LeafCellKey(node::CellBytes(n, index - 1)), LeafCellKey(cell));
    node::RebuildFrom(r, usable, PageKind::kLeaf, 0, {&cell, 1});
    *right = rp;
    return Status::Ok();
  }
  // Stage every cell (the page is rewritten below).
  staged_.Clear();
  staged_.AddNode(n, index, cell);
  const std::span<const std::string_view> cells = staged_.Views();
  // Split point by bytes; internal splits lift cell m, so both sides keep >= 1.
  size_t m = HalfByBytes(cells);
  const size_t lo = 1, hi = leaf ? cells.size() - 1 : cells.size() - 2;
  ZQ_ASSERT(cells.size() >= 3 || (leaf && cells.size() >= 2));
  m = append ? hi : std::clamp(m, lo, hi);

  PageNo rp = kNullPage;
  ZQ_ASSIGN_OR_RETURN(uint8_t* r, pager_->Allocate(leaf ? PageKind::kLeaf : PageKind::kInternal,
                                                   seq_, &rp));
  if (leaf) {
    *separator = ShortSeparator(LeafCellKey(cells[m - 1]), LeafCellKey(cells[m]));
    node::RebuildFrom(r, usable, PageKind::kLeaf, 0, cells.subspan(m));
    node::RebuildFrom(n, usable, PageKind::kLeaf, 0, cells.first(m));
  } else {
    std::string_view mid_key;
    uint64_t mid_child = 0;
    DecodeInternalCell(cells[m], &mid_key, &mid_child);
    *separator = std::string(mid_key);
    uint64_t leftmost = node::Leftmost(n);
    node::RebuildFrom(r, usable, PageKind::kInternal, mid_child, cells.subspan(m + 1));
    node::RebuildFrom(n, usable, PageKind::kInternal, leftmost, cells.first(m));
  }
  *right = rp;
  return Status::Ok();
}

Status TreeWriter::InsertIntoParents(PageNo* root, std::vector<PathStep>* path,
                                     size_t edge_steps, std::string separator, PageNo right) {
  const uint32_t usable = pager_->usable_bytes();
  std::vector<uint8_t> cell;
  while (true) {
    cell.clear();
    if (path->empty()) {  // the root split: grow a level
      PageNo p = kNullPage;
      ZQ_ASSIGN_OR_RETURN(uint8_t* n, pager_->Allocate(PageKind::kInternal, seq_, &p));
      node::Init(n, usable, PageKind::kInternal);
      node::SetLeftmost(n, *root);
      node::EncodeInternalCell(separator, right, &cell);
      ZQ_ASSERT(node::InsertCell(n, usable, 0,
                                 std::string_view(reinterpret_cast<char*>(cell.data()), cell.size())));
      *root = p;
      return Status::Ok();
    }
    PathStep step = path->back();
    path->pop_back();
    PageNo same = kNullPage;
    ZQ_ASSIGN_OR_RETURN(uint8_t* parent, pager_->MakeWritable(step.pgno, seq_, &same));
    ZQ_ASSERT(same == step.pgno);  // made private on the way down
    node::EncodeInternalCell(separator, right, &cell);
    std::string_view cv(reinterpret_cast<char*>(cell.data()), cell.size());
    if (node::InsertCell(parent, usable, step.child_index, cv)) return Status::Ok();
    std::string next_separator;
    PageNo next_right = kNullPage;
    // path[k] is the rightmost page of its level for k <= edge_steps, and the
    // separator lands at its end when the path went to its last child.
    const bool append = path->size() < edge_steps;
    ZQ_RETURN_IF_ERROR(
        SplitAndInsert(parent, step.child_index, cv, append, &next_separator, &next_right));
    separator = std::move(next_separator);
    right = next_right;
  }
}

Status TreeWriter::Delete(PageNo* root, std::string_view key, bool* existed) {
  *existed = false;
  hint_.leaf = kNullPage;
  if (*root == kNullPage) return Status::Ok();
  std::vector<PathStep>& path = path_;
  PageNo leaf = kNullPage;
  ZQ_RETURN_IF_ERROR(Descend(*root, key, &path, &leaf));
  {
    ZQ_ASSIGN_OR_RETURN(const uint8_t* n, pager_->Read(leaf));
    bool exact = false;
    node::LowerBound(n, key, &exact);
    if (!exact) return Status::Ok();  // nothing to copy
  }
  ZQ_ASSIGN_OR_RETURN(uint8_t* n, MakePathWritable(root, &path, &leaf));
  bool exact = false;
  int i = node::LowerBound(n, key, &exact);
  ZQ_ASSERT(exact);
  node::LeafEntry e = node::LeafAt(n, i);
  if (e.overflow) ZQ_RETURN_IF_ERROR(RetireOverflow(e.overflow_head, e.value_bytes));
  node::RemoveCell(n, pager_->usable_bytes(), i);
  *existed = true;
  if (node::Count(n) > 0) return Status::Ok();
  ZQ_RETURN_IF_ERROR(pager_->Retire(leaf, seq_));
  if (path.empty()) {
    *root = kNullPage;
    return Status::Ok();
  }
  return RemoveFromParents(root, &path);
}

Status TreeWriter::RemoveFromParents(PageNo* root, std::vector<PathStep>* path) {
  const uint32_t usable = pager_->usable_bytes();
  while (!path->empty()) {
    PathStep step = path->back();
    path->pop_back();
    PageNo same = kNullPage;
    ZQ_ASSIGN_OR_RETURN(uint8_t* parent, pager_->MakeWritable(step.pgno, seq_, &same));
    ZQ_ASSERT(same == step.pgno);
    if (node::Count(parent) == 0) {  // its only child went: it goes too
      ZQ_RETURN_IF_ERROR(pager_->Retire(step.pgno, seq_));
      if (path->empty()) {
        *root = kNullPage;
        return Status::Ok();
      }
      continue;
    }
    if (step.child_index == 0) {
      node::SetLeftmost(parent, node::Child(parent, 1));
      node::RemoveCell(parent, usable, 0);
    } else {
      node::RemoveCell(parent, usable, step.child_index - 1);
    }
    break;
  }
  return CollapseRoot(root);
}

Status TreeWriter::CollapseRoot(PageNo* root) {
  for (int depth = 0; *root != kNullPage; depth++) {
    if (depth > limits::kTreeDepthMax) return TooDeep();
    ZQ_ASSIGN_OR_RETURN(const uint8_t* n, ReadTreePage(pager_, *root));
    if (node::IsLeaf(n) || node::Count(n) > 0) return Status::Ok();
    PageNo only = node::Leftmost(n);
    ZQ_RETURN_IF_ERROR(pager_->Retire(*root, seq_));
    *root = only;
  }
  return Status::Ok();
}

Status CollectTreePages(Pager* pager, PageNo root, std::vector<PageNo>* pages) {
  if (root == kNullPage) return Status::Ok();
  // A damaged tree may share pages between parents: each page counts once.
  std::unordered_set<PageNo> seen;
  auto add = [&](PageNo p) {
    if (!seen.insert(p).second) {
      return Status::Corruption("page " + std::to_string(p) + " is referenced twice");
    }
    pages->push_back(p);
    return Status::Ok();
  };
  const uint32_t chunk = OverflowChunkBytes(pager);
  std::vector<std::pair<PageNo, int>> stack{{root, 0}};
  while (!stack.empty()) {
    auto [p, depth] = stack.back();
    stack.pop_back();
    if (depth > limits::kTreeDepthMax) return TooDeep();
    ZQ_RETURN_IF_ERROR(add(p));
    ZQ_ASSIGN_OR_RETURN(const uint8_t* n, ReadTreePage(pager, p));
    if (!node::IsLeaf(n)) {
      for (int i = 0; i <= node::Count(n); i++) stack.emplace_back(node::Child(n, i), depth + 1);
      continue;
    }
    for (int i = 0; i < node::Count(n); i++) {
      node::LeafEntry e = node::LeafAt(n, i);
      if (!e.overflow) continue;
      PageNo o = e.overflow_head;
      for (uint64_t k = 0; k < (e.value_bytes + chunk - 1) / chunk; k++) {
        if (o == kNullPage) return Status::Corruption("overflow chain ends early");
        ZQ_RETURN_IF_ERROR(add(o));
        ZQ_ASSIGN_OR_RETURN(const uint8_t* op, pager->Read(o));
        if (node::Kind(op) != kOverflowKind) return Status::Corruption("bad overflow page");
        o = GetFixed64(op + 8);
      }
    }
  }
  return Status::Ok();
}

Status TreeWriter::Destroy(PageNo root) {
  hint_.leaf = kNullPage;
  std::vector<PageNo> pages;
  ZQ_RETURN_IF_ERROR(CollectTreePages(pager_, root, &pages));
  for (PageNo p : pages) ZQ_RETURN_IF_ERROR(pager_->Retire(p, seq_));
  return Status::Ok();
}

}  // namespace zq::storage
