// HugePageAllocator: an allocator for large arrays read at random (hash
// tables, caches), whose memory is asked to be backed by 2 MiB pages.
//
// Why: with 4 KiB pages a 36 MiB table spans 9,216 pages, more than the
// CPU's TLB holds, so a random probe pays a page walk on top of its cache
// miss. Arrays of at least kHugePageBytes are aligned to and rounded up to
// whole 2 MiB pages and marked MADV_HUGEPAGE before anything touches them
// (under the kernel's "madvise" setting, the default on Debian, only marked
// ranges get huge pages). Smaller arrays come from operator new as usual.
// Where the kernel gives no huge page the memory works all the same.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace zq {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(size_t n) {
    if (n > static_cast<size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePageBytes) return static_cast<T*>(::operator new(bytes));
    const size_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
    void* p = std::aligned_alloc(kHugePageBytes, rounded);
    if (p == nullptr) throw std::bad_alloc();
    (void)madvise(p, rounded, MADV_HUGEPAGE);  // a hint: refusal is harmless
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kHugePageBytes) {
      ::operator delete(p);
    } else {
      std::free(p);
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

}  // namespace zq
