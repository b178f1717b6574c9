#include "storage/btree/node.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "util/assert.hpp"
#include "util/coding.hpp"

namespace zq::storage::node {

namespace {
uint16_t ContentStart(const uint8_t* n) { return GetFixed16(n + 4); }
uint16_t Garbage(const uint8_t* n) { return GetFixed16(n + 6); }

// Total cell length at `off`, or 0 when the cell does not fit in [off, usable).
uint32_t CellLength(const uint8_t* n, uint32_t usable, uint32_t off, bool leaf) {
  const uint8_t* end = n + usable;
  const uint8_t* p = n + off;
  uint64_t klen = 0;
  int a = GetVarint64(p, end, &klen);
  if (a == 0 || klen > usable) return 0;  // bound each part first: no overflow
  uint64_t body = 0;
  int b = 0;
  if (leaf) {
    uint64_t vfield = 0;
    b = GetVarint64(p + a, end, &vfield);
    if (b == 0) return 0;
    uint64_t local = (vfield & 1) ? 8 : (vfield >> 1);
    if (local > usable) return 0;
    body = klen + local;
  } else {
    body = klen + 8;
  }
  uint64_t total = static_cast<uint64_t>(a) + b + body;
  if (total > usable - off) return 0;
  return static_cast<uint32_t>(total);
}
}  // namespace

uint64_t Leftmost(const uint8_t* n) { return GetFixed64(n + 8); }
void SetLeftmost(uint8_t* n, uint64_t child) { PutFixed64(n + 8, child); }

uint32_t MaxLocalCellBytes(uint32_t usable) { return (usable - kHeaderBytes) / 4 - 2; }

Status Check(const uint8_t* n, uint32_t usable, uint64_t pgno) {
  auto bad = [pgno](const char* what) {
    return Status::Corruption("b-tree page " + std::to_string(pgno) + ": " + what);
  };
  bool leaf = IsLeaf(n);
  if (!leaf && Kind(n) != static_cast<uint8_t>(PageKind::kInternal)) return bad("not a tree page");
  uint32_t count = Count(n);
  uint32_t slots_end = kHeaderBytes + 2 * count;
  if (slots_end > usable || ContentStart(n) < slots_end || ContentStart(n) > usable) {
    return bad("bad header");
  }
  std::string_view prev;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t off = Slot(n, static_cast<int>(i));
    if (off < ContentStart(n) || off >= usable) return bad("slot out of range");
    if (CellLength(n, usable, off, leaf) == 0) return bad("cell out of range");
    std::string_view key = CellKey(n, static_cast<int>(i));
    if (i > 0 && !(prev < key)) return bad("keys out of order");
    prev = key;
    if (!leaf && Child(n, static_cast<int>(i) + 1) < 2) return bad("bad child reference");
  }
  if (!leaf && Leftmost(n) < 2) return bad("bad leftmost child");
  return Status::Ok();
}



uint64_t Child(const uint8_t* n, int child_index) {
  if (child_index == 0) return Leftmost(n);
  const uint8_t* p = n + Slot(n, child_index - 1);
  uint64_t klen = 0;
  int a = GetVarint64(p, p + kVarint64BytesMax, &klen);
  return GetFixed64(p + a);
}

void SetChild(uint8_t* n, int child_index, uint64_t child) {
  if (child_index == 0) {
    SetLeftmost(n, child);
    return;
  }
  uint8_t* p = n + Slot(n, child_index - 1);
  uint64_t klen = 0;
  int a = GetVarint64(p, p + kVarint64BytesMax, &klen);
  PutFixed64(p + a, child);
}

namespace {

// memcmp order of two keys, eight bytes at a time: keys are short (a
// 9-byte integer key is one word and a byte), where a call to memcmp costs
// more than the comparison.
int CompareKeys(std::string_view a, std::string_view b) {
  const auto* x = reinterpret_cast<const uint8_t*>(a.data());
  const auto* y = reinterpret_cast<const uint8_t*>(b.data());
  size_t n = std::min(a.size(), b.size());
  for (; n >= 8; n -= 8, x += 8, y += 8) {
    const uint64_t u = GetBigEndian64(x), v = GetBigEndian64(y);
    if (u != v) return u < v ? -1 : 1;
  }
  for (; n > 0; n--, x++, y++) {
    if (*x != *y) return *x < *y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

}  // namespace

namespace {
// The first index in [lo, hi) whose key is >= key, given that the key at hi
// (if any) is >= key; *exact when equal.
int SearchRange(const uint8_t* n, int lo, int hi, std::string_view key, bool* exact) {
  // Keys in a node are distinct: the one equal to `key`, if any, is where
  // the search ends.
  bool equal = false;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    const int c = CompareKeys(CellKey(n, mid), key);
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
      equal = equal || c == 0;
    }
  }
  *exact = equal;
  return lo;
}
}  // namespace

int LowerBound(const uint8_t* n, std::string_view key, bool* exact) {
  return SearchRange(n, 0, Count(n), key, exact);
}

int LowerBoundFrom(const uint8_t* n, int from, std::string_view key, bool* exact) {
  const int count = Count(n);
  *exact = false;
  if (from >= count) return count;
  int c = CompareKeys(CellKey(n, from), key);
  if (c >= 0) {
    *exact = c == 0;
    return from;
  }
  c = CompareKeys(CellKey(n, count - 1), key);
  if (c <= 0) {
    *exact = c == 0;
    return c == 0 ? count - 1 : count;
  }
  // CellKey(from) < key < CellKey(count - 1).
  return SearchRange(n, from + 1, count - 1, key, exact);
}

void StartSearch(const uint8_t* n, SteppedSearch* s) {
  s->lo = 0;
  s->hi = Count(n);
  s->equal = false;
  if (!s->Done()) __builtin_prefetch(n + Slot(n, (s->lo + s->hi) / 2));
}

void StepSearch(const uint8_t* n, std::string_view key, SteppedSearch* s) {
  // The same halving as SearchRange.
  const int mid = (s->lo + s->hi) / 2;
  const int c = CompareKeys(CellKey(n, mid), key);
  if (c < 0) {
    s->lo = mid + 1;
  } else {
    s->hi = mid;
    s->equal = s->equal || c == 0;
  }
  if (!s->Done()) __builtin_prefetch(n + Slot(n, (s->lo + s->hi) / 2));
}

int ChildIndexFor(const uint8_t* n, std::string_view key) {
  bool exact = false;
  int i = LowerBound(n, key, &exact);
  return exact ? i + 1 : i;  // number of keys <= key
}

namespace {
void AppendVarint(uint64_t v, std::vector<uint8_t>* out) {
  uint8_t buf[kVarint64BytesMax];
  int len = PutVarint64(buf, v);
  out->insert(out->end(), buf, buf + len);
}
void AppendBytes(std::string_view s, std::vector<uint8_t>* out) {
  out->insert(out->end(), s.begin(), s.end());
}
void AppendU64(uint64_t v, std::vector<uint8_t>* out) {
  uint8_t buf[8];
  PutFixed64(buf, v);
  out->insert(out->end(), buf, buf + 8);
}
}  // namespace

void EncodeLeafCell(std::string_view key, std::string_view value, std::vector<uint8_t>* out) {
  AppendVarint(key.size(), out);
  AppendVarint(static_cast<uint64_t>(value.size()) << 1, out);
  AppendBytes(key, out);
  AppendBytes(value, out);
}

void EncodeOverflowCell(std::string_view key, uint64_t value_bytes, uint64_t head,
                        std::vector<uint8_t>* out) {
  AppendVarint(key.size(), out);
  AppendVarint((value_bytes << 1) | 1, out);
  AppendBytes(key, out);
  AppendU64(head, out);
}

void EncodeInternalCell(std::string_view key, uint64_t child, std::vector<uint8_t>* out) {
  AppendVarint(key.size(), out);
  AppendU64(child, out);
  AppendBytes(key, out);
}

std::string_view CellBytes(const uint8_t* n, int i) {
  uint32_t off = Slot(n, i);
  // Bounds were checked when the page was read; usable is not needed here.
  uint32_t len = CellLength(n, UINT16_MAX + 1u, off, IsLeaf(n));
  return std::string_view(reinterpret_cast<const char*>(n + off), len);
}

void Init(uint8_t* n, uint32_t usable, PageKind kind) {
  std::memset(n, 0, kHeaderBytes);
  n[0] = static_cast<uint8_t>(kind);
  PutFixed16(n + 4, static_cast<uint16_t>(usable == 65536 ? 65535 : usable));
}

uint32_t UsedBytes(const uint8_t* n, uint32_t usable) {
  return kHeaderBytes + 2 * Count(n) + (usable - ContentStart(n)) - Garbage(n);
}

void RebuildFrom(uint8_t* n, uint32_t usable, PageKind kind, uint64_t leftmost,
                 std::span<const std::string_view> cells) {
  Init(n, usable, kind);
  SetLeftmost(n, leftmost);
  uint32_t content = usable;
  for (size_t i = 0; i < cells.size(); i++) {
    content -= static_cast<uint32_t>(cells[i].size());
    std::memcpy(n + content, cells[i].data(), cells[i].size());
    PutFixed16(n + kHeaderBytes + 2 * i, static_cast<uint16_t>(content));
  }
  ZQ_ASSERT(kHeaderBytes + 2 * cells.size() <= content);
  PutFixed16(n + 2, static_cast<uint16_t>(cells.size()));
  PutFixed16(n + 4, static_cast<uint16_t>(content));
  PutFixed16(n + 6, 0);
}

void Rebuild(uint8_t* n, uint32_t usable, PageKind kind, uint64_t leftmost,
             std::span<const std::string_view> cells) {
  // Cells may point into n itself: stage them first.
  std::string staged;
  for (auto c : cells) staged.append(c);
  std::vector<std::string_view> copies;
  copies.reserve(cells.size());
  size_t pos = 0;
  for (auto c : cells) {
    copies.emplace_back(staged.data() + pos, c.size());
    pos += c.size();
  }
  RebuildFrom(n, usable, kind, leftmost, copies);
}

bool InsertCell(uint8_t* n, uint32_t usable, int i, std::string_view cell) {
  uint32_t count = Count(n);
  uint32_t need = static_cast<uint32_t>(cell.size()) + 2;
  uint32_t contiguous = ContentStart(n) - (kHeaderBytes + 2 * count);
  if (contiguous < need) {
    if (contiguous + Garbage(n) < need) return false;
    std::vector<std::string_view> cells;
    for (uint32_t k = 0; k < count; k++) cells.push_back(CellBytes(n, static_cast<int>(k)));
    Rebuild(n, usable, static_cast<PageKind>(Kind(n)), Leftmost(n), cells);
  }
  uint32_t content = ContentStart(n) - static_cast<uint32_t>(cell.size());
  std::memcpy(n + content, cell.data(), cell.size());
  uint8_t* slots = n + kHeaderBytes;
  std::memmove(slots + 2 * (i + 1), slots + 2 * i, 2 * (count - i));
  PutFixed16(slots + 2 * i, static_cast<uint16_t>(content));
  PutFixed16(n + 2, static_cast<uint16_t>(count + 1));
  PutFixed16(n + 4, static_cast<uint16_t>(content));
  return true;
}

void RemoveCell(uint8_t* n, uint32_t usable, int i) {
  (void)usable;
  uint32_t count = Count(n);
  ZQ_ASSERT(i >= 0 && static_cast<uint32_t>(i) < count);
  uint32_t len = static_cast<uint32_t>(CellBytes(n, i).size());
  uint8_t* slots = n + kHeaderBytes;
  std::memmove(slots + 2 * i, slots + 2 * (i + 1), 2 * (count - i - 1));
  PutFixed16(n + 2, static_cast<uint16_t>(count - 1));
  PutFixed16(n + 6, static_cast<uint16_t>(Garbage(n) + len));
}

}  // namespace zq::storage::node
