// ChunkedArray: an indexable array that grows at its end without moving
// what it holds. Entries live in fixed chunks of 2^kChunkBits, allocated as
// the array first reaches them and kept (for reuse) by clear() and by
// shrinking.
//
// Why: a std::vector of a few million entries that outgrows its capacity
// copies itself whole into fresh memory, inside whichever operation crossed
// the line. The pager's per-page table did that at 2^17 and 2^18 pages: a
// ledger batch that happened to allocate that page took 10 ms longer
// (23 ms instead of 13). Here growing costs one chunk at most.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace zq {

template <typename T, size_t kChunkBits = 16>
class ChunkedArray {
 public:
  static constexpr size_t kChunkSize = size_t{1} << kChunkBits;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T& operator[](size_t i) { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }
  const T& operator[](size_t i) const { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }

  // Entries [size(), n) become T{}; entries past n are dropped (their chunks
  // stay for later growth).
  void resize(size_t n) {
    while (chunks_.size() * kChunkSize < n) chunks_.push_back(std::make_unique<T[]>(kChunkSize));
    for (size_t i = size_; i < n; i++) (*this)[i] = T{};
    size_ = n;
  }
  void assign(size_t n, const T& value) {
    resize(0);
    resize(n);
    for (size_t i = 0; i < n; i++) (*this)[i] = value;
  }
  void push_back(const T& value) {
    if (size_ == chunks_.size() * kChunkSize) chunks_.push_back(std::make_unique<T[]>(kChunkSize));
    (*this)[size_++] = value;
  }
  void clear() { size_ = 0; }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace zq
