#include "sources/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace keyhound {

OpenedFile open_for_scan(const std::string& path, bool follow_symlink) {
  OpenedFile f;
  int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (follow_symlink ? 0 : O_NOFOLLOW);
  f.fd = ::open(path.c_str(), flags);
  if (f.fd < 0) {
    if (errno == ELOOP) f.skip = "symlink";
    else f.error = path + ": cannot open: " + std::strerror(errno);
    return f;
  }
  struct stat st;
  if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(f.fd);
    f.fd = -1;
    f.skip = "special file";
    return f;
  }
  // Regular files never block; clear O_NONBLOCK so reads behave normally.
  ::fcntl(f.fd, F_SETFL, ::fcntl(f.fd, F_GETFL) & ~O_NONBLOCK);
  f.size = static_cast<uint64_t>(st.st_size);
  return f;
}

bool read_all(int fd, uint64_t max, std::string& out, std::string& error) {
  out.clear();
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) out.reserve(std::min<uint64_t>(st.st_size, max) + 1);
  char buf[1 << 16];
  while (out.size() < max) {
    ssize_t n = ::read(fd, buf, std::min<uint64_t>(sizeof buf, max - out.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      return false;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return true;
}

bool read_chunks(int fd, size_t chunk, uint64_t max, const std::function<void(std::string_view)>& on_chunk,
                 std::string& error) {
  std::vector<char> buf(chunk);
  uint64_t total = 0;
  while (total < max) {
    size_t have = 0;
    // Fill a whole chunk (pipes return short reads) so chunk boundaries are predictable.
    while (have < chunk && total + have < max) {
      ssize_t n = ::read(fd, buf.data() + have, std::min<uint64_t>(chunk - have, max - total - have));
      if (n < 0) {
        if (errno == EINTR) continue;
        error = std::strerror(errno);
        return false;
      }
      if (n == 0) break;
      have += static_cast<size_t>(n);
    }
    if (have == 0) break;
    on_chunk(std::string_view(buf.data(), have));
    total += have;
    if (have < chunk) break;
  }
  return true;
}

}  // namespace keyhound
