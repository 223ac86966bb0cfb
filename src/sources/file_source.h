// Reads file contents for scanning: whole (small files) or in fixed-size chunks (large files,
// stdin). Never blocks on FIFOs and never follows a symlink planted after the walk.
#pragma once
#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <new>

#include "base/huge_buffer.h"
#include "findings/skip_reason.h"

namespace keyhound {

struct OpenedFile {
  int fd = -1;
  uint64_t size = 0;
  std::string error;   // one line naming the path, when fd < 0
  std::optional<SkipReason> skip;  // when the path is not a regular file any more
};

// open(2) that also works for paths longer than PATH_MAX (a very deep tree): the path is opened
// piece by piece with openat. `flags` apply to the last component.
int open_long_path(const std::string& path, int flags);
// Opens a regular file read-only (O_NOFOLLOW, O_NONBLOCK, re-checked with fstat).
OpenedFile open_for_scan(const std::string& path, bool follow_symlink);
// True if `path` (symlinks followed, as for a path the user named) is a pipe, character device
// or socket: `scan <(cmd)`, `scan /dev/stdin`. Such a path is read as a stream, like stdin.
bool is_stream_path(const std::string& path);
// Opens such a path for reading without ever blocking in open(2) (a FIFO with no writer):
// waits at most `wait_ms` for something to read, then returns a blocking fd. -1 and `error`
// (naming nothing: the caller names the path) when it cannot be opened or nothing came.
int open_named_stream(const std::string& path, int wait_ms, std::string& error);
// A growable byte buffer that is reused from file to file by one thread: never zero-filled,
// never shrunk, so reading a small file costs no allocation and no memset; a large one is
// mapped in huge pages (base/huge_buffer.h).
class ReadBuffer {
 public:
  void reserve(size_t n) {
    if (n > buf_.capacity() && !buf_.reserve(n, size_)) throw std::bad_alloc();
  }
  char* data() { return buf_.data(); }
  size_t capacity() const { return buf_.capacity(); }
  void set_size(size_t n) { size_ = n; }
  std::string_view view() const { return {buf_.data(), size_}; }
  // Gives the memory back after an unusually large file, so a thread keeps at most `limit`.
  void shrink_to(size_t limit) {
    if (buf_.capacity() <= limit) return;
    buf_.release();
    size_ = 0;
  }

 private:
  HugeBuffer buf_;
  size_t size_ = 0;
};

// Reads to EOF into `buf` (a file may have grown or shrunk since the walk), at most `max`
// bytes; `size_hint` is the size fstat saw. Returns false and sets `error` on a read error.
bool read_into(int fd, uint64_t size_hint, uint64_t max, ReadBuffer& buf, std::string& error);
// Reads to EOF in chunks of `chunk` bytes, calling `on_chunk` for each; at most `max` bytes.
bool read_chunks(int fd, size_t chunk, uint64_t max, const std::function<void(std::string_view)>& on_chunk,
                 std::string& error);

}  // namespace keyhound
