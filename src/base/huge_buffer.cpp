#include "base/huge_buffer.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>

namespace keyhound {

namespace {
constexpr size_t kHuge = 2u << 20;
// From this size on a buffer is mapped in huge pages; smaller ones come from the heap.
constexpr size_t kMapFrom = 1u << 20;
}  // namespace

HugeBuffer& HugeBuffer::operator=(HugeBuffer&& o) noexcept {
  if (this != &o) {
    release();
    p_ = o.p_, cap_ = o.cap_, mapped_ = o.mapped_;
    o.p_ = nullptr, o.cap_ = 0;
  }
  return *this;
}

bool HugeBuffer::reserve(size_t n, size_t keep) {
  if (n <= cap_ && p_) return true;
  size_t want = std::max(n, cap_ * 2);
  char* p = nullptr;
  bool mapped = want >= kMapFrom;
  if (mapped) {
    // Aligned to 2 MiB (map one more and trim) so every page of it can be a huge one.
    want = (want + kHuge - 1) & ~(kHuge - 1);
    void* m = ::mmap(nullptr, want + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return false;
    auto base = reinterpret_cast<uintptr_t>(m);
    uintptr_t aligned = (base + kHuge - 1) & ~(uintptr_t{kHuge} - 1);
    if (aligned > base) ::munmap(m, aligned - base);
    if (base + kHuge > aligned) ::munmap(reinterpret_cast<void*>(aligned + want), base + kHuge - aligned);
    p = reinterpret_cast<char*>(aligned);
    ::madvise(p, want, MADV_HUGEPAGE);
  } else {
    p = new (std::nothrow) char[want];  // uninitialised on purpose
    if (!p) return false;
  }
  if (keep && p_) std::memcpy(p, p_, std::min(keep, cap_));
  release();
  p_ = p, cap_ = want, mapped_ = mapped;
  return true;
}

void HugeBuffer::release() {
  if (!p_) return;
  if (mapped_) ::munmap(p_, cap_);
  else delete[] p_;
  p_ = nullptr, cap_ = 0;
}

}  // namespace keyhound
