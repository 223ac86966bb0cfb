#include "report/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace keyhound {

OutputFile::~OutputFile() {
  if (own_ && fd_ >= 0) ::close(fd_);
}

bool OutputFile::open(const std::string& path, std::string& error) {
  own_ = !(path.empty() || path == "-");
  path_ = path;
  if (!own_) {
    fd_ = 1;
    return true;
  }
  // O_NOFOLLOW: a symlink at the path makes open fail instead of writing through it.
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    error = path + ": cannot write output: " +
            (errno == ELOOP ? std::string("refusing to follow a symlink") : std::strerror(errno));
    return false;
  }
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
    ::close(fd_);
    fd_ = -1;
    error = path + ": cannot write output: not a regular file";
    return false;
  }
  if (S_ISREG(st.st_mode)) ::fchmod(fd_, 0600);  // an existing file keeps no wider mode
  return true;
}

bool OutputFile::write(std::string_view data, std::string& error) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd_, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = (own_ ? path_ : std::string("stdout")) + ": write failed: " + std::strerror(errno);
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

bool OutputFile::close(std::string& error) {
  if (!own_ || fd_ < 0) return true;
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    error = path_ + ": write failed: " + std::strerror(errno);
    return false;
  }
  return true;
}

OutputStreamBuf::OutputStreamBuf(OutputFile& out) : out_(out), buf_(1 << 16) {
  setp(buf_.data(), buf_.data() + buf_.size());
}

OutputStreamBuf::~OutputStreamBuf() { drain(); }

bool OutputStreamBuf::drain() {
  size_t n = static_cast<size_t>(pptr() - pbase());
  if (n && error_.empty()) out_.write(std::string_view(pbase(), n), error_);
  setp(buf_.data(), buf_.data() + buf_.size());
  return error_.empty();
}

OutputStreamBuf::int_type OutputStreamBuf::overflow(int_type ch) {
  if (!drain()) return traits_type::eof();
  if (!traits_type::eq_int_type(ch, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(ch);
    pbump(1);
  }
  return traits_type::not_eof(ch);
}

int OutputStreamBuf::sync() { return drain() ? 0 : -1; }

bool write_output(const std::string& path, const std::string& data, std::string& error) {
  OutputFile out;
  return out.open(path, error) && out.write(data, error) && out.close(error);
}

}  // namespace keyhound
