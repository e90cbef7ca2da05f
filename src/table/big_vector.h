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
#include <utility>
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

// A HugePageAllocator with which resize() leaves new elements default-initialized (bytes: not
// written), for buffers that are filled right after they grow: zeroing a CSV chunk before reading
// into it was a memset of every byte of the input on the thread that inflates.
template <class T>
struct UninitializedHugePageAllocator : HugePageAllocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedHugePageAllocator<U>;
  };
  UninitializedHugePageAllocator() = default;
  template <class U>
  UninitializedHugePageAllocator(const UninitializedHugePageAllocator<U>&) {}

  template <class U>
  void construct(U* p) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// Makes `v` hold `n` elements that the caller then overwrites, for buffers reused from one
// partition to the next: past its capacity it is emptied first, so that nothing is copied when
// it grows; within it, only the elements beyond its current size are value-initialized (clearing
// first would write all `n` again, on one thread).
template <class Vector>
void resize_for_overwrite(Vector& v, size_t n) {
  if (n > v.capacity()) v.clear();
  v.resize(n);
}

}  // namespace ehrtok
