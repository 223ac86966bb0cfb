#include "sources/file_source.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

namespace keyhound {

int open_long_path(const std::string& path, int flags) {
  if (path.size() < PATH_MAX) return ::open(path.c_str(), flags);
  size_t pos = 0;
  int dfd = AT_FDCWD;
  if (path[0] == '/') {
    dfd = ::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return -1;
    pos = 1;
  }
  auto fail = [&](int err) {
    if (dfd != AT_FDCWD) ::close(dfd);
    errno = err;
    return -1;
  };
  for (;;) {
    while (pos < path.size() && path[pos] == '/') ++pos;
    if (path.size() - pos < PATH_MAX) {
      int fd = ::openat(dfd, path.c_str() + pos, flags);
      int err = errno;
      if (dfd != AT_FDCWD) ::close(dfd);
      errno = err;
      return fd;
    }
    // The longest piece that ends at a '/' and fits in PATH_MAX.
    size_t cut = path.rfind('/', pos + PATH_MAX - 2);
    if (cut == std::string::npos || cut <= pos) return fail(ENAMETOOLONG);
    std::string piece = path.substr(pos, cut - pos);
    int nfd = ::openat(dfd, piece.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (nfd < 0) return fail(errno);
    if (dfd != AT_FDCWD) ::close(dfd);
    dfd = nfd;
    pos = cut + 1;
  }
}

int open_named_stream(const std::string& path, int wait_ms, std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return -1;
  }
  struct pollfd p = {fd, POLLIN, 0};
  int n;
  while ((n = ::poll(&p, 1, wait_ms)) < 0 && errno == EINTR) {
  }
  if (n <= 0) {
    error = n == 0 ? "nothing to read after " + std::to_string(wait_ms / 1000) + " s (a pipe with no writer?)"
                   : std::strerror(errno);
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

bool is_stream_path(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return false;
  return S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode);
}

OpenedFile open_for_scan(const std::string& path, bool follow_symlink) {
  OpenedFile f;
  // O_NONBLOCK: opening a FIFO planted after the walk must not wait for a writer. It has no
  // effect on reads from a regular file, so it stays set (no fcntl round trip per file).
  int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (follow_symlink ? 0 : O_NOFOLLOW);
  f.fd = open_long_path(path, flags);
  if (f.fd < 0) {
    if (errno == ELOOP) f.skip = SkipReason::Symlink;
    else f.error = path + ": cannot open: " + std::strerror(errno);
    return f;
  }
  struct stat st;
  if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(f.fd);
    f.fd = -1;
    f.skip = SkipReason::SpecialFile;
    return f;
  }
  f.size = static_cast<uint64_t>(st.st_size);
  return f;
}

bool read_into(int fd, uint64_t size_hint, uint64_t max, ReadBuffer& buf, std::string& error) {
  // Asks for one byte more than the size seen at open: a read that returns exactly the size
  // seen is at EOF for a regular file, so a file that did not change costs one read(2). A file
  // that grew is read on to its real end (bounded by max); one that shrank ends early.
  uint64_t want = std::min<uint64_t>(size_hint, max);
  buf.reserve(static_cast<size_t>(want) + 1);
  size_t have = 0;
  while (have < max) {
    buf.set_size(have);  // what a larger buffer must keep
    if (have == buf.capacity()) buf.reserve(static_cast<size_t>(std::min<uint64_t>(max, buf.capacity() * 2)));
    size_t ask = static_cast<size_t>(std::min<uint64_t>(buf.capacity() - have, max - have));
    ssize_t n = ::read(fd, buf.data() + have, ask);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      buf.set_size(0);
      return false;
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
    if (have == size_hint && static_cast<size_t>(n) < ask) break;  // short read at the seen size: EOF
  }
  buf.set_size(have);
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
