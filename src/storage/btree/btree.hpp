// Copy-on-write B+trees over the pager. A tree is named by its root page
// (kNullPage = empty). Readers walk from a snapshot's root; the writer (one
// at a time, under the store's commit lock) produces new roots, copying every
// page on a modified path unless the pager says it is still private.
//
// Scans use a cursor holding the root-to-leaf path instead of sibling links:
// with copy-on-write, a sibling pointer would force copying the whole leaf
// chain on every write, while the path gives the same amortized O(1) step.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/pager/pager.hpp"
#include "util/result.hpp"

namespace zq::storage {

// Checks the structure of a page loaded from disk (installed as the pager's
// page validator by the store).
Status ValidateTreePage(const uint8_t* body, uint32_t usable, uint64_t pgno);

// Point lookup. True and *value when found.
Result<bool> TreeGet(Pager* pager, PageNo root, std::string_view key, std::string* value);
// Point lookups of several keys: (*values)[i], (*found)[i] for keys[i]. The
// descents run level by level, every node of a level prefetched before any
// is searched, so the cache misses of different keys overlap.
Status TreeGetMany(Pager* pager, PageNo root, std::span<const std::string_view> keys,
                   std::vector<std::string>* values, std::vector<uint8_t>* found);
// Walks the paths of `keys` as TreeGetMany does, reading no value: brings the
// nodes a write of those keys will search into the CPU cache.
Status TreePrefetch(Pager* pager, PageNo root, std::span<const std::string_view> keys);
// About how many entries a tree holds, from the nodes on one path down its
// middle (a page per level): exact for a single leaf, otherwise the product
// of the fanouts met, which the planner uses as a statistic.
Result<uint64_t> TreeEstimateEntries(Pager* pager, PageNo root);

class TreeWriter {
 public:
  TreeWriter(Pager* pager, uint64_t commit_seq) : pager_(pager), seq_(commit_seq) {}

  // *inserted is true for a new key, false for a replaced value.
  Status Put(PageNo* root, std::string_view key, std::string_view value, bool* inserted);
  Status Delete(PageNo* root, std::string_view key, bool* existed);
  // TreePrefetch for the keys that will not go to the leaf the last Put went
  // to (keys arriving in order mostly do, and need no descent).
  Status Prefetch(PageNo root, std::span<const std::string_view> keys);
  // Retires every page of the tree (a dropped tree).
  Status Destroy(PageNo root);

 private:
  struct PathStep {
    PageNo pgno;
    int child_index;  // which child of this page the path continues into
  };
  // `*edge_steps`: how many leading steps of the path go to the last child,
  // so path[i] (and the leaf when it equals path->size()) is the rightmost
  // page of its level for i <= *edge_steps.
  Status Descend(PageNo root, std::string_view key, std::vector<PathStep>* path, PageNo* leaf,
                 size_t* edge_steps = nullptr);
  Result<uint8_t*> MakePathWritable(PageNo* root, std::vector<PathStep>* path, PageNo* leaf);
  bool FitsInline(std::string_view key, std::string_view value) const;
  Status BuildLeafCell(std::string_view key, std::string_view value, std::vector<uint8_t>* cell);
  Status RetireOverflow(uint64_t head, uint64_t value_bytes);
  Status InsertIntoParents(PageNo* root, std::vector<PathStep>* path, size_t edge_steps,
                           std::string separator, PageNo right);
  // `append`: the cell goes after the last cell of the rightmost page of its
  // level (keys arriving in increasing order); the page then keeps every old
  // cell and the new one starts the right page, so an ascending load fills
  // pages instead of leaving them half empty.
  Status SplitAndInsert(uint8_t* n, int index, std::string_view cell, bool append,
                        std::string* separator, PageNo* right);
  // A full leaf that is not on the tree's right edge first shares its cells
  // with a sibling under the same parent that has room (the left one, else
  // the right), evening the two out and moving their separator, instead of
  // splitting: random inserts then leave leaves about 80% full instead of 69%
  // (B*-tree style). True when the cell went in.
  Result<bool> InsertBySharing(const std::vector<PathStep>& path, uint8_t* n, int index,
                               std::string_view cell);
  Status RemoveFromParents(PageNo* root, std::vector<PathStep>* path);
  Status CollapseRoot(PageNo* root);

  // Keys written in increasing order mostly land in the leaf the previous Put
  // went to: it is remembered with the upper bound of its key range (from the
  // descent), and a Put with a key above the previous one and below that bound
  // goes straight to it. Any split or delete forgets it.
  struct LeafHint {
    PageNo root = kNullPage;  // the tree it belongs to, as of the last Put
    PageNo leaf = kNullPage;  // kNullPage: no hint
    std::string last_key;
    int next = 0;  // the index after last_key's cell: keys before it are <= last_key
    std::string upper;  // keys >= upper belong to later leaves
    bool bounded = false;
  };
  // Puts into the hinted leaf when the key belongs there and fits; false
  // means "take the general path".
  // Whether a Put of `key` into the tree at `root` belongs in the hinted leaf.
  bool InHintedLeaf(PageNo root, std::string_view key) const;
  Result<bool> PutInHintedLeaf(PageNo root, std::string_view key, std::string_view value,
                               bool* inserted);
  void RememberLeaf(PageNo root, PageNo leaf, const std::vector<PathStep>& path,
                    std::string_view key, int index);

  Pager* pager_;
  uint64_t seq_;
  LeafHint hint_;
  // Cells copied out of pages about to be rewritten (splits, sharing), in
  // the order added.
  class StagedCells {
   public:
    void Clear();
    void Add(std::string_view cell);
    // Every cell of node n, with `cell` inserted at `index`.
    void AddNode(const uint8_t* n, int index, std::string_view cell);
    void AddNode(const uint8_t* n);
    // Views into the staged bytes: valid until the next Clear or Add.
    std::span<const std::string_view> Views();

   private:
    std::string bytes_;
    std::vector<std::pair<size_t, size_t>> spans_;
    std::vector<std::string_view> views_;
  };

  // Buffers reused from one Put/Delete to the next (a malloc each saved;
  // fresh memory also costs page faults).
  std::vector<uint8_t> cell_;
  std::vector<PathStep> path_;
  StagedCells staged_;
  std::vector<uint8_t> separator_cell_;
};

// Every page of a tree (tree and overflow pages), each once; Corruption when
// a page is reachable twice.
Status CollectTreePages(Pager* pager, PageNo root, std::vector<PageNo>* pages);

// Reads a whole value (inline or from its overflow chain).
Status ReadOverflowValue(Pager* pager, uint64_t head, uint64_t value_bytes, std::string* out);

// A cursor over one tree of one snapshot. Pages stay valid while the
// snapshot (or the writer's commit lock) is held.
// Up to parts - 1 keys, ascending, that cut the tree into `parts` key
// ranges holding about equal numbers of pages: the first keys of nodes of
// the highest level that has at least `parts` nodes. Empty when even the
// leaves are fewer than `parts`.
Result<std::vector<std::string>> SplitKeys(Pager* pager, PageNo root, size_t parts);

class TreeCursor {
 public:
  TreeCursor(Pager* pager, PageNo root) : pager_(pager), root_(root) {}

  Status SeekFirst();
  Status SeekLast();
  Status Seek(std::string_view key);         // first key >= key
  Status SeekForPrev(std::string_view key);  // last key <= key
  Status Next();
  Status Prev();
  bool Valid() const { return valid_; }
  std::string_view key() const { return key_; }
  std::string_view value() const { return value_; }
  // Cursor::ReadRun: the current entry and the inline ones after it in its leaf.
  size_t ReadRun(std::pair<std::string_view, std::string_view>* out, size_t max);

 private:
  struct Frame {
    const uint8_t* page;
    int index;  // leaf: cell index; internal: child index
  };
  Status DescendEdge(PageNo pgno, bool leftmost);
  Result<int> DescendTo(std::string_view key, bool* exact);
  Status LoadEntry();
  Status StepLeaf(bool forward);

  Pager* pager_;
  PageNo root_;
  std::vector<Frame> stack_;
  bool valid_ = false;
  std::string_view key_;
  std::string_view value_;
  std::string overflow_value_;
};

}  // namespace zq::storage
