// Growable, uninitialised byte buffers that large sizes map in 2 MiB pages where the kernel
// gives them: on a virtual machine the first touch of every 4 KiB page costs a fault (about
// 4 ms per MB here, more than reading or inflating the bytes), a huge page one per 2 MiB.
#pragma once
#include <cstddef>

namespace keyhound {

class HugeBuffer {
 public:
  HugeBuffer() = default;
  ~HugeBuffer() { release(); }
  HugeBuffer(const HugeBuffer&) = delete;
  HugeBuffer& operator=(const HugeBuffer&) = delete;
  HugeBuffer(HugeBuffer&& o) noexcept : p_(o.p_), cap_(o.cap_), mapped_(o.mapped_) { o.p_ = nullptr, o.cap_ = 0; }
  HugeBuffer& operator=(HugeBuffer&& o) noexcept;

  char* data() const { return p_; }
  size_t capacity() const { return cap_; }
  // Room for at least `n` bytes (the first `keep` kept); false when memory ran out. Grows by
  // at least doubling, so a buffer reused for ever larger items is reallocated rarely.
  bool reserve(size_t n, size_t keep = 0);
  void release();

 private:
  char* p_ = nullptr;
  size_t cap_ = 0;
  bool mapped_ = false;  // mmap'ed (large) rather than from the heap
};

}  // namespace keyhound
