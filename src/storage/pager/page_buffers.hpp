// PageBuffers: the writer's heap buffers for page bodies (dirty pages and
// cached copies), carved from regions the kernel faults in whole, and kept
// for reuse when freed.
//
// Why: on the virtual machines this engine is measured on, the first touch
// of a 4 KiB page costs ~10 µs in a trap; a ledger run took ~200,000 of them
// for page buffers alone, a tenth of its time. A region of kRegionBytes is
// mapped and populated by one system call instead (MADV_POPULATE_WRITE,
// Linux 5.14; on older kernels the pages fault on first touch as before).
// Transparent huge pages were tried as well: fewer faults, but batches
// stalled for tens of milliseconds at random, so they are not asked for
// (tried again with 2 MiB-aligned regions: the first batches ran faster, the
// later ones slower, p99 worse — buffers handed back split the huge pages).
// The account cache and other fixed tables do use them
// (util/huge_page_allocator.hpp).
//
// Kept buffers are "warm" up to a limit the pager sets (what the next
// checkpoint cycle will likely need). Beyond it a region's buffer is handed
// back to the kernel but keeps its address ("cold": reused after the warm
// ones, faulting again then), and a buffer from elsewhere is freed. Regions
// are unmapped only with the pool.
//
// Buffers from std::aligned_alloc (the pager's readers allocate their own)
// may be given too. Writer only: not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace zq::storage {

class PageBuffers {
 public:
  static constexpr size_t kRegionBytes = size_t{2} << 20;

  // buffer_bytes: a power of two from 64 to kRegionBytes.
  explicit PageBuffers(uint32_t buffer_bytes);
  ~PageBuffers();
  PageBuffers(const PageBuffers&) = delete;
  PageBuffers& operator=(const PageBuffers&) = delete;

  // A buffer of buffer_bytes, 64-byte aligned; its contents are undefined.
  // Aborts when the address space is exhausted (as std::aligned_alloc's
  // callers here did).
  uint8_t* Take();
  // Keeps `p` for a later Take (see the warm limit).
  void Give(uint8_t* p);
  // Frees `p` for good when it came from std::aligned_alloc; a region's
  // buffer is left alone (the pool unmaps it).
  void Discard(uint8_t* p);
  // Buffers kept warm at most; those beyond go cold now.
  void SetWarmMax(uint64_t warm_max);

  size_t warm_count() const { return warm_.size(); }
  size_t cold_count() const { return cold_.size(); }
  size_t region_count() const { return regions_.size(); }
  bool Owns(const uint8_t* p) const;

 private:
  // Buffers in ascending address order: the region's ones go cold (their
  // memory back to the kernel), the others are freed.
  void HandBack(std::span<uint8_t* const> sorted);

  uint32_t buffer_bytes_;
  uint64_t warm_max_ = 1024;
  std::vector<uint8_t*> regions_;  // ascending addresses, kRegionBytes each
  uint8_t* carve_ = nullptr;       // the newest region's next buffer never taken
  uint8_t* carve_end_ = nullptr;
  std::vector<uint8_t*> warm_;
  std::vector<uint8_t*> cold_;
};

}  // namespace zq::storage
