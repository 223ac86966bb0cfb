#include "base/heap_warmup.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#if defined(__SANITIZE_ADDRESS__)
#define KEYHOUND_OWN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KEYHOUND_OWN_ALLOCATOR 1
#endif
#endif

namespace keyhound {

void warm_heap() {
#ifndef KEYHOUND_OWN_ALLOCATOR
  // Setting any malloc parameter turns off glibc's sliding mmap threshold, so it is set here
  // to the most that sliding would reach on its own (32 MiB on 64-bit): blocks below it come
  // from the heap, as they do once a long run has freed one large block. The big buffers (whole
  // files, inflated archives) are mapped by base/huge_buffer anyway.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);  // likewise: twice the threshold, as sliding sets it
  // Each time the main heap grows, it grows by this much more: the first growth below covers
  // what a short run uses, and the pad stays when blocks are freed.
  mallopt(M_TOP_PAD, 1 << 20);
  // Larger than what start-up left free at the heap's top, so the heap grows now, by this
  // block and the pad; both are mapped, and the block goes back to the top when freed.
  void* p = std::malloc(256 << 10);
  if (!p) return;
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  uintptr_t from = (reinterpret_cast<uintptr_t>(p) + page - 1) & ~(page - 1);
  uintptr_t top = reinterpret_cast<uintptr_t>(sbrk(0));
  // Only the main heap's top, and at most 2 MiB of it: p may come from elsewhere (an mmapped
  // heap when brk failed), and then nothing is touched.
  if (top > from && top - from <= (2u << 20))
    madvise(reinterpret_cast<void*>(from), top - from, MADV_POPULATE_WRITE);
  std::free(p);
#endif
}

}  // namespace keyhound
