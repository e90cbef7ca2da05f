// BigVector: std::vector for the large columns of a run, backed by transparent huge pages.
//
// Why: a run touches gigabytes of freshly allocated memory once (columns, events, tokens). With
// 4 KiB pages every first touch is a page fault, and on virtual machines faults are expensive:
// profiling the import of 5 M lab rows showed ~20% of the time in the kernel's fault path, and
// huge pages took 3.4 s down to 2.1 s on one thread. Allocations of 2 MiB and more are 2 MiB
// aligned and advised MADV_HUGEPAGE; smaller ones use the ordinary allocator.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

namespace ehrtok {

template <class T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kHugePage = size_t{2} << 20;

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes));
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (!p) throw std::bad_alloc();
    madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without THP it is a no-op
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kHugePage)
      ::operator delete(p);
    else
      std::free(p);
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

template <class T>
using BigVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace ehrtok
