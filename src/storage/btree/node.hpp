// B+tree node: a slotted page body (the `usable` bytes before the codec trailer).
//
//   0  kind u8 (PageKind::kLeaf or kInternal)   1  reserved u8
//   2  count u16          number of cells
//   4  content_start u16  cells occupy [content_start, usable)
//   6  garbage u16        bytes of dead cells inside the content area
//   8  leftmost u64       internal: child for keys < key[0]; leaf: 0
//   16 slots u16[count]   cell offsets, in key order
// Leaf cell:     varint key_len | varint (value_len << 1 | overflow) | key |
//                value bytes, or (overflow) u64 first overflow page
// Internal cell: varint key_len | u64 child | key; child holds keys >= key.
// Overflow page: kind u8 | pad[7] | next u64 | data (usable - 16 bytes).
//
// Every accessor taking bytes from disk checks bounds: a damaged node is
// reported by Check() as Corruption and never read out of bounds.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "storage/codec/page_codec.hpp"
#include "util/coding.hpp"
#include "util/status.hpp"

namespace zq::storage::node {

inline constexpr uint32_t kHeaderBytes = 16;
inline constexpr uint32_t kOverflowHeaderBytes = 16;

inline uint8_t Kind(const uint8_t* n) { return n[0]; }
inline bool IsLeaf(const uint8_t* n) { return n[0] == static_cast<uint8_t>(PageKind::kLeaf); }
inline uint16_t Count(const uint8_t* n) { return GetFixed16(n + 2); }
inline uint16_t Slot(const uint8_t* n, int i) { return GetFixed16(n + kHeaderBytes + 2 * i); }
uint64_t Leftmost(const uint8_t* n);
void SetLeftmost(uint8_t* n, uint64_t child);

// Largest cell (plus its slot) stored inline: a page always holds four.
uint32_t MaxLocalCellBytes(uint32_t usable);

struct LeafEntry {
  std::string_view key;
  std::string_view inline_value;  // when !overflow
  bool overflow = false;
  uint64_t value_bytes = 0;
  uint64_t overflow_head = 0;
};

// Validates the header, slots and every cell's bounds (once per page read
// from disk, and in tests). Corruption names the page.
Status Check(const uint8_t* n, uint32_t usable, uint64_t pgno);

// Inline: these run for every entry a scan or search touches.
inline std::string_view CellKey(const uint8_t* n, int i) {
  const uint8_t* p = n + Slot(n, i);
  uint64_t klen = 0;
  int a = GetVarint64(p, p + kVarint64BytesMax, &klen);
  if (IsLeaf(n)) {
    uint64_t vfield = 0;
    a += GetVarint64(p + a, p + a + kVarint64BytesMax, &vfield);
  } else {
    a += 8;
  }
  return std::string_view(reinterpret_cast<const char*>(p + a), klen);
}

inline LeafEntry LeafAt(const uint8_t* n, int i) {
  const uint8_t* p = n + Slot(n, i);
  uint64_t klen = 0, vfield = 0;
  int a = GetVarint64(p, p + kVarint64BytesMax, &klen);
  a += GetVarint64(p + a, p + a + kVarint64BytesMax, &vfield);
  LeafEntry e;
  e.key = std::string_view(reinterpret_cast<const char*>(p + a), klen);
  e.overflow = (vfield & 1) != 0;
  e.value_bytes = vfield >> 1;
  const uint8_t* v = p + a + klen;
  if (e.overflow) {
    e.overflow_head = GetFixed64(v);
  } else {
    e.inline_value = std::string_view(reinterpret_cast<const char*>(v), e.value_bytes);
  }
  return e;
}
// Child index 0..count: 0 is the leftmost child, i > 0 is cell i-1's child.
uint64_t Child(const uint8_t* n, int child_index);
void SetChild(uint8_t* n, int child_index, uint64_t child);

// First cell index whose key >= key; *exact when equal.
int LowerBound(const uint8_t* n, std::string_view key, bool* exact);
// LowerBound for a caller that knows every key before index `from` is less
// than `key` (sorted puts into one leaf): tries `from` and the end of the
// node first, so the next key of an ascending run costs one or two compares.
int LowerBoundFrom(const uint8_t* n, int from, std::string_view key, bool* exact);
// The child index that covers `key` in an internal node.
int ChildIndexFor(const uint8_t* n, std::string_view key);

// LowerBound one comparison at a time, so that the searches of several keys
// can take turns and overlap their cache misses (TreeGetMany): each step
// compares one cell and prefetches the cell the next step compares. When
// Done(), `lo` and `equal` are LowerBound's result and *exact.
struct SteppedSearch {
  int lo = 0, hi = 0;
  bool equal = false;
  bool Done() const { return lo >= hi; }
};
void StartSearch(const uint8_t* n, SteppedSearch* s);
void StepSearch(const uint8_t* n, std::string_view key, SteppedSearch* s);

// Cell encoders (append to out).
void EncodeLeafCell(std::string_view key, std::string_view value, std::vector<uint8_t>* out);
void EncodeOverflowCell(std::string_view key, uint64_t value_bytes, uint64_t head,
                        std::vector<uint8_t>* out);
void EncodeInternalCell(std::string_view key, uint64_t child, std::vector<uint8_t>* out);
// Raw bytes of cell i (to move cells between nodes).
std::string_view CellBytes(const uint8_t* n, int i);

void Init(uint8_t* n, uint32_t usable, PageKind kind);
// Inserts a cell at index i when it fits (compacting if needed); false when full.
bool InsertCell(uint8_t* n, uint32_t usable, int i, std::string_view cell);
void RemoveCell(uint8_t* n, uint32_t usable, int i);
// Rewrites the node from a list of cells, which may point into n itself
// (compaction).
void Rebuild(uint8_t* n, uint32_t usable, PageKind kind, uint64_t leftmost,
             std::span<const std::string_view> cells);
// The same for cells that do not point into n (splits: staged elsewhere).
void RebuildFrom(uint8_t* n, uint32_t usable, PageKind kind, uint64_t leftmost,
                 std::span<const std::string_view> cells);
uint32_t UsedBytes(const uint8_t* n, uint32_t usable);

}  // namespace zq::storage::node
