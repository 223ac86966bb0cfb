#include "report/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace keyhound {

bool write_output(const std::string& path, const std::string& data, std::string& error) {
  int fd = 1;
  bool own = !(path.empty() || path == "-");
  if (own) {
    // O_NOFOLLOW: a symlink at the path makes open fail instead of writing through it.
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      error = path + ": cannot write output: " +
              (errno == ELOOP ? std::string("refusing to follow a symlink") : std::strerror(errno));
      return false;
    }
    struct stat st;
    if (::fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
      ::close(fd);
      error = path + ": cannot write output: not a regular file";
      return false;
    }
    if (S_ISREG(st.st_mode)) ::fchmod(fd, 0600);  // an existing file keeps no wider mode
  }
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = (own ? path : std::string("stdout")) + ": write failed: " + std::strerror(errno);
      if (own) ::close(fd);
      return false;
    }
    off += static_cast<size_t>(n);
  }
  if (own && ::close(fd) != 0) {
    error = path + ": write failed: " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace keyhound
