#include "storage/pager/page_buffers.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>

#include "util/assert.hpp"

namespace zq::storage {

namespace {
// MADV_POPULATE_WRITE is newer than some C libraries' headers.
#ifndef MADV_POPULATE_WRITE
constexpr int MADV_POPULATE_WRITE = 23;
#endif

uint8_t* MapRegion() {
  void* p = mmap(nullptr, PageBuffers::kRegionBytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ZQ_ASSERT(p != MAP_FAILED);
  // Fails harmlessly where unsupported: the pages then fault one by one.
  (void)madvise(p, PageBuffers::kRegionBytes, MADV_POPULATE_WRITE);
  return static_cast<uint8_t*>(p);
}
}  // namespace

PageBuffers::PageBuffers(uint32_t buffer_bytes) : buffer_bytes_(buffer_bytes) {
  ZQ_ASSERT(buffer_bytes >= 64 && buffer_bytes <= kRegionBytes &&
            (buffer_bytes & (buffer_bytes - 1)) == 0);
}

PageBuffers::~PageBuffers() {
  for (uint8_t* p : warm_) Discard(p);
  for (uint8_t* r : regions_) munmap(r, kRegionBytes);
}

uint8_t* PageBuffers::Take() {
  std::vector<uint8_t*>& kept = warm_.empty() ? cold_ : warm_;
  if (!kept.empty()) {
    uint8_t* p = kept.back();
    kept.pop_back();
    return p;
  }
  if (carve_ == carve_end_) {
    uint8_t* region = MapRegion();
    regions_.insert(std::upper_bound(regions_.begin(), regions_.end(), region), region);
    carve_ = region;
    carve_end_ = region + kRegionBytes;
  }
  uint8_t* p = carve_;
  carve_ += buffer_bytes_;
  return p;
}

bool PageBuffers::Owns(const uint8_t* p) const {
  auto it = std::upper_bound(regions_.begin(), regions_.end(), p,
                             [](const uint8_t* q, const uint8_t* r) { return q < r; });
  return it != regions_.begin() && p < *std::prev(it) + kRegionBytes;
}

void PageBuffers::Give(uint8_t* p) {
  ZQ_ASSERT(p != nullptr);
  if (warm_.size() < warm_max_) {
    warm_.push_back(p);
  } else {
    HandBack({&p, 1});
  }
}

void PageBuffers::Discard(uint8_t* p) {
  if (!Owns(p)) std::free(p);
}

// Buffers carved one after another often go cold together: adjacent ones
// are handed back in one system call (a store closing after a large
// checkpoint cycle hands back ~100,000).
void PageBuffers::HandBack(std::span<uint8_t* const> sorted) {
  for (size_t i = 0; i < sorted.size();) {
    if (!Owns(sorted[i])) {
      std::free(sorted[i++]);
      continue;
    }
    size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[j - 1] + buffer_bytes_ && Owns(sorted[j])) j++;
    (void)madvise(sorted[i], (j - i) * buffer_bytes_, MADV_DONTNEED);
    cold_.insert(cold_.end(), sorted.begin() + static_cast<ptrdiff_t>(i),
                 sorted.begin() + static_cast<ptrdiff_t>(j));
    i = j;
  }
}

void PageBuffers::SetWarmMax(uint64_t warm_max) {
  warm_max_ = warm_max;
  if (warm_.size() <= warm_max_) return;
  std::vector<uint8_t*> excess(warm_.begin() + static_cast<ptrdiff_t>(warm_max_), warm_.end());
  warm_.resize(warm_max_);
  std::sort(excess.begin(), excess.end());
  HandBack(excess);
}

}  // namespace zq::storage
