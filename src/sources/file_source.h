// Reads file contents for scanning: whole (small files) or in fixed-size chunks (large files,
// stdin). Never blocks on FIFOs and never follows a symlink planted after the walk.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace keyhound {

struct OpenedFile {
  int fd = -1;
  uint64_t size = 0;
  std::string error;   // one line naming the path, when fd < 0
  std::string skip;    // skip reason when the path is not a regular file any more
};

// open(2) that also works for paths longer than PATH_MAX (a very deep tree): the path is opened
// piece by piece with openat. `flags` apply to the last component.
int open_long_path(const std::string& path, int flags);
// Opens a regular file read-only (O_NOFOLLOW, O_NONBLOCK, re-checked with fstat).
OpenedFile open_for_scan(const std::string& path, bool follow_symlink);
// Reads to EOF (a file may have grown or shrunk since the walk), at most `max` bytes.
// Returns false and sets `error` on a read error.
bool read_all(int fd, uint64_t max, std::string& out, std::string& error);
// Reads to EOF in chunks of `chunk` bytes, calling `on_chunk` for each; at most `max` bytes.
bool read_chunks(int fd, size_t chunk, uint64_t max, const std::function<void(std::string_view)>& on_chunk,
                 std::string& error);

}  // namespace keyhound
